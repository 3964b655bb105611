"""Anki ``.apkg`` through genanki.

Stable ids, so importing a new export into Anki updates the notes instead of duplicating them:

- note GUID: ``genanki.guid_for(deck_id, card_id)``; a generated card's variant k (seed k):
  ``genanki.guid_for(deck_id, card_id, k)``;
- Anki deck id: derived from the studyrnn deck id by hash (``ids.stable_int``);
- note types (models): fixed ids, shared by every deck.

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

from studyrnn.interchange.common import Report, card_where, variants
from studyrnn.interchange.ids import stable_int

BASIC_MODEL_ID = 1607392319 + 101  # fixed forever: Anki matches note types by id
CHOICE_MODEL_ID = 1607392319 + 102

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

_FIELDS_TAIL = [
    {"name": "Solution"},
    {"name": "Explanation"},
    {"name": "Source"},
    {"name": "Card id"},
]


def _models() -> tuple[Any, Any]:
    import genanki

    basic = genanki.Model(
        BASIC_MODEL_ID,
        "studyrnn Basic",
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
        "studyrnn Choice",
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


def deck_name(deck: Any, taken: set[str]) -> str:
    name = " ".join(deck.title.split()).replace("::", ":")
    if name in taken:
        name = f"{name} ({deck.id})"
    taken.add(name)
    return name


def _tags(card: Any) -> list[str]:
    # Anki tags cannot hold spaces.
    return ["_".join(t.split()) for t in card.tags]


def build_package(decks: list[Any], variant_count: int) -> tuple[Any, Report, int]:
    """The genanki Package, the report and the number of notes."""
    import genanki

    basic, choice = _models()
    report = Report()
    packages: list[Any] = []
    names: set[str] = set()
    n_notes = 0
    for deck in decks:
        anki_deck = genanki.Deck(
            stable_int("studyrnn-deck", deck.id),
            deck_name(deck, names),
            description=notes_html(deck.notes),
        )
        for card in deck.cards:
            for note in _notes(deck, card, basic, choice, variant_count, report):
                anki_deck.add_note(note)
                n_notes += 1
        packages.append(anki_deck)
    return genanki.Package(packages), report, n_notes


def _note(
    model: Any, fields: list[str], guid: str, card: Any, solution: list[str] | None = None
) -> Any:
    import genanki

    tail = [
        _list_html(solution, ordered=True) if solution else "",
        text_html(card.explanation),
        text_html(card.source),
        text_html(card.id),
    ]
    return genanki.Note(model=model, fields=[*fields, *tail], guid=guid, tags=_tags(card))


def _notes(
    deck: Any, card: Any, basic: Any, choice: Any, variant_count: int, report: Report
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
        for k, shown in enumerate(variants(card, variant_count)):
            q = shown.question
            vguid = genanki.guid_for(deck.id, card.id, k)
            if shown.kind == "choice":
                right = int(q.answer)
                options = _list_html(shown.options, ordered=True)
                answer = f"{right + 1}. {text_html(shown.options[right])}"
                out.append(
                    _note(
                        choice,
                        [text_html(shown.prompt), options, answer],
                        vguid,
                        card,
                        shown.solution,
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
                    )
                )
        return out
    path, line, col = card_where(deck, card)  # pragma: no cover - every type is handled
    report.warn(path, f"card '{card.id}': type '{kind}' has no Anki form; skipped", line, col)
    return []


def export_apkg(decks: list[Any], path: Path, variant_count: int) -> tuple[Report, int]:
    """Write the ``.apkg`` to ``path`` atomically; the report and the number of notes."""
    from studyrnn.interchange.common import write_atomic

    package, report, n_notes = build_package(decks, variant_count)
    write_atomic(Path(path), lambda tmp: package.write_to_file(str(tmp)))
    return report, n_notes
