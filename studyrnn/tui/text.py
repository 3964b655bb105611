"""Deck text, shown literally.

A prompt is an author's text, not markup: ``[bold]x[/bold]`` must appear as typed, and an escape
sequence such as ``"\\x1b[31m"`` must never reach the terminal raw. Every widget that shows deck
text goes through ``literal`` (a ``rich.text.Text`` is never parsed as markup) and
``visible`` (control characters become the visible escapes ``\\x1b``, ``\\x07``, ...).
"""

from __future__ import annotations

from rich.text import Text

from studyrnn.untrusted import shown


def visible(text: object) -> str:
    """``text`` with every control, bidi and zero-width character written out (``\\x1b``)."""
    return shown(text)


def literal(text: object, style: str = "") -> Text:
    """A Rich ``Text`` that shows ``text`` exactly as typed (no markup, no raw controls)."""
    return Text(visible(text), style=style)


def one_line(text: object, width: int = 60) -> str:
    """The first line of ``text``, visible and shortened to ``width`` characters."""
    s = shown(text).strip().split("\n", 1)[0]
    return s if len(s) <= width else s[: width - 1] + "…"
