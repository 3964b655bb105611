"""Plain-line conversation shared by ``quiz --plain`` and ``review --plain``.

Screen readers and scripts drive these through pipes: every line is flushed as it is written,
end of input raises ``EndOfInput`` (the caller ends cleanly), and deck text is printed as typed
with control characters written out (``\\x1b``), so nothing in a deck reaches the terminal raw.
The chrome (labels, hints, verdict wording) is in the deck's language: ``use_language(deck.language)``
sets ``self.gettext`` (English until then, as the source text is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from studyrnn.i18n import N_

HINTS = {
    "choice": N_("Type the number of your answer."),
    "multi": N_("Type the numbers of every right answer, like 1,3 (or 'none')."),
    "true_false": N_("True or false? Type t or f."),
    "order": N_("Put these in the right order: type their numbers, like 2 3 1."),
    "numeric": N_("Type a number, like 0.25, 2.5e-1 or 1/4."),
    "text": N_("Type your answer."),
    "flashcard": N_("Think of the answer, then press Enter to see the back."),
}


def _same(message: str) -> str:
    return message


def visible(text: object) -> str:
    """Deck text as typed: control, bidi and zero-width characters written out (``\\x1b``);
    ``studyrnn.untrusted.shown``, the one rule."""
    from studyrnn.untrusted import shown

    return shown("" if text is None else str(text).replace("\r\n", "\n"))


def format_score(value: float) -> str:
    """3 → "3", 2.6666 → "2.67", 0.5 → "0.5" (``studyrnn.study.format_score``)."""
    from studyrnn.study.quiz import format_score as one_rule

    return one_rule(value)


class EndOfInput(Exception):
    """stdin is exhausted: the conversation ends, nothing half-answered is recorded."""


class PlainLines:
    """One line out, one line in; ``stdin``/``stdout`` are injected for tests."""

    hint_suffix = ""  # appended to every hint but the flashcard's (review adds the reveal rule)

    def __init__(self, stdin: IO[str], stdout: IO[str]) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.gettext: Callable[[str], str] = _same

    def use_language(self, tag: str | None) -> None:
        """Write the chrome in ``tag``'s language (a deck's: 'de' -> German)."""
        from studyrnn.i18n import translator

        self.gettext = translator(tag)

    def wording(self, message: object) -> str:
        """A verdict's message in this conversation's language, shown safely."""
        from studyrnn.wording import wording

        return visible(wording(message, self.gettext))

    def say(self, text: str = "") -> None:
        for line in text.split("\n"):
            self.stdout.write(line + "\n")
        self.stdout.flush()

    def read(self) -> str:
        line = self.stdin.readline()
        if not line:
            raise EndOfInput
        return line.rstrip("\r\n")

    def show(self, p: Any) -> None:
        """The prompt of a presented card, its numbered options and a one-line hint."""
        self.say(visible(p.prompt))
        if p.kind in ("choice", "multi", "order"):
            for i, option in enumerate(p.options, 1):
                self.say(f"  {i}. {visible(option)}")
        tr = self.gettext
        hint = tr(HINTS[p.kind]) if p.kind in HINTS else ""
        if p.kind != "flashcard" and self.hint_suffix:
            hint += " " + tr(self.hint_suffix)
        if p.kind == "numeric" and p.unit:
            hint = f"{hint} " + tr("Unit: {unit}.").format(unit=visible(p.unit))
        self.say(hint)

    def read_answer(self, p: Any) -> tuple[str, Any]:
        """Read lines until one is an answer (invalid ones say why); (the line, its Verdict)."""
        while True:
            answer = self.read()
            verdict = p.grade_text(answer)
            if verdict.outcome.value != "invalid":
                return answer, verdict
            self.say(self.gettext("invalid: {why}").format(why=self.wording(verdict.message)))

    def report(self, p: Any, verdict: Any) -> None:
        """The verdict line (``correct`` / ``incorrect…``), then explanation and worked solution."""
        tr = self.gettext
        outcome = verdict.outcome.value
        message = self.wording(verdict.message)
        if outcome == "correct":
            self.say(tr("correct: {why}").format(why=message) if message else tr("correct"))
            return
        if outcome == "partial":
            line = tr("incorrect (partial credit {score}): {why}")
            self.say(line.format(score=format_score(verdict.score), why=message))
        elif outcome == "revealed":
            self.say(tr("incorrect (revealed): {why}").format(why=message))
        else:
            self.say(tr("incorrect: {why}").format(why=message))
        if p.explanation:
            self.say(tr("explanation: {text}").format(text=visible(p.explanation).strip()))
        if p.solution:
            self.say(tr("worked solution:"))
            for i, step in enumerate(p.solution, 1):
                self.say(f"  {i}. {visible(step)}")
