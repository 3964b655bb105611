"""``export_decks``: one entry point for every export format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from studyrnn.errors import UsageError
from studyrnn.interchange.common import Report, write_text_atomic

EXPORT_FORMATS = ("anki", "gift", "json")
SUFFIXES = {".apkg": "anki", ".gift": "gift", ".json": "json"}


def export_decks(decks: list[Any], fmt: str, output: Path | None, variant_count: int) -> Report:
    """Export ``decks`` to ``output`` (None: stdout, not for anki); returns the report, with a
    ``summary`` of what was written."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (formats: {', '.join(EXPORT_FORMATS)})")
    n_cards = sum(len(d.cards) for d in decks)
    target = str(output) if output is not None else "<stdout>"
    if fmt == "anki":
        from studyrnn.interchange.anki import export_apkg

        if output is None:
            raise UsageError("an Anki package is a binary file: give one with -o FILE.apkg")
        report, n_items = export_apkg(decks, output, variant_count)
        report.note(
            target,
            "Anki grades by self-rating: choice, multi, numeric and text cards show their "
            "answer on the back",
        )
        what = "notes"
    else:
        if fmt == "gift":
            from studyrnn.interchange.gift import export_gift

            text, report = export_gift(decks, variant_count)
            n_items = sum(1 for line in text.split("\n") if line.startswith("::"))
            what = "questions"
        else:
            from studyrnn.interchange.json_io import export_json

            text, report = export_json(decks, variant_count)
            n_items, what = n_cards, "cards"
        if output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_text_atomic(output, text)
    n_decks = len(decks)
    n_warn = len(report.warnings)
    tail = f"; {n_warn} warning{'s' * (n_warn != 1)} above" if n_warn else ""
    report.summary = (
        f"exported {n_decks} deck{'s' * (n_decks != 1)} ({n_cards} card{'s' * (n_cards != 1)}) "
        f"as {n_items} {fmt.upper() if fmt != 'anki' else 'Anki'} {what} to {target}{tail}"
    )
    return report
