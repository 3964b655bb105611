"""CSV with a header row: ``front``, ``back`` and optionally ``tags``, ``id``, ``explanation``,
``source``.

Header names are case-insensitive, and the usual synonyms are accepted (question/answer,
term/definition). The delimiter is a comma, or a semicolon or tab when the header uses one
(spreadsheets in many locales write semicolons). A UTF-8 byte-order mark is ignored. Tags are
separated by commas when the cell has one, else by spaces. Other columns are reported and
ignored; every row becomes a flashcard.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from studyrnn.errors import DeckError, Diagnostic
from studyrnn.interchange.common import Report

COLUMNS: dict[str, tuple[str, ...]] = {
    "front": ("front", "question", "q", "term", "prompt"),
    "back": ("back", "answer", "a", "definition"),
    "tags": ("tags", "tag"),
    "id": ("id", "card id", "card_id"),
    "explanation": ("explanation", "notes", "note"),
    "source": ("source",),
}


def _field_for(header: str) -> str | None:
    name = header.strip().lower()
    for field, names in COLUMNS.items():
        if name in names:
            return field
    return None


def split_tags(cell: str) -> list[str]:
    parts = cell.split(",") if "," in cell else cell.split()
    out: list[str] = []
    for part in (p.strip() for p in parts):
        if part and part not in out:
            out.append(part)
    return out


def parse_csv(text: str, path: str, report: Report) -> list[dict[str, Any]]:
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: (first_line.count(d), d == ","))
    if delimiter != ",":
        report.note(
            path,
            f"the header is separated by {'semicolons' if delimiter == ';' else 'tabs'}: "
            "read the file that way",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise DeckError(
                [
                    Diagnostic(
                        path,
                        1,
                        1,
                        "the file is empty; a CSV deck starts with a header row "
                        "such as 'front,back,tags'",
                    )
                ]
            )
        fields = [_field_for(h) for h in header]
        missing = [f for f in ("front", "back") if f not in fields]
        if missing:
            raise DeckError(
                [
                    Diagnostic(
                        path,
                        1,
                        1,
                        f"the header has no {' or '.join(repr(m) for m in missing)} column "
                        f"(found: {', '.join(repr(h) for h in header)}); the first row must name the columns, "
                        "e.g. 'front,back,tags'",
                    )
                ]
            )
        extra = [h for h, f in zip(header, fields) if f is None]
        if extra:
            report.warn(
                path,
                f"column{'s' * (len(extra) != 1)} {', '.join(repr(h) for h in extra)} "
                "not used (studyrnn reads front, back, tags, id, explanation, source)",
            )
        for i, f in enumerate(fields):
            if f is not None and fields.index(f) != i:
                report.warn(path, f"column {header[i]!r} repeats {f!r}: the first one is used")
        cards: list[dict[str, Any]] = []
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                report.warn(
                    path,
                    f"row at line {start} has {len(row)} cells but the header names "
                    f"{len(header)}: the extra cells are ignored",
                    start,
                    1,
                )
            values: dict[str, str] = {}
            for f, cell in zip(fields, row):
                if f is not None and f not in values:
                    values[f] = cell
            front, back = values.get("front", "").strip(), values.get("back", "").strip()
            if not front or not back:
                report.warn(
                    path,
                    f"row at line {start} has no {'front' if not front else 'back'}; skipped",
                    start,
                    1,
                )
                continue
            card: dict[str, Any] = {
                "type": "flashcard",
                "front": _text(front),
                "back": _text(back),
                "_line": start,
                "_col": 1,
            }
            tags = split_tags(values.get("tags", ""))
            if tags:
                card["tags"] = tags
            for key in ("id", "explanation", "source"):
                if values.get(key, "").strip():
                    card[key] = values[key].strip()
            cards.append(card)
    except csv.Error as exc:
        raise DeckError(
            [Diagnostic(path, reader.line_num or 1, 1, f"not readable as CSV: {exc}")]
        ) from None
    n = len(cards)
    report.note(path, f"{n} card{'s' * (n != 1)} from the rows (one flashcard per row)")
    return cards


def _text(cell: str) -> str:
    return re.sub(r"\r\n?", "\n", cell)
