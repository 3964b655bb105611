"""Anki ``.apkg`` out (through genanki); ``anki_import`` reads packages back in.

What keeps an export in place when it is imported into Anki again (Anki's importer matches
notes by GUID, note types by id and schema, and decks by NAME):

- note GUID: ``genanki.guid_for(deck_id, card_id)``; a generated card's variant with seed k:
  ``genanki.guid_for(deck_id, card_id, k)``. Only distinct variants are written (see
  ``common.distinct_variants``), so Anki flags no note as a duplicate.
- deck: named ``studyrnn::<deck id>`` -- the stable id, not the title, because Anki finds an
  existing deck by its name: a retitled deck stays the same Anki deck (the title is the first
  line of the deck description). The Anki deck id is derived from the deck id too.
- note types: "studyrnn Basic v2" and "studyrnn Choice v2". Their SCHEMA (field names and
  count, template names and count) is frozen for a version, because Anki's importer treats any
  schema change as a new note type and marks every existing note "conflicting". Templates and
  CSS may change freely within a version (Anki updates them in place). Two spare fields
  (``Extra 1``, ``Extra 2``) exist so that a new piece of card text can be added to the
  templates without a schema change. A real schema change gets a new version number, hence
  new ids (``stable_int("studyrnn-notetype", name, version)``); Anki then needs "Merge note
  types" ticked once on import (Anki 23.10+) to move old notes over.
- the ``studyrnn`` field (never shown on a card) holds the card as JSON, so that
  ``import --format apkg`` of our own export gives back the exact cards.

Note types: "studyrnn Basic" (front/back: flashcards, true/false, numeric, text, order and numeric
variants) and "studyrnn Choice" (prompt, options, answer: choice, multi and choice variants); both
have optional Solution, Explanation and Source fields. The study notes (Markdown) become the
deck description, rendered to HTML with raw HTML switched off. Every other deck text is escaped:
it is literal, never markup -- not even Anki's ``[sound:...]``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from studyrnn.interchange.common import Report, card_where, distinct_variants, report_variants
from studyrnn.interchange.ids import stable_int

NOTETYPE_VERSION = 2  # bump ONLY when the fields or template names change (see above)
BASIC_MODEL_NAME = f"studyrnn Basic v{NOTETYPE_VERSION}"
CHOICE_MODEL_NAME = f"studyrnn Choice v{NOTETYPE_VERSION}"
BASIC_MODEL_ID = stable_int("studyrnn-notetype", "studyrnn Basic", NOTETYPE_VERSION)
CHOICE_MODEL_ID = stable_int("studyrnn-notetype", "studyrnn Choice", NOTETYPE_VERSION)
DATA_FIELD = "studyrnn"
DECK_PREFIX = "studyrnn::"
DECK_MARKER = "studyrnn-deck:"

CSS = """\
.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black; background: white; }
.nightMode .card, .night_mode .card { color: #eee; background: #222; }
.options { margin-top: .6em; }
.answer { font-weight: bold; }
.solution { margin-top: 1em; font-size: 90%; }
.explanation { margin-top: 1em; font-style: italic; }
.source { margin-top: 1em; font-size: 75%; opacity: .7; }
"""

_EXTRAS = """\
{{#Solution}}<div class="solution"><b>Worked solution</b>{{Solution}}</div>{{/Solution}}
{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}
{{#Source}}<div class="source">{{Source}}</div>{{/Source}}"""

# Frozen for NOTETYPE_VERSION: Anki reads a change of any name or of the count as a new type.
_FIELDS_TAIL = [
    {"name": "Solution"},
    {"name": "Explanation"},
    {"name": "Source"},
    {"name": "Card id"},
    {"name": DATA_FIELD},
    {"name": "Extra 1"},
    {"name": "Extra 2"},
]


def _models() -> tuple[Any, Any]:
    import genanki

    basic = genanki.Model(
        BASIC_MODEL_ID,
        BASIC_MODEL_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}, *_FIELDS_TAIL],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer"><div class="answer">{{Back}}</div>\n'
                + _EXTRAS,
            }
        ],
        css=CSS,
    )
    choice = genanki.Model(
        CHOICE_MODEL_ID,
        CHOICE_MODEL_NAME,
        fields=[{"name": "Prompt"}, {"name": "Options"}, {"name": "Answer"}, *_FIELDS_TAIL],
        templates=[
            {
                "name": "Card 1",
                "qfmt": '{{Prompt}}<div class="options">{{Options}}</div>',
                "afmt": '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>\n'
                + _EXTRAS,
            }
        ],
        css=CSS,
    )
    return basic, choice


def text_html(text: str | None) -> str:
    """Literal deck text as HTML: escaped, line breaks kept, Anki's [sound:]/[latex] inert."""
    if not text:
        return ""
    escaped = html.escape(text, quote=False).replace("[", "&#91;").replace("]", "&#93;")
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def _list_html(items: list[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{text_html(i)}</li>" for i in items) + f"</{tag}>"


def notes_html(markdown: str) -> str:
    """Study notes (Markdown) as HTML; raw HTML in them is shown as text, not run."""
    if not markdown.strip():
        return ""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).render(markdown)


def deck_name(deck: Any) -> str:
    """The Anki deck name: by the stable deck id, so a retitled deck stays the same Anki deck."""
    return DECK_PREFIX + deck.id


def deck_description(deck: Any) -> str:
    """The title as a heading, the study notes as HTML, and (invisible, for ``import``) the
    deck as JSON in an HTML comment: base64, so it can never close the comment early."""
    import base64
    import json

    title = html.escape(" ".join(deck.title.split()), quote=False)
    doc = {"id": deck.id, "title": deck.title, "language": deck.language, "notes": deck.notes}
    packed = base64.b64encode(json.dumps(doc, ensure_ascii=False).encode("utf-8")).decode()
    return f"<h2>{title}</h2>\n" + notes_html(deck.notes) + f"<!-- {DECK_MARKER}{packed} -->"


def _tags(card: Any) -> list[str]:
    # Anki tags cannot hold spaces.
    return ["_".join(t.split()) for t in card.tags]


def build_package(decks: list[Any], variant_count: int) -> tuple[Any, Report, int]:
    """The genanki Package, the report and the number of notes."""
    import genanki

    basic, choice = _models()
    report = Report()
    packages: list[Any] = []
    n_notes = 0
    # Shared by every deck: Anki flags equal first fields as duplicates collection-wide.
    seen: set[tuple[Any, ...]] = set()
    for deck in decks:
        anki_deck = genanki.Deck(
            stable_int("studyrnn-deck", deck.id),
            deck_name(deck),
            description=deck_description(deck),
        )
        for card in deck.cards:
            for note in _notes(deck, card, basic, choice, variant_count, report, seen):
                anki_deck.add_note(note)
                n_notes += 1
        packages.append(anki_deck)
    return genanki.Package(packages), report, n_notes


def card_data(card: Any, seed: int | None = None) -> str:
    """The card as JSON for the hidden ``studyrnn`` field (a variant: the card and its seed)."""
    import json

    data = card.model_dump(mode="json", exclude_none=True)
    doc = {"card": data} if seed is None else {"card": data, "seed": seed}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True)


def _note(
    model: Any,
    fields: list[str],
    guid: str,
    card: Any,
    solution: list[str] | None = None,
    seed: int | None = None,
) -> Any:
    import genanki

    tail = [
        _list_html(solution, ordered=True) if solution else "",
        text_html(card.explanation),
        text_html(card.source),
        text_html(card.id),
        html.escape(card_data(card, seed), quote=False),
        "",
        "",
    ]
    return genanki.Note(model=model, fields=[*fields, *tail], guid=guid, tags=_tags(card))


def _notes(
    deck: Any,
    card: Any,
    basic: Any,
    choice: Any,
    variant_count: int,
    report: Report,
    seen: set[tuple[Any, ...]],
) -> list[Any]:
    import genanki

    from studyrnn.grading.numbers import NumericRule

    guid = genanki.guid_for(deck.id, card.id)
    kind = card.type
    if kind == "flashcard":
        return [_note(basic, [text_html(card.front), text_html(card.back)], guid, card)]
    if kind in ("choice", "multi"):
        right = [card.answer] if kind == "choice" else list(card.answers)
        prompt = text_html(card.prompt) + (
            "<br><i>(Select all that apply.)</i>" if kind == "multi" else ""
        )
        options = _list_html(card.options, ordered=True)
        answer = "<br>".join(f"{i + 1}. {text_html(card.options[i])}" for i in right)
        return [_note(choice, [prompt, options, answer], guid, card)]
    if kind == "true_false":
        front = text_html(card.statement) + "<br><i>True or false?</i>"
        return [_note(basic, [front, "True" if card.answer else "False"], guid, card)]
    if kind == "order":
        from studyrnn.quiz import shuffled_order

        shown = [card.items[i] for i in shuffled_order(len(card.items), 0, card.id)]
        front = text_html(card.prompt) + "<br><i>Put in order:</i>" + _list_html(shown)
        return [_note(basic, [front, _list_html(card.items, ordered=True)], guid, card)]
    if kind == "numeric":
        rule = NumericRule.from_tolerance(card.tolerance)
        unit = f" {card.unit}" if card.unit else ""
        back = f"{text_html(rule.format_expected(card.answer) + unit)} <small>({text_html(rule.describe())})</small>"
        return [_note(basic, [text_html(card.prompt), back], guid, card)]
    if kind == "text":
        back = " / ".join(text_html(a) for a in card.answers)
        return [_note(basic, [text_html(card.prompt), back], guid, card)]
    if kind == "generated":
        if variant_count <= 0:
            path, line, col = card_where(deck, card)
            report.warn(path, f"card '{card.id}': generated card skipped (--variants 0)", line, col)
            return []
        out = []
        distinct = distinct_variants(card, variant_count, seen)
        report_variants(report, deck, card, len(distinct), variant_count)
        for shown in distinct:
            q = shown.question
            k = shown.seed
            vguid = genanki.guid_for(deck.id, card.id, k)
            if shown.kind == "choice":
                right_index = int(q.answer)
                options = _list_html(shown.options, ordered=True)
                answer = f"{right_index + 1}. {text_html(shown.options[right_index])}"
                out.append(
                    _note(
                        choice,
                        [text_html(shown.prompt), options, answer],
                        vguid,
                        card,
                        shown.solution,
                        k,
                    )
                )
            else:
                unit = f" {shown.unit}" if shown.unit else ""
                out.append(
                    _note(
                        basic,
                        [text_html(shown.prompt), text_html(q.answer_text + unit)],
                        vguid,
                        card,
                        shown.solution,
                        k,
                    )
                )
        return out
    path, line, col = card_where(deck, card)  # pragma: no cover - every type is handled
    report.warn(path, f"card '{card.id}': type '{kind}' has no Anki form; skipped", line, col)
    return []


def export_apkg_bytes(decks: list[Any], variant_count: int) -> tuple[bytes, Report, int]:
    """The ``.apkg`` file's bytes, the report and the number of notes. genanki writes only to
    a path: it writes into a private temporary folder, and the caller hands the bytes to
    ``studyrnn.files.write_output`` (the one writer of user-named files)."""
    import tempfile

    package, report, n_notes = build_package(decks, variant_count)
    with tempfile.TemporaryDirectory(prefix="studyrnn-apkg-") as tmp:
        scratch = Path(tmp) / "deck.apkg"
        package.write_to_file(str(scratch))
        data = scratch.read_bytes()
    return data, report, n_notes
