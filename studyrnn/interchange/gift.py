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
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

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
            f"'->' in the answer '{one_line(text, 60)}' written as '→' "
            "(Moodle would read '->' as a matching question)"
        )
        text = text.replace("->", "→")
    return escape(text.strip())


def _marker(data: dict[str, Any]) -> str:
    text = json.dumps(
        {k: v for k, v in data.items() if v not in (None, [], "")}, ensure_ascii=False
    )
    # Moodle scans every comment line for "[id:" and "[tag:"; in JSON text those can only sit
    # inside a string, where "\u005b" is the same "[" to a JSON reader.
    text = text.replace("[id:", "\\u005bid:").replace("[tag:", "\\u005btag:")
    return MARKER + text


def _moodle_line(card_id: str, tags: list[str], warn: Any) -> str:
    """Moodle's own id and tag comment (``// [id:x] [tag:a]``), read by its GIFT importer."""
    parts = [f"[id:{_bracketed(card_id)}]"]
    for tag in tags:
        if "<" in tag or ">" in tag:
            warn(f"tag '{one_line(tag, 40)}' not given to Moodle (its tags cannot hold < or >)")
            continue
        parts.append(f"[tag:{_bracketed(tag)}]")
    return "// " + " ".join(parts)


def _bracketed(text: str) -> str:
    return " ".join(text.split()).replace("]", "\\]")


def _short_answer(text: str, warn: Any, note: Any) -> str:
    """A short answer's GIFT text: ``*`` is Moodle's wildcard, so a literal one is ``\\*``."""
    out = _answer(text, warn)
    if "*" in out:
        note(
            f"'*' in the short answer '{one_line(text, 40)}' written as '\\*' "
            "(a bare '*' is a wildcard in Moodle)"
        )
        out = out.replace("*", "\\*")
    return out


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
    seen: set[tuple[Any, ...]] = set()  # generated questions already written (no duplicates)
    for deck in decks:
        title = " ".join(deck.title.split())
        blocks.append(f"// studyrnn deck {deck.id}: {title}\n{_category(title)}")
        if deck.notes.strip():
            marker = _marker({"notes": deck.id})
            blocks.append(
                f"{marker}\n::{escape(deck.id)} study notes::[markdown]{escape(deck.notes)}"
            )
        for card in deck.cards:
            blocks += _card_blocks(card, variant_count, report, card_where(deck, card), seen, deck)
    return "\n\n".join(blocks) + "\n", report


def _card_blocks(
    card: Any,
    variant_count: int,
    report: Report,
    where: tuple[str, int, int],
    seen: set[tuple[Any, ...]],
    deck: Any,
) -> list[str]:
    path, line, col = where

    def warn(message: str) -> None:
        report.warn(path, f"card '{card.id}': {message}", line, col)

    def note(message: str) -> None:
        report.note(path, f"card '{card.id}': {message}", line, col)

    blocks = _card_questions(card, variant_count, report, where, seen, deck, warn, note)
    return blocks


def _card_questions(
    card: Any,
    variant_count: int,
    report: Report,
    where: tuple[str, int, int],
    seen: set[tuple[Any, ...]],
    deck: Any,
    warn: Any,
    note: Any,
) -> list[str]:
    moodle = _moodle_line(card.id, list(card.tags), warn)

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
                card.id,
                card.front,
                f"={_short_answer(card.back, warn, note)}",
                _feedback(card.explanation),
            )
        else:
            warn(
                "GIFT has no self-rated flashcard and the back is too long for a short answer: "
                "exported as a description showing front, back and explanation (not graded)"
            )
            meta["front_chars"], meta["back_chars"] = len(card.front), len(card.back)
            shown = "\n\n".join(p for p in (card.front, card.back, card.explanation) if p)
            q = _question(card.id, shown, None)
        return [f"{moodle}\n{_marker(meta)}\n{q}"]
    if kind == "choice":
        answers = " ".join(
            ("=" if i == card.answer else "~") + _answer(o, warn)
            for i, o in enumerate(card.options)
        )
        return [
            f"{moodle}\n{_marker(meta)}\n{_question(card.id, card.prompt, answers, _feedback(card.explanation))}"
        ]
    if kind == "multi":
        # studyrnn's rule: (right picks - wrong picks) / right options, so a wrong pick costs
        # what a right one earns; Moodle adds the weights and clips to 0..100 the same way.
        right = list(card.answers)
        grades, wrong_grade, rounded = multi_weights(len(right))
        grade_of = dict(zip(right, grades))
        if rounded:
            listed = ", ".join(
                f"{grades.count(g)} at {moodle_percent(g)}%"
                for g in sorted(set(grades), reverse=True)
            )
            note(
                f"Moodle takes only the grades of its list: the {len(right)} right options "
                f"weigh {listed} (studyrnn counts each as 1/{len(right)})"
            )
            if 0 in grades:
                warn("more than 20 right options: Moodle cannot give each credit; the last get 0%")
        parts = []
        for i, option in enumerate(card.options):
            weight = grade_of[i] if i in grade_of else -wrong_grade
            parts.append(f"~%{moodle_percent(weight)}%{_answer(option, warn)}")
        return [
            f"{moodle}\n{_marker(meta)}\n{_question(card.id, card.prompt, ' '.join(parts), _feedback(card.explanation))}"
        ]
    if kind == "true_false":
        answers = "T" if card.answer else "F"
        return [
            f"{moodle}\n{_marker(meta)}\n{_question(card.id, card.statement, answers, _feedback(card.explanation))}"
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
        # {} says "the default tolerance", which a format's absolute band cannot say itself.
        meta["tolerance"] = (
            card.tolerance.model_dump(exclude_none=True) if card.tolerance is not None else {}
        )
        answers = f"#{format_number(card.answer)}:{format_tolerance(tol)}"
        if card.mistakes:
            # Declared mistakes are Moodle's 0% answers with their own feedback: a learner
            # who gives one is told why, in Moodle as in studyrnn.
            meta["mistakes"] = [m.model_dump(exclude_none=True) for m in card.mistakes]
            answers = f"#={answers[1:]}" + "".join(
                f" =%0%{format_number(m.answer)}:"
                f"{format_tolerance(absolute_tolerance(m.answer, card.tolerance))}"
                f"#{escape(m.feedback)}"
                for m in card.mistakes
            )
        return [
            f"{moodle}\n{_marker(meta)}\n{_question(card.id, text, answers, _feedback(card.explanation))}"
        ]
    if kind == "text":
        if card.match != "casefold":
            meta["match"] = card.match
            warn(
                f"Moodle short answers ignore case and allow no typos: match '{card.match}' is not kept"
            )
        answers = " ".join(f"={_short_answer(a, warn, note)}" for a in card.answers)
        return [
            f"{moodle}\n{_marker(meta)}\n{_question(card.id, card.prompt, answers, _feedback(card.explanation))}"
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
            f"{moodle}\n{_marker(meta)}\n{_question(card.id, card.prompt, answers, _feedback(card.explanation))}"
        ]
    if kind == "generated":
        if variant_count <= 0:
            warn("generated card skipped (--variants 0)")
            return []
        distinct = distinct_variants(card, variant_count, seen)
        report_variants(report, deck, card, len(distinct), variant_count)
        if distinct:
            note(
                f"GIFT cannot draw fresh numbers: exported as {len(distinct)} fixed "
                f"variant{'s' * (len(distinct) != 1)} (seeds "
                f"{', '.join(str(v.seed) for v in distinct)})"
            )
        out = []
        for k, shown in enumerate(distinct):
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
                right_index = int(question.answer)
                answers = " ".join(
                    ("=" if i == right_index else "~") + _answer(o, warn)
                    for i, o in enumerate(shown.options)
                )
            else:
                vmeta["tolerance"] = dict(question.tolerance)
                tol = absolute_tolerance(question.answer, question.tolerance)
                answers = f"#{format_number(question.answer)}:{format_tolerance(tol)}"
                if shown.unit:
                    vmeta["unit"] = shown.unit
            text = shown.prompt + (f" (answer in {shown.unit})" if shown.unit else "")
            vmoodle = _moodle_line(title, list(card.tags), lambda m: None)
            out.append(f"{vmoodle}\n{_marker(vmeta)}\n{_question(title, text, answers, feedback)}")
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
    marker: str  # "=" or "~" ("" for a leading answer without one, as Moodle allows)


@dataclass
class Numeric:
    value: float
    tolerance: float
    weight: float
    feedback: str | None


@dataclass
class GiftQuestion:
    """One parsed GIFT question (text unescaped; format markers still in place)."""

    kind: str  # choice | multi | true_false | numeric | short | matching | description | essay
    title: str | None
    text: str
    line: int
    col: int
    fmt: str | None = None
    answers: list[Answer] = field(default_factory=list)
    truth: bool | None = None
    truth_feedback: tuple[str | None, str | None] = (None, None)  # (wrong, right)
    numbers: list[Numeric] = field(default_factory=list)
    other_feedback: str | None = None  # numerical "~#...": any other answer
    pairs: list[tuple[str, str]] = field(default_factory=list)
    general_feedback: str | None = None
    category: str | None = None
    idnumber: str | None = None
    tags: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the parser had to leave out
    guesses: list[str] = field(default_factory=list)  # what it read one way of several

    @property
    def number(self) -> float | None:
        best = self._best()
        return best.value if best else None

    @property
    def tolerance(self) -> float | None:
        best = self._best()
        return best.tolerance if best else None

    def _best(self) -> Numeric | None:
        return max(self.numbers, key=lambda n: n.weight) if self.numbers else None


@dataclass
class _Block:
    lines: list[tuple[int, str]]  # (1-based line number, text)
    marker: dict[str, Any] | None
    marker_line: int = 0
    comments: list[str] = field(default_factory=list)


MAX_MARKER_CHARS = 65536  # a studyrnn comment longer than this is not ours
# Moodle's own reading of "// [id:...] [tag:...]" comment lines (qformat_default): an id of
# non-control characters, tags without < or >, each with "\]" for a literal bracket.
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f])+)\]")


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
            block = _Block(rest, block.marker, block.marker_line, block.comments)
        try:
            q = _parse_question(block)
        except GiftSyntaxError as err:
            line, col = _position(block.lines, err.offset)
            errors.append(Diagnostic(path, line, col, err.message))
            continue
        comments = "\n".join(block.comments)
        found = _ID.search(comments)
        if found:
            q.idnumber = found.group(1).replace("\\]", "]").strip() or None
        q.tags = [t.replace("\\]", "]").strip() for t in _TAG.findall(comments)]
        q.tags = [t for t in dict.fromkeys(q.tags) if t]
        q.category = category
        questions.append(q)
    if errors:
        # The warnings found on the way are shown with the errors: the import stops here.
        raise DeckError(sorted([*errors, *report.entries], key=lambda d: (d.line, d.col)))
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
    comments: list[str] = []
    marker: dict[str, Any] | None = None
    marker_line = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if current:
                blocks.append(_Block(current, marker, marker_line, comments))
                current, marker, comments = [], None, []
            continue
        if stripped.startswith("//"):
            comments.append(stripped)
            if stripped.startswith(MARKER.strip()):
                raw = stripped[len(MARKER.strip()) :].strip()
                data = None
                if len(raw) <= MAX_MARKER_CHARS:
                    try:
                        data = json.loads(raw)
                    except (ValueError, RecursionError):
                        data = None
                if isinstance(data, dict):
                    marker, marker_line = data, number
                else:
                    report.warn(
                        path,
                        "a '// studyrnn:' comment is not a studyrnn card description; ignored",
                        number,
                        1,
                    )
            continue
        current.append((number, line))
    if current:
        blocks.append(_Block(current, marker, marker_line, comments))
    return blocks


def _position(lines: list[tuple[int, str]], offset: int) -> tuple[int, int]:
    """(line, col) of ``offset`` in the block's lines joined by newlines."""
    for number, line in lines:
        if offset <= len(line):
            return number, offset + 1
        offset -= len(line) + 1
    number, line = lines[-1]
    return number, len(line) + 1


def _rfind(text: str, sub: str, start: int, end: int) -> int:
    """The last unescaped ``sub`` in ``text[start:end]`` (Moodle takes the last '####')."""
    found, at = -1, start
    while True:
        at = _find(text, sub, at, end)
        if at < 0:
            return found
        found, at = at, at + len(sub)


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
    m = _FORMAT_MARKER.match(raw, i)
    if m:
        fmt = m.group(1)
        i = m.end()
    open_at = _find(raw, "{", i)
    if open_at < 0:
        stray_close = _find(raw, "}", i)
        if stray_close >= 0:
            raise GiftSyntaxError(
                stray_close, "'}' without an opening '{' (write \\} for a literal brace)"
            )
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
    general = _rfind(raw, "####", start, end)
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
    stop = at + len(content)
    if content.startswith("#"):
        _parse_numeric(q, raw, at + 1, stop)
        return
    if _find(raw, "~", at, stop) >= 0:
        answers = _split_answers(raw, at, stop, "~")
        for a in answers:
            a.text = unescape(a.text).strip()
        q.answers = answers
        if len(answers) < 2:
            raise GiftSyntaxError(at, "a multiple-choice question needs at least two answers")
        if any(a.marker == "=" for a in answers):
            q.kind = "choice"
            return
        if not any(a.weight is not None and a.weight > 0 for a in answers):
            raise GiftSyntaxError(
                at, "no right answer: mark it with '=' (or give it a positive weight ~%50%)"
            )
        q.kind = "multi"
        return
    if _find(raw, "=", at, stop) >= 0 and _find(raw, "->", at, stop) >= 0:
        q.kind = "matching"
        for a in _split_answers(raw, at, stop, "=", feedback=False):
            arrow = _find(a.text, "->")
            if arrow < 0:
                raise GiftSyntaxError(a.offset, "a matching answer is written '=item -> match'")
            q.pairs.append(
                (unescape(a.text[:arrow]).strip(), unescape(a.text[arrow + 2 :]).strip())
            )
        if len(q.pairs) < 2:
            raise GiftSyntaxError(at, "a matching question needs at least two pairs")
        return
    hash_at = _find(content, "#")
    truth = unescape(content[:hash_at] if hash_at >= 0 else content).strip()
    if truth in ("T", "TRUE", "F", "FALSE"):
        q.kind = "true_false"
        q.truth = truth.startswith("T")
        parts = _split_unescaped(content[hash_at + 1 :], "#", 2) if hash_at >= 0 else []
        wrong = unescape(parts[0]).strip() if parts else ""
        right = unescape(parts[1]).strip() if len(parts) > 1 else ""
        q.truth_feedback = (wrong or None, right or None)
        return
    answers = _split_answers(raw, at, stop, "=")
    for a in answers:
        a.text = a.text.strip()  # still escaped: "\*" must stay apart from a wildcard "*"
    q.answers = answers
    q.kind = "short"


def _split_unescaped(text: str, sep: str, limit: int) -> list[str]:
    parts: list[str] = []
    at = 0
    while len(parts) < limit - 1:
        cut = _find(text, sep, at)
        if cut < 0:
            break
        parts.append(text[at:cut])
        at = cut + len(sep)
    parts.append(text[at:])
    return parts


def _split_answers(
    raw: str, start: int, end: int, lead_marker: str, *, feedback: bool = True
) -> list[Answer]:
    """``=a ~b#fb ~%50%c`` -> Answers (text still escaped: matching needs the raw ``->``).

    Text before the first marker is an answer too, as in Moodle: ``{One}`` is a short answer
    (``lead_marker`` "="), and leading text in a multiple choice is a wrong option ("~")."""
    cuts = []
    i = start
    while i < end:
        if raw[i] == "\\":
            i += 2
            continue
        if raw[i] in "=~" and (lead_marker == "~" or raw[i] == "="):
            cuts.append(i)
        i += 1
    pieces: list[tuple[str, int, int]] = []  # (marker, text start, text end)
    if not cuts or raw[start : cuts[0]].strip():
        pieces.append(("", start, cuts[0] if cuts else end))
    for k, cut in enumerate(cuts):
        stop = cuts[k + 1] if k + 1 < len(cuts) else end
        pieces.append((raw[cut], cut + 1, stop))
    answers = []
    for marker, piece_start, stop in pieces:
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
        text_feedback = None
        hash_at = _find(piece, "#") if feedback else -1
        if hash_at >= 0:
            text_feedback = unescape(piece[hash_at + 1 :]).strip() or None
            piece = piece[:hash_at]
        if not piece.strip():
            raise GiftSyntaxError(
                max(piece_start - 1, start), f"an answer after '{marker or '{'}' is empty"
            )
        effective = marker or lead_marker
        right = effective == "=" if weight is None else weight > 0
        if effective == "=" and weight is None:
            weight = 100.0
        answers.append(
            Answer(piece, right, weight, text_feedback, piece_start, marker or effective)
        )
    return answers


def _parse_numeric(q: GiftQuestion, raw: str, start: int, end: int) -> None:
    q.kind = "numeric"
    tilde = _find(raw, "~", start, end)
    if tilde >= 0:
        # Moodle's "any other answer": "~#feedback" after the numbers.
        rest = raw[tilde + 1 : end]
        hash_at = _find(rest, "#")
        q.other_feedback = unescape(rest[hash_at + 1 :]).strip() or None if hash_at >= 0 else None
        end = tilde
    body = raw[start:end]
    if not body.strip():
        raise GiftSyntaxError(start, "a numerical question needs an answer after '#'")
    for a in _split_answers(raw, start + len(body) - len(body.lstrip()), end, "="):
        spec = unescape(a.text).strip()
        try:
            if ".." in spec:
                # Decimal arithmetic: 3.141..3.142 is 3.1415 ± 0.0005, not 3.1414999999999997.
                low_text, high_text = spec.split("..", 1)
                low, high = Decimal(low_text.strip()), Decimal(high_text.strip())
                value, tol = float((low + high) / 2), float(abs(high - low) / 2)
            elif ":" in spec:
                value_text, tol_text = spec.split(":", 1)
                value, tol = (
                    float(Decimal(value_text.strip())),
                    abs(float(Decimal(tol_text.strip()))),
                )
            else:
                value, tol = float(Decimal(spec)), 0.0
        except (ValueError, InvalidOperation, ArithmeticError):
            raise GiftSyntaxError(
                a.offset,
                f"'{one_line(spec, 40)}' is not a numerical answer "
                "(write #answer:tolerance or #min..max)",
            ) from None
        if not (math.isfinite(value) and math.isfinite(tol)):
            raise GiftSyntaxError(a.offset, f"'{one_line(spec, 40)}' is not a finite number")
        q.numbers.append(
            Numeric(value, tol, a.weight if a.weight is not None else 100.0, a.feedback)
        )


# --------------------------------------------------------------------------------------------
# import: questions -> card dicts

_FORMAT_MARKER = re.compile(r"\s*\[(html|moodle|plain|markdown)\]")
# Without a marker Moodle's default format ("moodle") allows HTML: text holding these is HTML.
_HTMLISH = re.compile(
    r"<(?:p|br|div|span|b|i|u|em|strong|img|ul|ol|li|sub|sup|table|tr|td|th|a|h[1-6]|pre|code)"
    r"\b[^>]*>|&(?:nbsp|amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);",
    re.IGNORECASE,
)


class _Converter:
    """Moodle text (with an optional leading format marker) -> plain text, counting what it
    converted and the media it dropped."""

    def __init__(self) -> None:
        self.html = 0
        self.markdown = 0
        self.media: list[str] = []

    def __call__(self, text: str | None, default: str | None = None) -> str:
        if not text:
            return ""
        fmt = default
        m = _FORMAT_MARKER.match(text)
        if m:
            fmt, text = m.group(1), text[m.end() :]
        if fmt == "plain":
            return text.strip()
        if fmt == "markdown":
            from markdown_it import MarkdownIt

            self.markdown += 1
            rendered = MarkdownIt("commonmark").render(text)
            return self._html(rendered)
        if fmt == "html" or (fmt in (None, "moodle") and _HTMLISH.search(text)):
            if fmt == "moodle":  # Moodle auto-format: a newline is a line break
                text = text.replace("\n", "<br>")
            return self._html(text)
        return text.strip()

    def _html(self, text: str) -> str:
        from studyrnn.interchange.html_text import html_to_text

        self.html += 1
        converted = html_to_text(text)
        self.media += converted.media
        return converted.text


def gift_to_cards(
    questions: list[GiftQuestion], path: str, report: Report
) -> tuple[list[dict[str, Any]], str, str | None]:
    """Card dicts (not yet validated), study notes and the first category name."""
    cards: list[dict[str, Any]] = []
    notes: list[str] = []
    category = next((q.category for q in questions if q.category), None)
    categories = {q.category for q in questions if q.category}
    if len(categories) > 1:
        names = one_line(", ".join(sorted(categories)), 120)
        report.note(path, f"{len(categories)} categories ({names}) merged into one deck")
    convert = _Converter()
    for q in questions:

        def warn(message: str, q: GiftQuestion = q) -> None:
            report.warn(path, f"question {_label(q)}: {message}", q.line, q.col)

        def note(message: str, q: GiftQuestion = q) -> None:
            report.note(path, f"question {_label(q)}: {message}", q.line, q.col)

        for message in q.notes:
            warn(message)
        for guess in q.guesses:
            note(guess)
        if q.kind == "description":
            text = q.text if q.meta.get("notes") else convert(q.text, q.fmt)
            card = _card(q, text, convert, warn, note)
            if card is None:
                notes.append(text)
                if not q.meta.get("notes"):
                    warn("a description (no answer) has no card type: kept in the study notes")
                continue
            made = [card]
        else:
            made = _cards(q, convert(q.text, q.fmt), convert, warn, note)
        for card in made:
            card["_line"], card["_col"] = q.line, q.col
            card.setdefault("_title", q.title)
            cards.append(card)
    if convert.html or convert.markdown:
        kinds = " and ".join(
            k for k, n in (("HTML", convert.html), ("Markdown", convert.markdown)) if n
        )
        report.note(path, f"{kinds} in {convert.html + convert.markdown} texts made plain text")
    if convert.media:
        n = len(convert.media)
        report.warn(
            path,
            f"{n} image{'s' * (n != 1)} or media file{'s' * (n != 1)} not imported "
            "(shown as [image: name])",
        )
    return cards, "\n\n".join(notes), category


def _label(q: GiftQuestion) -> str:
    if q.title:
        return f"'{one_line(q.title, 60)}'"
    return f"'{one_line(q.text, 40)}'"


def _base(q: GiftQuestion, convert: _Converter) -> dict[str, Any]:
    meta = q.meta
    card: dict[str, Any] = {}
    if isinstance(meta.get("id"), str):
        card["id"] = meta["id"]
    elif q.idnumber:
        card["id"] = q.idnumber
    if meta.get("tags"):
        card["tags"] = meta["tags"]
    elif q.tags:
        card["tags"] = q.tags
    if meta.get("source"):
        card["source"] = meta["source"]
    if q.general_feedback:
        card["explanation"] = convert(q.general_feedback, q.fmt)
    return card


def _with_feedback(card: dict[str, Any], lines: list[str], note: Any) -> dict[str, Any]:
    """Per-answer feedback folded into the explanation (the one place a card has for it)."""
    lines = [line for line in lines if line]
    if lines:
        card["explanation"] = "\n\n".join(
            [*([card["explanation"]] if "explanation" in card else []), *lines]
        )
        note("per-answer feedback kept in the explanation")
    return card


def _card(
    q: GiftQuestion, text: str, convert: _Converter, warn: Any, note: Any
) -> dict[str, Any] | None:
    """A description: our own export of a long flashcard, else None (study notes)."""
    meta = q.meta
    sizes = (meta.get("front_chars"), meta.get("back_chars"))
    if meta.get("type") == "flashcard" and all(isinstance(n, int) and n > 0 for n in sizes):
        # The description shows front, back (and explanation) separated by blank lines.
        n_front, n_back = sizes
        front = text[:n_front]
        back = text[n_front + 2 : n_front + 2 + n_back]
        rest = text[n_front + 2 + n_back :].strip()
        if front.strip() and back.strip():
            card = _base(q, convert)
            if rest:
                card["explanation"] = rest
            return {**card, "type": "flashcard", "front": front, "back": back}
    return None


def _cards(
    q: GiftQuestion, text: str, convert: _Converter, warn: Any, note: Any
) -> list[dict[str, Any]]:
    meta = q.meta
    card = _base(q, convert)
    wanted = meta.get("type")
    fmt = q.fmt
    if q.kind == "essay":
        warn("an essay question has no studyrnn card type; skipped")
        return []
    if q.kind == "true_false":
        wrong, right = (convert(f, fmt) if f else "" for f in q.truth_feedback)
        lines = []
        if right:
            lines.append(right)
        if wrong:
            lines.append(f"If you answered {'false' if q.truth else 'true'}: {wrong}")
        card = _with_feedback(card, lines, note)
        return [{**card, "type": "true_false", "statement": text, "answer": bool(q.truth)}]
    if q.kind == "numeric":
        best = q._best()
        assert best is not None
        unit = meta.get("unit")
        if unit and text.endswith(f" (answer in {unit})"):
            text = text[: -len(f" (answer in {unit})")]
            card["unit"] = unit
        tolerance = meta.get("tolerance")
        if not isinstance(tolerance, dict):
            tolerance = {"rtol": 0, "atol": best.tolerance}
        lines = []
        if best.feedback:
            lines.append(convert(best.feedback, fmt))
        others = [n for n in q.numbers if n is not best]
        mistakes, rest = mistakes_from_answers(
            best.value,
            best.tolerance,
            [(n.value, n.weight, convert(n.feedback, fmt)) for n in others],
        )
        if isinstance(meta.get("mistakes"), list):
            mistakes, rest = meta["mistakes"], []
        partial = [n for n in others if (n.value, n.weight) in {(v, w) for v, w, _ in rest}]
        if partial:
            warn(
                f"{len(q.numbers)} numerical answers: kept the one with the highest weight "
                "(a studyrnn numeric card has one answer)"
            )
        for value, weight, feedback in rest:
            tol_of = next(n.tolerance for n in others if (n.value, n.weight) == (value, weight))
            if feedback:
                lines.append(
                    f"{format_number(value)} ± {format_number(tol_of)} "
                    f"({format_number(weight)}%): {feedback}"
                )
        if mistakes and not isinstance(meta.get("mistakes"), list):
            note(
                f"{len(mistakes)} 0% answer{'s' * (len(mistakes) != 1)} with feedback kept as "
                "declared mistakes"
            )
        if q.other_feedback:
            lines.append(f"Any other answer: {convert(q.other_feedback, fmt)}")
        card = _with_feedback(card, lines, note)
        out = {**card, "type": "numeric", "prompt": text, "answer": best.value}
        if tolerance:  # {}: the card had the default tolerance
            out["tolerance"] = tolerance
        if mistakes:
            out["mistakes"] = mistakes
        return [out]
    if q.kind == "matching":
        pairs = [(convert(left, fmt), convert(right, None)) for left, right in q.pairs]
        positions = [right for left, right in pairs if left]
        if sorted(positions) == [str(i) for i in range(1, len(positions) + 1)] and len(
            positions
        ) == len(pairs):
            items = [left for left, _ in sorted(pairs, key=lambda p: int(p[1]))]
            if wanted != "order":
                note("a matching question onto the positions 1..n: imported as an order card")
            return [{**card, "type": "order", "prompt": text, "items": items}]
        options = list(dict.fromkeys(right for _, right in pairs if right))
        pair_cards: list[dict[str, Any]] = []
        if len(options) < 2:
            warn("a matching question with fewer than two answers to choose from; skipped")
            return []
        for left, right in pairs:
            if not left:
                continue  # "= -> extra": a distractor, already among the options
            pair_cards.append(
                {
                    **{k: v for k, v in card.items() if k != "id"},
                    "type": "choice",
                    "prompt": f"{text}\n\n{left}",
                    "options": options,
                    "answer": options.index(right),
                    "_title": f"{q.title or ''} {left}".strip(),
                }
            )
        note(
            f"a matching question: one choice card per pair ({len(pair_cards)} cards, "
            f"each choosing from the {len(options)} answers)"
        )
        return pair_cards
    if q.kind == "short":
        full: list[str] = []
        lines = []
        wildcards = []
        for a in q.answers:
            answer_text = convert(a.text, fmt if a.text.lstrip().startswith("[") else None)
            literal = _short_answer_text(answer_text)
            if literal is None:
                wildcards.append(unescape(answer_text))
                continue
            if a.weight is None or a.weight >= 100:
                full.append(literal)
                if a.feedback:
                    lines.append(f"{literal}: {convert(a.feedback, fmt)}")
            else:
                warn(
                    f"the answer '{one_line(literal, 40)}' earns {format_number(a.weight)}%: "
                    "partial credit is not kept (only full-credit answers are accepted)"
                )
        if wildcards:
            warn(
                f"wildcard answer{'s' * (len(wildcards) != 1)} "
                f"{one_line(', '.join(repr(w) for w in wildcards), 60)} not kept "
                "(studyrnn compares whole answers; '*' matches anything in Moodle)"
            )
        if not full:
            warn("no full-credit answer left; skipped")
            return []
        card = _with_feedback(card, lines, note)
        if wanted == "flashcard" and len(full) == 1:
            return [{**card, "type": "flashcard", "front": text, "back": full[0]}]
        match = meta.get("match") if meta.get("match") in ("exact", "casefold", "fuzzy") else None
        out = {**card, "type": "text", "prompt": text, "answers": list(dict.fromkeys(full))}
        if match:
            out["match"] = match
        return [out]
    options = [convert(a.text, fmt) for a in q.answers]
    lines = [
        f"{option}: {convert(a.feedback, fmt)}"
        for option, a in zip(options, q.answers)
        if a.feedback
    ]
    if q.kind == "choice":
        rights = [i for i, a in enumerate(q.answers) if a.marker == "="]
        partial = [a for a in q.answers if a.marker != "=" and a.weight not in (None, 0)]
        if partial:
            warn("partial credit on wrong options is not kept")
        if len(rights) > 1:
            warn("several '=' answers: the first is the right one")
        card = _with_feedback(card, lines, note)
        return [{**card, "type": "choice", "prompt": text, "options": options, "answer": rights[0]}]
    # multi
    rights = [i for i, a in enumerate(q.answers) if a.weight is not None and a.weight > 0]
    weights = {round(q.answers[i].weight or 0, 3) for i in rights}
    if len(weights) > 1:
        note("unequal weights on the right options: each right option counts the same in studyrnn")
    card = _with_feedback(card, lines, note)
    return [{**card, "type": "multi", "prompt": text, "options": options, "answers": rights}]


def _short_answer_text(escaped: str) -> str | None:
    """A Moodle short answer as literal text, or None when it holds a wildcard: an unescaped
    ``*`` matches any characters in Moodle; ``\\*`` is a literal star."""
    out: list[str] = []
    i = 0
    while i < len(escaped):
        ch = escaped[i]
        if ch == "\\" and i + 1 < len(escaped) and escaped[i + 1] == "*":
            out.append("*")
            i += 2
            continue
        if ch == "*":
            return None
        out.append(ch)
        i += 1
    return unescape("".join(out)).strip()
