"""Plain question/answer text, the layout study sites and note apps export.

Three layouts are recognised, tried in this order (the report says which one was used):

1. **Prefixed**: lines starting ``Q:`` (or ``Question:``) open a question and ``A:`` (or
   ``Answer:``) its answer; lines without a prefix continue the current part, so questions and
   answers may span several lines and blank lines.
2. **Tab-separated**: lines ``question<TAB>answer`` (Quizlet's default export); a line without
   a tab continues the answer above it (Quizlet writes multi-line definitions that way).

A file starting with Anki's ``#separator:``/``#html:`` header lines is Anki's plain-text export
and is read as ``--format csv`` reads it (``csv_io.parse_anki_text``), never as one junk card.
3. **Blocks**: blocks of text separated by blank lines. Normally they alternate question, answer,
   question, answer. When every block has at least two lines and the blocks cannot alternate (an
   odd count), or every block's first line is a question ending in "?", each block is one card:
   its first line is the question, the rest the answer.

Every card becomes a flashcard (front, back).
"""

from __future__ import annotations

import re
from typing import Any

from studyrnn.interchange.common import Report

_Q = re.compile(r"^\s*(?:q|question)\s*[:：]\s?", re.IGNORECASE)
_A = re.compile(r"^\s*(?:a|answer)\s*[:：]\s?", re.IGNORECASE)


def _normalise(text: str) -> list[str]:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").rstrip()


_ANKI_HEADER = re.compile(r"^#(separator|html|columns|notetype|deck|tags)( column)?:", re.I)


def parse_qa(text: str, path: str, report: Report) -> list[dict[str, Any]]:
    lines = _normalise(text)
    if lines and _ANKI_HEADER.match(lines[0].strip()):
        # Anki's "Notes in Plain Text" export: its header says how to read it.
        from studyrnn.interchange.csv_io import parse_anki_text

        report.note(path, "the file starts with Anki's '#...:' header: read as Anki's text export")
        return parse_anki_text("\n".join(lines), path, report)
    if any(_Q.match(line) for line in lines) and any(_A.match(line) for line in lines):
        return _prefixed(lines, path, report)
    content = [line for line in lines if line.strip()]
    tabbed = [line for line in content if "\t" in line]
    # Quizlet writes a multi-line definition as it is: the lines after the first have no tab.
    if content and "\t" in content[0] and len(tabbed) * 2 >= len(content):
        return _tabbed(lines, path, report)
    return _blocks(lines, path, report)


def _card(front: str, back: str, line: int) -> dict[str, Any]:
    return {"type": "flashcard", "front": front, "back": back, "_line": line, "_col": 1}


def _prefixed(lines: list[str], path: str, report: Report) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    question: list[str] | None = None
    answer: list[str] | None = None
    start = 0

    def flush() -> None:
        if question is None:
            return
        front, back = _join(question), _join(answer or [])
        if not front.strip() or not back.strip():
            report.warn(
                path,
                f"the question at line {start} has no {'answer' if front.strip() else 'text'}; "
                "skipped",
                start,
                1,
            )
            return
        cards.append(_card(front, back, start))

    for number, line in enumerate(lines, start=1):
        q, a = _Q.match(line), _A.match(line)
        if q:
            flush()
            question, answer, start = [line[q.end() :]], None, number
        elif a:
            if question is None:
                report.warn(path, "an answer before any question; skipped", number, 1)
                continue
            if answer is not None:
                answer.append(line[a.end() :])  # a second "A:" continues the answer
            else:
                answer = [line[a.end() :]]
        elif question is not None:
            (answer if answer is not None else question).append(line)
        elif line.strip():
            report.warn(path, "text before the first 'Q:' line; skipped", number, 1)
    flush()
    report.note(
        path,
        f"{len(cards)} card{'s' * (len(cards) != 1)}: questions and answers marked 'Q:' and 'A:'",
    )
    return cards


def _tabbed(lines: list[str], path: str, report: Report) -> list[dict[str, Any]]:
    rows: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if "\t" in line or not rows:
            rows.append((number, line))
        elif line.strip():  # no tab: the previous answer goes on (a multi-line definition)
            start, previous = rows[-1]
            rows[-1] = (start, previous + "\n" + line)
    cards = []
    for number, line in rows:
        if not line.strip():
            continue
        front, _, back = line.partition("\t")
        if not front.strip() or not back.strip():
            report.warn(path, f"line {number} has an empty question or answer; skipped", number, 1)
            continue
        if "\t" in back:
            report.warn(
                path,
                f"line {number} has more than one tab: everything after the first is the answer",
                number,
                1,
            )
        cards.append(_card(front.strip(), back.strip(), number))
    report.note(
        path, f"{len(cards)} card{'s' * (len(cards) != 1)}: one per line, 'question<TAB>answer'"
    )
    return cards


def _split_blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _is_question(line: str) -> bool:
    return line.rstrip().endswith(("?", "？", ":"))


def _blocks(lines: list[str], path: str, report: Report) -> list[dict[str, Any]]:
    blocks = _split_blocks(lines)
    cards: list[dict[str, Any]] = []
    all_multi_line = bool(blocks) and all(len(b) >= 2 for _, b in blocks)
    first_lines_ask = bool(blocks) and all(_is_question(b[0]) for _, b in blocks)
    odd_blocks_ask = all(_is_question(b[-1]) for _, b in blocks[0::2])
    one_per_block = all_multi_line and (
        len(blocks) % 2 == 1 or (first_lines_ask and not odd_blocks_ask)
    )
    if one_per_block:
        for start, block in blocks:
            cards.append(_card(block[0].strip(), _join(block[1:]).strip(), start))
        n = len(cards)
        report.note(
            path,
            f"{n} card{'s' * (n != 1)}: took line 1 of each block as the question and the "
            "rest as the answer",
        )
        return cards
    for k in range(0, len(blocks) - 1, 2):
        (q_start, question), (a_start, answer) = blocks[k], blocks[k + 1]
        if _is_question(answer[-1]) and not _is_question(question[-1]):
            report.warn(
                path,
                f"the block at line {a_start} reads like a question but was taken as the answer "
                f"to line {q_start}; check the pairing",
                a_start,
                1,
            )
        cards.append(_card(_join(question).strip(), _join(answer).strip(), q_start))
    if len(blocks) % 2 == 1:
        start, _ = blocks[-1]
        report.warn(
            path, f"the last block (line {start}) has no answer after it; skipped", start, 1
        )
    n = len(cards)
    report.note(
        path,
        f"{n} card{'s' * (n != 1)}: blocks separated by blank lines, alternating question "
        "and answer",
    )
    return cards
