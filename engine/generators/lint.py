"""``lint_generator``: Moodle-style checks over many variants of one generator."""

from __future__ import annotations

import json
import math
from typing import Any

from engine.generators._registry import GeneratorParamError, Question, generate, validate_params

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


def lint_generator(
    name: str, params: dict[str, Any] | None = None, variants: int = 200
) -> list[str]:
    """Generate ``variants`` questions (seeds 0..variants-1) and return every problem found
    (at most a few per kind, with the seeds); [] when all are clean."""
    try:
        validate_params(name, params)
    except GeneratorParamError as exc:
        return [str(exc)]
    found: dict[str, list[int]] = {}
    for seed in range(variants):
        try:
            q = generate(name, seed, params)
            problems = question_problems(q)
            if seed == 0 and generate(name, seed, params).to_json() != q.to_json():
                problems.append("not deterministic: the same seed gave a different question")
        except GeneratorParamError as exc:
            problems = [str(exc)]
        except Exception as exc:  # noqa: BLE001 - a lint reports, it does not crash
            problems = [f"raised {type(exc).__name__}: {exc}"]
        for p in problems:
            found.setdefault(p, []).append(seed)
    out = []
    for problem, seeds in list(found.items())[:MAX_PROBLEMS]:
        shown = ", ".join(str(s) for s in seeds[:5]) + (
            f" (+{len(seeds) - 5} more)" if len(seeds) > 5 else ""
        )
        out.append(f"{name}: {problem} [seed {shown}]")
    if len(found) > MAX_PROBLEMS:
        out.append(f"{name}: ... and {len(found) - MAX_PROBLEMS} more kinds of problem")
    return out
