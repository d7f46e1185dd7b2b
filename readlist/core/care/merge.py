"""Merging duplicates, splitting them again, and keeping pairs apart: the front door the
CLI and the app call, each step one transaction.

A merge loses nothing: the kept paper is starred if either was, read if either was,
has both notes (joined under a line naming the other paper, unless the same), both
papers' tags and triage skips (summed, as of the later), every listing and variant
title, the other's blocking keys (a later listing of either title finds it), and the
identity fields it lacked. The merged paper's row goes; `merges.record` keeps
everything it had, so that a split gives each paper back its own state.

A split keeps what the user did after the merge. Field by field, the kept paper goes
back to its state before the merge only where the field is still as the merge left it:
a star, read mark or note changed since, an identity field a later import updated, and
a tag added or put on again since, stay; skips made since stay with the kept paper,
less the merged paper's. The merged paper comes back as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from readlist.core.errors import MergeError, UnknownPaperError
from readlist.core.models import DuplicateCandidate
from readlist.core.store import PAPER_FIELDS_FILLED, RowDict, Store, check_note_size

_NO_STATE: RowDict = {
    "read": 0,
    "starred": 0,
    "note": "",
    "read_at": None,
    "starred_at": None,
    "note_at": None,
}
# The state's fields, each with the time it was set: they go together.
_STATE_FIELDS = (("read", "read_at"), ("starred", "starred_at"), ("note", "note_at"))


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What a merge did, for the line the CLI and the app say."""

    kept_id: int
    title: str
    merged_ids: tuple[int, ...]
    starred: bool  # the kept paper is starred because a merged one was
    read: bool  # likewise read
    notes_joined: bool
    tags_added: int

    def what_changed(self) -> str:
        """ "starred, notes joined", or "" when the kept paper's state is as it was."""
        parts = []
        if self.starred:
            parts.append("starred")
        if self.read:
            parts.append("read")
        if self.notes_joined:
            parts.append("notes joined")
        if self.tags_added:
            parts.append(f"{self.tags_added} tag{'s' * (self.tags_added != 1)} added")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Restored:
    """A paper a split brought back: its id before the merge, and now (another when its
    old id was taken meanwhile)."""

    old_id: int
    new_id: int
    title: str


@dataclass(frozen=True, slots=True)
class SplitResult:
    kept_id: int
    restored: tuple[Restored, ...]


def join_notes(kept: str, other: str, other_id: int, other_title: str) -> str:
    """The kept paper's note and the other's, one after the other under a line naming
    the other paper, so that whoever reads it knows where each part came from; one note
    when they are the same or one is empty."""
    if not other or other == kept:
        return kept
    if not kept:
        return other
    # Both notes byte for byte: the line between them starts a line of its own.
    gap = "\n" if kept.endswith("\n") else "\n\n"
    return f"{kept}{gap}--- note from paper {other_id}: {other_title} ---\n{other}"


def combined_state(
    kept: RowDict | None, other: RowDict | None, other_id: int, title: str
) -> RowDict | None:
    """The kept paper's state after taking in the other's: read or starred if either
    was (the time the kept one's, else the other's), the notes joined."""
    if other is None:
        return kept
    mine = dict(kept or _NO_STATE)
    for flag, at in _STATE_FIELDS[:2]:
        if not mine[flag] and other[flag]:
            mine[flag], mine[at] = other[flag], other[at]
    note = join_notes(mine["note"], other["note"], other_id, title)
    if note != mine["note"]:
        mine["note"], mine["note_at"] = (
            note,
            other["note_at"] if not mine["note"] else mine["note_at"],
        )
    return mine


def restored_state(before: RowDict | None, after: RowDict | None, now: RowDict | None) -> RowDict:
    """The kept paper's state on a split: each field back as it was `before` the merge
    where it is still as the merge left it (`after`), else as the user has made it."""
    before, after, now = before or _NO_STATE, after or _NO_STATE, now or _NO_STATE
    state = dict(now)
    for field, at in _STATE_FIELDS:
        if now[field] == after[field]:
            state[field], state[at] = before[field], before[at]
    return state


def combined_skips(kept: RowDict | None, other: RowDict | None) -> RowDict | None:
    """Both papers' skips as one: the times summed, as of the later."""
    if kept is None or other is None:
        return kept or other
    return {
        "times": kept["times"] + other["times"],
        "skipped_at": max(kept["skipped_at"], other["skipped_at"]),
    }


def restored_skips(record: RowDict, now: RowDict | None) -> RowDict | None:
    """The kept paper's skips on a split: as before the merge while still as the merge
    left them; else those made since stay, less the merged paper's."""
    if now == record["kept_skips_after"]:
        before: RowDict | None = record["kept_skips_before"]
        return before
    if now is None:  # undone since, every one
        return None
    theirs = record["owned"]["skips"]
    return dict(now, times=now["times"] - (theirs["times"] if theirs else 0))


def _missing(value: object) -> bool:
    return value is None or value == ""


def _require(store: Store, paper_id: int) -> RowDict:
    row = store.paper_row(paper_id)
    if row is None:
        raise UnknownPaperError(f"no paper with id {paper_id}")
    return row


def merge(store: Store, keep_id: int, other_ids: Iterable[int]) -> MergeResult:
    """Merge the other papers into `keep_id`, in one transaction (see the module)."""
    others = list(dict.fromkeys(other_ids))
    if not others:
        raise MergeError(f"name a paper to merge into paper {keep_id}")
    if keep_id in others:
        raise MergeError(f"cannot merge paper {keep_id} into itself")
    with store.transaction():
        before = store.state_row(keep_id)
        kept_tags = len(store.tag_stamps(keep_id))
        _require(store, keep_id)
        for other in others:
            _require(store, other)
        trashed = sorted(store.in_trash([keep_id, *others]))
        if trashed:  # hidden there, a star or note merged in would go with the trash
            ids = " ".join(map(str, trashed))
            raise MergeError(
                f"paper {ids} is in the trash (readlist restore {ids} first); nothing changed"
                if len(trashed) == 1
                else f"papers {ids} are in the trash (readlist restore {ids} first);"
                " nothing changed"
            )
        joined = False
        for other in others:
            joined |= _merge_one(store, keep_id, other)
        after = store.state_row(keep_id) or _NO_STATE
        title = str(_require(store, keep_id)["title"])
        tags_added = len(store.tag_stamps(keep_id)) - kept_tags
    was = before or _NO_STATE
    return MergeResult(
        kept_id=keep_id,
        title=title,
        merged_ids=tuple(others),
        starred=bool(after["starred"]) and not was["starred"],
        read=bool(after["read"]) and not was["read"],
        notes_joined=joined,
        tags_added=tags_added,
    )


def _merge_one(store: Store, keep_id: int, other_id: int) -> bool:
    """Merge one paper into another; True when both had notes, now joined."""
    kept = _require(store, keep_id)
    other = _require(store, other_id)
    kept_state, other_state = store.state_row(keep_id), store.state_row(other_id)
    owned = store.owned_rows(other_id)
    kept_skips = store.skip_row(keep_id)
    kept_tags = store.tag_stamps(keep_id)
    state = combined_state(kept_state, other_state, other_id, str(other["title"]))
    if state is not None:
        check_note_size(keep_id, state["note"])
    filled = {
        name: other[name]
        for name in PAPER_FIELDS_FILLED
        if _missing(kept[name]) and not _missing(other[name])
    }
    if filled:
        filled["meta_from"] = _sources(kept["meta_from"], other["meta_from"], filled)
    title = other["title"] if other["title"] != kept["title"] else None
    abstract = other["abstract"] if other["abstract"] not in ("", kept["abstract"]) else None
    store.move_sightings(other_id, keep_id, title, abstract)
    keys_added = store.move_keys(other_id, keep_id)
    store.drop_pairs_of(other_id)
    swap = {other_id: keep_id}
    reviews_added, apart_added = store.add_pairs(
        [_renamed(r, swap) for r in owned["reviews"] if keep_id not in _pair(r)],
        [_renamed(r, swap) for r in owned["kept_apart"] if keep_id not in _pair(r)],
    )
    tags_added = [t for t in owned["tags"] if str(t["tag"]).casefold() not in kept_tags]
    store.remove_paper(other_id)  # first: the arXiv id it frees may be the kept paper's now
    store.add_tags(keep_id, tags_added)
    skips = combined_skips(kept_skips, owned["skips"])
    if skips != kept_skips:
        store.write_skips(keep_id, skips)
    store.set_paper_fields(keep_id, filled)
    if state is not None and state != kept_state:
        store.write_state(keep_id, state)
    store.recount_seen(keep_id)
    after = _require(store, keep_id)
    store.record_merge(
        keep_id,
        other_id,
        {
            "merged": other,
            "merged_state": other_state,
            "owned": owned,
            "kept_before": {name: kept[name] for name in filled},
            "kept_after": {name: after[name] for name in filled},
            "kept_state_before": kept_state,
            "kept_state_after": store.state_row(keep_id),
            "kept_skips_before": kept_skips,
            "kept_skips_after": skips,
            "keys_added": keys_added,
            "tags_added": tags_added,
            "reviews_added": reviews_added,
            "apart_added": apart_added,
        },
    )
    noted = (kept_state or _NO_STATE)["note"], (other_state or _NO_STATE)["note"]
    return state is not None and all(n.strip() for n in noted) and state["note"] != noted[0]


def _sources(kept: str | None, other: str | None, filled: RowDict) -> str | None:
    """The kept paper's meta_from with the other's sources of the fields it filled."""
    mine: dict[str, Any] = json.loads(kept) if kept else {}
    theirs: dict[str, Any] = json.loads(other) if other else {}
    for name in filled:
        if name in theirs and name not in mine:
            mine[name] = theirs[name]
    return json.dumps(mine) if mine else kept


def _pair(row: RowDict) -> tuple[int, int]:
    return int(row["paper_id"]), int(row["other_id"])


def _renamed(row: RowDict, ids: dict[int, int]) -> RowDict:
    return {
        **row,
        "paper_id": ids.get(row["paper_id"], row["paper_id"]),
        "other_id": ids.get(row["other_id"], row["other_id"]),
    }


def unmerge(store: Store, keep_id: int, merged_id: int) -> Restored:
    """Undo the merge of `merged_id` into `keep_id` (the newest such), in one
    transaction: the app's undo of a merge."""
    with store.transaction():
        found = store.merge_of(keep_id, merged_id)
        if found is None:
            raise MergeError(f"paper {merged_id} is not merged into paper {keep_id}")
        return _undo(store, *found)


def split(store: Store, paper_id: int) -> SplitResult:
    """Undo every merge into the paper, newest first; or, given a merged-in paper's id,
    the merge that took it in. One transaction."""
    with store.transaction():
        exists = store.paper_row(paper_id) is not None
        merges = store.merges_into(paper_id) if exists else []
        if not merges:
            found = None if exists else store.merge_of(None, paper_id)
            if found is None:
                if not exists:
                    raise UnknownPaperError(f"no paper with id {paper_id}")
                raise MergeError(f"paper {paper_id} has no merges to split")
            merges = [found]
        restored = tuple(_undo(store, *m) for m in merges)
    return SplitResult(kept_id=merges[0][1], restored=restored)


def _undo(store: Store, merge_id: int, keep_id: int, merged_id: int, record: RowDict) -> Restored:
    kept = store.paper_row(keep_id)
    if kept is None:
        raise MergeError(
            f"paper {keep_id} has been merged into another since; split that one first"
        )
    back_as = merged_id if store.paper_row(merged_id) is None else store.free_paper_id()
    store.set_paper_fields(
        keep_id,
        {
            name: value
            for name, value in record["kept_before"].items()
            if kept[name] == record["kept_after"][name]
        },
    )
    now = store.state_row(keep_id)
    state = restored_state(record["kept_state_before"], record["kept_state_after"], now)
    if state != (now or _NO_STATE):
        store.write_state(keep_id, state)
    if "kept_skips_after" in record:  # a merge recorded before skips were kept has none
        skips_now = store.skip_row(keep_id)
        skips = restored_skips(record, skips_now)
        if skips != skips_now:
            store.write_skips(keep_id, skips)
    paper = dict(record["merged"], id=back_as)
    if paper.get("arxiv_id") and store.arxiv_holder(paper["arxiv_id"]) is not None:
        paper["arxiv_id"] = None  # another paper holds it now, and an id is one paper's
    owned = record["owned"]
    store.restore_paper(paper, record["merged_state"], owned)
    store.put_back_sightings(keep_id, back_as, owned["sightings"])
    keys = [key for table_keys in owned["keys"].values() for key in table_keys]
    store.put_back_keys(keep_id, back_as, record["keys_added"], keys)
    store.drop_tags(keep_id, record["tags_added"])
    store.drop_pairs(record["reviews_added"], record["apart_added"])
    swap = {merged_id: back_as}
    reviews = [_renamed(r, swap) for r in owned["reviews"]]
    apart = [_renamed(r, swap) for r in owned["kept_apart"]]
    store.add_pairs(
        [r for r in reviews if all(store.paper_row(i) is not None for i in _pair(r))], apart
    )
    store.recount_seen(keep_id)
    store.recount_seen(back_as)
    store.forget_merge(merge_id, merged_id, back_as)
    return Restored(old_id=merged_id, new_id=back_as, title=str(paper["title"]))


def keep_apart(store: Store, a: int, b: int) -> bool:
    """Record that two papers differ: the pair is never offered for review again.
    False when it was already recorded."""
    if a == b:
        raise MergeError(f"cannot keep paper {a} apart from itself")
    with store.transaction():
        _require(store, a)
        _require(store, b)
        return store.keep_apart_pair(a, b)


def forget_kept_apart(store: Store, a: int, b: int) -> bool:
    """Undo keep_apart: the pair may be offered for review again."""
    with store.transaction():
        return store.forget_apart_pair(a, b)


def open_pairs(store: Store) -> list[DuplicateCandidate]:
    """The pairs to review: those dedupe held back, less those kept apart and those
    with a paper in the trash."""
    return store.open_pairs()
