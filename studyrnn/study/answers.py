"""What every session shares: grading a response into a verdict, and the text logged for it.

A response is what a front end collected: typed text (``--plain``, a text or number box) or a
structured value from the TUI (an option index, the picks of a multi, an order, a bool). The
logged answer is written the way a learner would type it (``2``, ``1,3``, ``3 1 2``), so the same
answer gives the same log row from either front end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studyrnn.quiz import Presented
from studyrnn.study.kinds import Outcome, Rating


@dataclass(frozen=True)
class Graded:
    """A verdict and the answer as it will be logged."""

    verdict: Any  # studyrnn.grading.Verdict
    answer: str | None

    @property
    def invalid(self) -> bool:
        return self.verdict.outcome is Outcome.INVALID

    @property
    def suggested(self) -> Rating:
        """The rating the verdict suggests (Again when it suggests none)."""
        rating = getattr(self.verdict, "rating", None)
        return Rating(rating) if rating else Rating.AGAIN


def answer_text(presented: Presented, response: Any) -> str:
    """A structured response written as the learner would type it."""
    if response is None:
        return ""
    if isinstance(response, str):
        return response.strip()
    if isinstance(response, bool):
        return "true" if response else "false"
    if isinstance(response, int):
        return str(response + 1)
    if isinstance(response, list | tuple):
        numbers = [str(int(i) + 1) for i in response]
        if presented.kind == "multi":
            return ",".join(numbers) or "none"
        return " ".join(numbers)
    return str(response)


def grade(
    presented: Presented,
    response: Any,
    *,
    typed: bool | None = None,
    revealed: bool = False,
    retried: bool = False,
) -> Graded:
    """Grade ``response`` (``typed``: it is text to parse; default: when it is a ``str``)."""
    typed = isinstance(response, str) if typed is None else typed
    if typed:
        verdict = presented.grade_text(str(response), revealed=revealed, retried=retried)
    else:
        verdict = presented.grade(response, revealed=revealed, retried=retried)
    return Graded(verdict, answer_text(presented, response))


def question_line(presented: Presented, width: int = 60) -> str:
    """The question, one line, shown safely (what an undo toast names)."""
    from studyrnn.untrusted import shown

    text = " ".join(shown(presented.prompt).split())
    return text if len(text) <= width else text[: width - 1] + "…"
