"""Realistic variants must merge; real look-alike papers must stay apart."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core import normalize
from readlist.core.ingest import dedupe
from readlist.core.ingest.dedupe import Verdict, decide, fingerprint

SAMPLE = Path(__file__).resolve().parents[2] / "sample_dumps" / "001_99a092ef9356f46e.txt"


def _sample_pairs() -> list[tuple[str, str]]:
    lines = [line for line in SAMPLE.read_text().splitlines() if line.strip()]
    body = lines[5:]  # after the header and the date line
    return list(zip(body[::2], body[1::2], strict=True))


PAIRS = _sample_pairs()


def _verdict(a: tuple[str, str], b: tuple[str, str]) -> Verdict:
    return decide(fingerprint(*a), fingerprint(*b)).verdict


def _swap_letters(text: str, index: int) -> str:
    return text[:index] + text[index + 1] + text[index] + text[index + 2 :]


def _british(text: str) -> str:
    return re.sub(r"iz(e|ed|es|ing|ation)\b", r"is\1", text)


def _revise(abstract: str) -> str:
    sentences = abstract.split(". ")
    sentences.insert(2, "We also release our code and trained models to the community")
    return ". ".join(sentences).replace(" the ", " a ", 2)


VARIANTS = {
    "case": lambda t, a: (t.upper(), a),
    "punctuation": lambda t, a: (t.replace(":", " -").replace(",", ""), a),
    "unicode dash and spaces": lambda t, a: (t.replace("-", "\u2013").replace(" ", "  "), a),
    "transposed letters": lambda t, a: (_swap_letters(t, len(t) // 2), a),
    "british spelling": lambda t, a: (_british(t), _british(a)),
    "hyphen dropped": lambda t, a: (t.replace("-", ""), a),
    "latex markup": lambda t, a: ("$" + t.split()[0] + "$ " + " ".join(t.split()[1:]), a),
    "revised abstract": lambda t, a: (t, _revise(a)),
    "typo and revised abstract": lambda t, a: (_swap_letters(t, 5), _revise(a)),
    "trailing period": lambda t, a: (t + ".", a),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_realistic_variants_merge(variant: str) -> None:
    for title, abstract in PAIRS[:25]:
        changed = VARIANTS[variant](title, abstract)
        verdict = _verdict((title, abstract), changed)
        assert verdict in (Verdict.SAME_EXACT, Verdict.SAME_FUZZY), (variant, title, changed[0])


def test_spelling_and_hyphen_variants_are_the_same_title() -> None:
    a = ("Optimization of Sparse Mixture Models", PAIRS[0][1])
    b = ("Optimisation of Sparse Mixture Models", PAIRS[0][1])
    assert _verdict(a, b) is Verdict.SAME_EXACT
    c = ("Self-Supervised Pre-training for Speech", PAIRS[1][1])
    d = ("Self-Supervised Pretraining for Speech", PAIRS[1][1])
    assert _verdict(c, d) is Verdict.SAME_EXACT
    typo = ("Optimzation of Sparse Mixture Models", PAIRS[0][1])
    assert _verdict(a, typo) is Verdict.SAME_FUZZY


# Real pairs of different ML papers whose titles look alike. The abstracts are
# short summaries written for this test.
LOOK_ALIKES = [
    (
        (
            "Denoising Diffusion Probabilistic Models",
            "We present high quality image synthesis results using diffusion probabilistic "
            "models, a class of latent variable models inspired by nonequilibrium "
            "thermodynamics. Our best results come from training on a weighted variational "
            "bound designed according to a novel connection with denoising score matching.",
        ),
        (
            "Denoising Diffusion Implicit Models",
            "Sampling from diffusion models requires simulating a Markov chain for many steps. "
            "We generalize the forward process to a class of non-Markovian processes that lead "
            "to the same training objective, whose reverse process can be much faster to sample "
            "from, trading computation for sample quality.",
        ),
    ),
    (
        (
            "Denoising Diffusion Probabilistic Models",
            "We present high quality image synthesis results using diffusion probabilistic "
            "models, a class of latent variable models inspired by nonequilibrium "
            "thermodynamics. Our best results come from training on a weighted variational "
            "bound designed according to a novel connection with denoising score matching.",
        ),
        (
            "Improved Denoising Diffusion Probabilistic Models",
            "We show that with a few simple modifications, diffusion models can achieve "
            "competitive log-likelihoods while keeping sample quality. Learning the variances "
            "of the reverse process allows sampling with an order of magnitude fewer forward "
            "passes, and precision and recall show better coverage of the target distribution.",
        ),
    ),
    (
        (
            "Masked Autoencoders Are Scalable Vision Learners",
            "Masking random patches of the input image and reconstructing the missing pixels "
            "is a scalable self-supervised learner for computer vision. An asymmetric "
            "encoder-decoder that operates only on visible patches lets us train large models "
            "efficiently and improves accuracy.",
        ),
        (
            "Masked Autoencoders As Spatiotemporal Learners",
            "We extend masked autoencoding to spatiotemporal representation learning from "
            "videos. Randomly masking out spacetime patches and reconstructing them works with "
            "almost no inductive bias on time, and a very high masking ratio of ninety percent "
            "gives the best results.",
        ),
    ),
    (
        (
            "Llama 2: Open Foundation and Fine-Tuned Chat Models",
            "We develop and release a collection of pretrained and fine-tuned large language "
            "models ranging from seven to seventy billion parameters, with chat models "
            "optimized for dialogue use cases that outperform open source chat models.",
        ),
        (
            "Llama 3: Open Foundation and Fine-Tuned Chat Models",
            "We develop and release a collection of pretrained and fine-tuned large language "
            "models ranging from eight to seventy billion parameters, with chat models "
            "optimized for dialogue use cases that outperform open source chat models.",
        ),
    ),
    (
        (
            "Qwen2 Technical Report",
            "This report introduces the Qwen2 series of large language and multimodal models, "
            "with dense models and a mixture of experts model.",
        ),
        (
            "Qwen2.5 Technical Report",
            "This report introduces Qwen2.5, a comprehensive series of large language models "
            "with pretraining data scaled to eighteen trillion tokens.",
        ),
    ),
    (
        (
            "Language Models are Few-Shot Learners",
            "Scaling up language models greatly improves task-agnostic few-shot performance. We "
            "train an autoregressive model with 175 billion parameters and test it without any "
            "gradient updates or fine-tuning, with tasks specified purely via text.",
        ),
        (
            "Language Models are Unsupervised Multitask Learners",
            "Natural language processing tasks are typically approached with supervised "
            "learning on task-specific datasets. Language models begin to learn these tasks "
            "without explicit supervision when trained on a new dataset of millions of webpages.",
        ),
    ),
    (
        (
            "Attention Is All You Need",
            "We propose a new simple network architecture based solely on attention mechanisms, "
            "dispensing with recurrence and convolutions entirely.",
        ),
        (
            "Attention Is Not All You Need: Pure Attention Loses Rank Doubly Exponentially "
            "with Depth",
            "We show that self-attention networks without skip connections or MLPs lose "
            "expressive power doubly exponentially with depth, and that skip connections "
            "prevent this rank collapse.",
        ),
    ),
    (
        (
            "Segment Anything",
            "We introduce a new task, model and dataset for image "
            "segmentation, with over one billion masks on eleven million licensed images.",
        ),
        (
            "Segment Anything in High Quality",
            "The mask quality of the original model is "
            "insufficient for objects with intricate structures; we add a learnable output token "
            "to predict high quality masks with negligible extra parameters.",
        ),
    ),
    (
        (
            "Learning Transferable Visual Models From Natural Language Supervision",
            "We learn image representations from scratch by predicting which caption goes with "
            "which image on 400 million pairs collected from the internet, enabling zero-shot "
            "transfer to downstream tasks.",
        ),
        (
            "Learning Transferable Visual Models from Natural Language Supervision at Scale",
            "We study contrastive language-image pretraining with noisy alt-text at the scale of "
            "one billion pairs and a simple dual encoder, reaching state of the art retrieval "
            "without any data cleaning.",
        ),
    ),
    (
        (
            "Vision Transformers Need Registers",
            "Feature maps of supervised and self-supervised vision transformers contain "
            "artifacts in background tokens with high norm; providing additional tokens to the "
            "input sequence fills that role and removes the artifacts.",
        ),
        (
            "Vision Transformers Don't Need Trained Registers",
            "We find the mechanism behind high-norm outlier tokens and remove them at test time "
            "by shifting the activations of a sparse set of neurons into an untrained extra "
            "token, without retraining the model.",
        ),
    ),
]


@pytest.mark.parametrize("pair", LOOK_ALIKES, ids=lambda p: p[1][0][:40])
def test_look_alikes_stay_apart(pair: tuple[tuple[str, str], tuple[str, str]]) -> None:
    a, b = pair
    assert not decide(fingerprint(*a), fingerprint(*b)).merges
    assert not decide(fingerprint(*b), fingerprint(*a)).merges


def test_fuzzy_title_alone_never_merges() -> None:
    title, abstract = PAIRS[3]
    typo = _swap_letters(title, 4)
    # Without an abstract on one side there is nothing to confirm a fuzzy title with.
    decision = decide(fingerprint(title, abstract), fingerprint(typo, ""))
    assert decision.verdict is Verdict.REVIEW
    # A close title with an unrelated abstract is a different paper, kept for review.
    decision = decide(fingerprint(title, abstract), fingerprint(typo, PAIRS[4][1]))
    assert decision.verdict is Verdict.REVIEW


def test_same_title_without_abstract_is_the_same_paper() -> None:
    title, abstract = PAIRS[5]
    assert _verdict((title, abstract), (title, "")) is Verdict.SAME_EXACT


def test_same_title_with_unrelated_abstract_goes_to_review() -> None:
    title, abstract = PAIRS[6]
    assert _verdict((title, abstract), (title, PAIRS[7][1])) is Verdict.REVIEW


def test_distinct_sample_papers_never_merge_with_each_other() -> None:
    fps = [fingerprint(t, a) for t, a in PAIRS]
    for i, a in enumerate(fps):
        for b in fps[i + 1 :]:
            assert not decide(a, b).merges


def _keys(fp: dedupe.Fingerprint) -> tuple[int, ...]:
    title_keys, abstract_keys = dedupe.block_keys(fp)
    return (*title_keys, *abstract_keys)


def test_a_variant_shares_a_blocking_key_with_its_original() -> None:
    for title, abstract in PAIRS:
        original = set(_keys(fingerprint(title, abstract)))
        for make in VARIANTS.values():
            variant = set(_keys(fingerprint(*make(title, abstract))))
            assert original & variant, (title, make(title, abstract)[0])


def test_match_prefers_a_merge_over_a_review() -> None:
    title, abstract = PAIRS[8]
    incoming = fingerprint(title, abstract)
    review = fingerprint(title, PAIRS[9][1])
    same = fingerprint(title.lower(), abstract)
    found = dedupe.match(incoming, [(1, review, True), (2, same, True)])
    assert found.merge_into is not None
    assert found.merge_into[0] == 2
    assert found.reviews == ()
    assert dedupe.match(incoming, [(3, fingerprint(*PAIRS[10]), True)]) == dedupe.Match(None)


def test_match_flags_every_uncertain_candidate() -> None:
    title, abstract = PAIRS[8]
    incoming = fingerprint(title, abstract)
    found = dedupe.match(
        incoming,
        [(1, fingerprint(title, PAIRS[9][1]), False), (2, fingerprint(title, PAIRS[10][1]), False)],
    )
    assert found.merge_into is None
    assert [paper_id for paper_id, _ in found.reviews] == [1, 2]


def _folded_words(text: str) -> list[str]:
    """normalize.words by its definition: the word pattern over the folded text."""
    return normalize._WORD.findall(normalize.fold(text))


_MOSTLY_ASCII = (
    st.text(alphabet=st.characters(max_codepoint=0x7F))
    | st.text(alphabet=st.characters(max_codepoint=0x24F))
    | st.text()
)


@settings(max_examples=500)
@given(_MOSTLY_ASCII)
def test_letters_agree_with_the_folded_words(text: str) -> None:
    """Blocking keys are stored: the quick path must give exactly what the slow one does."""
    assert dedupe.letters(text) == "".join(_folded_words(text))


@settings(max_examples=500)
@given(_MOSTLY_ASCII)
def test_words_quick_path_agrees_with_the_folded_words(text: str) -> None:
    """Abstract scores compare these words: plain ASCII's quick path changes none."""
    assert normalize.words(text) == _folded_words(text)


_TITLE_WORDS = st.sampled_from(
    [
        "diffusion",
        "models",
        "for",
        "graph",
        "neural",
        "networks",
        "v2",
        "3d",
        "optimisation",
        "optimization",
        "scaling",
        "laws",
        "of",
        "language",
        "agents",
        "a",
        "survey",
        "-",
        "GPT-4",
    ]
)
_TITLES = st.lists(_TITLE_WORDS, min_size=1, max_size=8).map(" ".join)


def _typo(title: str, data: st.DataObject) -> str:
    if not title:
        return title
    at = data.draw(st.integers(0, len(title) - 1))
    return title[:at] + data.draw(st.sampled_from(["", "x", "e", " "])) + title[at + 1 :]


@settings(max_examples=500)
@given(_TITLES, st.lists(_TITLES, max_size=6), st.data())
def test_the_title_screen_cuts_only_what_decide_calls_different(
    title: str, others: list[str], data: st.DataObject
) -> None:
    """The quick title screen of a block (in dedupe.shortlist) must never drop a paper
    `decide` would merge or flag: with no abstract key shared, only a DIFFERENT verdict
    may be cut. A rare abstract key's papers are all kept."""
    others += [_typo(title, data), title.upper()]
    incoming = fingerprint(title, "")
    block = [(i, normalize.match_title(other)) for i, other in enumerate(others, 1)]
    shortlist = partial(dedupe.shortlist, incoming, dense=len(block) + 1)
    kept = [paper_id for paper_id, _, _ in shortlist([(block, False)])]
    assert kept == sorted(kept)
    for paper_id, match_title in block:
        verdict = decide(
            incoming, dedupe.Fingerprint(match_title, ""), abstracts_may_agree=False
        ).verdict
        if paper_id not in kept:
            assert verdict is Verdict.DIFFERENT, (title, others[paper_id - 1])
    assert shortlist([(block, True)]) == [(paper_id, t, True) for paper_id, t in block]
