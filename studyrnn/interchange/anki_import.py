"""Anki packages in: ``.apkg`` / ``.colpkg`` -> studyrnn card dicts.

A package is a zip holding one SQLite collection, read here directly with the standard library's
``sqlite3`` (opened read-only from a private temporary copy), never with Anki's own code:

- ``collection.anki2`` (Anki before 2.1.50, schema 11), ``collection.anki21`` (schema 11, newer
  scheduler), both with note types and decks as JSON in the ``col`` row and a JSON media map;
- ``collection.anki21b`` (Anki 2.1.50+; the ``meta`` entry says version 3): zstd-compressed,
  schema 18, with note types, fields, templates and decks in tables of their own (configs as
  protobuf) and a zstd-compressed protobuf media map. Such packages also carry a dummy
  ``collection.anki2`` telling old clients to update; it is ignored.

What becomes what (decided for learners: each card asks one thing and grades what it can):

- **Basic** (and any note type whose every card template shows one field on the front and one
  other on the back): one flashcard per Anki card the note has -- so "Basic (and reversed
  card)" gives two flashcards, "optional reversed" one or two, as in Anki.
- **Type in the answer** (a template with ``{{type:Field}}``): a text card graded against that
  field (case-insensitive), the rest of the front as the prompt.
- **Cloze**: one card per deletion number, as Anki makes one card per number: the prompt is
  the text with that number's deletions shown as ``[...]`` (or ``[hint]``) and the others filled
  in; a single deletion is a text card (typed, graded case-insensitively), several deletions with
  the same number are a flashcard whose back lists them. "Back Extra" becomes the explanation.
- **Our own export** (note types "studyrnn Basic/Choice v2"): the hidden ``studyrnn`` field holds
  the card as JSON, so the exact card comes back (generated variants back into one card).
- Every field is HTML: it becomes plain text (``html_text``); tags are carried (``_`` -> space);
  media (images, ``[sound:]``) is not imported and is reported with a count; any other note type
  is reported with its count of notes and skipped.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import tempfile
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

from studyrnn.errors import DeckError, Diagnostic
from studyrnn.interchange.common import Report
from studyrnn.interchange.html_text import html_to_text
from studyrnn.untrusted import one_line

MAX_COLLECTION_BYTES = 512 * 1024 * 1024  # the collection once extracted (zip bombs stop here)
MAX_MEDIA_MAP_BYTES = 64 * 1024 * 1024
LATEST = 3  # PackageMetadata.Version.VERSION_LATEST
_FIELD_REF = re.compile(r"\{\{([^{}]+)\}\}")
_SPECIAL_REFS = frozenset({"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type"})
_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


# --------------------------------------------------------------------------------------------
# HTML fields and cloze


def field_text(
    value: str, is_html: bool, report: Report | None = None, path: str = "", line: int = 0
) -> str:
    """A field as plain text; media it names are counted in ``report.media_refs``."""
    if not is_html:
        return value
    converted = html_to_text(value)
    if converted.media and report is not None:
        report.media_refs += len(converted.media)
    return converted.text


def cloze_cards(text: str, extra: str = "") -> list[dict[str, Any]]:
    """One card dict per deletion number of a cloze ``text`` (plain text, not HTML)."""
    numbers = sorted({int(m.group(1)) for m in _CLOZE.finditer(text)})
    cards: list[dict[str, Any]] = []
    for n in numbers:
        answers: list[str] = []

        def gap(m: re.Match[str], n: int = n, answers: list[str] = answers) -> str:
            if int(m.group(1)) != n:
                return m.group(2)
            answers.append(m.group(2).strip())
            hint = (m.group(3) or "").strip()
            return f"[{hint}]" if hint else "[...]"

        prompt = _CLOZE.sub(gap, text).strip()
        if not prompt or not all(answers):
            continue
        card: dict[str, Any]
        if len(answers) == 1:
            card = {"type": "text", "prompt": prompt, "answers": answers}
        else:
            card = {"type": "flashcard", "front": prompt, "back": "; ".join(answers)}
        if extra.strip():
            card["explanation"] = extra.strip()
        card["_cloze"] = n
        cards.append(card)
    return cards


# --------------------------------------------------------------------------------------------
# protobuf, the few fields we read


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        if i >= len(buf) or shift > 63:
            raise ValueError("truncated varint")
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, i
        shift += 7


def proto_fields(buf: bytes) -> list[tuple[int, int | bytes]]:
    """``(field number, value)`` pairs of one protobuf message: varints as ints, length-
    delimited fields as bytes (fixed-width fields are skipped over)."""
    out: list[tuple[int, int | bytes]] = []
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
            out.append((number, value))
        elif wire == 2:
            size, i = _varint(buf, i)
            if i + size > len(buf):
                raise ValueError("truncated field")
            out.append((number, buf[i : i + size]))
            i += size
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ValueError(f"wire type {wire}")
    return out


def _proto_get(buf: bytes, number: int, default: Any = None) -> Any:
    for n, value in proto_fields(buf):
        if n == number:
            return value
    return default


# --------------------------------------------------------------------------------------------
# the package


def _corrupt(path: str, why: str) -> DeckError:
    return DeckError([Diagnostic(path, 1, 1, f"not a readable Anki package: {why}")])


def _zstd(data: bytes, limit: int, path: str) -> bytes:
    import zstandard

    try:
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data))
        out = reader.read(limit + 1)
    except zstandard.ZstdError as exc:
        raise _corrupt(path, f"zstd: {one_line(exc, 60)}") from None
    if len(out) > limit:
        raise _corrupt(path, f"it unpacks to more than {limit:,} bytes")
    return out


def _read_member(zf: zipfile.ZipFile, name: str, limit: int, path: str) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise _corrupt(path, f"{name} is {info.file_size:,} bytes, more than {limit:,}")
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise _corrupt(path, f"{name} is more than {limit:,} bytes")
    return data


def _package(data: bytes, path: str) -> tuple[bytes, int, int]:
    """The collection's SQLite bytes, its package version and the number of media files."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
        version = 0
        if "meta" in names:
            meta = _read_member(zf, "meta", 1024, path)
            version = int(_proto_get(meta, 1, 0) or 0)
            if version > LATEST or version <= 0:
                raise _corrupt(path, f"package version {version} is newer than this reader")
        if version == LATEST:
            member = "collection.anki21b"
        elif "collection.anki21" in names:
            member, version = "collection.anki21", 2
        else:
            member, version = "collection.anki2", 1
        if member not in names:
            raise _corrupt(path, f"it holds no {member}")
        raw = _read_member(zf, member, MAX_COLLECTION_BYTES, path)
        if version == LATEST:
            raw = _zstd(raw, MAX_COLLECTION_BYTES, path)
        media = 0
        if "media" in names:
            media_raw = _read_member(zf, "media", MAX_MEDIA_MAP_BYTES, path)
            media = _media_count(media_raw, version, path)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise _corrupt(path, f"a damaged zip file ({one_line(exc, 60) or 'truncated'})") from None
    except (NotImplementedError, RuntimeError, OSError) as exc:  # compression, encryption
        raise _corrupt(path, f"the zip file cannot be read ({one_line(exc, 60)})") from None
    except (ValueError, KeyError) as exc:
        raise _corrupt(path, one_line(exc, 80)) from None
    return raw, version, media


def _media_count(raw: bytes, version: int, path: str) -> int:
    if version == LATEST:
        entries = proto_fields(_zstd(raw, MAX_MEDIA_MAP_BYTES, path))
        return sum(1 for n, _ in entries if n == 1)
    try:
        mapping = json.loads(raw.decode("utf-8") or "{}")
    except (ValueError, RecursionError):
        raise _corrupt(path, "the media list is not JSON") from None
    return len(mapping) if isinstance(mapping, dict) else 0


class _Notetype:
    def __init__(self, ntid: int, name: str, cloze: bool, fields: list[str], templates: list):
        self.id, self.name, self.cloze = ntid, name, cloze
        self.fields = fields
        self.templates: list[tuple[str, str]] = templates  # (question, answer) formats


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _notetypes_and_decks(
    db: sqlite3.Connection,
) -> tuple[dict[int, _Notetype], dict[int, tuple[str, str]]]:
    """Note types by id, and (name, description) of each deck by id."""
    if "notetypes" in _tables(db):  # schema 18
        fields: dict[int, list[tuple[int, str]]] = {}
        for ntid, ord_, name in db.execute("SELECT ntid, ord, name FROM fields"):
            fields.setdefault(ntid, []).append((ord_, name))
        templates: dict[int, list[tuple[int, tuple[str, str]]]] = {}
        for ntid, ord_, config in db.execute("SELECT ntid, ord, config FROM templates"):
            q = _proto_get(config or b"", 1, b"")
            a = _proto_get(config or b"", 2, b"")
            templates.setdefault(ntid, []).append(
                (ord_, (bytes(q).decode("utf-8", "replace"), bytes(a).decode("utf-8", "replace")))
            )
        types = {}
        for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
            kind = _proto_get(config or b"", 1, 0)
            types[ntid] = _Notetype(
                ntid,
                name,
                kind == 1,
                [n for _, n in sorted(fields.get(ntid, []))],
                [t for _, t in sorted(templates.get(ntid, []))],
            )
        decks = {}
        for did, name, kind in db.execute("SELECT id, name, kind FROM decks"):
            normal = _proto_get(kind or b"", 1, b"")  # Deck.KindContainer.normal
            desc = _proto_get(normal, 4, b"") if isinstance(normal, bytes) else b""
            decks[did] = (name.replace("\x1f", "::"), bytes(desc).decode("utf-8", "replace"))
        return types, decks
    models_json, decks_json = db.execute("SELECT models, decks FROM col").fetchone()
    try:  # JSON of any shape may sit here in a damaged file: every misfit is one error
        models = json.loads(models_json)
        types = {}
        for key, m in models.items():
            flds = [
                str(f["name"]) for f in sorted(m.get("flds", []), key=lambda f: f.get("ord", 0))
            ]
            tmpls = [
                (str(t.get("qfmt", "")), str(t.get("afmt", "")))
                for t in sorted(m.get("tmpls", []), key=lambda t: t.get("ord", 0))
            ]
            name = str(m.get("name", "?"))
            types[int(key)] = _Notetype(int(key), name, m.get("type") == 1, flds, tmpls)
        decks = {
            int(k): (str(d.get("name", "?")), str(d.get("desc", "") or ""))
            for k, d in json.loads(decks_json).items()
        }
    except (AttributeError, TypeError, KeyError, ValueError, RecursionError):
        raise ValueError("its note types or decks are not in Anki's layout") from None
    return types, decks


def _refs(template: str) -> list[str]:
    """Plain field references of a template: ``{{Front}}``, ``{{text:Back}}`` -> the names;
    sections (``{{#X}}``), FrontSide and other specials are not fields shown."""
    out = []
    for m in _FIELD_REF.finditer(template):
        ref = m.group(1).strip()
        if ref[:1] in "#/^!":
            continue
        name = ref.rsplit(":", 1)[-1].strip()
        if name and name not in _SPECIAL_REFS and name not in out:
            out.append(name)
    return out


def _type_field(template: str) -> str | None:
    m = re.search(r"\{\{type:(?:[a-z]+:)*([^{}]+)\}\}", template)
    return m.group(1).strip() if m else None


def _own_deck(description: str) -> dict[str, Any]:
    """id, title, language and notes of a deck exported by studyrnn (from the comment in its
    description), else {}."""
    import base64

    m = re.search(r"<!-- studyrnn-deck:([A-Za-z0-9+/=]+) -->", description)
    if not m:
        return {}
    try:
        doc = json.loads(base64.b64decode(m.group(1), validate=True).decode("utf-8"))
    except (ValueError, RecursionError, UnicodeDecodeError):
        return {}
    if not isinstance(doc, dict):
        return {}
    return {
        k: v
        for k, v in doc.items()
        if k in ("id", "title", "language", "notes") and isinstance(v, str)
    }


def parse_apkg(
    data: bytes, path: str, report: Report
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Card dicts (not yet validated) and what is known of the deck (title; for a studyrnn
    export also id, language and study notes)."""
    raw, version, media = _package(data, path)
    with tempfile.TemporaryDirectory(prefix="studyrnn-anki-") as tmp:
        db_path = Path(tmp) / "collection.sqlite"
        db_path.write_bytes(raw)
        try:
            db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
            try:
                return _from_collection(db, path, report, version, media)
            finally:
                db.close()
        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError) as exc:
            raise _corrupt(path, f"the collection cannot be read ({one_line(exc, 80)})") from None


def _from_collection(
    db: sqlite3.Connection, path: str, report: Report, version: int, media: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    types, deck_names = _notetypes_and_decks(db)
    card_ords: dict[int, list[int]] = {}
    deck_of: Counter[int] = Counter()
    for nid, did, ord_ in db.execute("SELECT nid, did, ord FROM cards ORDER BY nid, ord"):
        card_ords.setdefault(nid, []).append(ord_)
        deck_of[did] += 1
    cards: list[dict[str, Any]] = []
    skipped: Counter[str] = Counter()
    generated: dict[str, dict[str, Any]] = {}
    n_notes = 0
    for nid, _guid, mid, tags, flds in db.execute(
        "SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"
    ):
        n_notes += 1
        nt = types.get(mid)
        if nt is None:
            skipped["(a missing note type)"] += 1
            continue
        values = dict(zip(nt.fields, str(flds).split("\x1f")))
        tag_list = sorted(dict.fromkeys(t.replace("_", " ") for t in str(tags).split() if t))
        extra: dict[str, Any] = {"_line": 0, "_col": 0}
        if tag_list:
            extra["tags"] = tag_list
        made = _note_cards(nt, values, card_ords.get(nid, [0]), report, path, generated)
        if made is None:
            skipped[nt.name] += 1
            continue
        for card in made:
            if card.get("_own"):
                cards.append({k: v for k, v in card.items() if k != "_own"})
            else:
                cards.append({**card, **extra})
    for name, count in sorted(skipped.items()):
        report.warn(
            path,
            f"{count} note{'s' * (count != 1)} of note type '{one_line(name, 60)}' skipped "
            "(studyrnn reads Basic, reversed, type-in-the-answer and Cloze notes)",
        )
    media_refs = report.media_refs
    if media or media_refs:
        report.warn(
            path,
            f"media not imported: {media} file{'s' * (media != 1)} in the package, "
            f"{media_refs} reference{'s' * (media_refs != 1)} in fields (shown as "
            "[image: name] / [media: name])",
        )
    kind = {1: "collection.anki2", 2: "collection.anki21", LATEST: "collection.anki21b"}[version]
    report.note(
        path, f"{n_notes} Anki note{'s' * (n_notes != 1)} read from {kind}, {len(cards)} cards made"
    )
    used = [(n, did) for did, n in deck_of.most_common() if did in deck_names]
    deck: dict[str, Any] = {}
    if used:
        name, description = deck_names[used[0][1]]
        deck = _own_deck(description) or {"title": name}
        if len(used) > 1:
            report.note(path, f"{len(used)} Anki decks merged into one deck")
    return cards, deck


def _note_cards(
    nt: _Notetype,
    values: dict[str, str],
    ords: list[int],
    report: Report,
    path: str,
    generated: dict[str, dict[str, Any]],
) -> list[dict[str, Any]] | None:
    """The cards of one note, or None when its note type has no studyrnn form."""
    import html

    if "studyrnn" in values and values["studyrnn"].strip():
        try:
            doc = json.loads(html.unescape(values["studyrnn"]))
        except (ValueError, RecursionError):
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("card"), dict):
            card = dict(doc["card"])
            if "seed" in doc:  # a variant of a generated card: the card comes back once
                if card.get("id") in generated:
                    return []
                generated[str(card.get("id"))] = card
            return [{**card, "_own": True, "_line": 0, "_col": 0}]

    def text(name: str) -> str:
        return field_text(values.get(name, ""), True, report, path)

    if nt.cloze:
        body_field = next((n for n in nt.fields if _CLOZE.search(values.get(n, ""))), None)
        if body_field is None:
            return []
        extra_field = next((n for n in nt.fields if n != body_field), "")
        # Clozes are found in the HTML first (a deletion may hold markup), then made text.
        made = cloze_cards(values[body_field], values.get(extra_field, ""))
        for made_card in made:
            for key in ("prompt", "front", "back", "explanation"):
                if key in made_card:
                    made_card[key] = field_text(made_card[key], True, report, path)
            if "answers" in made_card:
                made_card["answers"] = [
                    field_text(a, True, report, path) for a in made_card["answers"]
                ]
        return made
    out: list[dict[str, Any]] = []
    for ord_ in ords:
        if ord_ >= len(nt.templates):
            continue
        qfmt, afmt = nt.templates[ord_]
        typed = _type_field(qfmt)
        front_refs = [r for r in _refs(qfmt) if r in values]
        if typed is not None and typed in values:
            prompt = "\n".join(text(r) for r in front_refs if r != typed).strip()
            answer = text(typed).strip()
            if prompt and answer:
                out.append({"type": "text", "prompt": prompt, "answers": [answer]})
            continue
        back_refs = [r for r in _refs(afmt) if r in values and r not in front_refs]
        if len(front_refs) != 1 or len(back_refs) < 1:
            return None
        front = text(front_refs[0]).strip()
        back = text(back_refs[0]).strip()
        if not front or not back:
            continue
        flashcard: dict[str, Any] = {"type": "flashcard", "front": front, "back": back}
        more = [text(r).strip() for r in back_refs[1:]]
        if any(more):
            flashcard["explanation"] = "\n".join(m for m in more if m)
        out.append(flashcard)
    return out
