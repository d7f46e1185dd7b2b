"""One paper as a reference manager's entry: BibTeX, CSL-JSON or RIS, under a given key.

The three say the same things where each has a place for them. A paper with an arXiv id is
a preprint, in the shape arXiv's "Export BibTeX" and Zotero's arXiv items give: its
authors, the year it was published (never the day readlist saw it), the id and the link.
A paper without ids still has an entry, with no author or year made up for it.

The user's note goes where the reference manager keeps notes rather than where styles
print: BibTeX `annote` (no standard style prints it; Zotero and JabRef import it as a
note), RIS `N1` (Zotero's child note), CSL-JSON `note` (CSL-JSON has no child notes;
Zotero files `note` in the item's Extra field, and keeps no other free text it is given).
"""

from __future__ import annotations

import json
import re

from readlist.core.citekeys import last_name
from readlist.core.latex import latex_text, plain_line, plain_lines
from readlist.core.models import Paper, PaperMeta

__all__ = ["bibtex_entry", "csl_item", "ris_entry", "split_name"]

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Characters a URL or an id must not bring into a BibTeX field or a Markdown link:
# braces would unbalance the entry, the rest would end or escape the value.
_URL_UNSAFE = re.compile(r"[{}\\\s<>\"`\x00-\x1f\x7f]")


def _date_parts(published: str | None) -> list[int]:
    match = _DATE.match(published or "")
    return [int(part) for part in match.groups() if part] if match else []


def safe_url(url: str) -> str:
    """The URL with whatever would break out of a field or a link percent-encoded."""
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), url.strip())


def split_name(author: str) -> tuple[str, str, str]:
    """(family, given, suffix) as Zotero splits an arXiv listing's "Given Family Jr.";
    ("", name, "") for a one-word name."""
    name = plain_line(author)
    family = last_name(name)
    if "," in name and name.split(",", 1)[0].strip() == family:
        return family, name.split(",", 1)[1].strip(), ""
    if family == name:
        return "", name, ""
    at = name.rindex(family)
    return family, name[:at].strip(), name[at + len(family) :].strip()


# --- BibTeX ----------------------------------------------------------------------------

_AND = re.compile(r"\band\b", re.IGNORECASE)
# bibtexparser takes an @ that opens a line for the start of an entry, even inside a
# value: such an @ is braced ({@} prints as @, and every parser reads it back as @).
_LINE_AT = re.compile(r"^([ \t]*)@", re.MULTILINE)


def _bib_name(author: str) -> str:
    """A name BibTeX reads as one person, each word where it stands: braced whole when
    it holds the word "and" (which would split it) or a comma (which would turn it
    round)."""
    name = latex_text(plain_line(author))
    return f"{{{name}}}" if _AND.search(author) or "," in author else name


def _bib_lines(text: str) -> str:
    """Lines of text as one BibTeX value, none of them opening with a bare @."""
    return _LINE_AT.sub(r"\1{@}", latex_text(text))


def _bib_fields(paper: Paper) -> list[tuple[str, str]]:
    meta = paper.meta
    fields: list[tuple[str, str]] = []
    if title := plain_line(paper.title):
        # Double braces keep BibTeX styles from lower-casing the title.
        fields.append(("title", "{" + latex_text(title) + "}"))
    names = [_bib_name(a) for a in meta.authors if plain_line(a)]
    if names:
        fields.append(("author", " and ".join(names)))
    if year := _date_parts(meta.published)[:1]:
        fields.append(("year", str(year[0])))
    if meta.arxiv_id:
        fields += [("eprint", safe_url(meta.arxiv_id)), ("archivePrefix", "arXiv")]
        if meta.primary_class:
            fields.append(("primaryClass", latex_text(plain_line(meta.primary_class))))
    if meta.page_url:
        fields.append(("url", safe_url(meta.page_url)))
    if meta.doi:
        fields.append(("doi", safe_url(meta.doi)))
    if abstract := plain_lines(paper.abstract):
        fields.append(("abstract", _bib_lines(abstract)))
    if note := plain_lines(paper.note):
        fields.append(("annote", _bib_lines(note)))
    if paper.tags:  # as JabRef and Zotero write them
        fields.append(("keywords", ", ".join(latex_text(tag) for tag in paper.tags)))
    return fields


def bibtex_entry(paper: Paper, key: str) -> str:
    """`@misc{key, ...}`: arXiv's own shape (`eprint`, `archivePrefix`, `primaryClass`)
    for a preprint, with the abstract, and the user's note in `annote`."""
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in _bib_fields(paper))
    return f"@misc{{{key},\n{body}\n}}\n" if body else f"@misc{{{key}}}\n"


# --- CSL-JSON --------------------------------------------------------------------------


def _csl_name(author: str) -> dict[str, str]:
    family, given, suffix = split_name(author)
    if not family:
        return {"literal": given}
    name = {"family": family, "given": given, "suffix": suffix}
    return {part: text for part, text in name.items() if text}


def csl_item(paper: Paper, key: str) -> str:
    """One CSL-JSON item, as Zotero writes an arXiv preprint: type "article" (CSL's
    preprint), `number` "arXiv:ID" and `publisher` "arXiv"."""
    meta: PaperMeta = paper.meta
    item: dict[str, object] = {"id": key, "citation-key": key, "type": "article"}
    if title := plain_line(paper.title):
        item["title"] = title
    names = [_csl_name(a) for a in meta.authors if plain_line(a)]
    if names:
        item["author"] = names
    if parts := _date_parts(meta.published):
        item["issued"] = {"date-parts": [parts]}
    if paper.abstract.strip():
        item["abstract"] = paper.abstract.strip()
    if meta.arxiv_id:
        item["number"] = f"arXiv:{meta.arxiv_id}"
        item["publisher"] = "arXiv"
    if meta.doi:
        item["DOI"] = meta.doi
    if meta.page_url:
        item["URL"] = meta.page_url
    if paper.note.strip():
        item["note"] = paper.note
    if paper.tags:  # CSL's keyword is one string, comma-joined as Zotero writes it
        item["keyword"] = ", ".join(paper.tags)
    return json.dumps(item, ensure_ascii=False)


# --- RIS -------------------------------------------------------------------------------


def _ris_name(author: str) -> str:
    """ "Family, Given, Suffix", the form RIS asks for; a one-word name as it is."""
    family, given, suffix = split_name(author)
    return ", ".join(part for part in (family, given, suffix) if part)


def ris_entry(paper: Paper, key: str) -> str:
    """One RIS record: `UNPB` (unpublished work) for a preprint, `GEN` for the rest.

    Every value is one line: RIS readers join a record's continuation lines with spaces,
    and a line of a note that looked like a tag ("ER  - ") would end the record."""
    meta = paper.meta
    lines = [("TY", "UNPB" if meta.arxiv_id else "GEN"), ("ID", key)]
    lines.append(("TI", plain_line(paper.title)))
    lines += [("AU", _ris_name(a)) for a in meta.authors]
    parts = _date_parts(meta.published)
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{p:02d}" for p in parts) + "/" * (3 - len(parts))))
    lines.append(("AB", plain_line(paper.abstract)))
    if meta.arxiv_id:
        lines += [("PB", "arXiv"), ("AN", f"arXiv:{plain_line(meta.arxiv_id)}")]
    if meta.page_url:
        lines.append(("UR", safe_url(meta.page_url)))
    if meta.doi:
        lines.append(("DO", plain_line(meta.doi)))
    lines.append(("N1", plain_line(paper.note)))
    lines += [("KW", tag) for tag in paper.tags]
    body = "".join(f"{tag}  - {value}\n" for tag, value in lines if value)
    return body + "ER  - \n\n"
