"""Learner names: the one check every way of naming a learner goes through.

A class database holds every learner's name in a ``varchar(200)`` column and ``report`` shows
them to the instructor, so a name is bounded (``limits.MAX_LEARNER_NAME`` characters, well under
the column) and holds no control character, bidi override or noncharacter.
"""

from __future__ import annotations

from studyrnn.errors import UsageError
from studyrnn.limits import MAX_LEARNER_NAME
from studyrnn.untrusted import describe_char, forbidden_char, one_line


def learner_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a learner, or None when it can."""
    if not name.strip():
        return "a learner name must not be empty"
    if len(name) > MAX_LEARNER_NAME:
        return f"a learner name may be at most {MAX_LEARNER_NAME} characters, not {len(name):,}"
    index = forbidden_char(name)
    if index is not None:
        return (
            f"a learner name may not hold {describe_char(name[index])} (in '{one_line(name, 40)}')"
        )
    return None


def check_learner_name(name: str) -> str:
    """``name`` unchanged when it may name a learner; ``UsageError`` saying why not."""
    problem = learner_name_problem(name)
    if problem is not None:
        raise UsageError(problem)
    return name
