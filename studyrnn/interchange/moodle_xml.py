"""Moodle XML, both ways: Moodle's default question exchange format, richer than GIFT.

Export (one ``<question type="category">`` per deck, then one question per card):

=========== ===================================================================================
studyrnn    Moodle XML
=========== ===================================================================================
choice      ``multichoice``, ``<single>true</single>``, the right option at fraction 100
multi       ``multichoice``, ``<single>false</single>``, fractions from Moodle's grade list
            (``common.multi_weights``: nearest, summing to 100%, noted when rounded); each
            wrong option costs the nearest listed grade to 1/n
true_false  ``truefalse`` (answers ``true``/``false``)
numeric     ``numerical``: ``<tolerance>`` is Moodle's absolute error (rtol/sigfigs become
            the band at the answer, rounded up), ``<units>`` holds the unit (multiplier 1)
text        ``shortanswer`` (``usecase`` 1 for match exact; fuzzy is reported); a ``*`` in
            an answer is written ``\\*`` (Moodle's wildcard)
flashcard   ``shortanswer`` graded against the back when it is short, else ``description``
            (reported either way: Moodle has no self-rated card)
order       ``matching`` onto the positions 1..n (reported)
generated   one question per distinct variant (``common.distinct_variants``), the worked
            solution in the general feedback
=========== ===================================================================================

Every question carries ``<name>`` and ``<idnumber>`` (the card id), ``<tags>``, the explanation
as ``<generalfeedback>``, and ``format="plain_text"`` on every text (deck text is literal: Moodle
escapes it). A comment before each question, ``<!-- studyrnn:BASE64 -->`` (base64 JSON, which
can never hold the ``--`` an XML comment forbids), lets ``import`` restore what Moodle has no
place for (card type, source, rtol/sigfigs, match rule, generator), as GIFT's marker does.

Import reads the question types that have a studyrnn card: multichoice, truefalse,
shortanswer, numerical, matching (one choice card per pair, or an order card onto positions
1..n) and description (study notes); texts in ``html``/``moodle_auto_format``/``markdown``
become plain text; per-answer feedback is kept in the explanation; every other type
(essay, calculated, cloze, ...) is reported with its count. A ``<!DOCTYPE>`` is refused
(Moodle never writes one; it is how entity bombs arrive).
"""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from fractions import Fraction
from typing import Any
from xml.etree import ElementTree as ET

from studyrnn.errors import DeckError, Diagnostic
from studyrnn.interchange.common import (
    Report,
    absolute_tolerance,
    card_where,
    distinct_variants,
    format_number,
    format_tolerance,
    mistakes_from_answers,
    moodle_percent,
    multi_weights,
    report_variants,
)
from studyrnn.untrusted import one_line

SHORT_ANSWER_CHARS = 80
MARKER = "studyrnn:"
PLAIN = "plain_text"
TEXT_FORMATS = ("html", "moodle_auto_format", "plain_text", "markdown", "wiki_like")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --------------------------------------------------------------------------------------------
# export


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = PLAIN) -> ET.Element:
    el = _sub(parent, tag, **({"format": fmt} if fmt else {}))
    _sub(el, "text", text)
    return el


def _answer(
    parent: ET.Element,
    fraction: Fraction | int,
    text: str,
    feedback: str = "",
    fmt: str | None = PLAIN,
) -> ET.Element:
    el = _sub(
        parent,
        "answer",
        fraction=moodle_percent(Fraction(fraction)),
        **({"format": fmt} if fmt else {}),
    )
    _sub(el, "text", text)
    _text(el, "feedback", feedback)
    return el


def _question(
    quiz: ET.Element,
    kind: str,
    name: str,
    text: str,
    feedback: str | None,
    tags: list[str],
    meta: dict[str, Any],
) -> ET.Element:
    doc = json.dumps({k: v for k, v in meta.items() if v not in (None, [], "")}, sort_keys=True)
    quiz.append(ET.Comment(f" {MARKER}{base64.b64encode(doc.encode()).decode('ascii')} "))
    q = _sub(quiz, "question", type=kind)
    _sub(_sub(q, "name"), "text", name)
    _text(q, "questiontext", text)
    _text(q, "generalfeedback", feedback or "")
    _sub(q, "defaultgrade", "1")
    _sub(q, "penalty", "0.3333333")
    _sub(q, "hidden", "0")
    _sub(q, "idnumber", name)
    if tags:
        tags_el = _sub(q, "tags")
        for tag in tags:
            _sub(_sub(tags_el, "tag"), "text", tag)
    return q


def _short_answer_text(text: str) -> str:
    return text.strip().replace("*", "\\*")


def export_moodle_xml(decks: list[Any], variant_count: int) -> tuple[str, Report, int]:
    """The Moodle XML of ``decks``, the report and the number of questions."""
    report = Report()
    quiz = ET.Element("quiz")
    seen: set[tuple[Any, ...]] = set()
    n_questions = 0
    for deck in decks:
        title = " ".join(deck.title.split())
        cat = _sub(quiz, "question", type="category")
        _sub(_sub(cat, "category"), "text", f"$course$/top/{title.replace('/', '//')}")
        _text(cat, "info", "", "html")
        _sub(cat, "idnumber", deck.id)
        if deck.notes.strip():
            _question(
                quiz, "description", f"{deck.id}-notes", deck.notes, None, [], {"notes": deck.id}
            )
            q = quiz[-1]
            q.find("questiontext").set("format", "markdown")  # type: ignore[union-attr]
        for card in deck.cards:
            n_questions += _card(quiz, deck, card, variant_count, report, seen)
    ET.indent(quiz, "  ")
    body = ET.tostring(quiz, encoding="unicode", short_empty_elements=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", report, n_questions


def _card(
    quiz: ET.Element,
    deck: Any,
    card: Any,
    variant_count: int,
    report: Report,
    seen: set[tuple[Any, ...]],
) -> int:
    path, line, col = card_where(deck, card)

    def warn(message: str) -> None:
        report.warn(path, f"card '{card.id}': {message}", line, col)

    def note(message: str) -> None:
        report.note(path, f"card '{card.id}': {message}", line, col)

    meta: dict[str, Any] = {"id": card.id, "type": card.type, "source": card.source}
    tags = list(card.tags)
    expl = card.explanation
    kind = card.type
    if kind == "flashcard":
        back = card.back.strip()
        if "\n" not in back and len(back) <= SHORT_ANSWER_CHARS:
            warn(
                "Moodle has no self-rated flashcard: exported as a short answer graded against the back"
            )
            q = _question(quiz, "shortanswer", card.id, card.front, expl, tags, meta)
            _sub(q, "usecase", "0")
            _answer(q, 1, _short_answer_text(back))
        else:
            warn(
                "Moodle has no self-rated flashcard and the back is too long for a short answer: "
                "exported as a description (not graded), the back in the general feedback"
            )
            q = _question(quiz, "description", card.id, card.front, None, tags, meta)
            gf = q.find("generalfeedback/text")
            assert gf is not None
            gf.text = "\n\n".join(p for p in (card.back, expl) if p)
            meta_back = {**meta, "has_explanation": bool(expl)}
            _rewrite_marker(quiz, meta_back)
        return 1
    if kind in ("choice", "multi"):
        q = _question(quiz, "multichoice", card.id, card.prompt, expl, tags, meta)
        _sub(q, "single", "true" if kind == "choice" else "false")
        _sub(q, "shuffleanswers", "true")
        _sub(q, "answernumbering", "abc")
        if kind == "choice":
            for i, option in enumerate(card.options):
                _answer(q, 1 if i == card.answer else 0, option)
        else:
            right = list(card.answers)
            grades, wrong, rounded = multi_weights(len(right))
            grade_of = dict(zip(right, grades))
            if rounded:
                note(
                    "Moodle takes only the grades of its list: the right options weigh "
                    + ", ".join(
                        f"{grades.count(g)} at {moodle_percent(g)}%"
                        for g in sorted(set(grades), reverse=True)
                    )
                )
            for i, option in enumerate(card.options):
                _answer(q, grade_of.get(i, -wrong), option)
        return 1
    if kind == "true_false":
        q = _question(quiz, "truefalse", card.id, card.statement, expl, tags, meta)
        _answer(q, 1 if card.answer else 0, "true", fmt="moodle_auto_format")
        _answer(q, 0 if card.answer else 1, "false", fmt="moodle_auto_format")
        return 1
    if kind == "numeric":
        # {} says "the default tolerance", which a format's absolute band cannot say itself.
        meta["tolerance"] = (
            card.tolerance.model_dump(exclude_none=True) if card.tolerance is not None else {}
        )
        if card.tolerance is not None:
            if card.tolerance.rtol or card.tolerance.sigfigs:
                note("Moodle's tolerance is absolute: the relative band is written at the answer")
        meta["unit"] = card.unit
        if card.mistakes:
            meta["mistakes"] = [m.model_dump(exclude_none=True) for m in card.mistakes]
        q = _question(quiz, "numerical", card.id, card.prompt, expl, tags, meta)
        mistakes = [
            (m.answer, absolute_tolerance(m.answer, card.tolerance), m.feedback)
            for m in card.mistakes
        ]
        band = absolute_tolerance(card.answer, card.tolerance)
        _numerical(q, card.answer, band, card.unit, mistakes)
        return 1
    if kind == "text":
        if card.match == "fuzzy":
            warn("Moodle short answers allow no typos: match 'fuzzy' is not kept")
        meta["match"] = card.match
        q = _question(quiz, "shortanswer", card.id, card.prompt, expl, tags, meta)
        _sub(q, "usecase", "1" if card.match == "exact" else "0")
        for a in card.answers:
            if "*" in a:
                note(f"'*' in '{one_line(a, 40)}' written '\\*' (Moodle's wildcard otherwise)")
            _answer(q, 1, _short_answer_text(a))
        return 1
    if kind == "order":
        warn(
            "Moodle XML has no ordering question in core: exported as matching (each item -> its "
            f"position 1..{len(card.items)})"
        )
        q = _question(quiz, "matching", card.id, card.prompt, expl, tags, meta)
        _sub(q, "shuffleanswers", "true")
        for i, item in enumerate(card.items, start=1):
            sub = _sub(q, "subquestion", format=PLAIN)
            _sub(sub, "text", item)
            _sub(_sub(sub, "answer"), "text", str(i))
        return 1
    if kind == "generated":
        if variant_count <= 0:
            warn("generated card skipped (--variants 0)")
            return 0
        distinct = distinct_variants(card, variant_count, seen)
        report_variants(report, deck, card, len(distinct), variant_count)
        for k, shown in enumerate(distinct, start=1):
            question = shown.question
            name = f"{card.id}-v{k}"
            vmeta = {
                **meta,
                "id": name,
                "type": shown.kind,
                "generated": card.id,
                "generator": card.generator,
                "seed": shown.seed,
            }
            solution = "Worked solution:\n" + "\n".join(
                f"{i}. {step}" for i, step in enumerate(shown.solution, 1)
            )
            feedback = "\n\n".join(p for p in (solution, expl) if p)
            if shown.kind == "choice":
                q = _question(quiz, "multichoice", name, shown.prompt, feedback, tags, vmeta)
                _sub(q, "single", "true")
                _sub(q, "shuffleanswers", "true")
                _sub(q, "answernumbering", "abc")
                right_index = int(question.answer)
                for i, option in enumerate(shown.options):
                    _answer(q, 1 if i == right_index else 0, option)
            else:
                vmeta["tolerance"] = dict(question.tolerance)
                vmeta["unit"] = shown.unit
                q = _question(quiz, "numerical", name, shown.prompt, feedback, tags, vmeta)
                tol = absolute_tolerance(question.answer, question.tolerance)
                _numerical(q, question.answer, tol, shown.unit)
        return len(distinct)
    warn(f"card type '{kind}' has no Moodle XML form; skipped")  # pragma: no cover
    return 0


def _rewrite_marker(quiz: ET.Element, meta: dict[str, Any]) -> None:
    """Replace the comment before the last question (its meta changed after writing)."""
    doc = json.dumps({k: v for k, v in meta.items() if v not in (None, [], "")}, sort_keys=True)
    comment = quiz[-2]
    comment.text = f" {MARKER}{base64.b64encode(doc.encode()).decode('ascii')} "


def _numerical(
    q: ET.Element,
    answer: float,
    tolerance: float,
    unit: str | None,
    mistakes: list[tuple[float, float, str]] = (),  # type: ignore[assignment]
) -> None:
    """The right answer at 100%, then each declared mistake (value, band, feedback) at 0% with
    its feedback: Moodle checks the answers in order, so the right one wins any overlap."""
    el = _sub(q, "answer", fraction="100", format="moodle_auto_format")
    _sub(el, "text", format_number(answer))
    _sub(el, "tolerance", format_tolerance(tolerance))
    _text(el, "feedback", "")
    for value, band, feedback in mistakes:
        el = _sub(q, "answer", fraction="0", format="moodle_auto_format")
        _sub(el, "text", format_number(value))
        _sub(el, "tolerance", format_tolerance(band))
        _text(el, "feedback", feedback)
    if unit:
        units = _sub(q, "units")
        u = _sub(units, "unit")
        _sub(u, "multiplier", "1")
        _sub(u, "unit_name", unit)
        _sub(q, "unitgradingtype", "0")  # the unit is shown, not graded
        _sub(q, "unitpenalty", "0.1000000")
        _sub(q, "showunits", "3")  # "the unit is displayed" beside the box
        _sub(q, "unitsleft", "0")


# --------------------------------------------------------------------------------------------
# import


class _Texts:
    """Moodle texts in any of its formats -> plain text, counting conversions and media."""

    def __init__(self) -> None:
        self.converted = 0
        self.media = 0

    def __call__(self, el: ET.Element | None, default: str = "moodle_auto_format") -> str:
        if el is None:
            return ""
        text_el = el.find("text")
        raw = (text_el.text if text_el is not None else el.text) or ""
        fmt = el.get("format", default)
        return self.convert(raw, fmt)

    def convert(self, raw: str, fmt: str) -> str:
        from studyrnn.interchange.html_text import html_to_text

        if fmt == PLAIN or not raw.strip():
            return raw.strip()
        if fmt == "markdown":
            from markdown_it import MarkdownIt

            raw = MarkdownIt("commonmark").render(raw)
        elif fmt in ("moodle_auto_format", "wiki_like"):
            if not re.search(r"<[a-zA-Z/]|&[#a-zA-Z]", raw):
                return raw.strip()
            raw = raw.replace("\n", "<br>")
        self.converted += 1
        result = html_to_text(raw)
        self.media += len(result.media)
        return result.text


def _marker_of(comment: str) -> dict[str, Any]:
    text = comment.strip()
    if not text.startswith(MARKER) or len(text) > 1_000_000:
        return {}
    try:
        doc = json.loads(base64.b64decode(text[len(MARKER) :], validate=True).decode("utf-8"))
    except (ValueError, RecursionError, UnicodeDecodeError):
        return {}
    return doc if isinstance(doc, dict) else {}


def parse_moodle_xml(
    text: str, path: str, report: Report
) -> tuple[list[dict[str, Any]], str, str | None]:
    """Card dicts (not yet validated), study notes and the first category's name."""
    head = text[:4096]
    if re.search(r"<!DOCTYPE|<!ENTITY", head, re.IGNORECASE) or "<!ENTITY" in text:
        raise DeckError(
            [
                Diagnostic(
                    path, 1, 1, "a DOCTYPE or ENTITY declaration is not read (Moodle XML has none)"
                )
            ]
        )
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    try:
        parser.feed(text)
        root = parser.close()
    except ET.ParseError as exc:
        line, col = exc.position
        raise DeckError(
            [Diagnostic(path, line, col + 1, f"not well-formed XML: {one_line(exc, 80)}")]
        ) from None
    if root.tag != "quiz":
        raise DeckError(
            [
                Diagnostic(
                    path, 1, 1, f"expected a Moodle XML <quiz>, found <{one_line(root.tag, 30)}>"
                )
            ]
        )
    texts = _Texts()
    cards: list[dict[str, Any]] = []
    notes: list[str] = []
    category: str | None = None
    categories: set[str] = set()
    skipped: Counter[str] = Counter()
    meta: dict[str, Any] = {}
    for el in root:
        if el.tag is ET.Comment:
            meta = _marker_of(el.text or "")
            continue
        if el.tag != "question":
            continue
        kind = el.get("type", "")
        if kind == "category":
            spec = (el.findtext("category/text") or "").strip()
            parts = [p for p in spec.replace("//", "\x00").split("/") if p]
            names = [
                p.replace("\x00", "/")
                for p in parts
                if p not in ("$course$", "$system$", "$module$", "$cat1$", "top")
            ]
            if names:
                categories.add(names[-1])
                category = category or names[-1]
            meta = {}
            continue
        name = (el.findtext("name/text") or "").strip()

        def warn(message: str, name: str = name) -> None:
            report.warn(path, f"question '{one_line(name, 60)}': {message}")

        def note(message: str, name: str = name) -> None:
            report.note(path, f"question '{one_line(name, 60)}': {message}")

        made = _question_cards(el, kind, name, meta, texts, warn, note)
        meta = {}
        if made is None:
            skipped[kind] += 1
            continue
        if isinstance(made, str):
            notes.append(made)
            continue
        cards += made
    for kind, count in sorted(skipped.items()):
        report.warn(
            path,
            f"{count} question{'s' * (count != 1)} of type '{one_line(kind, 30)}' skipped "
            "(no studyrnn card type)",
        )
    if len(categories) > 1:
        report.note(path, f"{len(categories)} categories merged into one deck")
    if texts.converted:
        report.note(path, f"{texts.converted} texts in HTML or Markdown made plain text")
    if texts.media:
        n = texts.media
        report.warn(path, f"{n} image{'s' * (n != 1)} or media file{'s' * (n != 1)} not imported")
    return cards, "\n\n".join(notes), category


def _fraction(el: ET.Element) -> float:
    try:
        return float(el.get("fraction", "0"))
    except ValueError:
        return 0.0


def _question_cards(
    el: ET.Element,
    kind: str,
    name: str,
    meta: dict[str, Any],
    texts: _Texts,
    warn: Any,
    note: Any,
) -> list[dict[str, Any]] | str | None:
    if kind == "description" and meta.get("notes"):
        return (el.findtext("questiontext/text") or "").strip()  # our own study notes: Markdown
    qtext = texts(el.find("questiontext"))
    qtext_el = el.find("questiontext")
    qfmt = (qtext_el.get("format") if qtext_el is not None else None) or "moodle_auto_format"
    card: dict[str, Any] = {"_title": name, "_line": 0, "_col": 0}
    idnumber = (el.findtext("idnumber") or "").strip()
    if isinstance(meta.get("id"), str):
        card["id"] = meta["id"]
    elif idnumber:
        card["id"] = idnumber
    tags = [t.strip() for t in (x.text or "" for x in el.findall("tags/tag/text")) if t.strip()]
    if tags:
        card["tags"] = list(dict.fromkeys(tags))
    if meta.get("source"):
        card["source"] = meta["source"]
    general = texts(el.find("generalfeedback"), qfmt)
    if general:
        card["explanation"] = general
    answers = el.findall("answer")

    def feedback_of(a: ET.Element) -> str:
        return texts(a.find("feedback"), qfmt)

    def keep(lines: list[str]) -> None:
        lines = [line for line in lines if line]
        if lines:
            card["explanation"] = "\n\n".join(
                [*([card["explanation"]] if "explanation" in card else []), *lines]
            )
            note("per-answer feedback kept in the explanation")

    if kind == "description":
        if meta.get("type") == "flashcard":
            back = general
            if meta.get("has_explanation") and "\n\n" in back:
                back, card["explanation"] = back.split("\n\n", 1)
            else:
                card.pop("explanation", None)
            return [{**card, "type": "flashcard", "front": qtext, "back": back}]
        warn("a description (no answer) has no card type: kept in the study notes")
        return qtext
    if kind == "truefalse":
        truth = None
        lines: list[str] = []
        for a in answers:
            value = (a.findtext("text") or "").strip().lower()
            fb = feedback_of(a)
            if _fraction(a) > 0:
                truth = value == "true"
                if fb:
                    lines.insert(0, fb)
            elif fb:
                lines.append(f"If you answered {value}: {fb}")
        if truth is None:
            warn("no answer marked right; skipped")
            return []
        keep(lines)
        return [{**card, "type": "true_false", "statement": qtext, "answer": truth}]
    if kind == "multichoice":
        single = (el.findtext("single") or "true").strip().lower() in ("true", "1")
        options = [texts(a, qfmt) for a in answers]
        fractions = [_fraction(a) for a in answers]
        keep([f"{o}: {feedback_of(a)}" for o, a in zip(options, answers) if feedback_of(a)])
        if len(options) < 2:
            warn("fewer than two options; skipped")
            return []
        if single:
            best = max(range(len(options)), key=lambda i: fractions[i])
            if fractions[best] <= 0:
                warn("no option marked right; skipped")
                return []
            if any(0 < f < 100 for i, f in enumerate(fractions) if i != best):
                warn("partial credit on other options is not kept")
            return [{**card, "type": "choice", "prompt": qtext, "options": options, "answer": best}]
        rights = [i for i, f in enumerate(fractions) if f > 0]
        if not rights:
            warn("no option with a positive grade; skipped")
            return []
        if len({round(fractions[i], 3) for i in rights}) > 1 and meta.get("type") != "multi":
            note("unequal grades on the right options: each counts the same in studyrnn")
        return [{**card, "type": "multi", "prompt": qtext, "options": options, "answers": rights}]
    if kind == "shortanswer":
        full = []
        lines = []
        for a in answers:
            raw = (a.findtext("text") or "").strip()
            if re.search(r"(?<!\\)\*", raw):
                warn(
                    f"wildcard answer '{one_line(raw, 40)}' not kept ('*' matches anything in Moodle)"
                )
                continue
            literal = raw.replace("\\*", "*")
            if _fraction(a) >= 100:
                full.append(literal)
                if feedback_of(a):
                    lines.append(f"{literal}: {feedback_of(a)}")
            elif _fraction(a) > 0:
                warn(f"the answer '{one_line(literal, 40)}' earns partial credit: not kept")
        if not full:
            warn("no full-credit answer; skipped")
            return []
        keep(lines)
        if meta.get("type") == "flashcard" and len(full) == 1:
            return [{**card, "type": "flashcard", "front": qtext, "back": full[0]}]
        out: dict[str, Any] = {
            **card,
            "type": "text",
            "prompt": qtext,
            "answers": list(dict.fromkeys(full)),
        }
        match = meta.get("match")
        if match in ("exact", "casefold", "fuzzy"):
            out["match"] = match
        elif (el.findtext("usecase") or "0").strip() == "1":
            out["match"] = "exact"
        return [out]
    if kind == "numerical":
        numbers: list[tuple[float, float, float, str]] = []
        other = []
        for a in answers:
            value = (a.findtext("text") or "").strip()
            if value == "*":
                if feedback_of(a):
                    other.append(f"Any other answer: {feedback_of(a)}")
                continue
            try:
                number = float(value)
                tol = abs(float(a.findtext("tolerance") or "0"))
            except ValueError:
                warn(f"'{one_line(value, 30)}' is not a number; that answer is skipped")
                continue
            numbers.append((_fraction(a), number, tol, feedback_of(a)))
        if not numbers:
            warn("no numerical answer; skipped")
            return []
        numbers.sort(key=lambda o: -o[0])  # stable: Moodle's order among equal grades
        weight, number, tol, fb = numbers[0]
        mistakes, rest = mistakes_from_answers(
            number, tol, [(n, w, f) for w, n, t, f in numbers[1:]]
        )
        if isinstance(meta.get("mistakes"), list):
            mistakes, rest = meta["mistakes"], []
        elif mistakes:
            note(f"{len(mistakes)} 0% answers with feedback kept as declared mistakes")
        kept = {(n, w) for n, w, _ in rest}
        numbers = [numbers[0], *(o for o in numbers[1:] if (o[1], o[0]) in kept)]
        if len(numbers) > 1:
            warn(f"{len(numbers)} numerical answers: kept the one graded {format_number(weight)}%")
        units = (
            [(u.findtext("unit_name") or "").strip(), (u.findtext("multiplier") or "1").strip()]
            if (u := el.find("units/unit")) is not None
            else None
        )
        keep(
            [
                fb,
                *(
                    f"{format_number(n)} ± {format_number(t)} ({format_number(w)}%): {f}"
                    for w, n, t, f in numbers[1:]
                    if f
                ),
                *other,
            ]
        )
        out = {**card, "type": "numeric", "prompt": qtext, "answer": number}
        tolerance = meta.get("tolerance")
        if not isinstance(tolerance, dict):
            tolerance = {"rtol": 0, "atol": tol}
        if tolerance:  # {}: the card had the default tolerance
            out["tolerance"] = tolerance
        if mistakes:
            out["mistakes"] = mistakes
        if units and units[0]:
            out["unit"] = units[0]
            if len(el.findall("units/unit")) > 1:
                note("several units: the one with multiplier 1 (the first) is kept")
        return [out]
    if kind == "matching":
        pairs = []
        for sub in el.findall("subquestion"):
            left = texts(sub, qfmt)
            right = (sub.findtext("answer/text") or "").strip()
            pairs.append((left, right))
        positions = [r for left, r in pairs if left]
        if (
            pairs
            and len(positions) == len(pairs)
            and sorted(positions) == [str(i) for i in range(1, len(pairs) + 1)]
        ):
            items = [left for left, _ in sorted(pairs, key=lambda p: int(p[1]))]
            if meta.get("type") != "order":
                note("a matching question onto the positions 1..n: imported as an order card")
            return [{**card, "type": "order", "prompt": qtext, "items": items}]
        options = list(dict.fromkeys(r for _, r in pairs if r))
        if len(options) < 2:
            warn("fewer than two answers to choose from; skipped")
            return []
        base = {k: v for k, v in card.items() if k != "id"}
        out_cards = [
            {
                **base,
                "type": "choice",
                "prompt": f"{qtext}\n\n{left}",
                "options": options,
                "answer": options.index(right),
                "_title": f"{name} {left}",
            }
            for left, right in pairs
            if left
        ]
        note(f"a matching question: one choice card per pair ({len(out_cards)} cards)")
        return out_cards
    return None
