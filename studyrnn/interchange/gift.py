"""Moodle GIFT, both ways.

Export: one ``$CATEGORY`` per deck, the study notes as a description question, then one question
per card (a generated card: one per variant). What GIFT cannot hold is reported, never dropped
silently. Each question is preceded by a comment line Moodle ignores,

    // studyrnn: {"id": "unroll-purpose", "type": "choice", "tags": ["bptt"]}

which lets ``import`` bring back what GIFT has no place for (card type, tags, source, unit,
matching rule), so a studyrnn -> GIFT -> studyrnn round trip keeps every card it can.

Import: the question types studyrnn has a card for -- multiple choice (``{=right ~wrong}``),
multiple answers (``~%50%``), true/false, numerical (``{#answer:tolerance}``, ``{#min..max}``),
short answer (``{=a =b}``), matching whose right-hand sides are the positions 1..n (an ordering,
as exported here) -- and description items (kept in the study notes). Essays and other matching
questions are reported and skipped. A malformed question is an error at ``file:line:col``.

Escapes follow Moodle's own exporter: ``\\ \\~ \\= \\# \\{ \\} \\:`` and ``\\n`` for a newline.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from studyrnn.errors import DeckError, Diagnostic
from studyrnn.interchange.common import (
    Report,
    absolute_tolerance,
    card_where,
    format_number,
    format_tolerance,
    variants,
)

MARKER = "// studyrnn: "
SHORT_ANSWER_CHARS = 80  # a flashcard back longer than this is no short answer
SPECIAL = "~=#{}:"


# --------------------------------------------------------------------------------------------
# escaping


def escape(text: str) -> str:
    """Deck text as GIFT text: backslash, ``~ = # { } :`` escaped; newlines as ``\\n``."""
    out = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    for ch in SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


def unescape(text: str) -> str:
    """GIFT text back to plain text; a backslash before any other character is kept as is."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt == "n":
                out.append("\n")
            elif nxt in SPECIAL or nxt == "\\":
                out.append(nxt)
            else:
                out.append(ch + nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _find(text: str, sub: str, start: int = 0, end: int | None = None) -> int:
    """Index of the first ``sub`` at or after ``start`` not preceded by an escaping backslash."""
    end = len(text) if end is None else end
    i = start
    while i < end:
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(sub, i) and i + len(sub) <= end:
            return i
        i += 1
    return -1


# --------------------------------------------------------------------------------------------
# export


def _answer(text: str, warn: Any) -> str:
    """An answer's GIFT text. Moodle reads any answer holding '->' as a matching pair, whatever
    the question, and GIFT has no escape for it: it is written as '→', and reported."""
    if "->" in text:
        warn(
            f"'->' in the answer '{text}' written as '→' (Moodle would read '->' as a matching question)"
        )
        text = text.replace("->", "→")
    return escape(text.strip())


def _weight(percent: float) -> str:
    text = f"{percent:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _marker(data: dict[str, Any]) -> str:
    return MARKER + json.dumps(
        {k: v for k, v in data.items() if v not in (None, [], "")}, ensure_ascii=False
    )


def _feedback(*parts: str | None) -> str:
    text = "\n\n".join(p for p in parts if p)
    return f" ####{escape(text)}" if text else ""


def _question(title: str, text: str, answers: str | None, feedback: str = "") -> str:
    head = f"::{escape(title)}::[plain]{escape(text)}"
    if answers is None:
        return head
    return f"{head}{{{answers}{feedback}}}"


def _category(title: str) -> str:
    # Moodle reads "/" as a category separator; a "/" inside a name is written "//".
    return f"$CATEGORY: $course$/top/{title.replace('/', '//')}"


def export_gift(decks: list[Any], variant_count: int) -> tuple[str, Report]:
    """The GIFT text of ``decks`` and a report of everything GIFT could not hold."""
    report = Report()
    blocks: list[str] = []
    for deck in decks:
        title = " ".join(deck.title.split())
        blocks.append(f"// studyrnn deck {deck.id}: {title}\n{_category(title)}")
        if deck.notes.strip():
            marker = _marker({"notes": deck.id})
            blocks.append(
                f"{marker}\n::{escape(deck.id)} study notes::[markdown]{escape(deck.notes)}"
            )
        for card in deck.cards:
            blocks += _card_blocks(card, variant_count, report, card_where(deck, card))
    return "\n\n".join(blocks) + "\n", report


def _card_blocks(
    card: Any, variant_count: int, report: Report, where: tuple[str, int, int]
) -> list[str]:
    path, line, col = where

    def warn(message: str) -> None:
        report.warn(path, f"card '{card.id}': {message}", line, col)

    meta: dict[str, Any] = {
        "id": card.id,
        "type": card.type,
        "tags": list(card.tags),
        "source": card.source,
    }
    kind = card.type
    if kind == "flashcard":
        back_is_short = (
            "\n" not in card.back.strip() and len(card.back.strip()) <= SHORT_ANSWER_CHARS
        )
        if back_is_short:
            warn(
                "GIFT has no self-rated flashcard: exported as a short answer graded against the back"
            )
            q = _question(
                card.id, card.front, f"={_answer(card.back, warn)}", _feedback(card.explanation)
            )
        else:
            warn(
                "GIFT has no self-rated flashcard and the back is too long for a short answer: "
                "exported as a description showing front, back and explanation (not graded)"
            )
            meta["front_chars"], meta["back_chars"] = len(card.front), len(card.back)
            shown = "\n\n".join(p for p in (card.front, card.back, card.explanation) if p)
            q = _question(card.id, shown, None)
        return [f"{_marker(meta)}\n{q}"]
    if kind == "choice":
        answers = " ".join(
            ("=" if i == card.answer else "~") + _answer(o, warn)
            for i, o in enumerate(card.options)
        )
        return [
            f"{_marker(meta)}\n{_question(card.id, card.prompt, answers, _feedback(card.explanation))}"
        ]
    if kind == "multi":
        # studyrnn's rule: (right picks - wrong picks) / right options, so a wrong pick costs
        # what a right one earns; Moodle adds the weights and clips to 0..100 the same way.
        right = set(card.answers)
        parts = []
        for i, option in enumerate(card.options):
            weight = 100 / len(right) if i in right else -100 / len(right)
            parts.append(f"~%{_weight(weight)}%{_answer(option, warn)}")
        return [
            f"{_marker(meta)}\n{_question(card.id, card.prompt, ' '.join(parts), _feedback(card.explanation))}"
        ]
    if kind == "true_false":
        answers = "T" if card.answer else "F"
        return [
            f"{_marker(meta)}\n{_question(card.id, card.statement, answers, _feedback(card.explanation))}"
        ]
    if kind == "numeric":
        text = card.prompt
        if card.unit:
            meta["unit"] = card.unit
            text = f"{text} (answer in {card.unit})"
            warn(
                f"GIFT numerical answers have no unit: '(answer in {card.unit})' added to the question"
            )
        tol = absolute_tolerance(card.answer, card.tolerance)
        if card.tolerance is not None:
            meta["tolerance"] = card.tolerance.model_dump(exclude_none=True)
        answers = f"#{format_number(card.answer)}:{format_tolerance(tol)}"
        return [
            f"{_marker(meta)}\n{_question(card.id, text, answers, _feedback(card.explanation))}"
        ]
    if kind == "text":
        if card.match != "casefold":
            meta["match"] = card.match
            warn(
                f"Moodle short answers ignore case and allow no typos: match '{card.match}' is not kept"
            )
        answers = " ".join(f"={_answer(a, warn)}" for a in card.answers)
        return [
            f"{_marker(meta)}\n{_question(card.id, card.prompt, answers, _feedback(card.explanation))}"
        ]
    if kind == "order":
        warn(
            "GIFT has no ordering question: exported as matching (each item -> its position 1.."
            f"{len(card.items)})"
            + ("; Moodle wants at least 3 pairs" if len(card.items) < 3 else "")
        )
        answers = " ".join(
            f"={_answer(item, warn)} -> {i}" for i, item in enumerate(card.items, start=1)
        )
        return [
            f"{_marker(meta)}\n{_question(card.id, card.prompt, answers, _feedback(card.explanation))}"
        ]
    if kind == "generated":
        if variant_count <= 0:
            warn("generated card skipped (--variants 0)")
            return []
        path, line, col = where
        report.note(
            path,
            f"card '{card.id}': GIFT cannot draw fresh numbers: exported as {variant_count} "
            f"fixed variant{'s' * (variant_count != 1)} (seeds 0..{variant_count - 1})",
            line,
            col,
        )
        out = []
        for k, shown in enumerate(variants(card, variant_count)):
            question = shown.question
            vmeta = {
                **meta,
                "type": shown.kind,
                "id": f"{card.id}-v{k + 1}",
                "generated": card.id,
                "generator": card.generator,
                "seed": shown.seed,
            }
            solution = "Worked solution:\n" + "\n".join(
                f"{i}. {step}" for i, step in enumerate(shown.solution, 1)
            )
            feedback = _feedback(solution, card.explanation)
            title = f"{card.id}-v{k + 1}"
            if shown.kind == "choice":
                right = int(question.answer)
                answers = " ".join(
                    ("=" if i == right else "~") + _answer(o, warn)
                    for i, o in enumerate(shown.options)
                )
            else:
                vmeta["tolerance"] = dict(question.tolerance)
                tol = absolute_tolerance(question.answer, question.tolerance)
                answers = f"#{format_number(question.answer)}:{format_tolerance(tol)}"
                if shown.unit:
                    vmeta["unit"] = shown.unit
            text = shown.prompt + (f" (answer in {shown.unit})" if shown.unit else "")
            out.append(f"{_marker(vmeta)}\n{_question(title, text, answers, feedback)}")
        return out
    warn(
        f"card type '{kind}' has no GIFT form; skipped"
    )  # pragma: no cover - every type is handled
    return []


# --------------------------------------------------------------------------------------------
# import: parsing


class GiftSyntaxError(Exception):
    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset = offset
        self.message = message


@dataclass
class Answer:
    text: str
    right: bool  # "=" (or a positive weight)
    weight: float | None  # percent, when given
    feedback: str | None
    offset: int
    marker: str  # "=" or "~"


@dataclass
class GiftQuestion:
    """One parsed GIFT question (text already unescaped)."""

    kind: str  # choice | multi | true_false | numeric | short | matching | description | essay
    title: str | None
    text: str
    line: int
    col: int
    fmt: str | None = None
    answers: list[Answer] = field(default_factory=list)
    truth: bool | None = None
    number: float | None = None
    tolerance: float | None = None
    pairs: list[tuple[str, str]] = field(default_factory=list)
    general_feedback: str | None = None
    category: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the parser had to leave out
    guesses: list[str] = field(default_factory=list)  # what it read one way of several


@dataclass
class _Block:
    lines: list[tuple[int, str]]  # (1-based line number, text)
    marker: dict[str, Any] | None
    marker_line: int = 0


def parse_gift(text: str, path: str = "<gift>") -> tuple[list[GiftQuestion], Report]:
    """Every question in ``text``. ``DeckError`` lists every malformed question (``path:line:col``)."""
    report = Report()
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    questions: list[GiftQuestion] = []
    errors: list[Diagnostic] = []
    category: str | None = None
    for block in _blocks(text, path, report):
        first_line, first_text = block.lines[0]
        stripped = first_text.strip()
        if stripped.startswith("$CATEGORY:"):
            category = _category_name(stripped[len("$CATEGORY:") :].strip())
            rest = block.lines[1:]
            if not rest:
                continue
            block = _Block(rest, block.marker, block.marker_line)
        try:
            q = _parse_question(block)
        except GiftSyntaxError as err:
            line, col = _position(block.lines, err.offset)
            errors.append(Diagnostic(path, line, col, err.message))
            continue
        q.category = category
        questions.append(q)
    if errors:
        raise DeckError(errors)
    return questions, report


def _category_name(spec: str) -> str:
    # "$course$/top/Deck//with slash" -> "Deck/with slash"
    parts = [p.replace("\x00", "/") for p in spec.replace("//", "\x00").split("/")]
    parts = [
        p for p in parts if p and p not in ("$course$", "$module$", "$system$", "$cat1$", "top")
    ]
    return parts[-1].strip() if parts else spec


def _blocks(text: str, path: str, report: Report) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[tuple[int, str]] = []
    marker: dict[str, Any] | None = None
    marker_line = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if current:
                blocks.append(_Block(current, marker, marker_line))
                current, marker = [], None
            continue
        if stripped.startswith("//"):
            if stripped.startswith(MARKER.strip()):
                raw = stripped[len(MARKER.strip()) :].strip()
                try:
                    data = json.loads(raw)
                    marker = data if isinstance(data, dict) else None
                    marker_line = number
                except ValueError:
                    report.warn(path, "a studyrnn comment is not valid JSON; ignored", number, 1)
            continue
        current.append((number, line))
    if current:
        blocks.append(_Block(current, marker, marker_line))
    return blocks


def _position(lines: list[tuple[int, str]], offset: int) -> tuple[int, int]:
    """(line, col) of ``offset`` in the block's lines joined by newlines."""
    for number, line in lines:
        if offset <= len(line):
            return number, offset + 1
        offset -= len(line) + 1
    number, line = lines[-1]
    return number, len(line) + 1


def _parse_question(block: _Block) -> GiftQuestion:
    raw = "\n".join(line for _, line in block.lines)
    line, col = block.lines[0][0], 1
    i = len(raw) - len(raw.lstrip())
    title = None
    if raw.startswith("::", i):
        end = _find(raw, "::", i + 2)
        if end < 0:
            raise GiftSyntaxError(i, "the title starts with '::' but has no closing '::'")
        title = unescape(raw[i + 2 : end]).strip()
        i = end + 2
    body_start = i
    fmt = None
    m = re.match(r"\s*\[(html|moodle|plain|markdown)\]", raw[i:])
    if m:
        fmt = m.group(1)
        i += m.end()
    open_at = _find(raw, "{", i)
    if open_at < 0:
        text = unescape(raw[i:]).strip()
        if not text:
            raise GiftSyntaxError(body_start, "a question needs text")
        q = GiftQuestion("description", title, text, line, col, fmt)
        q.meta = block.marker or {}
        return q
    close_at = _find(raw, "}", open_at + 1)
    if close_at < 0:
        raise GiftSyntaxError(open_at, "the answer block '{' is never closed with '}'")
    stray_close = _find(raw, "}", i, open_at)
    if stray_close >= 0:
        raise GiftSyntaxError(
            stray_close, "'}' without an opening '{' (write \\} for a literal brace)"
        )
    after = raw[close_at + 1 :]
    second = _find(after, "{")
    if second >= 0:
        raise GiftSyntaxError(
            close_at + 1 + second,
            "a question may have only one answer block (write \\{ for a literal brace)",
        )
    stray = _find(after, "}")
    if stray >= 0:
        raise GiftSyntaxError(
            close_at + 1 + stray, "'}' without an opening '{' (write \\} for a literal brace)"
        )
    before_text = unescape(raw[i:open_at]).strip()
    after_text = unescape(after).strip()
    q = GiftQuestion("", title, before_text, line, col, fmt)
    q.meta = block.marker or {}
    if after_text:
        gap = "" if after_text[0] in ".,;:!?)" else " "
        q.text = f"{before_text} _____{gap}{after_text}".strip()
        q.guesses.append("the answers sit in mid-sentence: the gap is shown as _____")
    _parse_answers(q, raw, open_at + 1, close_at)
    if not q.text:
        raise GiftSyntaxError(body_start, "a question needs text before its answers")
    return q


def _parse_answers(q: GiftQuestion, raw: str, start: int, end: int) -> None:
    general = _find(raw, "####", start, end)
    if general >= 0:
        q.general_feedback = unescape(raw[general + 4 : end]).strip() or None
        end = general
    body = raw[start:end]
    lead = len(body) - len(body.lstrip())
    content = body.strip()
    if not content:
        q.kind = "essay"
        return
    at = start + lead
    if content.startswith("#"):
        _parse_numeric(q, raw, at + 1, start + lead + len(content))
        return
    tf = re.match(r"(TRUE|FALSE|T|F)\s*(#|$)", content)
    if tf:
        q.kind = "true_false"
        q.truth = tf.group(1).startswith("T")
        return
    answers = _split_answers(raw, at, start + lead + len(content))
    if all(a.marker == "=" and _find(a.text, "->") >= 0 for a in answers):
        q.kind = "matching"
        for a in answers:
            arrow = _find(a.text, "->")
            if a.marker != "=" or arrow < 0:
                raise GiftSyntaxError(a.offset, "a matching answer is written '=item -> match'")
            q.pairs.append(
                (unescape(a.text[:arrow]).strip(), unescape(a.text[arrow + 2 :]).strip())
            )
        return
    for a in answers:
        a.text = unescape(a.text).strip()
    tildes = [a for a in answers if a.marker == "~"]
    equals = [a for a in answers if a.marker == "="]
    q.answers = answers
    if not tildes:
        q.kind = "short"
        return
    if equals:
        q.kind = "choice"
        return
    positive = [a for a in tildes if a.weight is not None and a.weight > 0]
    if not positive:
        raise GiftSyntaxError(
            at, "no right answer: mark it with '=' (or give it a positive weight ~%50%)"
        )
    q.kind = "multi"


def _split_answers(raw: str, start: int, end: int) -> list[Answer]:
    """``=a ~b#fb ~%50%c`` -> Answers (text still escaped: matching needs the raw ``->``)."""
    if raw[start] not in "=~":
        raise GiftSyntaxError(
            start, f"expected '=' (right answer) or '~' (wrong answer), found {raw[start]!r}"
        )
    cuts = []
    i = start
    while i < end:
        if raw[i] == "\\":
            i += 2
            continue
        if raw[i] in "=~":
            cuts.append(i)
        i += 1
    answers = []
    for k, cut in enumerate(cuts):
        stop = cuts[k + 1] if k + 1 < len(cuts) else end
        marker = raw[cut]
        piece_start = cut + 1
        piece = raw[piece_start:stop]
        weight = None
        wm = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", piece)
        if piece.lstrip().startswith("%") and not wm:
            raise GiftSyntaxError(
                piece_start, "a weight is written %50% (a percentage between % signs)"
            )
        if wm:
            weight = float(wm.group(1))
            piece = piece[wm.end() :]
            piece_start += wm.end()
        feedback = None
        hash_at = _find(piece, "#")
        if hash_at >= 0:
            feedback = unescape(piece[hash_at + 1 :]).strip() or None
            piece = piece[:hash_at]
        if not piece.strip():
            raise GiftSyntaxError(cut, f"an answer after '{marker}' is empty")
        right = marker == "=" if weight is None else weight > 0
        if marker == "=" and weight is None:
            weight = 100.0
        answers.append(Answer(piece, right, weight, feedback, piece_start, marker))
    return answers


def _parse_numeric(q: GiftQuestion, raw: str, start: int, end: int) -> None:
    q.kind = "numeric"
    body = raw[start:end]
    if _find(body, "=") >= 0:
        options = _split_answers(raw, start + len(body) - len(body.lstrip()), end)
        best = max(options, key=lambda a: a.weight if a.weight is not None else 100.0)
        if len(options) > 1:
            q.notes.append("several numerical answers: kept the one with the highest weight")
        spec, spec_at = unescape(best.text).strip(), best.offset
    else:
        spec = body
        feedback_at = _find(spec, "#")
        if feedback_at >= 0:
            spec = spec[:feedback_at]
        spec, spec_at = unescape(spec).strip(), start + len(body) - len(body.lstrip())
    try:
        if ".." in spec:
            # Decimal arithmetic: 3.141..3.142 is 3.1415 ± 0.0005, not 3.1414999999999997.
            low_text, high_text = spec.split("..", 1)
            low, high = Decimal(low_text.strip()), Decimal(high_text.strip())
            q.number, q.tolerance = float((low + high) / 2), float(abs(high - low) / 2)
        elif ":" in spec:
            value_text, tol_text = spec.split(":", 1)
            q.number, q.tolerance = float(value_text), abs(float(tol_text))
        else:
            q.number, q.tolerance = float(spec), 0.0
    except (ValueError, InvalidOperation):
        raise GiftSyntaxError(
            spec_at, f"'{spec}' is not a numerical answer (write #answer:tolerance or #min..max)"
        ) from None


# --------------------------------------------------------------------------------------------
# import: questions -> card dicts


def gift_to_cards(
    questions: list[GiftQuestion], path: str, report: Report
) -> tuple[list[dict[str, Any]], str, str | None]:
    """Card dicts (not yet validated), study notes and the first category name."""
    cards: list[dict[str, Any]] = []
    notes: list[str] = []
    category = next((q.category for q in questions if q.category), None)
    categories = {q.category for q in questions if q.category}
    if len(categories) > 1:
        report.note(
            path,
            f"{len(categories)} categories ({', '.join(sorted(categories))}) merged into one deck",
        )
    html_warned = False
    for q in questions:

        def warn(message: str, q: GiftQuestion = q) -> None:
            report.warn(path, f"question {_label(q)}: {message}", q.line, q.col)

        for note in q.notes:
            warn(note)
        for guess in q.guesses:
            report.note(path, f"question {_label(q)}: {guess}", q.line, q.col)
        if (
            q.fmt in ("html", "moodle")
            and re.search(r"<[a-zA-Z/][^>]*>", q.text)
            and not html_warned
        ):
            report.warn(
                path,
                "questions in HTML format: tags kept as literal text (studyrnn shows text as typed)",
                q.line,
                q.col,
            )
            html_warned = True
        card = _card(q, warn)
        if card is None:
            if q.kind == "description":
                notes.append(q.text)
                if not q.meta.get("notes"):
                    warn("a description (no answer) has no card type: kept in the study notes")
            continue
        card["_line"], card["_col"] = q.line, q.col
        card["_title"] = q.title
        cards.append(card)
    return cards, "\n\n".join(notes), category


def _label(q: GiftQuestion) -> str:
    if q.title:
        return f"'{q.title}'"
    text = q.text.replace("\n", " ")
    return f"'{text[:40]}{'...' if len(text) > 40 else ''}'"


def _card(q: GiftQuestion, warn: Any) -> dict[str, Any] | None:
    meta = q.meta
    card: dict[str, Any] = {}
    if isinstance(meta.get("id"), str):
        card["id"] = meta["id"]
    for key in ("tags", "source"):
        if meta.get(key):
            card[key] = meta[key]
    if q.general_feedback:
        card["explanation"] = q.general_feedback
    wanted = meta.get("type")

    if q.kind == "description":
        sizes = (meta.get("front_chars"), meta.get("back_chars"))
        if wanted == "flashcard" and all(isinstance(n, int) and n > 0 for n in sizes):
            # The description shows front, back (and explanation) separated by blank lines.
            n_front, n_back = sizes
            front = q.text[:n_front]
            back = q.text[n_front + 2 : n_front + 2 + n_back]
            rest = q.text[n_front + 2 + n_back :].strip()
            if front.strip() and back.strip():
                if rest:
                    card["explanation"] = rest
                return {**card, "type": "flashcard", "front": front, "back": back}
        return None
    if q.kind == "essay":
        warn("an essay question has no studyrnn card type; skipped")
        return None
    if q.kind == "true_false":
        return {**card, "type": "true_false", "statement": q.text, "answer": bool(q.truth)}
    if q.kind == "numeric":
        assert q.number is not None and q.tolerance is not None
        text = q.text
        unit = meta.get("unit")
        if unit and text.endswith(f" (answer in {unit})"):
            text = text[: -len(f" (answer in {unit})")]
            card["unit"] = unit
        tolerance = meta.get("tolerance")
        if not (isinstance(tolerance, dict) and tolerance):
            tolerance = {"rtol": 0, "atol": q.tolerance}
        return {
            **card,
            "type": "numeric",
            "prompt": text,
            "answer": q.number,
            "tolerance": tolerance,
        }
    if q.kind == "matching":
        positions = [right for _, right in q.pairs]
        if sorted(positions) == [str(i) for i in range(1, len(q.pairs) + 1)]:
            items = [left for left, _ in sorted(q.pairs, key=lambda p: int(p[1]))]
            if wanted != "order":
                warn("a matching question onto the positions 1..n: imported as an order card")
            return {**card, "type": "order", "prompt": q.text, "items": items}
        warn("a matching question has no studyrnn card type; skipped")
        return None
    feedback = [a for a in q.answers if a.feedback]
    if feedback:
        right_fb = next((a.feedback for a in q.answers if a.right and a.feedback), None)
        if right_fb and "explanation" not in card:
            card["explanation"] = right_fb
            warn(
                "the right answer's feedback became the explanation; other answer feedback is not kept"
            )
        else:
            warn("per-answer feedback is not kept (studyrnn shows one explanation)")
    if q.kind == "short":
        full = [a.text for a in q.answers if a.weight is None or a.weight >= 100]
        if len(full) < len(q.answers):
            warn(
                "short answers with partial credit are not kept (only full-credit answers are accepted)"
            )
        if not full:
            warn("no full-credit answer; skipped")
            return None
        if wanted == "flashcard" and len(full) == 1:
            return {**card, "type": "flashcard", "front": q.text, "back": full[0]}
        match = meta.get("match") if meta.get("match") in ("exact", "casefold", "fuzzy") else None
        out = {**card, "type": "text", "prompt": q.text, "answers": full}
        if match:
            out["match"] = match
        return out
    options = [a.text for a in q.answers]
    if q.kind == "choice":
        rights = [i for i, a in enumerate(q.answers) if a.marker == "="]
        partial = [a for a in q.answers if a.marker == "~" and a.weight not in (None, 0)]
        if partial:
            warn("partial credit on wrong options is not kept")
        if len(rights) > 1:
            warn("several '=' answers: the first is the right one")
        return {**card, "type": "choice", "prompt": q.text, "options": options, "answer": rights[0]}
    # multi
    rights = [i for i, a in enumerate(q.answers) if a.weight is not None and a.weight > 0]
    weights = {round(q.answers[i].weight or 0, 3) for i in rights}
    if len(weights) > 1:
        warn("unequal weights on the right options: each right option counts the same in studyrnn")
    return {**card, "type": "multi", "prompt": q.text, "options": options, "answers": rights}
