"""CSV in three shapes: studyrnn's header-row CSV, Anki's "Notes in Plain Text", Quizlet's export.

1. **Header row** (the default): ``front``, ``back`` and optionally ``tags``, ``id``,
   ``explanation``, ``source``.
2. **Anki's plain-text export**, recognised by its ``#key:value`` header lines:
   ``#separator:`` (Comma, Semicolon, Tab, Space, Pipe, Colon or the character itself),
   ``#html:`` (true: fields are HTML and become plain text), ``#columns:`` (column names),
   ``#tags column:``, ``#deck column:``, ``#notetype column:``, ``#guid column:`` (1-based),
   ``#tags:`` (tags for every row), ``#deck:``/``#notetype:``. The first two remaining columns
   are front and back; a Cloze note (its notetype column says Cloze, or its text holds
   ``{{c1::...}}``) becomes one card per deletion, as ``import --format apkg`` does. Quoted
   fields may span lines.
3. **Quizlet** (``separator=`` given): no header; ``separator`` between term and definition
   (tab, comma, semicolon or any text), ``card_separator`` between cards (newline, semicolon or
   any text). With newline between cards, a line without the separator continues the previous
   definition (Quizlet writes multi-line definitions that way).

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

from studyrnn.errors import DeckError, Diagnostic, UsageError
from studyrnn.interchange.common import Report
from studyrnn.untrusted import one_line

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


NAMED_SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "space": " ",
    "pipe": "|",
    "colon": ":",
    "newline": "\n",
}
_ANKI_HEADER = re.compile(r"#([a-z ]+):(.*)$")
_ANKI_KEYS = frozenset(
    {
        "separator",
        "html",
        "columns",
        "tags column",
        "deck column",
        "notetype column",
        "guid column",
        "tags",
        "deck",
        "notetype",
        "if matches",
    }
)


def separator_from(name: str) -> str:
    """``tab``/``comma``/... (any case) or the text itself (``\\t`` and ``\\n`` understood)."""
    named = NAMED_SEPARATORS.get(name.strip().lower())
    if named is not None:
        return named
    text = name.replace("\\t", "\t").replace("\\n", "\n")
    if not text:
        raise UsageError("a separator cannot be empty")
    return text


def parse_csv(
    text: str,
    path: str,
    report: Report,
    *,
    separator: str | None = None,
    card_separator: str | None = None,
    found: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Card dicts; ``found`` receives what the file says of the deck (Anki's deck: ``title``)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if separator is not None or card_separator is not None:
        return parse_quizlet(
            text,
            path,
            report,
            separator_from(separator or "tab"),
            separator_from(card_separator or "newline"),
        )
    if _ANKI_HEADER.match(text.split("\n", 1)[0].strip()):
        return parse_anki_text(text, path, report, found)
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
                        f"(found: {one_line(', '.join(repr(h) for h in header), 80)}); the "
                        "first row must name the columns, e.g. 'front,back,tags' (Anki's "
                        "export starts '#separator:'; Quizlet's: use --separator)",
                    )
                ]
            )
        extra = [h for h, f in zip(header, fields) if f is None]
        if extra:
            report.warn(
                path,
                f"column{'s' * (len(extra) != 1)} {one_line(', '.join(repr(h) for h in extra), 80)} "
                "not used (studyrnn reads front, back, tags, id, explanation, source)",
            )
        for i, f in enumerate(fields):
            if f is not None and fields.index(f) != i:
                report.warn(
                    path, f"column {one_line(header[i], 40)!r} repeats {f!r}: the first one is used"
                )
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


def parse_quizlet(
    text: str, path: str, report: Report, separator: str, card_separator: str
) -> list[dict[str, Any]]:
    """Quizlet's export: ``term<separator>definition`` joined by ``card_separator``."""
    cards: list[dict[str, Any]] = []
    pieces: list[tuple[int, str]] = []  # (line, text) of each card
    if card_separator == "\n":
        for number, line in enumerate(text.split("\n"), start=1):
            if separator in line or not pieces:
                if line.strip():
                    pieces.append((number, line))
            else:  # no separator: the previous definition goes on
                start, previous = pieces[-1]
                pieces[-1] = (start, previous + "\n" + line)
    else:
        at_line = 1
        for piece in text.split(card_separator):
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                pieces.append((at_line + piece[:lead].count("\n"), piece.strip("\n")))
            at_line += piece.count("\n") + card_separator.count("\n")
    for start, piece in pieces:
        term, found, definition = piece.partition(separator)
        term, definition = term.strip(), definition.strip()
        if not found or not term or not definition:
            report.warn(
                path,
                f"the card at line {start} has no "
                f"{'definition' if term else 'term'} after splitting on "
                f"{one_line(repr(separator), 20)}; skipped",
                start,
                1,
            )
            continue
        cards.append(
            {"type": "flashcard", "front": term, "back": definition, "_line": start, "_col": 1}
        )
    n = len(cards)
    report.note(
        path,
        f"{n} card{'s' * (n != 1)} from Quizlet's export (term {one_line(repr(separator), 20)} "
        f"definition, cards separated by {one_line(repr(card_separator), 20)})",
    )
    return cards


def parse_anki_text(
    text: str, path: str, report: Report, found: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Anki's "Notes in Plain Text" export (see the module docstring)."""
    from studyrnn.interchange.anki_import import cloze_cards, field_text

    header: dict[str, str] = {}
    lines = text.split("\n")
    body_start = 0
    for number, line in enumerate(lines):
        m = _ANKI_HEADER.match(line.strip())
        if not m:
            body_start = number
            break
        key, value = m.group(1).strip().lower(), m.group(2).strip()
        if key not in _ANKI_KEYS:
            report.warn(
                path, f"header '#{one_line(key, 30)}:' not understood; ignored", number + 1, 1
            )
        header[key] = value
    else:
        body_start = len(lines)
    delimiter = separator_from(header.get("separator", "tab"))
    if len(delimiter) != 1:
        raise DeckError(
            [
                Diagnostic(
                    path, 1, 1, f"'#separator:{one_line(delimiter, 20)}' must be one character"
                )
            ]
        )
    is_html = header.get("html", "false").lower() == "true"

    def column(key: str) -> int | None:
        value = header.get(key)
        if value is None:
            return None
        if not value.isdigit() or int(value) < 1:
            report.warn(path, f"'#{key}:{one_line(value, 20)}' is not a column number; ignored")
            return None
        return int(value) - 1

    special = {
        "tags": column("tags column"),
        "deck": column("deck column"),
        "notetype": column("notetype column"),
        "guid": column("guid column"),
    }
    names = header["columns"].split(delimiter) if "columns" in header else []
    for i, name in enumerate(names):  # '#columns:' may name the special columns too
        low = name.strip().lower()
        if low in special and special[low] is None:
            special[low] = i
    taken = {i for i in special.values() if i is not None}
    common_tags = header.get("tags", "").split()
    body = "\n".join(lines[body_start:])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    cards: list[dict[str, Any]] = []
    decks: dict[str, int] = {}
    row_end = body_start
    try:
        for row in reader:
            start, row_end = row_end + 1, body_start + reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            fields = [cell for i, cell in enumerate(row) if i not in taken]
            fields = [field_text(f, is_html, report, path, start) for f in fields]
            tags = list(common_tags)
            if special["tags"] is not None and special["tags"] < len(row):
                tags += row[special["tags"]].split()
            if special["deck"] is not None and special["deck"] < len(row):
                name = row[special["deck"]].strip()
                decks[name] = decks.get(name, 0) + 1
            notetype = ""
            if special["notetype"] is not None and special["notetype"] < len(row):
                notetype = row[special["notetype"]].strip()
            notetype = notetype or header.get("notetype", "")
            extra: dict[str, Any] = {"_line": start, "_col": 1}
            if tags:
                extra["tags"] = sorted(dict.fromkeys(t.replace("_", " ") for t in tags))
            if "cloze" in notetype.lower() or (fields and "{{c" in fields[0]):
                made = cloze_cards(fields[0], fields[1] if len(fields) > 1 else "")
                if not made:
                    report.warn(
                        path, f"the cloze note at line {start} has no deletion; skipped", start, 1
                    )
                cards += [{**c, **extra} for c in made]
                continue
            if len(fields) < 2 or not fields[0].strip() or not fields[1].strip():
                report.warn(
                    path, f"the note at line {start} has no front or no back; skipped", start, 1
                )
                continue
            if len(fields) > 2 and any(f.strip() for f in fields[2:]):
                report.note(
                    path,
                    f"the note at line {start} has {len(fields)} fields: the first two are "
                    "front and back, the rest are not kept",
                    start,
                    1,
                )
            cards.append(
                {
                    "type": "flashcard",
                    "front": fields[0].strip(),
                    "back": fields[1].strip(),
                    **extra,
                }
            )
    except csv.Error as exc:
        raise DeckError(
            [Diagnostic(path, row_end + 1, 1, f"not readable as CSV: {one_line(exc, 80)}")]
        ) from None
    title = max(decks, key=lambda d: decks[d]) if decks else header.get("deck", "")
    if found is not None and title.strip():
        found["title"] = title.strip()
    if len(decks) > 1:
        report.note(path, f"{len(decks)} Anki decks merged into one deck")
    n = len(cards)
    report.note(
        path,
        f"{n} card{'s' * (n != 1)} from Anki's plain-text export "
        f"(separator {one_line(repr(delimiter), 10)}, html {'on' if is_html else 'off'})",
    )
    return cards
