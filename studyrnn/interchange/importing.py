"""``import_deck``: text in some format -> a deck that validates, as readable YAML.

Every format's parser yields card dicts (plus, where the format has them, study notes and a
title). Here they get ids (kept when the source names valid ones, else derived from the text),
each card is validated on its own (a card that does not validate is reported with the reason
and left out, so the deck still loads), and the deck is written as YAML and loaded back with
the real deck loader before anyone sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from studyrnn.decks.yamlsafe import MAX_FILE_BYTES
from studyrnn.errors import DeckError, Diagnostic, StudyrnnError, UsageError
from studyrnn.interchange.common import Report
from studyrnn.interchange.ids import IdAllocator, deck_id_from, is_card_id, is_deck_id, slugify
from studyrnn.untrusted import one_line

IMPORT_FORMATS = ("apkg", "qa", "csv", "gift", "moodle-xml", "json")
ALIASES = {"anki": "apkg", "colpkg": "apkg", "xml": "moodle-xml", "moodle": "moodle-xml"}
MAX_IMPORT_BYTES = 4 * 1024 * 1024  # text formats: the deck limit (a deck is never smaller)
MAX_PACKAGE_BYTES = 256 * 1024 * 1024  # an Anki package: mostly media, which is not read
SUFFIXES = {
    ".apkg": "apkg",
    ".colpkg": "apkg",
    ".xml": "moodle-xml",
    ".txt": "qa",
    ".md": "qa",
    ".qa": "qa",
    ".csv": "csv",
    ".tsv": "csv",
    ".gift": "gift",
    ".json": "json",
}
TEXT_KEYS = ("front", "prompt", "statement")


class NoCardsError(StudyrnnError):
    """Nothing importable: carries the report, whose warnings say why (the command prints them
    before this error's one line, which points at them only when there are some)."""

    def __init__(self, report: Report, source: str):
        self.report = report
        tail = " (see the warnings above)" if report.warnings else ""
        super().__init__(f"{one_line(source, 120)}: no cards found to import{tail}")


@dataclass
class ImportResult:
    deck: Any  # the validated Deck
    data: dict[str, Any]  # the deck as written (plain data)
    report: Report
    fmt: str
    source: str

    def yaml_for(self, target: Path | None) -> str:
        """The deck's YAML for a file at ``target`` (None: stdout); the schema comment's path is
        relative beside the bundled decks, absolute elsewhere."""
        from studyrnn.interchange.yaml_out import dump_deck, schema_comment_path

        source = Path(self.source).name if self.source not in ("<stdin>", "-") else self.source
        check = target.name if target is not None else "FILE"
        header = [
            f"Imported from {source} by `studyrnn import --format {self.fmt}`; "
            f"check it with: studyrnn validate {check}"
        ]
        return dump_deck(self.data, schema=schema_comment_path(target), header=header)

    @property
    def yaml(self) -> str:
        return self.yaml_for(None)


def decode_import(raw: bytes, source: str) -> str:
    """The text of an import: UTF-8 (a BOM is dropped) or UTF-16 with its BOM (what Excel's
    "Unicode Text" writes). Anything else is one error naming ``path:line:col``."""
    import codecs

    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DeckError(
                [
                    Diagnostic(
                        source, 1, 1, f"not UTF-16 text after its byte-order mark: {exc.reason}"
                    )
                ]
            ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise StudyrnnError(
            f"{one_line(source, 120)}:{line}:{col}: not UTF-8 text (save the file as UTF-8 or "
            "UTF-16)"
        ) from None


def import_deck(
    text: str | bytes,
    fmt: str,
    *,
    source: str = "<stdin>",
    deck_id: str | None = None,
    title: str | None = None,
    language: str | None = None,
    pick_deck: str | None = None,
    separator: str | None = None,
    card_separator: str | None = None,
) -> ImportResult:
    """Parse ``text`` as ``fmt`` into a deck (``apkg``: the package's bytes). ``source`` names
    the file in messages and gives the deck id and title when none are given. ``separator`` and
    ``card_separator``: csv without a header (Quizlet's export options)."""
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in IMPORT_FORMATS:
        raise UsageError(f"unknown import format {fmt!r} (formats: {', '.join(IMPORT_FORMATS)})")
    if isinstance(text, bytes) != (fmt == "apkg"):
        raise UsageError("an Anki package is read as bytes, every other format as text")
    if deck_id is not None and not is_deck_id(deck_id):
        raise UsageError(
            f"'{one_line(deck_id, 60)}' is not a valid deck id: use lowercase letters, digits and hyphens "
            f"(for example '{deck_id_from(deck_id)}')"
        )
    report = Report()
    notes = ""
    found_title: str | None = None
    found_id: str | None = None
    extra: dict[str, Any] = {}
    if isinstance(text, bytes):
        from studyrnn.interchange.anki_import import parse_apkg

        cards, found = parse_apkg(text, source, report)
        found_title, notes = found.get("title"), found.get("notes") or ""
        found_id = found.get("id")
        if found.get("language"):
            extra["language"] = found["language"]
    elif fmt == "qa":
        from studyrnn.interchange.qa import parse_qa

        cards = parse_qa(text, source, report)
    elif fmt == "csv":
        from studyrnn.interchange.csv_io import parse_csv

        found_csv: dict[str, Any] = {}
        cards = parse_csv(
            text,
            source,
            report,
            separator=separator,
            card_separator=card_separator,
            found=found_csv,
        )
        found_title = found_csv.get("title")
    elif fmt == "moodle-xml":
        from studyrnn.interchange.moodle_xml import parse_moodle_xml

        cards, notes, found_title = parse_moodle_xml(text, source, report)
    elif fmt == "gift":
        from studyrnn.interchange.gift import gift_to_cards, parse_gift

        questions, parse_report = parse_gift(text, source)
        report.extend(parse_report)
        cards, notes, found_title = gift_to_cards(questions, source, report)
        n = len(cards)
        report.note(
            source,
            f"{len(questions)} GIFT question{'s' * (len(questions) != 1)} read, "
            f"{n} card{'s' * (n != 1)} made",
        )
    else:
        from studyrnn.interchange.json_io import parse_json

        deck_data = parse_json(text, source, report, deck_id=pick_deck)
        cards = [c for c in deck_data.get("cards") or []]
        notes = deck_data.get("notes") or ""
        found_title = deck_data.get("title") if isinstance(deck_data.get("title"), str) else None
        found_id = deck_data.get("id") if isinstance(deck_data.get("id"), str) else None
        if isinstance(deck_data.get("language"), str):
            extra["language"] = deck_data["language"]
        unknown = sorted(set(deck_data) - {"version", "id", "title", "language", "notes", "cards"})
        if unknown:
            report.warn(
                source,
                f"deck key{'s' * (len(unknown) != 1)} {one_line(', '.join(unknown), 80)} not part "
                "of a deck; dropped",
            )
        cards = [c if isinstance(c, dict) else {"_invalid": c} for c in cards]

    if found_title:
        found_title = clean_text(found_title, source, report)
    notes = clean_text(notes, source, report)
    stem = Path(source).stem if source not in ("<stdin>", "-") else ""
    if deck_id is None:
        if found_id and is_deck_id(found_id):
            deck_id = found_id
        else:
            deck_id = deck_id_from(stem or (found_title or ""))
            origin = (
                "the file name"
                if stem
                else ("the title" if found_title else "nothing (no file name)")
            )
            report.note(source, f"deck id '{deck_id}' derived from {origin} (choose one with --id)")
    if title is None:
        if found_title and found_title.strip():
            title = " ".join(found_title.split())
            if found_title and fmt in ("gift", "moodle-xml", "apkg", "csv"):
                origin = "category" if fmt in ("gift", "moodle-xml") else "Anki deck"
                report.note(
                    source,
                    f"title '{one_line(title, 80)}' taken from the {origin} "
                    "(choose one with --title)",
                )
        else:
            title = (stem.replace("_", " ").replace("-", " ").strip() or deck_id).capitalize()
            report.note(
                source,
                f"title '{title}' derived from the {'file name' if stem else 'deck id'} "
                "(choose one with --title)",
            )
    if language is not None:
        extra["language"] = language

    valid = _validated_cards(cards, source, report)
    if not valid:
        raise NoCardsError(report, source)

    deck: dict[str, Any] = {"version": 1, "id": deck_id, "title": title, **extra}
    if notes.strip():
        deck["notes"] = notes.rstrip("\n") + "\n"
    deck["cards"] = valid
    from studyrnn.decks import load_deck_text
    from studyrnn.decks.models import Deck

    try:
        model = Deck.model_validate(deck)
    except ValidationError as err:  # a deck-level field the caller gave (--title, --language)
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"the imported deck is not valid: {where}: {first['msg']}") from None
    data = model.model_dump(mode="json", exclude_none=True)
    if not data.get("notes"):
        data.pop("notes", None)
    for card in data["cards"]:
        if card.get("tags") == []:
            del card["tags"]
        if card.get("type") == "generated" and card.get("params") == {}:
            del card["params"]
        if card.get("type") == "text" and card.get("match") == "casefold":
            del card["match"]
    result = ImportResult(None, data, report, fmt, source)
    yaml_text = result.yaml
    size = len(yaml_text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise StudyrnnError(
            f"{one_line(source, 120)}: the imported deck would be {size:,} bytes of YAML, over "
            f"the deck limit of {MAX_FILE_BYTES:,}; split the file and import each part"
        )
    try:
        result.deck = load_deck_text(yaml_text, "<imported>")
    except DeckError as err:  # pragma: no cover - the writer and the models disagree: a bug
        raise StudyrnnError(
            f"internal error: the imported deck does not load back: {one_line(err, 200)}"
        ) from err
    return result


def _validated_cards(
    cards: list[dict[str, Any]], source: str, report: Report
) -> list[dict[str, Any]]:
    from studyrnn.decks.models import Card

    adapter = TypeAdapter(Card)
    ids = IdAllocator()
    derived = 0
    out: list[dict[str, Any]] = []
    for index, raw in enumerate(cards):
        line, col = raw.get("_line", 0), raw.get("_col", 0)
        if "_invalid" in raw:
            report.warn(source, f"card #{index + 1} is not an object; skipped", line, col)
            continue
        card = {
            k: clean_value(v, source, report, line, col)
            for k, v in raw.items()
            if not k.startswith("_")
        }
        wanted = card.get("id")
        title = raw.get("_title")
        if isinstance(wanted, str) and is_card_id(wanted):
            card["id"] = ids.take(wanted)
        elif isinstance(title, str) and title.strip():
            card["id"] = ids.take(title if is_card_id(title) else slugify(title))
        else:
            text = next((card[k] for k in TEXT_KEYS if isinstance(card.get(k), str)), "")
            card["id"] = ids.from_text(text)
            derived += 1
        if card["id"] != wanted and isinstance(wanted, str):
            report.warn(
                source,
                f"card id '{one_line(wanted, 60)}' is taken or not valid: the card is '{card['id']}'",
                line,
                col,
            )
        try:
            adapter.validate_python(card)
        except ValidationError as err:
            problems = "; ".join(_describe(e) for e in err.errors()[:3])
            report.warn(source, f"card '{card['id']}' skipped: {problems}", line, col)
            continue
        out.append(card)
    if derived:
        report.note(
            source,
            f"{derived} card id{'s' * (derived != 1)} derived from the text "
            "(stable: the same text gives the same id)",
        )
    return out


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(
        str(p) for p in error.get("loc", ()) if not isinstance(p, str) or p not in TYPE_TAGS
    )
    msg = one_line(error["msg"], 120)
    return f"{loc}: {msg}" if loc else msg


def clean_text(text: str, source: str, report: Report, line: int = 0, col: int = 0) -> str:
    """``text`` without the characters a deck may not hold (``untrusted.forbidden_char``: C0
    controls but newline and tab, DEL, C1, bidi overrides and isolates, noncharacters), so an
    import never writes a deck its own loader rejects; a warning says how many went."""
    from studyrnn.untrusted import forbidden_char

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if forbidden_char(text) is None:
        return text
    # Only the lines that hold one are filtered, character by character (the one rule).
    lines = text.split("\n")
    for k, text_line in enumerate(lines):
        if forbidden_char(text_line) is not None:
            lines[k] = "".join(ch for ch in text_line if forbidden_char(ch) is None)
    cleaned = "\n".join(lines)
    removed = len(text) - len(cleaned)
    report.warn(
        source,
        f"{removed} control, bidi or non-character{'s' * (removed != 1)} removed from "
        f"'{one_line(cleaned, 40)}'",
        line,
        col,
    )
    return cleaned


def clean_value(value: Any, source: str, report: Report, line: int = 0, col: int = 0) -> Any:
    if isinstance(value, str):
        return clean_text(value, source, report, line, col)
    if isinstance(value, list):
        return [clean_value(v, source, report, line, col) for v in value]
    if isinstance(value, dict):
        return {k: clean_value(v, source, report, line, col) for k, v in value.items()}
    return value


TYPE_TAGS = {"flashcard", "choice", "multi", "true_false", "order", "numeric", "text", "generated"}
