"""The last model learned, kept in the library (the store's rank_model) so that a ranking
of an unchanged library does not learn it again: learning reads every decision and the
terms of thousands of papers and fits them, which costs more than ranking a library of a
hundred thousand papers does, and most listings follow no new decision.

A model is kept with what it was learned for: the user's decisions (state_stamp), the
papers (import_stamp: imports bring papers and change their text; any other write that
does moves state_stamp) and every rule and knob of learning and of the terms. Any of them
moved, it is learned again. What is read back is checked, never trusted: a model that
does not make sense is learned again, not an error.

A model packs as a little-endian uint32 (the length of a JSON header: fitted, basis,
stamp, bias, the idf of a bucket no training paper has, and how many buckets follow),
the header, then the buckets (uint32), their idf and their weights (float32 each): the
buckets any training paper has, a tenth of all, so that it is small to read.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from readlist.core.rank import fit, terms
from readlist.core.rank.model import F32Array, Model

if TYPE_CHECKING:
    from readlist.core.store import Store


def learned_for(store: Store, knobs: dict[str, float]) -> str:
    """What a model learned now would be learned for (see the module's docstring)."""
    rules = {
        **knobs,
        "terms": terms.TERMS_VERSION,
        "pairs": terms.PAIRS,
        "bucket_bits": terms.BUCKET_BITS,
        "l2": fit.L2,
        "iterations": fit.ITERATIONS,
        "power_steps": fit.POWER_STEPS,
    }
    return json.dumps(
        {"state": store.state_stamp(), "imports": store.import_stamp(), "rules": rules},
        sort_keys=True,
    )


def packed(model: Model) -> bytes:
    """A model as the library keeps it."""
    unseen = float(model.idf_of.max())
    known = np.flatnonzero((model.idf_of != np.float32(unseen)) | (model.weight_of != 0))
    header = json.dumps(
        {
            "fitted": model.fitted,
            "basis": model.basis,
            "stamp": model.stamp,
            "bias": model.bias,
            "unseen": unseen,
            "known": int(known.size),
        }
    ).encode()
    return b"".join(
        (
            len(header).to_bytes(4, "little"),
            header,
            known.astype("<u4").tobytes(),
            model.idf_of[known].astype("<f4").tobytes(),
            model.weight_of[known].astype("<f4").tobytes(),
        )
    )


def unpacked(blob: bytes) -> Model | None:
    """A kept model, None when the blob does not make sense."""
    try:
        size = int.from_bytes(blob[:4], "little")
        header = json.loads(blob[4 : 4 + size])
        count = int(header["known"])
        arrays = np.frombuffer(blob, dtype="<u4", offset=4 + size)
        if arrays.size != 3 * count:
            return None
        known = arrays[:count].astype(np.intp)
        if count and int(known.max()) >= terms.BUCKETS:
            return None
        idf = _dense(float(header["unseen"]), known, arrays[count : 2 * count])
        weights = _dense(0.0, known, arrays[2 * count :])
        return Model(
            fitted=bool(header["fitted"]),
            basis=str(header["basis"]),
            stamp=int(header["stamp"]),
            weight_of=weights,
            idf_of=idf,
            bias=float(header["bias"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def _dense(otherwise: float, known: np.ndarray, raw: np.ndarray) -> F32Array:
    dense = np.full(terms.BUCKETS, otherwise, dtype=np.float32)
    dense[known] = raw.view("<f4")
    dense.flags.writeable = False
    return dense
