"""A topical corpus of Daily Papers dumps, for the ranking benchmark (rank_bench.py).

    python bench/rank_corpus.py N OUT_DIR [--seed S]

generate.py's abstracts are uniform draws from one short word list, so every word is in
most papers and a tf-idf with max_df=0.1 keeps none of them: no ranker can learn from
that. Here each paper has a primary topic (and sometimes a secondary one); its title and
abstract mix Zipfian background words (function words, academic words, filler) with
its topics' characteristic words, and its authors come mostly from its primary topic's
community. Some topics use real machine-learning words, the rest made-up ones; nearby
topics share a few words, as real fields do.

The papers are written as Hugging Face Daily Papers JSON, one file a day of 50 to 150
papers (OUT_DIR/NNNNN.json, the items generate.py --hf-json writes), and
OUT_DIR/.topics.json says what is hidden from the rankers: each paper's topics by arXiv
id, each day's ids in listing order, and the topics' names.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path


def _list(words: str) -> list[str]:
    return words.split()


FUNCTION_WORDS = _list(
    "the of and to a in we is for that on with as by this are our be from an which it can"
    " these at or not such than both while its their also has have into using show propose"
    " method results approach based new two more each other however between where when how"
    " only most over under through without across via then thus further first"
)
ACADEMIC_WORDS = _list(
    "model models learning data training performance task tasks paper work framework"
    " problem problems state art experiments experimental demonstrate significantly"
    " existing prior study analysis evaluate evaluation benchmark benchmarks large small"
    " simple effective efficient novel key challenge challenges setting settings"
    " improve improves improvement outperforms achieves achieve baseline baselines"
    " propose proposed introduce present general robust scalable accurate compared"
    " extensive empirical theoretical practical strong results code available release"
    " important recent limited different various multiple single diverse high low"
    " quality cost time number level layer method methods network networks neural deep"
)
# Real fields: the name the bench's users use, and characteristic words (most specific
# first, so the Zipfian draw favours them).
REAL_TOPICS: dict[str, str] = {
    "diffusion": "diffusion denoising score sampler noise schedule guidance classifier-free"
    " latent ddpm ddim sde ode reverse forward unet timestep sampling image synthesis"
    " generative likelihood variance distillation consistency steps pixel inpainting"
    " super-resolution text-to-image conditioning fid stochastic gaussian posterior",
    "video": "video temporal frames frame motion clip clips optical flow spatiotemporal"
    " camera dynamics action recognition tracking long-range consistency generation"
    " diffusion latent sequence animation trajectory keyframe interpolation",
    "llm-reasoning": "reasoning chain-of-thought llm llms math mathematical problem-solving"
    " step-by-step verifier reward solution gsm8k self-consistency prompting rationale"
    " planning tree search inference-time scaling test-time compute deliberation",
    "code": "code program programs synthesis repository software bug bugs debugging"
    " compiler execution unit tests humaneval completion python function functions"
    " snippet editing refactoring agents patch",
    "rl": "reinforcement policy reward rewards agent agents environment exploration"
    " q-learning actor critic value return episode episodes offline online markov"
    " trajectory returns bandit regret ppo rollout",
    "robotics": "robot robots manipulation grasping navigation embodied locomotion"
    " sim-to-real controller control dexterous arm gripper teleoperation"
    " demonstrations imitation tactile legged humanoid",
    "speech": "speech audio speaker acoustic asr recognition waveform spectrogram"
    " vocoder tts text-to-speech phoneme prosody voice transcription sound",
    "graphs": "graph graphs node nodes edge edges gnn message-passing molecular molecule"
    " link prediction heterogeneous homophily spectral subgraph",
    "efficiency": "quantization pruning sparse sparsity compression low-bit int8"
    " kernel kernels throughput latency memory hardware accelerator gpu flops"
    " speedup distillation lora adapter",
    "alignment": "alignment preference preferences rlhf dpo human feedback reward"
    " harmless helpful safety jailbreak red-teaming refusal constitutional",
    "retrieval": "retrieval retriever rag documents document passage passages dense"
    " index indexing query queries search reranking recall corpus knowledge",
    "3d": "3d point cloud mesh nerf gaussian splatting rendering view views scene"
    " reconstruction depth geometry novel-view volumetric radiance",
}
TOPICS = 60
SYLLABLES = _list("ba ce di fo gu ka le mi no pu ra se ti vo zu xa ry qu we ho")
GIVEN = _list("Wei Jun Anna David Maria Hiro Sara Omar Lena Tomas Ravi Yuki Ines Paul Mei")


@dataclass(frozen=True)
class Topic:
    name: str
    words: tuple[str, ...]  # characteristic words, most typical first
    authors: tuple[str, ...]  # its community


def _made_up(rng: random.Random, taken: set[str], prefix: str) -> str:
    while True:
        word = prefix + "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
        if word not in taken and len(word) > 3:
            taken.add(word)
            return word


def topics(seed: int) -> list[Topic]:
    """The corpus's topics: the real ones, then made-up ones; each borrows a few words
    of the topic before it and of one other (fields overlap)."""
    rng = random.Random(seed + 31)
    taken = set(FUNCTION_WORDS) | set(ACADEMIC_WORDS)
    for text in REAL_TOPICS.values():
        taken.update(text.split())
    made: list[tuple[str, list[str]]] = [(n, t.split()) for n, t in REAL_TOPICS.items()]
    for index in range(len(made), TOPICS):
        prefix = rng.choice(SYLLABLES)
        words = [_made_up(rng, taken, prefix) for _ in range(rng.randint(50, 150))]
        made.append((f"topic{index}", words))
    people = set()
    out = []
    for index, (name, words) in enumerate(made):
        before = made[index - 1][1]
        elsewhere = made[rng.randrange(len(made))][1]
        borrowed = rng.sample(before, len(before) // 4) + rng.sample(
            elsewhere, len(elsewhere) // 10
        )
        authors = []
        while len(authors) < 40:
            person = f"{rng.choice(GIVEN)} {_made_up(rng, people, '').capitalize()}"
            authors.append(person)
        out.append(Topic(name, tuple(words + borrowed), tuple(authors)))
    return out


def _zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) ** s for rank in range(n)))


# The Daily Papers feed ("daily"): a few big fields take most papers (LLMs, image and
# video generation, agents), the other topics share the rest, Zipf-like. "even": every
# topic's share falls gently with its rank (no field above a tenth of the papers).
FEEDS = ("daily", "even")
BIG_FIELDS = {"llm-reasoning": 0.25, "diffusion": 0.15, "rl": 0.12, "video": 0.10}


def _popularity(names: list[str], feed: str) -> list[float]:
    """Cumulative weights of the topics as papers' primary topic."""
    if feed == "even":
        return _zipf_weights(len(names), 0.5)
    tail = [n for n in names if n not in BIG_FIELDS]
    left = 1.0 - sum(BIG_FIELDS.values())
    tail_share = dict(zip(tail, _shares(len(tail), 1.0), strict=True))
    shares = [BIG_FIELDS.get(n, left * tail_share.get(n, 0.0)) for n in names]
    return list(itertools.accumulate(shares))


def _shares(n: int, s: float) -> list[float]:
    weights = [1 / (rank + 1) ** s for rank in range(n)]
    return [w / sum(weights) for w in weights]


class Writer:
    """Draws the papers: each word from the background or one of the paper's topics."""

    def __init__(self, seed: int, signal: float = 1.0, feed: str = "even") -> None:
        self.rng = random.Random(seed)
        self.signal = signal  # how much of a paper's text its topics write, relative
        self.topics = topics(seed)
        rng = random.Random(seed + 57)
        taken = {w for t in self.topics for w in t.words}
        filler = [_made_up(rng, taken, "") for _ in range(2500)]
        self.background = FUNCTION_WORDS + ACADEMIC_WORDS + filler
        self.background_cum = _zipf_weights(len(self.background))
        self.topic_cum = {len(t.words): _zipf_weights(len(t.words), 0.8) for t in self.topics}
        self.popularity = _popularity([t.name for t in self.topics], feed)
        self.everyone = [a for t in self.topics for a in t.authors]
        self.number = 0
        self.per_month: dict[str, int] = {}  # arXiv numbers its ids from 1 each month

    def _topic_words(self, topic: Topic, k: int) -> list[str]:
        return self.rng.choices(topic.words, cum_weights=self.topic_cum[len(topic.words)], k=k)

    def _background(self, k: int) -> list[str]:
        return self.rng.choices(self.background, cum_weights=self.background_cum, k=k)

    def _words(self, k: int, share: float, main: Topic, other: Topic | None) -> list[str]:
        rng = self.rng
        out = self._background(k)
        picks = [i for i in range(k) if rng.random() < share]
        seconds = sum(rng.random() < 0.3 for _ in picks) if other is not None else 0
        words = self._topic_words(main, len(picks) - seconds)
        if other is not None:
            words += self._topic_words(other, seconds)
        rng.shuffle(words)
        for i, word in zip(picks, words, strict=True):
            out[i] = word
        return out

    def paper(self, day: date) -> tuple[dict[str, object], list[int]]:
        """One paper as a Daily Papers item, and its topics (primary first)."""
        rng = self.rng
        self.number += 1
        first = rng.choices(range(len(self.topics)), cum_weights=self.popularity)[0]
        ids = [first]
        if rng.random() < 0.4:
            ids.append(rng.choice([i for i in range(len(self.topics)) if i != first]))
        main = self.topics[first]
        other = self.topics[ids[1]] if len(ids) > 1 else None
        title = " ".join(
            self._words(rng.randint(6, 12), 0.4 * self.signal, main, other)
        ).capitalize()
        tokens = self._words(
            rng.randint(120, 220), rng.uniform(0.05, 0.15) * self.signal, main, other
        )
        sentences = []
        while tokens:
            cut = rng.randint(12, 25)
            sentences.append(" ".join(tokens[:cut]).capitalize() + ".")
            tokens = tokens[cut:]
        names = [
            rng.choice(main.authors) if rng.random() < 0.8 else rng.choice(self.everyone)
            for _ in range(rng.randint(1, 7))
        ]
        month = f"{day:%y%m}"
        self.per_month[month] = self.per_month.get(month, 0) + 1
        listed = f"{day.isoformat()}T00:52:11.142Z"
        inner = {
            "id": f"{month}.{self.per_month[month]:05d}",
            "authors": [
                {"_id": f"{self.number:012x}{i:012x}", "name": name, "hidden": False}
                for i, name in enumerate(dict.fromkeys(names))
            ],
            "publishedAt": f"{(day - timedelta(days=2)).isoformat()}T08:00:00.000Z",
            "title": title,
            "summary": " ".join(sentences),
            "submittedOnDailyAt": listed,
            "upvotes": int(rng.paretovariate(1.1)) - 1,
        }
        item = {
            "paper": inner,
            "publishedAt": listed,
            "title": title,
            "summary": inner["summary"],
            "numComments": 0,
        }
        return item, ids


def generate(
    n: int,
    out: Path,
    seed: int = 11,
    *,
    days: int | None = None,
    signal: float = 1.0,
    feed: str = "even",
) -> dict[str, object]:
    """N papers (or as many as `days` dumps hold) as daily dumps in OUT, and
    OUT/.topics.json; the truth, returned. `signal` scales the share of each paper's
    words its topics write (below 1, papers say less of what they are about); `feed`
    (FEEDS) how the papers spread over the topics."""
    out.mkdir(parents=True, exist_ok=True)
    writer = Writer(seed, signal, feed)
    listed: list[list[str]] = []
    paper_topics: dict[str, list[int]] = {}
    day = date(2025, 1, 1)
    while writer.number < n and (days is None or len(listed) < days):
        items = []
        for _ in range(min(writer.rng.randint(50, 150), n - writer.number)):
            item, ids = writer.paper(day)
            arxiv_id = str(item["paper"]["id"])  # type: ignore[index]
            paper_topics[arxiv_id] = ids
            items.append(item)
        (out / f"{len(listed):05d}.json").write_text(json.dumps(items), encoding="utf-8")
        listed.append([str(i["paper"]["id"]) for i in items])  # type: ignore[index]
        day += timedelta(days=1)
    truth: dict[str, object] = {
        "seed": seed,
        "topics": [t.name for t in writer.topics],
        "days": listed,
        "paper_topics": paper_topics,
    }
    (out / ".topics.json").write_text(json.dumps(truth), encoding="utf-8")
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--feed", choices=FEEDS, default="even")
    args = parser.parse_args()
    truth = generate(args.n, args.out, args.seed, feed=args.feed)
    print(f"{args.n} papers in {len(truth['days'])} dumps")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
