"""A reference manager's library in: BibTeX (Zotero, JabRef), RIS and CSL-JSON, read
through the one front door (`read_structured`) from the fixtures."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from readlist.core.errors import DumpError
from readlist.core.ingest.formats import read_structured
from readlist.core.models import PaperMeta, ParsedDump
from tests.conftest import DUALFORMER, DUALFORMER_AUTHORS, FIXTURES

HUMAN_COGNITION = (
    "In human cognition theory, human thinking is governed by two systems: the fast and "
    "intuitive System 1 and the slower but more deliberative System 2."
)
BARNES = "Barnes and Noble Research"
ZOTERO_ITEMS = "http://zotero.org/users/local/aB3dE5fG/items"
JMLR_DOI = "10.5555/3648699.3648700"
JMLR_URL = "https://jmlr.org/papers/v24/muller23a.html"


def read(name: str) -> ParsedDump:
    parsed = read_structured((FIXTURES / name).read_bytes(), name)
    assert parsed is not None
    return parsed


def fields(parsed: ParsedDump) -> list[tuple[str, str, PaperMeta]]:
    """Each paper's title, abstract and meta without its record; no listing day."""
    assert all(p.listed_on is None and p.meta is not None for p in parsed.papers)
    return [
        (p.title, p.abstract, dataclasses.replace(p.meta, record=None))
        for p in parsed.papers
        if p.meta is not None
    ]


def record_of(parsed: ParsedDump, index: int) -> dict[str, object]:
    meta = parsed.papers[index].meta
    assert meta is not None and meta.record is not None
    value = json.loads(meta.record)
    assert isinstance(value, dict)
    return value


def _read_or_none(data: bytes) -> ParsedDump | None:
    try:
        return read_structured(data, "refs.bib")
    except DumpError:  # a title that decodes to nothing
        return None


def refused(data: bytes, source: str) -> str:
    with pytest.raises(DumpError) as caught:
        read_structured(data, source)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{source}: ")
    return message


def test_zotero_bibtex() -> None:
    parsed = read("zotero.bib")
    assert (
        fields(parsed)
        == [
            (
                DUALFORMER,  # its words' protecting braces dropped
                HUMAN_COGNITION + " We present Dualformer, a single Transformer model that "
                "seamlessly integrates both the fast and slow reasoning modes.",
                PaperMeta(
                    arxiv_id="2410.09918",  # from its url and arXiv's DOI
                    authors=DUALFORMER_AUTHORS,
                    published="2024-10",
                    doi="10.48550/arXiv.2410.09918",
                    url="http://arxiv.org/abs/2410.09918",
                ),
            ),
            (
                "Über die BERT-Quantenmechanik von Schrödinger: 50% weniger Rechenzeit",
                "Wir zeigen, dass Transformer über Schrödinger-Gleichungen lernen können, "
                "mit \N{GREEK SMALL LETTER ALPHA}-Gewichten und François' Methode.",
                PaperMeta(
                    # "{Barnes and Noble Research}" is braced: one name, not split on "and"
                    authors=("Jörg Müller", "María García", "Anna van der Berg", BARNES),
                    published="2023-06",
                    doi=JMLR_DOI,
                    url=JMLR_URL,
                ),
            ),
        ]
    )
    assert parsed.skipped == ("entry nobody_2024: no title",)


def test_a_bibtex_record_keeps_every_field_as_written() -> None:
    record = record_of(read("zotero.bib"), 1)
    assert record["ENTRYTYPE"] == "article" and record["ID"] == "muller_uber_2023"
    assert record["pages"] == "45--67" and record["issn"] == "1532-4435"
    assert record["author"].startswith('M{\\"u}ller, J{\\"o}rg and ')


def test_jabref_bibtex() -> None:
    parsed = read("jabref.bib")
    assert fields(parsed) == [
        (
            "Sparse Attention at Scale",
            "We scale sparse attention to a million tokens.",
            PaperMeta(
                arxiv_id="2403.01234",
                version=3,
                authors=("John Smith", "Zoë Ångström"),
                published="2024-03-14",  # biblatex's date
                primary_class="cs.LG",  # biblatex's eprintclass
            ),
        ),
        (
            "Lorem Ipsum for GANs",
            "",
            PaperMeta(
                arxiv_id="2201.00042",
                authors=("Jane Doe",),
                published="2022",
                url="https://proceedings.mlr.press/v162/doe22a.html",
                primary_class="stat.ML",
            ),
        ),
        (
            "A Study with an Eprint on HAL",  # an eprint of another archive: no arXiv id
            "",
            PaperMeta(authors=("Richard Roe",), published="2021-11"),
        ),
    ]
    assert parsed.skipped == ()
    record = record_of(parsed, 1)
    assert record["booktitle"].startswith("Proceedings of the 39th")  # @String resolved
    assert record_of(parsed, 0)["groups"] == "To read"


def test_zotero_ris() -> None:
    parsed = read("zotero.ris")
    assert fields(parsed) == [
        (
            DUALFORMER,
            HUMAN_COGNITION,
            PaperMeta(
                arxiv_id="2410.09918",
                authors=DUALFORMER_AUTHORS,
                published="2024-10-13",  # DA, more precise than PY
                doi="10.48550/arXiv.2410.09918",
                url="http://arxiv.org/abs/2410.09918v2",
                primary_class="cs.AI",
            ),
        ),
        (
            "Über die Quantenmechanik von Schrödinger",
            "Wir zeigen, dass Transformer über Schrödinger-Gleichungen lernen können.",
            PaperMeta(
                authors=("Jörg Müller", "María García"),
                published="2023-06",
                doi=JMLR_DOI,  # the resolver in front of it dropped
                url=JMLR_URL,
            ),
        ),
    ]
    assert parsed.skipped == ("record 3: no title",)
    record = record_of(parsed, 1)
    assert record["ZZ"] == ["a tag rispy does not know"] and record["SP"] == "45"
    assert record_of(parsed, 0)["KW"] == [
        "Computer Science - Artificial Intelligence",
        "Computer Science - Machine Learning",
    ]


def test_zotero_csl_json() -> None:
    parsed = read("zotero_csl.json")
    assert fields(parsed) == [
        (
            DUALFORMER,
            HUMAN_COGNITION,
            PaperMeta(
                arxiv_id="2410.09918",
                authors=DUALFORMER_AUTHORS,
                published="2024-10-13",
                doi="10.48550/arXiv.2410.09918",
                url="http://arxiv.org/abs/2410.09918",
                # "arXiv:2410.09918 [cs]" names the archive, not a class
            ),
        ),
        (
            "Über die Quantenmechanik von Schrödinger",
            "Wir zeigen, dass Transformer über Schrödinger-Gleichungen lernen können.",
            PaperMeta(
                authors=("Jörg Müller", "Anna van der Berg", "Martin Luther King Jr.", "OpenAI"),
                published="2023-06",
                doi=JMLR_DOI,
                url=JMLR_URL,
            ),
        ),
    ]
    assert parsed.skipped == (f"item {ZOTERO_ITEMS}/N0T1TLE5: no title",)
    items = json.loads((FIXTURES / "zotero_csl.json").read_text(encoding="utf-8"))
    assert record_of(parsed, 1) == items[1]


def test_a_csl_class_after_the_id_is_read() -> None:
    item = {"type": "article", "title": "T", "note": "arXiv:2504.01234v2 [cs.CL]"}
    parsed = read_structured(json.dumps([item]).encode(), "x.json")
    assert parsed is not None and parsed.papers[0].meta is not None
    meta = parsed.papers[0].meta
    assert (meta.arxiv_id, meta.version, meta.primary_class) == ("2504.01234", 2, "cs.CL")


@pytest.mark.parametrize(
    ("data", "source", "message"),
    [
        (
            b"@misc{a, author = {Nobody, Anne}}\n",
            "refs.bib",
            "refs.bib: a BibTeX file with no papers in it (1 entry, none with a title)",
        ),
        (
            b"@comment{nothing here}\n",
            "refs.bib",
            "refs.bib: a BibTeX file with no papers in it",
        ),
        (
            b"TY  - GEN\nAU  - Nobody, Anne\nER  - \n\nTY  - GEN\nER  - \n",
            "refs.ris",
            "refs.ris: an RIS file with no papers in it (2 records, none with a title)",
        ),
        (
            b'[{"type": "article", "author": [{"literal": "X"}]}]',
            "refs.json",
            "refs.json: a CSL-JSON file with no papers in it (1 item, none with a title)",
        ),
    ],
)
def test_a_file_with_no_papers_gets_one_line(data: bytes, source: str, message: str) -> None:
    assert refused(data, source) == message


def test_a_bibtex_entry_that_cannot_be_read_is_reported_and_the_rest_kept() -> None:
    data = b"@misc{a, title = {Kept}}\n@misc{b, title = {broken\n@misc{c, title = {Also kept}}\n"
    parsed = read_structured(data, "refs.bib")
    assert parsed is not None
    assert [p.title for p in parsed.papers] == ["Kept", "Also kept"]
    assert parsed.skipped == ("line 2: an entry BibTeX cannot read",)


def test_an_ris_record_no_er_line_ends_is_reported() -> None:
    data = b"TY  - JOUR\nTI  - Kept\nER  - \n\nTY  - JOUR\nTI  - Cut off\n"
    parsed = read_structured(data, "refs.ris")
    assert parsed is not None
    assert [p.title for p in parsed.papers] == ["Kept"]
    assert parsed.skipped == ("record at line 5: no ER line ends it",)


def test_a_line_with_no_tag_inside_an_ris_record_is_kept_in_its_record() -> None:
    parsed = read_structured(b"TY  - JOUR\n&{stray\nTI  - T\nER  - \n", "refs.ris")
    assert parsed is not None and [p.title for p in parsed.papers] == ["T"]
    assert record_of(parsed, 0)[""] == ["&{stray"]


# Words of BibTeX text with no macro in it: braces, dashes, quotes, % and &.
_PLAIN_WORDS = st.text(alphabet="aZü1 --'%&#_^!?.,", min_size=1, max_size=8)
_BRACED = st.recursive(
    _PLAIN_WORDS,
    lambda inner: (
        st.lists(inner, min_size=1, max_size=3).map("".join) | inner.map(lambda w: "{" + w + "}")
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_BRACED, min_size=1, max_size=4).map(" ".join))
@example("Real--World {Robots} --- at 50% & {Scale}")
@example("{A} {B} 'single' and ''double'' quotes, {{nested} braces}")
@example("{A}~{B} tied")
@example("``quoted'' and `single'")
def test_a_title_without_macros_reads_as_the_latex_parser_reads_it(title: str) -> None:
    """Text without a macro skips pylatexenc: it must still come out exactly as
    pylatexenc decodes it (a bare % or & being the character itself)."""
    escaped = title.replace("%", r"\%").replace("&", r"\&")
    expected = " ".join(LatexNodes2Text().latex_to_text(escaped).split())
    parsed = _read_or_none(f"@misc{{k, title = {{{title}}}}}\n".encode())
    got = parsed.papers[0].title if parsed else ""
    assert got == expected


@pytest.mark.parametrize(
    ("data", "source"),
    [
        (b"@article{k, title={T}, note={Extends arXiv:2301.00001, see there}}", "a.bib"),
        (b'[{"type": "article-journal", "title": "T", "note": "Cf. arXiv:2301.00001"}]', "a.json"),
        (b"TY  - JOUR\nTI  - T\nN1  - <p>Compare arXiv:2301.00001 [cs.CL]</p>\nER  - \n", "a.ris"),
    ],
)
def test_an_id_a_note_cites_is_not_the_papers_own(data: bytes, source: str) -> None:
    parsed = read_structured(data, source)
    assert parsed is not None and parsed.papers[0].meta is not None
    assert (parsed.papers[0].meta.arxiv_id, parsed.papers[0].meta.primary_class) == (None, None)


def test_google_scholars_journal_field_gives_the_id() -> None:
    data = b"@article{k, title={T}, journal={arXiv preprint arXiv:2504.01234}, year={2025}}"
    parsed = read_structured(data, "scholar.bib")
    assert parsed is not None and parsed.papers[0].meta is not None
    assert parsed.papers[0].meta.arxiv_id == "2504.01234"


def test_an_entry_whose_key_repeats_is_read_like_any_other() -> None:
    """Two files pasted together repeat keys: the second entry keeps its id, year and
    authors, its braces and @string references resolved as in the first."""
    data = (
        b'@string{arx = "arXiv"}\n'
        b"@misc{su2024, title = {First}, eprint = {2504.01234v2}, year = {2024}}\n"
        b"@misc{su2024, title = {Second {Entry}}, eprint = {arXiv:2504.05678v1},\n"
        b"  author = {Su, DiJia and Zheng, Qinqing}, year = {2025}, month = mar,\n"
        b"  publisher = arx}\n"
    )
    parsed = read_structured(data, "refs.bib")
    assert parsed is not None
    second = parsed.papers[1]
    assert second.title == "Second Entry"
    assert second.meta is not None
    assert (second.meta.arxiv_id, second.meta.version) == ("2504.05678", 1)
    assert second.meta.authors == ("DiJia Su", "Qinqing Zheng")
    assert second.meta.published == "2025-03"
    assert json.loads(second.meta.record or "{}")["publisher"] == "arXiv"


@pytest.mark.parametrize(
    ("data", "titles", "skipped"),
    [
        (  # cut off right after its TY line, the file ending in a newline
            b"TY  - JOUR\nTI  - Kept\nUR  - https://example.org\nER  - \n\nTY  - JOUR\n",
            ["Kept"],
            ("record at line 6: no ER line ends it",),
        ),
        (  # a blank line between a record's TY line and its tags
            b"TY  - JOUR\nTI  - First\nER  - \nTY  - JOUR\n\nTI  - Second\nER  - \n",
            ["First", "Second"],
            (),
        ),
    ],
)
def test_an_ris_record_with_nothing_after_its_ty_line_does_not_refuse_the_file(
    data: bytes, titles: list[str], skipped: tuple[str, ...]
) -> None:
    parsed = read_structured(data, "refs.ris")
    assert parsed is not None
    assert [p.title for p in parsed.papers] == titles
    assert parsed.skipped == skipped


@pytest.mark.parametrize(
    "value", [r"\href{https://x.example}", r"Using \input and \include", r"a \href"]
)
def test_latex_the_decoder_fails_on_is_read_as_plain_text(value: str) -> None:
    """pylatexenc raises on a macro missing its arguments: the entry is still read, its
    text as written without braces, not the whole file stopped by a traceback."""
    data = (
        f"@misc{{a, title = {{Kept {value}}}, author = {{Lee, Ann}},\n abstract = {{{value}}}}}\n"
    )
    parsed = read_structured(data.encode(), "refs.bib")
    assert parsed is not None
    (paper,) = parsed.papers
    assert paper.title == f"Kept {value}".replace("{", "").replace("}", "")
    assert paper.abstract == value.replace("{", "").replace("}", "")
