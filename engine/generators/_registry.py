"""The generator registry: parameter specs, validation, the ``Question`` type and ``generate``.

A generator is a function of a :class:`Context` (seed + validated params) that returns a
:class:`Question`. Every random draw comes from a generator of its own, seeded from
``(seed, crc32(key))``: the same name, seed and params always give the same question, and fixing
one param never changes the numbers drawn for the others. Nothing here keeps global state.
"""

from __future__ import annotations

import difflib
import math
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.generators._format import clean


class GeneratorParamError(ValueError):
    """An unknown generator, an unknown param, or a param of the wrong type or out of range."""


class _Random:
    """Sentinel default: the value is drawn from the seed."""

    def __repr__(self) -> str:
        return "random"


RANDOM: Any = _Random()

_KINDS = ("float", "int", "str", "float_list", "float_matrix")


@dataclass(frozen=True)
class Param:
    """One allowed param of a generator.

    kind: "float" (ints accepted), "int", "str" (one of ``choices``), "float_list" (length
    ``min_len``..``max_len``), "float_matrix" (``shape``). ``low``/``high`` bound every number
    (``low_open``: strictly greater than ``low``). ``default`` is RANDOM (drawn from the seed)
    or a fixed value.
    """

    name: str
    kind: str
    doc: str
    default: Any = RANDOM
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple[str, ...] | None = None
    min_len: int = 1
    max_len: int | None = None
    shape: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown param kind {self.kind!r}")

    # -- description -------------------------------------------------------------------------
    def describe(self) -> str:
        """One line: ``name (type, range; default): doc``."""
        bits = [self._type_text()]
        rng = self._range_text()
        if rng:
            bits.append(rng)
        bits.append(
            f"default {self.default!r}" if self.default is not RANDOM else "default: random"
        )
        return f"{self.name} ({', '.join(bits)}): {self.doc}"

    def _type_text(self) -> str:
        if self.kind == "str":
            return " | ".join(repr(c) for c in self.choices or ())
        if self.kind == "float_list":
            n = (
                f"{self.min_len}..{self.max_len}"
                if self.max_len != self.min_len
                else str(self.min_len)
            )
            return f"list of {n} numbers"
        if self.kind == "float_matrix":
            r, c = self.shape or (0, 0)
            return f"{r}x{c} matrix (list of rows)"
        return "integer" if self.kind == "int" else "number"

    def _range_text(self) -> str:
        if self.low is None and self.high is None:
            return ""
        lo = "" if self.low is None else f"{self.low:g} {'<' if self.low_open else '<='} "
        hi = "" if self.high is None else f" <= {self.high:g}"
        return f"{lo}x{hi}"

    # -- checking ----------------------------------------------------------------------------
    def check(self, generator: str, value: Any) -> Any:
        """Return the value normalised (floats as float, lists as lists) or raise."""
        where = f"{generator}: param {self.name!r}"
        if self.kind == "str":
            if not isinstance(value, str):
                raise GeneratorParamError(
                    f"{where} must be one of {self._type_text()}, not {_show(value)}"
                )
            if value not in (self.choices or ()):
                hint = _did_you_mean(value, self.choices or ())
                raise GeneratorParamError(
                    f"{where} must be one of {self._type_text()}, not {value!r}{hint}"
                )
            return value
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise GeneratorParamError(f"{where} must be an integer, not {_show(value)}")
            value = int(value)
            self._check_range(where, value)
            return value
        if self.kind == "float":
            return self._number(where, value)
        if self.kind == "float_list":
            if not isinstance(value, (list, tuple)):
                raise GeneratorParamError(f"{where} must be a list of numbers, not {_show(value)}")
            n = len(value)
            if n < self.min_len or (self.max_len is not None and n > self.max_len):
                raise GeneratorParamError(f"{where} must have {self._len_text()} numbers, not {n}")
            return [self._number(f"{where}[{i}]", v) for i, v in enumerate(value)]
        # float_matrix
        rows, cols = self.shape or (0, 0)
        if (
            not isinstance(value, (list, tuple))
            or len(value) != rows
            or not all(isinstance(r, (list, tuple)) and len(r) == cols for r in value)
        ):
            raise GeneratorParamError(
                f"{where} must be a {rows}x{cols} matrix given as a list of {rows} rows of {cols} numbers, "
                f"not {_show(value)}"
            )
        return [
            [self._number(f"{where}[{i}][{j}]", v) for j, v in enumerate(r)]
            for i, r in enumerate(value)
        ]

    def _len_text(self) -> str:
        if self.max_len is None:
            return f"at least {self.min_len}"
        if self.max_len == self.min_len:
            return f"exactly {self.min_len}"
        return f"{self.min_len} to {self.max_len}"

    def _number(self, where: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise GeneratorParamError(f"{where} must be a number, not {_show(value)}")
        value = float(value)
        if not math.isfinite(value):
            raise GeneratorParamError(f"{where} must be a finite number, not {value}")
        self._check_range(where, value)
        return value + 0.0  # -0.0 -> 0.0

    def _check_range(self, where: str, value: float) -> None:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            op = ">" if self.low_open else ">="
            raise GeneratorParamError(f"{where} must be {op} {self.low:g}, not {value:g}")
        if self.high is not None and value > self.high:
            raise GeneratorParamError(f"{where} must be <= {self.high:g}, not {value:g}")


LANGUAGES = ("en", "de")
LANGUAGE = Param(
    "language",
    "str",
    "language of the prompt, worked solution and mistake feedback (a German deck's generated "
    "cards get 'de' from the deck's language)",
    default="en",
    choices=LANGUAGES,
)


def _show(value: Any) -> str:
    text = repr(value)
    kind = type(value).__name__
    return f"{kind} {text[:40]}{'...' if len(text) > 40 else ''}"


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


@dataclass(frozen=True)
class Mistake:
    """A typical wrong method, as the number it gives from the same shown numbers.

    ``id`` names the method (``no_update``, ``tanh_forgotten``); ``value`` is what it gives;
    ``feedback`` names it and says the fix ("that is w before the update — subtract η·g")."""

    id: str
    value: float
    feedback: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "answer": self.value, "feedback": self.feedback}


@dataclass(frozen=True)
class Question:
    """One generated question. ``params`` holds the numbers (and conventions) shown, already
    rounded; ``answer`` is computed from them (for kind "choice": the index into ``options``)."""

    generator: str
    seed: int
    prompt: str
    params: dict[str, Any]
    answer: float
    tolerance: dict[str, float]
    solution: list[str]
    kind: str = "numeric"
    options: list[str] = field(default_factory=list)
    unit: str | None = None
    source: str | None = None
    mistakes: tuple[Mistake, ...] = ()

    @property
    def answer_text(self) -> str:
        """The answer as shown to a learner: the option for a choice, else 4 significant
        figures (integers in full), or more when the tolerance needs them (up to 10).
        ``lint_generator`` checks this lies within tolerance."""
        if self.kind == "choice":
            return self.options[int(self.answer)]
        return format_answer(self.answer, self.accepts)

    def accepts(self, value: float) -> bool:
        """Numeric check |value - answer| <= atol + rtol·|answer| (choice: value is the index)."""
        if self.kind == "choice":
            return int(value) == int(self.answer)
        return self.close(value, self.answer)

    def close(self, value: float, target: float) -> bool:
        """|value - target| <= atol + rtol·|target| with this question's tolerance."""
        tol = self.tolerance
        return abs(value - target) <= tol["atol"] + tol["rtol"] * abs(target)

    def mistake_for(self, value: float) -> Mistake | None:
        """The declared mistake ``value`` matches (within tolerance of the mistake's value), when
        ``value`` is wrong; None otherwise."""
        if self.kind == "choice" or self.accepts(value):
            return None
        return next((m for m in self.mistakes if self.close(value, m.value)), None)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (fresh copies; key order fixed)."""
        return {
            "generator": self.generator,
            "seed": self.seed,
            "params": _copy_json(self.params),
            "prompt": self.prompt,
            "answer": self.answer,
            "answer_text": self.answer_text,
            "tolerance": dict(self.tolerance),
            "solution": list(self.solution),
            "kind": self.kind,
            "options": list(self.options),
            "unit": self.unit,
            "source": self.source,
            "mistakes": [m.to_json() for m in self.mistakes],
        }


def format_answer(value: float, accepts: Callable[[float], bool] | None = None) -> str:
    """4 significant figures (more, up to 10, until ``accepts`` takes it); integer values
    (|x| < 2^53, exact in a float) in full."""
    value = float(value)
    if math.isfinite(value) and value == int(value) and abs(value) < 2**53:
        return str(int(value))
    for digits in range(4, 11):
        text = f"{value:.{digits}g}"
        if accepts is None or accepts(float(text)):
            break
    return "0" if text in ("-0", "0") else text


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy_json(v) for v in value]
    return value


@dataclass(frozen=True)
class GeneratorSpec:
    """A registered generator. ``params`` maps each allowed key to its :class:`Param`."""

    name: str
    summary: str
    params: dict[str, Param]
    live: bool
    fn: Callable[[Context], Question]
    family: str
    check: Callable[[dict[str, Any]], None] | None = None

    def describe(self) -> str:
        lines = [f"{self.name}{' (live)' if self.live else ''}: {self.summary}"]
        lines += [f"  {p.describe()}" for p in self.params.values()]
        return "\n".join(lines)


GENERATORS: dict[str, GeneratorSpec] = {}


def register(
    name: str,
    summary: str,
    params: Iterable[Param],
    *,
    live: bool = False,
    check: Callable[[dict[str, Any]], None] | None = None,
) -> Callable[[Callable[[Context], Question]], Callable[[Context], Question]]:
    """Decorator: add ``fn`` to GENERATORS under ``name``.

    ``check(params)`` validates combinations of given params (raise GeneratorParamError)."""

    def deco(fn: Callable[[Context], Question]) -> Callable[[Context], Question]:
        if name in GENERATORS:
            raise ValueError(f"generator {name!r} registered twice")
        family = fn.__module__.rsplit(".", 1)[-1]
        GENERATORS[name] = GeneratorSpec(
            name, summary, {p.name: p for p in params}, live, fn, family, check
        )
        return fn

    return deco


def get_spec(name: Any) -> GeneratorSpec:
    """The spec for ``name``; unknown names raise GeneratorParamError with a suggestion."""
    if not isinstance(name, str):
        raise GeneratorParamError(f"a generator name must be a string, not {_show(name)}")
    spec = GENERATORS.get(name)
    if spec is None:
        hint = _did_you_mean(name, GENERATORS)
        if not hint:
            hint = "; see `studyrnn generate --list`"
        raise GeneratorParamError(f"unknown generator {name!r}{hint}")
    return spec


def normalise_params(name: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """Validate ``params`` for generator ``name`` and return them normalised."""
    spec = get_spec(name)
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise GeneratorParamError(
            f"{name}: params must be a mapping of param names to values, not {_show(params)}"
        )
    out: dict[str, Any] = {}
    for key, value in params.items():
        if not isinstance(key, str) or key not in spec.params:
            allowed = ", ".join(spec.params) or "(none)"
            hint = _did_you_mean(str(key), spec.params)
            raise GeneratorParamError(
                f"{name}: unknown param {str(key)!r}{hint} (allowed: {allowed})"
            )
        out[key] = spec.params[key].check(name, value)
    if spec.check is not None:
        spec.check(out)
    return out


def validate_params(name: str, params: dict[str, Any] | None) -> None:
    """Raise GeneratorParamError if ``name`` is unknown or ``params`` do not fit its spec."""
    normalise_params(name, params)


def check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or int(seed) < 0:
        raise GeneratorParamError(f"a seed must be a non-negative integer, not {_show(seed)}")
    return int(seed)


class Context:
    """What a generator function sees: the given params and per-key random streams."""

    def __init__(self, spec: GeneratorSpec, seed: int, given: dict[str, Any], attempt: int = 0):
        self.spec = spec
        self.seed = seed
        self.given = given
        self.attempt = attempt
        self.shown: dict[str, Any] = {}

    @property
    def language(self) -> str:
        """The language of the text: the param ``language`` where the generator has one, else en."""
        return str(self.given.get("language", "en"))

    def rng(self, key: str) -> np.random.Generator:
        """A fresh generator for ``key``: seeded by (seed, crc32(key)), independent of other keys.
        A redraw (``attempt`` > 0, see ``generate``) gets fresh streams."""
        parts = [self.seed, zlib.crc32(key.encode())]
        if self.attempt:
            parts.append(self.attempt)
        return np.random.default_rng(parts)

    def has(self, key: str) -> bool:
        """Whether the caller gave ``key``."""
        return key in self.given

    def take(
        self, key: str, draw: Callable[[np.random.Generator], Any], *, show: bool = True
    ) -> Any:
        """The given value for ``key``, else ``draw(rng)`` (already rounded). Shown values are
        recorded in ``params`` in the order taken."""
        if key in self.given:
            value = self.given[key]
        else:
            value = draw(self.rng(key))
        if show:
            self.shown[key] = value
        return value

    def show(self, key: str, value: Any) -> Any:
        """Record a value that was not a param draw (e.g. numbers from a live run)."""
        self.shown[key] = value
        return value

    def say(self, en: str, de: str | None = None) -> str:
        """``de`` when the question is in German (and a German text exists), else ``en``."""
        return de if de is not None and self.language == "de" else en

    def fail(self, message: str) -> GeneratorParamError:
        return GeneratorParamError(f"{self.spec.name}: {message}")

    def question(
        self,
        *,
        prompt: str,
        answer: float,
        solution: list[str],
        tolerance: dict[str, float] | None = None,
        kind: str = "numeric",
        options: list[str] | None = None,
        unit: str | None = None,
        source: str | None = None,
        mistakes: Iterable[Mistake | tuple[str, float, str]] = (),
        optional: Iterable[Mistake | tuple[str, float, str]] = (),
    ) -> Question:
        """The question. ``mistakes``: the typical wrong methods, each a distinct wrong number
        (``generate`` redraws the drawn numbers while one falls inside the tolerance, and
        ``lint_generator`` reports any that still does). ``optional``: wrong methods that give
        the right number for some inputs by construction (clipping ignored when nothing is
        clipped): kept only where they differ from the answer."""
        tol = {"rtol": 1e-2, "atol": 1e-8}
        if tolerance:
            tol.update(tolerance)
        tol = {k: float(v) for k, v in tol.items()}
        ans: float = int(answer) if kind == "choice" else clean(float(answer))

        def as_mistake(m: Mistake | tuple[str, float, str]) -> Mistake:
            return m if isinstance(m, Mistake) else Mistake(m[0], clean(float(m[1])), m[2])

        declared = [as_mistake(m) for m in mistakes]
        band = tol["atol"] + tol["rtol"] * abs(ans)
        for m in map(as_mistake, optional):
            # kept only where it is a distinct wrong number: not the answer, not another mistake's
            if not math.isfinite(m.value) or kind == "choice" or abs(m.value - ans) <= band:
                continue
            if any(
                abs(m.value - o.value) <= tol["atol"] + tol["rtol"] * abs(o.value) for o in declared
            ):
                continue
            declared.append(m)
        seen: set[str] = set()
        for m in declared:
            if m.id in seen:
                raise ValueError(f"{self.spec.name}: mistake id {m.id!r} declared twice")
            seen.add(m.id)
        return Question(
            generator=self.spec.name,
            seed=self.seed,
            prompt=prompt,
            params=_jsonable(self.shown),
            answer=ans,
            tolerance=tol,
            solution=list(solution),
            kind=kind,
            options=list(options or []),
            unit=unit,
            source=source,
            mistakes=tuple(declared),
        )


def _jsonable(value: Any) -> Any:
    """Plain Python copies of params (numpy scalars become int/float; -0.0 becomes 0.0)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) + 0.0
    return value


REDRAWS = 30


def generate(name: str, seed: int, params: dict[str, Any] | None = None) -> Question:
    """The question ``name`` makes for ``seed`` and ``params`` (validated; raises
    GeneratorParamError). Deterministic: same inputs, same question.

    When a declared mistake of the first draw falls inside the answer's tolerance (a learner
    using the wrong method would be graded right), the numbers that were drawn are drawn again,
    up to ``REDRAWS`` times; given numbers never change, so a card whose given numbers make a
    mistake indistinguishable keeps it, and ``lint_generator`` reports it."""
    spec = get_spec(name)
    seed = check_seed(seed)
    given = normalise_params(name, params)
    first = None
    for attempt in range(REDRAWS):
        try:
            q = spec.fn(Context(spec, seed, given, attempt))
        except (OverflowError, FloatingPointError, ZeroDivisionError) as exc:
            raise GeneratorParamError(
                f"{name}: these params give numbers out of range ({exc})"
            ) from exc
        if first is None:
            first = q
        if q.kind == "choice" or not any(q.accepts(m.value) for m in q.mistakes):
            return q
        if len(q.params) and all(k in given for k in q.params):
            break  # nothing was drawn: a redraw gives the same question
    assert first is not None
    return first
