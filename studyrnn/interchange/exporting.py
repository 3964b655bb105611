"""``export_decks``: one entry point for every export format.

The output file is written only by ``studyrnn.files.write_output`` (regular files only, never
the progress database, ``force`` to replace an existing file, atomic). Text for stdout is made
safe by the caller's stream: every format escapes deck text, and what reaches stdout here holds
no raw control character (deck text cannot hold one; a format's own escapes are printable).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from studyrnn.errors import UsageError
from studyrnn.interchange.common import Report

EXPORT_FORMATS = ("anki", "gift", "moodle-xml", "json")
ALIASES = {"apkg": "anki", "xml": "moodle-xml", "moodle": "moodle-xml"}
SUFFIXES = {".apkg": "anki", ".gift": "gift", ".json": "json", ".xml": "moodle-xml"}
LABELS = {"anki": "Anki", "gift": "GIFT", "moodle-xml": "Moodle XML", "json": "JSON"}


def export_decks(
    decks: list[Any],
    fmt: str,
    output: Path | None,
    variant_count: int,
    *,
    force: bool = False,
    protect: Iterable[Path] = (),
) -> Report:
    """Export ``decks`` to ``output`` (None: stdout, not for anki); returns the report, with a
    ``summary`` of what was written."""
    from studyrnn.files import write_output
    from studyrnn.untrusted import shown

    fmt = ALIASES.get(fmt, fmt)
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (formats: {', '.join(EXPORT_FORMATS)})")
    n_cards = sum(len(d.cards) for d in decks)
    target = str(output) if output is not None else "<stdout>"
    data: str | bytes
    if fmt == "anki":
        from studyrnn.interchange.anki import export_apkg_bytes

        if output is None:
            raise UsageError("an Anki package is a binary file: give one with -o FILE.apkg")
        data, report, n_items = export_apkg_bytes(decks, variant_count)
        report.note(
            target,
            "Anki grades by self-rating: choice, multi, numeric and text cards show their "
            "answer on the back",
        )
        what = "notes"
    elif fmt == "gift":
        from studyrnn.interchange.gift import export_gift

        data, report = export_gift(decks, variant_count)
        n_items = sum(1 for line in data.split("\n") if line.startswith("::"))
        what = "questions"
    elif fmt == "moodle-xml":
        from studyrnn.interchange.moodle_xml import export_moodle_xml

        data, report, n_items = export_moodle_xml(decks, variant_count)
        what = "questions"
    else:
        from studyrnn.interchange.json_io import export_json

        data, report = export_json(decks, variant_count)
        n_items, what = n_cards, "cards"
    if output is None:
        assert isinstance(data, str)
        # The formats escape deck text; shown() is the guarantee that nothing raw slips by.
        sys.stdout.write(shown(data, tab="\t"))
        sys.stdout.flush()
    else:
        write_output(output, data, force=force, protect=protect)
    n_decks = len(decks)
    n_warn = len(report.warnings)
    tail = f"; {n_warn} warning{'s' * (n_warn != 1)} above" if n_warn else ""
    report.summary = (
        f"exported {n_decks} deck{'s' * (n_decks != 1)} ({n_cards} card{'s' * (n_cards != 1)}) "
        f"as {n_items} {LABELS[fmt]} {what} to {target}{tail}"
    )
    return report
