"""Deck text, shown literally.

A prompt is an author's text, not markup: ``[bold]x[/bold]`` must appear as typed, and an escape
sequence such as ``"\\x1b[31m"`` must never reach the terminal raw. Every widget that shows deck
text goes through ``literal`` (a ``rich.text.Text`` is never parsed as markup) and
``visible`` (control characters become the visible escapes ``\\x1b``, ``\\x07``, ...).
"""

from __future__ import annotations

import re

from rich.text import Text

# C0 and C1 controls except newline; DEL too. A tab becomes spaces (it would break alignment).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def visible(text: object) -> str:
    """``text`` as a string with every control character written out as ``\\xNN``."""
    s = "" if text is None else str(text)
    return _CONTROL.sub(_escape, s.replace("\t", "    ").replace("\r\n", "\n"))


def literal(text: object, style: str = "") -> Text:
    """A Rich ``Text`` that shows ``text`` exactly as typed (no markup, no raw controls)."""
    return Text(visible(text), style=style)


def one_line(text: object, width: int = 60) -> str:
    """The first line of ``text``, visible and shortened to ``width`` characters."""
    s = visible(text).strip().split("\n", 1)[0]
    return s if len(s) <= width else s[: width - 1] + "…"
