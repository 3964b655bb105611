"""``lint_generator``: Moodle-style checks over many variants of one generator."""

from __future__ import annotations

import itertools
import json
import math
import random
from typing import Any

from engine.generators._registry import (
    GeneratorParamError,
    Param,
    Question,
    generate,
    get_spec,
    validate_params,
)

MAX_PROBLEMS = 10


def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers(v)]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _numbers(v)]
    return []


def question_problems(q: Question) -> list[str]:
    """What is wrong with one question ([] when nothing)."""
    out: list[str] = []
    if not all(math.isfinite(x) for x in _numbers(q.params)):
        out.append("a shown number is not finite")
    if not isinstance(q.prompt, str) or not q.prompt.strip():
        out.append("the prompt is empty")
    if not q.solution or not all(isinstance(s, str) and s.strip() for s in q.solution):
        out.append("the worked solution is empty")
    tol = q.tolerance
    if set(tol) != {"rtol", "atol"} or not all(math.isfinite(v) and v >= 0 for v in tol.values()):
        out.append(f"bad tolerance {tol}")
    ids = [m.id for m in q.mistakes]
    if len(set(ids)) != len(ids):
        out.append("a mistake id is declared twice")
    for m in q.mistakes:
        if not math.isfinite(m.value):
            out.append(f"mistake {m.id!r} gives a number that is not finite")
        elif q.kind == "numeric" and math.isfinite(q.answer) and q.accepts(m.value):
            out.append(
                f"mistake {m.id!r} ({m.value:.6g}) falls inside the tolerance of the answer "
                f"{q.answer:.6g}: a learner using that method would be graded right"
            )
        if not m.feedback.strip():
            out.append(f"mistake {m.id!r} has no feedback")
    if q.kind == "choice":
        if len(q.options) < 2 or len(set(q.options)) != len(q.options):
            out.append("a choice needs two or more distinct options")
        if not isinstance(q.answer, int) or not 0 <= q.answer < len(q.options):
            out.append(f"choice answer {q.answer!r} is not an index into {len(q.options)} options")
    elif q.kind == "numeric":
        if not isinstance(q.answer, float) or not math.isfinite(q.answer):
            out.append(f"the answer {q.answer!r} is not a finite number")
        elif not out:
            shown = float(q.answer_text)
            if not q.accepts(shown):
                out.append(
                    f"the answer as displayed ({q.answer_text}) is outside its own tolerance of the exact "
                    f"answer {q.answer!r} (rtol {tol['rtol']}, atol {tol['atol']})"
                )
    else:
        out.append(f"unknown kind {q.kind!r}")
    try:
        json.dumps(q.to_json(), allow_nan=False)
    except (TypeError, ValueError) as exc:
        out.append(f"to_json() is not JSON: {exc}")
    return out


def extremes(param: Param) -> list[Any]:
    """The corners of one param's documented range: its bounds (lists: all low, all high, both
    alternating, at the shortest and longest length), every choice of a str param."""
    if param.kind == "str":
        return list(param.choices or ())
    if param.low is None or param.high is None:
        return []
    lo, hi = param.low, param.high
    if param.kind == "int":
        return [int(lo), int(hi)]
    if param.kind == "float":
        return [float(lo), float(hi)]
    if param.kind == "float_list":
        longest = param.max_len or param.min_len
        return [
            [float(lo)] * param.min_len,
            [float(hi)] * longest,
            [float(hi) if i % 2 else float(lo) for i in range(longest)],
        ]
    rows, cols = param.shape or (0, 0)
    return [
        [[float(lo)] * cols for _ in range(rows)],
        [[float(hi)] * cols for _ in range(rows)],
        [[float(hi) if (i + j) % 2 else float(lo) for j in range(cols)] for i in range(rows)],
        [[float(hi) if i == 0 else float(lo) for j in range(cols)] for i in range(rows)],
    ]


MAX_COMBINATIONS = 48


def corner_cases(
    name: str, params: dict[str, Any] | None = None
) -> list[tuple[dict[str, Any], bool]]:
    """``(params, full)`` pairs covering the documented range of every param not given.

    One param at a time at each of its extremes, the rest drawn (``full``: every check applies,
    mistakes included, since the drawn numbers can be redrawn); then combinations of extremes of
    all params at once, up to MAX_COMBINATIONS (checked for overflow, non-finite numbers and
    crashes: with every number fixed at a bound, a mistake may coincide with the answer by
    construction, e.g. tanh(100) = σ(100) = 1). Combinations the params check refuses are
    outside the range and left out."""
    spec = get_spec(name)
    given = dict(params or {})
    free = {k: extremes(p) for k, p in spec.params.items() if k not in given}
    free = {k: v for k, v in free.items() if v}
    out: list[tuple[dict[str, Any], bool]] = []

    def add(candidate: dict[str, Any], full: bool) -> None:
        try:
            validate_params(name, candidate)
        except GeneratorParamError:
            return
        out.append((candidate, full))

    for key, values in free.items():
        for value in values:
            add({**given, key: value}, True)
    keys = list(free)
    combos = list(itertools.product(*(free[k] for k in keys)))
    if len(combos) > MAX_COMBINATIONS:
        combos = random.Random(0).sample(combos, MAX_COMBINATIONS)
    for combo in combos:
        add({**given, **dict(zip(keys, combo))}, False)
    return out


def _problems_of(
    name: str, seed: int, params: dict[str, Any] | None, full: bool = True
) -> list[str]:
    try:
        q = generate(name, seed, params)
        problems = question_problems(q)
        if not full:
            problems = [p for p in problems if "falls inside the tolerance" not in p]
        return problems
    except GeneratorParamError as exc:
        return [str(exc)]
    except Exception as exc:  # noqa: BLE001 - a lint reports, it does not crash
        return [f"raised {type(exc).__name__}: {exc}"]


def lint_generator(
    name: str, params: dict[str, Any] | None = None, variants: int = 200, corners: bool = True
) -> list[str]:
    """Generate ``variants`` questions (seeds 0..variants-1), and with ``corners`` one for each
    of ``corner_cases`` (the extremes of every param's documented range), and return every
    problem found (at most a few per kind, with the seeds or corners); [] when all are clean."""
    try:
        validate_params(name, params)
    except GeneratorParamError as exc:
        return [str(exc)]
    found: dict[str, list[str]] = {}
    for seed in range(variants):
        problems = _problems_of(name, seed, params)
        if seed == 0 and not problems:
            if generate(name, seed, params).to_json() != generate(name, seed, params).to_json():
                problems.append("not deterministic: the same seed gave a different question")
        for p in problems:
            found.setdefault(p, []).append(f"seed {seed}")
    if corners:
        for i, (corner, full) in enumerate(corner_cases(name, params)):
            extra = {k: v for k, v in corner.items() if k not in (params or {})}
            for p in _problems_of(name, i, corner, full):
                found.setdefault(p, []).append(f"corner {_short(extra)}")
    out = []
    for problem, where in list(found.items())[:MAX_PROBLEMS]:
        shown = ", ".join(where[:3]) + (f" (+{len(where) - 3} more)" if len(where) > 3 else "")
        out.append(f"{name}: {problem} [{shown}]")
    if len(found) > MAX_PROBLEMS:
        out.append(f"{name}: ... and {len(found) - MAX_PROBLEMS} more kinds of problem")
    return out


def _short(params: dict[str, Any]) -> str:
    text = json.dumps(params, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."
