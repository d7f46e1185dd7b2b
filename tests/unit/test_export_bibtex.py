"""The BibTeX export, read back by real parsers (pybtex and bibtexparser 2) and decoded by
pylatexenc's LaTeX-to-text: arXiv's shape, no invented fields, balanced braces and the
same text back whatever the paper holds."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string as pybtex_parse
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from readlist.core.export import write_export
from readlist.core.latex import latex_text
from readlist.core.models import Paper, PaperMeta

VASWANI = Paper(
    7,
    "Attention Is All You Need",
    "The dominant sequence transduction models are based on complex recurrent or\n"
    "convolutional neural networks.",
    "2026-03-14",
    "2026-03-20",
    2,
    note="read §3 & the {appendix}",
    meta=PaperMeta(
        arxiv_id="1706.03762",
        version=7,
        authors=("Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Łukasz Kaiser"),
        published="2017-06-12",
        primary_class="cs.CL",
    ),
)
HOSTILE_TEXTS = [
    "Café & Co: 50% of #1 {braces} $x^2$ under_score ~tilde \\backslash",
    "A lone { brace, a lone } and \\{ too",
    "} closes first {",
    "{{nested} {pairs}} and {{{ three open",
    "naïve Ångström Straße Łódź Dvořák Erdős — “quoted” … α ≤ β",  # noqa: RUF001
    "漢字 📝 ★ and an emoji mid-word x📝y",
    "%comment? @misc{fake, title={x}} \\end{document} \\par",
    "line one\n\nline two\r\nline three\ttabbed",
    "e\u0301 composed later, \u00a0nbsp",
]


def bibtex(papers: Iterable[Paper]) -> str:
    out = io.StringIO()
    write_export(list(papers), "bibtex", out)
    return out.getvalue()


def paper(title: str = "T", *, abstract: str = "", note: str = "", **meta: object) -> Paper:
    identity = PaperMeta(**meta)  # type: ignore[arg-type]
    return Paper(1, title, abstract, "2026-03-14", "2026-03-14", 1, note=note, meta=identity)


def _decoder() -> LatexNodes2Text:
    """pylatexenc's LaTeX-to-text, told the three text commands its table gets wrong
    (\\textasciicircum is "^", not the modifier letter) or lacks."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "test-fixes",
        prepend=True,
        macros=[
            MacroTextSpec("textasciicircum", "^"),
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textperiodcentered", "\u00b7"),
        ],
    )
    return LatexNodes2Text(latex_context=context)


DECODER = _decoder()


def decoded(value: str) -> str:
    return " ".join(DECODER.latex_to_text(value).split())


def expected(text: str) -> str:
    """What a field gives back: the text, composed, with whitespace runs as one space
    (BibTeX and pybtex fold whitespace) and control characters as spaces."""
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return " ".join(unicodedata.normalize("NFC", cleaned).split())


def bibtex_depth_ok(value: str) -> bool:
    """Braces balanced the way BibTeX counts them: every brace, escaped or not."""
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def person_text(person: object) -> str:
    parts = ("first_names", "middle_names", "prelast_names", "last_names", "lineage_names")
    return " ".join(n for part in parts for n in getattr(person, part))


def parse_both(text: str) -> dict[str, dict[str, str]]:
    """{key: {field: raw LaTeX value}} as bibtexparser 2 reads the file, after checking
    that pybtex reads the same entries and fields, the same authors included; both must
    read every entry and fail on none."""
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    fields = {
        entry.key: {f.key.lower(): str(f.value) for f in entry.fields} for entry in library.entries
    }
    entries = pybtex_parse(text, "bibtex").entries
    assert list(entries) == list(fields)
    for key, entry in entries.items():
        theirs = {name.lower(): value for name, value in entry.fields.items()}
        assert set(theirs) | ({"author"} if entry.persons else set()) == set(fields[key])
        for name, value in theirs.items():
            assert decoded(value) == decoded(fields[key][name]), (key, name)
        if "author" in fields[key]:
            people = [decoded(person_text(p)) for p in entry.persons["author"]]
            names = [decoded(n) for n in split_authors(fields[key]["author"])]
            assert people == names
    return fields


def split_authors(value: str) -> list[str]:
    """The names of an author field: split on " and " outside braces, as BibTeX does."""
    names, depth, start, i = [], 0, 0, 0
    while i < len(value):
        depth += {"{": 1, "}": -1}.get(value[i], 0)
        if depth == 0 and value[i:].lower().startswith(" and "):
            names.append(value[start:i])
            start = i = i + 5
            continue
        i += 1
    return [*names, value[start:]]


# --- the shape -------------------------------------------------------------------------


def test_an_arxiv_paper_is_arxivs_misc_entry_with_its_abstract() -> None:
    text = bibtex([VASWANI])
    assert text == (
        "@misc{vaswani2017attention,\n"
        "  title = {{Attention Is All You Need}},\n"
        "  author = {Ashish Vaswani and Noam Shazeer and Niki Parmar and {\\L}ukasz Kaiser},\n"
        "  year = {2017},\n"
        "  eprint = {1706.03762},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.CL},\n"
        "  url = {https://arxiv.org/abs/1706.03762},\n"
        "  abstract = {The dominant sequence transduction models are based on complex"
        " recurrent or\nconvolutional neural networks.},\n"
        "  annote = {read {\\textsection}3 \\& the \\{appendix\\}}\n"
        "}\n"
    )
    fields = parse_both(text)["vaswani2017attention"]
    assert decoded(fields["author"]) == (
        "Ashish Vaswani and Noam Shazeer and Niki Parmar and Łukasz Kaiser"
    )
    assert decoded(fields["annote"]) == "read §3 & the {appendix}"
    people = pybtex_parse(text, "bibtex").entries["vaswani2017attention"].persons["author"]
    assert [decoded(" ".join(p.last_names)) for p in people] == [
        "Vaswani",
        "Shazeer",
        "Parmar",
        "Kaiser",
    ]


def test_the_year_is_when_it_was_published_never_when_readlist_saw_it() -> None:
    seen_2026 = paper("Old", arxiv_id="1512.03385", published="2015-12-10", authors=("Kaiming He",))
    assert parse_both(bibtex([seen_2026]))["he2015old"]["year"] == "2015"


def test_a_doi_paper_gets_its_doi_and_its_link() -> None:
    fields = parse_both(bibtex([paper("Deep Learning", doi="10.1038/nature14539")]))
    (entry,) = fields.values()
    assert entry["doi"] == "10.1038/nature14539"
    assert entry["url"] == "https://doi.org/10.1038/nature14539"
    assert "eprint" not in entry and "archiveprefix" not in entry


def test_a_paper_without_ids_invents_no_author_year_or_publisher() -> None:
    bare = Paper(3, "Only a Title", "An abstract.", "2026-03-14", "2026-03-20", 4, note="mine")
    (entry,) = parse_both(bibtex([bare])).values()
    assert set(entry) == {"title", "abstract", "annote"}


def test_the_note_goes_into_annote_never_note() -> None:
    (entry,) = parse_both(bibtex([paper("T", note="my own words")])).values()
    assert decoded(entry["annote"]) == "my own words"
    assert "note" not in entry
    (entry,) = parse_both(bibtex([paper("T")])).values()
    assert "annote" not in entry


def test_note_lines_are_kept_and_blank_lines_dropped() -> None:
    (entry,) = parse_both(bibtex([paper("T", note="one\n\n  two  \n## three\n```")])).values()
    assert DECODER.latex_to_text(entry["annote"]).splitlines() == ["one", "two", "## three", "```"]


def test_the_empty_export_is_a_comment_and_no_entries() -> None:
    text = bibtex([])
    assert text.startswith("%")
    assert parse_both(text) == {}


# --- escapes and braces ----------------------------------------------------------------


def test_specials_use_the_escapes_zotero_and_biber_decode() -> None:
    (entry,) = parse_both(bibtex([paper("50% of #1 & $5 a_b {pair}")])).values()
    assert r"50\% of \#1 \& \$5 a\_b \{pair\}" in entry["title"]
    assert "textbrace" not in entry["title"]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_hostile_text_parses_balances_and_decodes_back(text: str) -> None:
    author = text.replace(" and ", " & ")[:40] or "X"
    p = paper(text, abstract=text, note=text, authors=(author, "Team and Co"))
    raw = bibtex([p])
    for value in parse_both(raw)[next(iter(parse_both(raw)))].values():
        assert bibtex_depth_ok(value), value
    (entry,) = parse_both(raw).values()
    for name in ("title", "abstract", "annote"):
        assert decoded(entry[name]) == expected(text), name
    assert [decoded(n) for n in split_authors(entry["author"])] == [expected(author), "Team and Co"]


def test_non_ascii_is_latex_and_what_latex_cannot_name_stays_utf8() -> None:
    (entry,) = parse_both(bibtex([paper("naïve Straße Łódź α 漢字")])).values()  # noqa: RUF001
    assert entry["title"] == r"{na{\"\i}ve Stra{\ss}e {\L}{\'o}d{\'z} {\ensuremath{\alpha}} 漢字}"


# --- any text --------------------------------------------------------------------------

# Letters pylatexenc names and decodes back, TeX's specials, braces, CJK and emoji.
DECODABLE = st.text(
    st.sampled_from(
        list("abcXYZ019 .,;:!?'\"()[]<>/|@*+-=`{}{}\\#$%&_^~\n")
        + list("éèêëïîçñöüøåæœßÉÅŁłŽžčřşğő·«»—–…“”‘’€£°©®™±×÷αβγδπΣΩ漢字📝★")  # noqa: RUF001
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(DECODABLE, DECODABLE, DECODABLE, st.lists(DECODABLE, max_size=3))
@example("", "", "0\n@(", [])
def test_any_text_decodes_back_from_both_parsers(
    title: str, abstract: str, note: str, authors: list[str]
) -> None:
    p = paper(title, abstract=abstract, note=note, authors=tuple(authors))
    (entry,) = parse_both(bibtex([p])).values()
    for name, text in (("title", title), ("abstract", abstract), ("annote", note)):
        if expected(text):
            assert decoded(entry[name]) == expected(text), name
            assert bibtex_depth_ok(entry[name])
        else:
            assert name not in entry
    names = [expected(a) for a in authors if expected(a)]
    if names:
        assert [decoded(n) for n in split_authors(entry["author"])] == names


ANY = st.text()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(ANY, ANY, ANY, st.lists(ANY, max_size=3)), max_size=4))
def test_any_unicode_at_all_parses_and_balances(
    rows: list[tuple[str, str, str, list[str]]],
) -> None:
    papers = [
        Paper(i + 1, t, a, "2026-03-14", "2026-03-14", 1, note=n, meta=PaperMeta(authors=tuple(au)))
        for i, (t, a, n, au) in enumerate(rows)
    ]
    raw = bibtex(papers)
    fields = parse_both(raw)
    assert len(fields) == len(papers)
    for entry in fields.values():
        assert all(bibtex_depth_ok(value) for value in entry.values())


# --- pdflatex --------------------------------------------------------------------------

TEX = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
"""


@pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex")), reason="needs pdflatex and bibtex"
)
def test_pdflatex_with_the_plain_style_compiles_every_entry(tmp_path: Path) -> None:
    printable = [t for t in HOSTILE_TEXTS if "漢" not in t]  # pdflatex has no CJK font
    papers = [
        paper(t, abstract=t, note=t, authors=(t[:30], "Łukasz Kaiser"), published="2024-01-02")
        for t in printable
    ]
    # Every character the export writes as LaTeX rather than UTF-8, in titles (printed).
    named = [c for c in map(chr, range(0xA0, 0x2700)) if "\\" in latex_text(c)]
    assert len(named) > 300
    papers += [paper(" ".join(named[i : i + 40])) for i in range(0, len(named), 40)]
    (tmp_path / "refs.bib").write_text(bibtex([*papers, VASWANI]), encoding="utf-8")
    (tmp_path / "doc.tex").write_text(TEX, encoding="utf-8")
    for command in (["pdflatex"], ["bibtex"], ["pdflatex"]):
        args = ["doc"] if command == ["bibtex"] else ["-halt-on-error", "doc.tex"]
        done = subprocess.run(
            command + args, cwd=tmp_path, capture_output=True, text=True, errors="replace"
        )
        assert done.returncode == 0, done.stdout[-3000:]
    assert "error message" not in (tmp_path / "doc.blg").read_text(errors="replace")
    assert (tmp_path / "doc.bbl").read_text().count("\\bibitem") == len(papers) + 1


@pytest.mark.parametrize(
    "note", ["Read it.\n@karpathy (tweet) liked it", "0\n@(", "  @misc{x, and more"]
)
def test_a_note_line_that_opens_with_at_stays_inside_its_entry(note: str) -> None:
    """bibtexparser takes an @ that opens a line for the start of an entry: the note's
    line keeps its @ (braced), and the entry and the one after it both parse."""
    papers = [paper("First", note=note, abstract=note), paper("Second")]
    entries = parse_both(bibtex(papers))
    assert len(entries) == 2
    first = next(iter(entries.values()))
    assert decoded(first["annote"]) == expected(note)
    assert decoded(first["abstract"]) == expected(note)
