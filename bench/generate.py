"""Deterministic libraries of realistic Daily Papers dumps, for benchmarks.

    python bench/generate.py N OUT_DIR [--seed S] [--shared-passages] [--one-file | --hf-json]

Writes N distinct papers as daily dumps (a few hundred to a few thousand papers
each, blank-line layout with the page header and a date line), and
OUT_DIR/.truth.json saying what was planted:
- about 10% near-duplicates of earlier papers (case, punctuation, British
  spelling, a typo, a revised abstract), which import must merge;
- about 1% look-alikes: a different paper whose title differs from an earlier
  one by a word or a version number, which import must keep apart.

--shared-passages gives most abstracts boilerplate, as templated text has: a long
opening and/or closing passage drawn from a small fixed set, so that thousands of
papers share each abstract's first or last words (dense blocking keys). The papers,
their titles and what is planted are the same as without it: the passages come from
a random stream of their own.

--one-file writes the same papers as ONE dump, OUT_DIR/one.txt, instead of many.

--hf-json writes the same dumps as Hugging Face Daily Papers JSON, one file a day
(OUT_DIR/NNNNN.json, the items `GET /api/daily_papers?date=D` returns), each paper with
an arXiv id (a near-duplicate is the same paper listed again, so it has the id of the
paper it copies; a look-alike has an id of its own), 1 to 7 authors (a few surnames
shared by many, most by few), heavy-tailed upvotes (about 10% without), a published
date a few days before the listing, a GitHub repo for about 30% and a few withdrawn.
The identity comes from a random stream of its own, so the titles and abstracts are
those of the text dumps.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

WORDS = [
    "attention",
    "transformer",
    "diffusion",
    "model",
    "language",
    "vision",
    "reinforcement",
    "policy",
    "reward",
    "agent",
    "token",
    "sparse",
    "dense",
    "mixture",
    "expert",
    "retrieval",
    "augmented",
    "generation",
    "reasoning",
    "chain",
    "thought",
    "graph",
    "neural",
    "network",
    "contrastive",
    "representation",
    "learning",
    "self",
    "supervised",
    "pretraining",
    "finetuning",
    "instruction",
    "alignment",
    "preference",
    "optimization",
    "gradient",
    "descent",
    "stochastic",
    "variational",
    "inference",
    "bayesian",
    "uncertainty",
    "calibration",
    "robustness",
    "adversarial",
    "benchmark",
    "dataset",
    "evaluation",
    "scaling",
    "law",
    "compute",
    "efficient",
    "quantization",
    "pruning",
    "distillation",
    "compression",
    "memory",
    "context",
    "window",
    "long",
    "sequence",
    "state",
    "space",
    "recurrent",
    "convolution",
    "segmentation",
    "detection",
    "tracking",
    "video",
    "audio",
    "speech",
    "multimodal",
    "embedding",
    "latent",
    "autoencoder",
    "flow",
    "matching",
    "score",
    "sampling",
    "denoising",
    "noise",
    "schedule",
    "guidance",
    "classifier",
    "free",
    "prompt",
    "tuning",
    "adapter",
    "lowrank",
    "kernel",
    "operator",
    "physics",
    "informed",
    "molecule",
    "protein",
    "structure",
    "prediction",
    "planning",
    "world",
    "simulation",
    "robot",
    "manipulation",
    "navigation",
    "offline",
    "online",
    "continual",
    "federated",
    "privacy",
    "fairness",
    "interpretability",
    "circuit",
    "probing",
    "hallucination",
    "factuality",
    "code",
    "synthesis",
    "mathematical",
    "theorem",
    "proving",
    "search",
    "tree",
    "beam",
    "decoding",
    "speculative",
    "inference",
    "serving",
    "throughput",
    "latency",
    "hardware",
    "accelerator",
]
TOPICS = [w.capitalize() for w in WORDS]
VERBS = [
    "improves",
    "enables",
    "reduces",
    "scales",
    "unifies",
    "revisits",
    "accelerates",
    "stabilizes",
]
BRITISH = {
    "optimization": "optimisation",
    "generalization": "generalisation",
    "regularization": "regularisation",
    "modeling": "modelling",
    "behavior": "behaviour",
    "normalization": "normalisation",
}
# Boilerplate: each passage is long (well over the 40 letters an abstract blocking key
# reads), and each is shared by thousands of abstracts in a big corpus.
OPENINGS = [
    "In this paper we present a comprehensive study of the problem and propose a novel"
    " framework that addresses the key limitations of existing approaches.",
    "Recent advances in large scale machine learning have led to remarkable progress"
    " across many domains, yet important challenges remain open.",
    "We introduce a simple yet effective method that achieves state of the art results"
    " on a wide range of standard benchmarks with minimal overhead.",
    "Despite significant progress in recent years, current methods still struggle to"
    " generalize beyond the settings they were trained on.",
]
CLOSINGS = [
    "Extensive experiments on multiple benchmarks demonstrate the effectiveness of our"
    " approach. Code and models are publicly available.",
    "Our code, data and trained models will be released to facilitate future research"
    " in this direction.",
    "We hope this work serves as a strong baseline and inspires further research in the community.",
]
# Surnames: a few very common ones (as Wang and Li are among arXiv authors), the rest
# made of syllables, so that most are shared by a handful of papers or by none.
COMMON_SURNAMES = ["Wang", "Li", "Zhang", "Chen", "Liu", "Yang", "Kim", "Smith"]
GIVEN = ["Wei", "Jun", "Anna", "David", "Maria", "Hiro", "Sara", "Omar", "Lena", "Tomas"]
SYLLABLES = ["ka", "ro", "mi", "tan", "vel", "shi", "dor", "lu", "ne", "gar", "pe", "zo"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _title(rng: random.Random) -> str:
    k = rng.randint(3, 6)
    head = " ".join(rng.choice(TOPICS) for _ in range(k))
    if rng.random() < 0.5:
        tail = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6)))
        head = f"{rng.choice(TOPICS)}{rng.randint(1, 99)}: {head} for {tail}"
    if rng.random() < 0.3:
        head = head.replace(rng.choice(head.split()), rng.choice(list(BRITISH)).capitalize(), 1)
    return head


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    words.insert(3, rng.choice(VERBS))
    return " ".join(words).capitalize() + "."


def _abstract(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(6, 10)))


def _typo(rng: random.Random, text: str) -> str:
    """A transposed or dropped letter; never a digit (that would be a new version)."""
    i = rng.randrange(2, max(3, len(text) - 3))
    while not text[i].isalpha():
        i = rng.randrange(2, max(3, len(text) - 3))
    if text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def near_duplicate(rng: random.Random, title: str, abstract: str) -> tuple[str, str]:
    kind = rng.randrange(5)
    if kind == 0:
        return title.upper() if rng.random() < 0.5 else title.lower(), abstract
    if kind == 1:
        return title.replace(":", " -").replace(" for ", ", for "), abstract
    if kind == 2:
        for us, uk in BRITISH.items():
            title = title.replace(us.capitalize(), uk.capitalize())
            abstract = abstract.replace(us, uk)
        return _typo(rng, title), abstract
    if kind == 3:
        return _typo(rng, title), abstract
    sentences = abstract.split(". ")
    sentences.insert(rng.randrange(1, len(sentences)), _sentence(rng).rstrip("."))
    return title, ". ".join(sentences)


def look_alike(rng: random.Random, title: str) -> str:
    words = title.split()
    for i, word in enumerate(words):
        digits = "".join(ch for ch in word if ch.isdigit())
        if digits:
            words[i] = word.replace(digits, str(int(digits) + 1))
            return " ".join(words)
    i = rng.randrange(len(words))
    words[i] = rng.choice([t for t in TOPICS if t != words[i]])
    return " ".join(words)


def templated(rng: random.Random) -> tuple[str, str]:
    """Boilerplate for one abstract: an opening passage (most), a closing one (most),
    often both, so that both of its blocking keys may be shared by thousands."""
    opening = rng.choice(OPENINGS) + " " if rng.random() < 0.7 else ""
    closing = " " + rng.choice(CLOSINGS) if rng.random() < 0.6 else ""
    return opening, closing


def _surname(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(COMMON_SURNAMES)
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


class Identities:
    """The Hugging Face side of each paper, drawn from a stream of its own: an arXiv id,
    authors, upvotes and links for each original, and its items as listed on a day."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed + 2_000_003)
        self.number = 0
        self.per_month: dict[str, int] = {}  # arXiv numbers its ids from 1 each month
        self.of: dict[tuple[str, str], dict[str, object]] = {}  # original -> its paper

    def new(self, paper: tuple[str, str], day: date) -> None:
        rng = self.rng
        self.number += 1
        published = day - timedelta(days=rng.randint(1, 5))
        names = [f"{rng.choice(GIVEN)} {_surname(rng)}" for _ in range(rng.randint(1, 7))]
        month = f"{published:%y%m}"
        self.per_month[month] = self.per_month.get(month, 0) + 1
        fields: dict[str, object] = {
            "id": f"{month}.{self.per_month[month]:05d}",
            "authors": [
                {"_id": f"{self.number:012x}{i:012x}", "name": name, "hidden": False}
                for i, name in enumerate(names)
            ],
            "publishedAt": f"{published.isoformat()}T{rng.randint(0, 23):02d}:00:00.000Z",
        }
        if rng.random() < 0.9:
            fields["upvotes"] = int(rng.paretovariate(1.1)) - 1
        if rng.random() < 0.3:
            owner = names[0].split()[1].lower()
            fields["githubRepo"] = f"https://github.com/{owner}/p{self.number}"
        if rng.random() < 0.002:
            fields["withdrawnAt"] = f"{day.isoformat()}T12:00:00.000Z"
        fields["ai_keywords"] = sorted({w for w in paper[0].lower().split() if w.isalpha()})[:4]
        self.of[paper] = fields

    def item(self, paper: tuple[str, str], written: tuple[str, str], day: date) -> object:
        """`written` (the paper as this listing words it) as a Daily Papers item of `day`."""
        listed = f"{day.isoformat()}T00:52:11.142Z"
        inner = {**self.of[paper], "title": written[0], "summary": written[1]}
        inner["submittedOnDailyAt"] = listed
        return {
            "paper": inner,
            "publishedAt": listed,
            "title": written[0],
            "summary": written[1],
            "numComments": int(self.rng.expovariate(0.5)),
        }


def generate(
    n: int,
    out: Path,
    seed: int = 7,
    *,
    shared_passages: bool = False,
    one_file: bool = False,
    hf_json: bool = False,
) -> dict[str, object]:
    rng = random.Random(seed)
    # The passages come from a stream of their own, and the papers are drawn bare and
    # dressed as they are written: the papers are the same with and without them.
    boiler = random.Random(seed + 1_000_003)
    dress: dict[tuple[str, str], tuple[str, str]] = {}  # bare paper -> its boilerplate

    def dressed(paper: tuple[str, str], like: tuple[str, str] | None = None) -> tuple[str, str]:
        """The paper as written: with boilerplate of its own, or with that of `like`
        (the paper it is a near-duplicate of)."""
        if not shared_passages:
            return paper
        if like is None:
            opening, closing = dress[paper] = templated(boiler)
        else:
            opening, closing = dress[like]
        return paper[0], f"{opening}{paper[1]}{closing}"

    out.mkdir(parents=True, exist_ok=True)
    identities = Identities(seed)
    bodies: list[str] = []
    originals: list[tuple[str, str]] = []
    planted_dups = 0
    look_alikes: list[tuple[str, str, str, str]] = []  # base and alike: title, abstract
    day = date(2024, 1, 1)
    dump_no = 0
    while len(originals) < n:
        size = min(rng.randint(300, 3000), n - len(originals))
        entries: list[tuple[str, str]] = []
        bases: list[tuple[str, str]] = []  # the original each entry words
        for _ in range(size):
            if originals and rng.random() < 0.01:
                base = rng.choice(originals)
                paper = (look_alike(rng, base[0]), _abstract(rng))
                alike = dressed(paper)
                look_alikes.append((base[0], alike[0], dressed(base, base)[1], alike[1]))
            else:
                paper = (_title(rng), _abstract(rng))
                alike = dressed(paper)
            originals.append(paper)
            entries.append(alike)
            bases.append(paper)
            if hf_json:
                identities.new(paper, day)
        for _ in range(size // 10):
            at = rng.randrange(len(entries) + 1)
            base = rng.choice(originals)
            entries.insert(at, dressed(near_duplicate(rng, *base), base))
            bases.insert(at, base)
            planted_dups += 1
        if hf_json:
            items = [identities.item(b, e, day) for b, e in zip(bases, entries, strict=True)]
            (out / f"{dump_no:05d}.json").write_text(json.dumps(items), encoding="utf-8")
            dump_no += 1
            day += timedelta(days=1)
            continue
        body = "\n\n".join(f"{t}\n\n{a}" for t, a in entries)
        if one_file:
            bodies.append(body)
        else:
            (out / f"{dump_no:05d}.txt").write_text(_header(day) + body + "\n", encoding="utf-8")
        dump_no += 1
        day += timedelta(days=1)
    if one_file:
        with (out / "one.txt").open("w", encoding="utf-8") as one:
            one.write(_header(date(2024, 1, 1)))
            for i, body in enumerate(bodies):
                one.write(f"\n\n{body}" if i else body)
            one.write("\n")
        dump_no = 1
    truth = {
        "distinct": len(originals),
        "near_duplicates": planted_dups,
        "look_alikes": look_alikes,
        "dumps": dump_no,
        "seed": seed,
        "shared_passages": shared_passages,
    }
    if hf_json:
        truth["hf_json"] = True
    (out / ".truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return truth


def _header(day: date) -> str:
    return (
        f"new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
        f"byAK and the research community\n\n{MONTHS[day.month - 1]} {day.day}\n\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--shared-passages", action="store_true", help="boilerplate openings and closings"
    )
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--one-file", action="store_true", help="one dump, OUT_DIR/one.txt")
    shape.add_argument(
        "--hf-json", action="store_true", help="Hugging Face Daily Papers JSON, a file a day"
    )
    args = parser.parse_args()
    truth = generate(
        args.n,
        args.out,
        args.seed,
        shared_passages=args.shared_passages,
        one_file=args.one_file,
        hf_json=args.hf_json,
    )
    print(
        f"{truth['distinct']} papers, {truth['near_duplicates']} near-duplicates, "
        f"{len(truth['look_alikes'])} look-alikes (planted) in {truth['dumps']} dumps"
    )


if __name__ == "__main__":
    main()
