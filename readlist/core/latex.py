"""Text -> the LaTeX of a BibTeX field value: what pdflatex prints, and what Zotero, biber,
JabRef and pybtex decode back to the same text.

TeX's specials become `\\&`, `\\%`, `\\$`, `\\#`, `\\_` and the `\\text...` commands
every LaTeX has, and an empty group breaks the pairs TeX's fonts would join ("--", "``").
Non-ASCII text goes through pylatexenc's encoder (a runtime dependency already, and the
table behind bibtexparser's own LaTeX decoding), which writes `{\\"o}`, `{\\ss}`,
`{\\ensuremath{\\alpha}}`: braced, so BibTeX styles keep accents through case changes.

A character keeps its UTF-8 form (which biber, Zotero, XeLaTeX and LuaLaTeX read, and
pdflatex prints only with a package for its script) when LaTeX has no name for it (CJK,
emoji); when its name needs a package pdflatex
does not load by default (Cyrillic, IPA, amssymb's symbols); and when its name does not
decode back to it (pylatexenc writes "Ű" as the "Ú" of `\\'{U}` and Greek capitals as
Latin letters). Each name is checked once, with pylatexenc's own LaTeX-to-text converter.

Braces: BibTeX counts every brace, `\\{` too, so a field's value must hold as many `{`
as `}` in an order that never closes more than it opened. The text's braces that pair up
(in nesting order) become `\\{` ... `\\}`, which balance; only a lone brace, which `\\{`
would unbalance, becomes `{\\textbraceleft}` or `{\\textbraceright}`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from pylatexenc.latex2text import (
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)
from pylatexenc.latexencode import UnicodeToLatexEncoder

__all__ = ["latex_text", "plain_line", "plain_lines"]

_SPECIALS = {
    "\\": r"{\textbackslash}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
}
_ASCII_TABLE = str.maketrans(_SPECIALS)
# Pairs TeX's fonts join into another character ("--" is an en dash, "``" an opening
# quote, "<<" a guillemet in T1): an empty group between them keeps the text as typed.
_PAIRED_SAME = re.compile(r"([-'<>,])(?=\1)")
_OPENING_QUOTE = re.compile(r"([`!?])(?=`)")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_BRACE = re.compile(r"[{}]")
_LONE_BRACE = {"{": r"{\textbraceleft}", "}": r"{\textbraceright}"}
_PAIRED_BRACE = {"{": r"\{", "}": r"\}"}
# Control characters, and the separators that are line breaks to some readers.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u0085]")


# The commands a name may use: those pdflatex knows with `\\usepackage[T1]{fontenc}` and
# no other package, found by compiling every name in pylatexenc's table on its own (TeX
# Live 2022). Its table also names Cyrillic, TIPA and amssymb characters, which a plain
# document cannot print; those stay UTF-8. Math commands count only inside \\ensuremath.
_TEXT_NAMES = """
AE DH DJ H IJ L NG O OE TH ae c dh dj enskip guillemotleft guillemotright guilsinglleft
guilsinglright i ij k l ng nolinebreak o oe quotedblbase quotesinglbase r ss
textacutedbl textasciiacute textasciibreve textasciicaron textasciidieresis
textasciimacron textasteriskcentered textbaht textbigcircle textblank textbrokenbar
textbullet textcelsius textcent textcircledP textcolonmonetary textcompwordmark
textcopyright textcurrency textdagger textdaggerdbl textdegree textdiscount textdiv
textdong textdownarrow textellipsis textemdash textendash textestimated texteuro
textexclamdown textflorin textfractionsolidus textinterrobang textleftarrow textlira
textlnot textmho textmu textmusicalnote textnaira textnumero textonehalf textonequarter
textonesuperior textopenbullet textordfeminine textordmasculine textparagraph
textperiodcentered textpertenthousand textperthousand textpeso textquestiondown
textquotedblleft textquotedblright textquoteleft textquoteright textrecipe
textreferencemark textregistered textrightarrow textsection textservicemark textsterling
textthreequarters textthreesuperior texttimes texttrademark texttwosuperior textuparrow
textvisiblespace textwon textyen th u v " ' - . = ^ ` ~
"""
_MATH_NAMES = """
Delta Downarrow Gamma Lambda Leftarrow Leftrightarrow Longleftarrow Longleftrightarrow
Longrightarrow Omega Phi Pi Psi Rightarrow Sigma Theta Uparrow Updownarrow Upsilon Vert
Xi acute aleph alpha amalg angle approx asymp beta bigcap bigcup bigtriangledown
bigtriangleup bigvee bigwedge bowtie bullet cap cdots chi circ cong coprod cup dashv
ddot ddots delta diamond doteq ell epsilon equiv eta exists forall frown gamma geq gg
hookleftarrow hookrightarrow in infty int iota kappa lambda langle lceil leftharpoondown
leftharpoonup leftrightarrow leq lfloor ll lmoustache longleftarrow longleftrightarrow
longmapsto longrightarrow mapsto mp mu nabla nearrow neq ni not notin nu nwarrow odot
oint omega ominus oplus oslash otimes parallel partial perp phi pi pm prec preceq prod
propto psi rangle rceil rfloor rho rightharpoondown rightharpoonup rightleftharpoons
rmoustache searrow sigma sim simeq smile sqcap sqcup sqsubseteq sqsupseteq star subset
subseteq succ succeq sum supset supseteq swarrow tau theta top triangleleft
triangleright updownarrow uplus upsilon varepsilon varphi varpi varrho varsigma vartheta
vdash vdots vee wedge wp wr xi zeta
"""
_TEXT_MACROS = frozenset(_TEXT_NAMES.split())
_MATH_MACROS = frozenset(_MATH_NAMES.split())
_COMMAND = re.compile(r"\\([A-Za-z]+|[^A-Za-z])")

# Names whose meaning pylatexenc's decoder gets wrong ("\\textasciicircum" is "^", not
# the modifier letter U+02C6) or lacks: added so that the check below decodes them right.
_DECODED = {
    "textasciicircum": "^",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textperiodcentered": "\u00b7",
}


@cache
def _converters() -> tuple[UnicodeToLatexEncoder, LatexNodes2Text]:
    encoder = UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy=_keep,
        unknown_char_warning=False,
    )
    context = get_default_latex_context_db()
    context.add_context_category(
        "readlist-bibtex",
        prepend=True,
        macros=[MacroTextSpec(name, text) for name, text in _DECODED.items()],
    )
    return encoder, LatexNodes2Text(latex_context=context)


def _keep(char: str) -> str:
    return char


@cache
def _char_latex(char: str) -> str:
    """A non-ASCII character's LaTeX name, if it has one that pdflatex prints and that
    decodes back to it; a line break as it is."""
    if char == "\n":
        return char
    encoder, decoder = _converters()
    name: str = encoder.unicode_to_latex(char)
    commands = set(_COMMAND.findall(name))
    known = _TEXT_MACROS | _MATH_MACROS if "ensuremath" in commands else _TEXT_MACROS
    if name == char or not commands - {"ensuremath"} <= known:
        return char
    return name if decoder.latex_to_text(name) == char else char


def plain_line(text: str) -> str:
    """One line of text: every run of whitespace or control characters is one space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def plain_lines(text: str) -> str:
    """The text's lines, each a plain line, without blank ones: a blank line in a BibTeX
    field is a \\par, which some bibliography macros reject."""
    lines = (plain_line(line) for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _lone_braces(text: str) -> set[int]:
    """The offsets of the braces that do not pair up with another in nesting order."""
    opened: list[int] = []
    lone: set[int] = set()
    for brace in _BRACE.finditer(text):
        if brace[0] == "{":
            opened.append(brace.start())
        elif opened:
            opened.pop()
        else:
            lone.add(brace.start())
    lone.update(opened)
    return lone


def _encode_run(text: str) -> str:
    """Text without braces: TeX's specials escaped, ligatures broken, and each non-ASCII
    character named (the names come last, so that nothing escapes them again)."""
    text = _PAIRED_SAME.sub(r"\1{}", text)
    text = _OPENING_QUOTE.sub(r"\1{}", text).translate(_ASCII_TABLE)
    return text if text.isascii() else _NON_ASCII.sub(_named, text)


def _named(match: re.Match[str]) -> str:
    return _char_latex(match[0])


def latex_text(text: str) -> str:
    """`text` as the value of a BibTeX field: braces balanced whatever the text holds.

    Composed first (NFC), so that "e" and a combining accent are the one `{\\'e}`."""
    text = unicodedata.normalize("NFC", text)
    if "{" not in text and "}" not in text:
        return _encode_run(text)
    lone = _lone_braces(text)
    out: list[str] = []
    start = 0
    for brace in _BRACE.finditer(text):
        offset = brace.start()
        out.append(_encode_run(text[start:offset]))
        out.append((_LONE_BRACE if offset in lone else _PAIRED_BRACE)[brace[0]])
        start = offset + 1
    out.append(_encode_run(text[start:]))
    return "".join(out)
