"""The rankers rank_bench.py compares "for you" with, each reading the same library.

A ranker takes the store and the day's paper ids (in listing order) and returns them
best first. The arxiv-sanity-lite replica matches its compute.py and serve.py
(karpathy/arxiv-sanity-lite at d7a303b): the text is title, abstract and author names
joined by spaces; TfidfVectorizer with its every argument (english stop words, its
token pattern, strip_accents, (1, 2)-grams, min_df=5, max_df=0.1, sublinear tf, 20k
features, float32), fitted on every paper of the library; LinearSVC(C=0.01,
class_weight='balanced', max_iter=10000, tol=1e-6) with the starred papers as
positives and every other paper (read or not) as a negative, ranked by
decision_function.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from readlist.core.query import parse_query
from readlist.core.store import Store

Ranker = Callable[[Store, Sequence[int]], list[int]]
ALL = parse_query("")
STARRED = parse_query("is:starred")
TOP_TERMS = 25  # the bm25 baseline's query: the starred papers' most frequent terms
WORD = re.compile(r"[^\W_]+")  # as FTS5's unicode61 tokenizer splits text


def listing(store: Store, day: Sequence[int]) -> list[int]:
    """The day's papers as listed."""
    return list(day)


class Replica:
    """arxiv-sanity-lite's ranking. The tf-idf of a library is fitted once and shared
    by every user of the same papers (arxiv-sanity refits it in a nightly job); the
    SVM is fitted for each ranking, as its server does per request."""

    def __init__(self) -> None:
        self.features: dict[tuple[int, ...], tuple[dict[int, int], Any]] = {}
        self.fit_seconds: list[float] = []

    def _features(self, store: Store) -> tuple[dict[int, int], Any]:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        ids = tuple(sorted(store.iter_ids(ALL)))
        if ids not in self.features:
            papers = store.get_many(ids)
            vectorizer = TfidfVectorizer(
                input="content",
                encoding="utf-8",
                decode_error="replace",
                strip_accents="unicode",
                lowercase=True,
                analyzer="word",
                stop_words="english",
                token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",
                ngram_range=(1, 2),
                max_features=20000,
                norm="l2",
                use_idf=True,
                smooth_idf=True,
                sublinear_tf=True,
                max_df=0.1,
                min_df=5,
            )
            texts = [" ".join([p.title, p.abstract, " ".join(p.meta.authors)]) for p in papers]
            matrix = vectorizer.fit_transform(texts).astype(np.float32)
            self.features[ids] = ({p.id: row for row, p in enumerate(papers)}, matrix)
        return self.features[ids]

    def __call__(self, store: Store, day: Sequence[int]) -> list[int]:
        import numpy as np
        from sklearn.svm import LinearSVC

        rows, matrix = self._features(store)
        start = time.perf_counter()
        labels = np.zeros(matrix.shape[0])
        for paper_id in store.iter_ids(STARRED):
            labels[rows[paper_id]] = 1.0
        svm = LinearSVC(class_weight="balanced", verbose=0, max_iter=10000, tol=1e-6, C=0.01)
        svm.fit(matrix, labels)
        scores = svm.decision_function(matrix[[rows[i] for i in day]])
        self.fit_seconds.append(time.perf_counter() - start)
        order = np.argsort(-scores, kind="stable")
        return [day[i] for i in order]


def top_terms(store: Store, k: int = TOP_TERMS) -> list[str]:
    """The starred papers' k most frequent words (title and abstract), stop words out."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    counts: Counter[str] = Counter()
    for paper in store.get_many(list(store.iter_ids(STARRED))):
        words = WORD.findall(f"{paper.title} {paper.abstract}".lower())
        counts.update(w for w in words if w not in ENGLISH_STOP_WORDS and len(w) > 1)
    return [word for word, _ in counts.most_common(k)]


def bm25(store: Store, day: Sequence[int]) -> list[int]:
    """Plain FTS5: the starred papers' top terms OR'ed against papers_fts, by bm25; the
    papers it does not match follow, as listed."""
    terms = top_terms(store)
    if not terms:
        return list(day)
    match = " OR ".join(f'"{t}"' for t in terms)
    conn = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    try:
        found = [
            row[0]
            for row in conn.execute(
                "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?"
                " AND rowid IN (SELECT value FROM json_each(?)) ORDER BY bm25(papers_fts)",
                (match, "[" + ",".join(map(str, day)) + "]"),
            )
        ]
    finally:
        conn.close()
    matched = set(found)
    return found + [i for i in day if i not in matched]
