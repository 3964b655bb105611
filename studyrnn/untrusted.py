"""Untrusted text, made safe to show: the one rule every printer uses.

Deck text, imported questions, learner names and database rows come from other people. Whatever
shows them — a terminal line, a Textual widget, a CSV cell — passes them through one of:

- ``shown(text)``: control characters (C0 but newline, DEL, C1), bidi overrides and isolates,
  zero-width and other format characters, line/paragraph separators, lone surrogates and
  noncharacters become visible escapes (``\\x1b``, ``\\u202e``), so nothing reaches a terminal
  raw and nothing hides or reorders what a reader sees;
- ``one_line(text, width)``: the same, folded to one line and shortened with an ellipsis (for
  messages that quote a value: a 2 MB answer yields a short line, not a 2 MB one);
- ``markup_safe(text)``: ``shown`` plus Rich/Textual markup escaped (``[bold]`` stays literal);
- ``csv_cell(value)``: a cell a spreadsheet will not run as a formula.

This module imports nothing heavy: every command may use it.
"""

from __future__ import annotations

import re
import unicodedata

# Categories shown as escapes: Cc controls, Cf format characters (bidi overrides, zero-width
# joiners/spaces, BOM, soft hyphen), Cs lone surrogates, Zl/Zp line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Kept as they are: newline (callers that want one line fold it) and tab (expanded below).
_KEPT = frozenset("\n\t")


def _is_hidden(ch: str) -> bool:
    if ch in _KEPT:
        return False
    code = ord(ch)
    # Noncharacters U+FDD0..U+FDEF and U+xxFFFE/U+xxFFFF are never meant for display.
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return True
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


# A fast pre-check: almost all text is plain printable, and a regex scan is far quicker than a
# per-character category lookup. Anything outside printable ASCII and common letters is checked.
_MAYBE_HIDDEN = re.compile(r"[^\x20-\x7e\n\t\u00a0-\u00ac\u00ae-\u05ff]")


def shown(text: object, *, tab: str = "    ") -> str:
    """``text`` as a string that is safe to print: every hidden or control character escaped.

    ``\\r\\n`` becomes ``\\n``; a tab becomes ``tab`` (four spaces by default, since a raw tab
    breaks column alignment; pass ``tab="\\t"`` to keep it).
    """
    s = "" if text is None else str(text)
    s = s.replace("\r\n", "\n")
    if _MAYBE_HIDDEN.search(s):
        s = "".join(_escape(ch) if _is_hidden(ch) else ch for ch in s)
    return s.replace("\t", tab) if tab != "\t" else s


def one_line(text: object, width: int = 80) -> str:
    """``shown(text)`` on one line (whitespace runs, newlines included, become one space),
    shortened to at most ``width`` characters with a trailing ``…``."""
    s = " ".join(shown(text).split())
    return s if len(s) <= width else s[: max(width - 1, 0)].rstrip() + "…"


def markup_safe(text: object) -> str:
    """``shown(text)`` with Rich/Textual markup escaped, for widgets that parse markup."""
    from rich.markup import escape

    return escape(shown(text))


# A spreadsheet runs a cell starting with these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell that cannot run as a formula: text starting with ``= + - @``, tab or CR gets
    a leading apostrophe (what spreadsheets themselves use to mark text). Numbers are left
    as numbers: ``-0.5`` written from a float is a value, not a formula."""
    if value is None or isinstance(value, (int, float)):
        return value
    raw = str(value)
    s = shown(raw, tab="\t")
    return "'" + s if raw.startswith(_FORMULA_START) else s


# -- deck text: what may not be in it at all, and when two texts look the same -----------------

# Never allowed in deck text (validate reports them at file:line:col): C0 controls but newline
# and tab, DEL, C1 controls, bidi embeddings/overrides/isolates and marks (they reorder what a
# reader sees: "Trojan Source"), lone surrogates and the noncharacters U+FDD0..FDEF, U+xxFFFE/F.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def _is_forbidden(ch: str) -> bool:
    return bool(_FORBIDDEN.match(ch)) or (ord(ch) & 0xFFFE) == 0xFFFE


def forbidden_char(text: str) -> int | None:
    """The index of the first character deck text may not hold (see ``_FORBIDDEN``), or None."""
    m = _FORBIDDEN.search(text)
    if m is not None:
        return m.start()
    if _MAYBE_ASTRAL.search(text):  # U+1FFFE, U+2FFFF, ...: rare, so checked only when needed
        for i, ch in enumerate(text):
            if (ord(ch) & 0xFFFE) == 0xFFFE:
                return i
    return None


_MAYBE_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def describe_char(ch: str) -> str:
    """``U+001B (ESCAPE)``: how a message names a character it will not show raw."""
    name = unicodedata.name(ch, "")
    if not name and ord(ch) < 0x20:
        name = "control character"
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


# Letters from other scripts that look like Latin ones (Unicode's confusables.txt, the common
# Cyrillic subset, plus Greek omicron and dotless i): "аb" with a Cyrillic а is not a different
# option from "ab". Other Greek letters stay distinct: decks use α, η, ν as math symbols.
_CONFUSABLE = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "һ": "h",
        "і": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "ѕ": "s",
        "т": "t",
        "у": "y",
        "х": "x",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ο": "o",
        "ı": "i",
    }
)


def lookalike_key(text: str) -> str:
    """What ``text`` looks like to a reader, for duplicate checks: NFKC-normalised and
    case-folded (full-width ``ａｂ`` and ``AB`` are ``ab``), invisible format characters removed
    (zero-width spaces and joiners, bidi controls, soft hyphens), whitespace runs made one space,
    and common Cyrillic/Greek look-alikes of Latin letters mapped to them."""
    s = unicodedata.normalize("NFKC", text).casefold()
    if not s.isascii():
        s = "".join(ch for ch in s if unicodedata.category(ch) != "Cf").translate(_CONFUSABLE)
    return " ".join(s.split())


def json_shown(text: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) that is safe to print:
    every character ``shown`` would escape becomes a JSON ``\\uXXXX`` escape, so the JSON means
    the same and nothing reaches a terminal raw. (Such characters only occur inside strings.)"""
    if not _MAYBE_HIDDEN.search(text):
        return text

    def esc(ch: str) -> str:
        if ch in _KEPT or not _is_hidden(ch):
            return ch
        code = ord(ch)
        if code > 0xFFFF:  # a UTF-16 surrogate pair, as JSON spells astral characters
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"

    return "".join(esc(ch) for ch in text)
