"""Normal forms: what counts as the same title."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readlist.core import normalize
from readlist.core.models import FileReport, ImportReport
from readlist.paths import ENV_VAR, library_path


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dual RL: Unification", "dual rl - unification"),
        ("Pre-training Transformers", "Pretraining Transformers"),
        ("Self\u2013Supervised \u00a0Learning", "Self-Supervised Learning"),
        ("$f$-DVL for \\textbf{Offline} RL", "f-DVL for Offline RL"),
        ("Optimisation of Behaviour Modelling", "Optimization of Behavior Modeling"),
        ("\uff26\uff55\uff4c\uff4c Title", "Full Title"),  # fullwidth letters
        ("A  Title\twith   Spaces ", "A Title with Spaces"),
    ],
)
def test_variants_share_the_exact_key(a: str, b: str) -> None:
    assert normalize.title_key(normalize.match_title(a)) == normalize.title_key(
        normalize.match_title(b)
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("YOLOv9: Real-Time Detection", "YOLOv10: Real-Time Detection"),
        ("Leveraging Offline Data in Online RL", "Leveraging Online Data in Offline RL"),
        ("Noise Schedules", "Noize Schedules"),
    ],
)
def test_different_titles_keep_different_keys(a: str, b: str) -> None:
    assert normalize.title_key(normalize.match_title(a)) != normalize.title_key(
        normalize.match_title(b)
    )


def test_numbers_tell_versions_apart() -> None:
    assert normalize.numbers(normalize.match_title("GPT-4 and GPT-04")) == ("4", "4")
    assert normalize.numbers(normalize.match_title("YOLOv9")) != normalize.numbers(
        normalize.match_title("YOLOv10")
    )


def test_a_title_of_symbols_still_has_a_key() -> None:
    assert normalize.title_key(normalize.match_title("???")) == "???"


@given(st.text())
def test_normal_forms_never_raise(text: str) -> None:
    match = normalize.match_title(text)
    normalize.title_key(match)
    normalize.numbers(match)
    normalize.words(text)


def test_import_report_totals() -> None:
    report = ImportReport(
        (FileReport("a", new=2, merged_exact=1), FileReport("b", error="b: empty"))
    )
    assert report.failed
    assert report.total("new") == 2
    assert report.files[0].papers == 3


def test_library_path_precedence(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.db"))
    assert library_path(tmp_path / "flag.db") == tmp_path / "flag.db"
    assert library_path(None) == tmp_path / "env.db"
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert library_path(None) == tmp_path / "xdg" / "readlist" / "library.db"
