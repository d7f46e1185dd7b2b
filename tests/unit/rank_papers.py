"""A small hand-made library for the ranker's tests: papers on four topics, each with
its own words and its own authors, imported from the Hugging Face JSON (each paper its
own arXiv id, so none merge). Paper ids run from 1 in TOPICS' order, PER_TOPIC a topic:
ids_of("diffusion") are 1 to PER_TOPIC."""

from __future__ import annotations

import json
import random
from pathlib import Path

from readlist.core.ingest.importer import Importer
from readlist.core.store import Store
from tests.conftest import NOW

PER_TOPIC = 10
# topic -> (its words, its authors)
TOPICS: dict[str, tuple[str, list[str]]] = {
    "diffusion": (
        "diffusion denoising score sampler image video generation latent noise "
        "schedule guidance text-to-image synthesis",
        ["Kaiming He", "Jonathan Ho", "Robin Rombach"],
    ),
    "robots": (
        "reinforcement policy robot manipulation reward agent locomotion control "
        "grasping simulation sim-to-real embodied",
        ["Sergey Levine", "Pieter Abbeel", "Chelsea Finn"],
    ),
    "language": (
        "language reasoning instruction tokens chain-of-thought prompting alignment "
        "llm dialogue preference decoding pretraining",
        ["Jason Wei", "Denny Zhou", "Percy Liang"],
    ),
    "graphs": (
        "graph molecule protein message-passing node edge chemistry docking "
        "equivariant crystal drug binding",
        ["Jure Leskovec", "Max Welling", "Regina Barzilay"],
    ),
}
_SHARED = "model training benchmark performance data efficient scalable framework evaluation"


def _paper(topic: str, n: int, number: int) -> dict[str, object]:
    words, authors = TOPICS[topic]
    pick = random.Random(f"{topic}{n}")
    own = pick.sample(words.split(), 5)
    shared = pick.sample(_SHARED.split(), 3)
    title = f"{own[0].capitalize()} {own[1]} for {own[2]} {shared[0]} number {number}"
    abstract = (
        f"We study {own[0]} and {own[1]} {shared[1]}. Our {own[2]} {own[3]} improves "
        f"{own[4]} {shared[2]} on a standard {shared[0]} of {own[0]} {own[3]} tasks."
    )
    return {
        "paper": {
            "id": f"2601.{number:05}",
            "title": title,
            "summary": abstract,
            "authors": [{"name": pick.choice(authors)}, {"name": f"Student {number}"}],
        },
        "publishedAt": f"2026-11-{number % 20 + 1:02}T08:00:00.000Z",
    }


def ids_of(topic: str) -> list[int]:
    start = list(TOPICS).index(topic) * PER_TOPIC + 1
    return list(range(start, start + PER_TOPIC))


def topic_of(paper_id: int) -> str:
    return list(TOPICS)[(paper_id - 1) // PER_TOPIC]


def make_library(path: Path) -> Store:
    """A fresh library at `path` of the four topics' papers (ids as ids_of says)."""
    items = [
        _paper(topic, n, index * PER_TOPIC + n + 1)
        for index, topic in enumerate(TOPICS)
        for n in range(PER_TOPIC)
    ]
    store = Store.open(path)
    report = Importer(store, now=NOW).import_bytes(json.dumps(items).encode(), "daily.json")
    assert report.error is None and report.new == len(items), report
    for topic in TOPICS:
        for paper in store.get_many(ids_of(topic)):
            assert topic in TOPICS and paper.title.endswith(f"number {paper.id}")
    return store
