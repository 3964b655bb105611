"""Gradient clipping generators: by global norm (PyTorch's rule), by value, and an SGD step
with and without clipping."""

from __future__ import annotations

import math
from typing import Any

from engine.generators._format import aparen, approx, num, paren, rnd, sig, vec
from engine.generators._registry import (
    LANGUAGE,
    Context,
    GeneratorParamError,
    Param,
    Question,
    register,
)
from engine.generators.losses import SOURCE_DOC

EPS = 1e-6  # PyTorch's clip_grad_norm_: coef = max_norm / (total_norm + 1e-6)

NORM_RULE = (
    "Clip by global norm with PyTorch's rule (torch.nn.utils.clip_grad_norm_): "
    "total = ‖g‖₂ over all components, coef = max_norm / (total + 1e-6); "
    "if coef < 1 every component is multiplied by coef, otherwise g is left unchanged."
)
NORM_RULE_DE = (
    "Begrenzen Sie (Clipping) nach der globalen Norm mit PyTorchs Regel (torch.nn.utils.clip_grad_norm_): "
    "total = ‖g‖₂ über alle Komponenten, coef = max_norm / (total + 1e-6); "
    "ist coef < 1, wird jede Komponente mit coef multipliziert, sonst bleibt g unverändert."
)
MAX_THRESHOLD = 1e7
MIN_THRESHOLD = 1e-6


def _check_component(
    name: str, params: dict[str, Any], vectors: tuple[str, ...] = ("gradient",)
) -> None:
    lengths = {k: len(params[k]) for k in vectors if k in params}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        raise GeneratorParamError(
            f"{name}: {' and '.join(vectors)} must have the same length ({shown})"
        )
    if lengths and "component" in params:
        n = next(iter(lengths.values()))
        if params["component"] >= n:
            raise GeneratorParamError(
                f"{name}: param 'component' is {params['component']}, but the gradient has only {n} "
                f"components (0..{n - 1})"
            )


def _draw_length(ctx: Context, r, low: int, high: int) -> int:
    """A random vector length, long enough for a given component."""
    n = int(r.integers(low, high + 1))
    return max(n, int(ctx.given.get("component", -1)) + 1)


def _nonzero(values, step: float) -> list[float]:
    return [v if v != 0 else step for v in values]


def global_norm(g: list[float]) -> float:
    """‖g‖₂ without overflow for large components (math.hypot scales internally)."""
    return math.hypot(*g)


def norm_clip_steps(
    g: list[float], max_norm: float, c: int, label: str = "g", language: str = "en"
) -> tuple[float, list[str]]:
    """(component c of g after PyTorch norm clipping, the worked steps)."""
    de = language == "de"
    total = global_norm(g)
    squares = total * total
    coef = max_norm / (total + EPS)
    steps = [
        f"‖{label}‖₂ = sqrt({' + '.join(f'{paren(v)}²' for v in g)}) = sqrt({approx(squares, 8)}) = {approx(total, 6)}.",
        f"coef = max_norm / (‖{label}‖₂ + 1e-6) = {num(max_norm)} / {approx(total + EPS, 8)} = {approx(coef, 6)}.",
    ]
    if coef < 1.0:
        value = g[c] * coef
        steps.append(
            f"coef < 1, also wird jede Komponente skaliert: {label}[{c}] → {num(g[c])} × {approx(coef, 6)} = {approx(value, 6)}."
            if de
            else f"coef < 1, so every component is scaled: {label}[{c}] → {num(g[c])} × {approx(coef, 6)} = {approx(value, 6)}."
        )
    else:
        value = g[c]
        steps.append(
            f"coef ≥ 1 (die Norm liegt innerhalb von max_norm), also ändert sich nichts: {label}[{c}] bleibt {num(g[c])}."
            if de
            else f"coef ≥ 1 (the norm is within max_norm), so nothing changes: {label}[{c}] stays {num(g[c])}."
        )
    return value, steps


def norm_clip_mistakes(
    ctx: Context, g: list[float], max_norm: float, c: int, scale: float = 1.0, offset: float = 0.0
) -> tuple[list[tuple[str, float, str]], list[tuple[str, float, str]]]:
    """(required, optional) wrong ways to clip by norm, as ``offset - scale·(clipped g[c])``
    (``scale`` -1, ``offset`` 0 gives the clipped component itself; an SGD step passes -η and w)."""
    total = global_norm(g)
    coef = max_norm / (total + EPS)

    def value(component: float) -> float:
        return offset + scale * component

    required: list[tuple[str, float, str]] = []
    optional: list[tuple[str, float, str]] = []
    if coef < 1.0:
        required.append(
            (
                "clipping_ignored",
                value(g[c]),
                ctx.say(
                    "that ignores the clipping: ‖g‖ is above max_norm, so scale g by max_norm/‖g‖ first",
                    "da fehlt das Clipping: ‖g‖ liegt über max_norm, also skalieren Sie g zuerst mit max_norm/‖g‖",
                ),
            )
        )
        optional.append(
            (
                "clipped_per_element",
                value(min(max(g[c], -max_norm), max_norm)),
                ctx.say(
                    "that clamps each element to ±max_norm (clipping by value); clipping by norm scales the "
                    "whole vector by max_norm/‖g‖",
                    "das begrenzt jedes Element auf ±max_norm (Clipping nach Wert); Clipping nach Norm skaliert "
                    "den ganzen Vektor mit max_norm/‖g‖",
                ),
            )
        )
        optional.append(
            (
                "norm_not_rooted",
                value(g[c] * max_norm / (total * total)),
                ctx.say(
                    "that divides by ‖g‖² (the square root is missing): coef = max_norm/‖g‖₂",
                    "das teilt durch ‖g‖² (die Wurzel fehlt): coef = max_norm/‖g‖₂",
                ),
            )
        )
    else:
        required.append(
            (
                "clipped_under_threshold",
                value(g[c] * coef),
                ctx.say(
                    "that scales g although ‖g‖ ≤ max_norm; clipping changes nothing when the norm is within the threshold",
                    "das skaliert g, obwohl ‖g‖ ≤ max_norm; innerhalb der Schwelle ändert Clipping nichts",
                ),
            )
        )
    if len(g) > 1:
        optional.append(
            (
                "l1_norm",
                value(g[c] * min(1.0, max_norm / (math.fsum(abs(v) for v in g) + EPS))),
                ctx.say(
                    "that uses the sum of |g_i| as the norm; the norm is the Euclidean ‖g‖₂",
                    "das nimmt die Summe der |g_i| als Norm; die Norm ist die euklidische ‖g‖₂",
                ),
            )
        )
    return required, optional


@register(
    "clip_by_norm",
    "One component of a gradient after clipping by global norm (PyTorch's clip_grad_norm_ rule)",
    [
        Param(
            "gradient",
            "float_list",
            "the whole gradient g, all parameters flattened",
            low=-1e6,
            high=1e6,
            min_len=1,
            max_len=24,
        ),
        Param("max_norm", "float", "the clipping threshold", low=MIN_THRESHOLD, high=MAX_THRESHOLD),
        Param("component", "int", "which component to ask for (0-based)", low=0, high=23),
        Param("source", "str", SOURCE_DOC, default="live", choices=("live", "random")),
        LANGUAGE,
    ],
    live=True,
    check=lambda p: _check_component("clip_by_norm", p),
)
def clip_by_norm(ctx: Context) -> Question:
    origin = None
    if not ctx.has("gradient") and ctx.given.get("source", "live") == "live":
        from engine.generators import _live

        run = _live.output_gradient(
            ctx.rng("live"), min_len=int(ctx.given.get("component", -1)) + 1
        )
        g = ctx.show("gradient", list(run.values))
        origin = run.text(ctx.language)
    else:
        g = ctx.take(
            "gradient",
            lambda r: _nonzero(
                [rnd(v, 1) for v in r.uniform(-5.0, 5.0, size=_draw_length(ctx, r, 3, 5))], 0.1
            ),
        )
    total = global_norm(g)
    max_norm = ctx.take(
        "max_norm", lambda r: max(sig(total * r.uniform(0.1, 1.25), 2), 1e-3) if total > 0 else 1.0
    )
    c = ctx.take("component", lambda r: int(r.integers(len(g))))
    if c >= len(g):
        raise ctx.fail(f"component {c} is out of range for a gradient of {len(g)} components")
    answer, steps = norm_clip_steps(g, max_norm, c, language=ctx.language)
    if origin:
        where = ctx.say(
            f"Treat these numbers as the whole gradient g: {origin}.",
            f"Betrachten Sie diese Zahlen als den ganzen Gradienten g: {origin}.",
        )
    else:
        where = ctx.say(
            "A gradient, all parameters flattened into one vector:",
            "Ein Gradient, alle Parameter zu einem Vektor aneinandergereiht:",
        )
    ask = ctx.say(
        f"What is component g[{c}] (0-based) after clipping?",
        f"Wie groß ist die Komponente g[{c}] (ab 0 gezählt) nach dem Clipping?",
    )
    prompt = f"{where}\n  g = {vec(g)}\n  max_norm = {num(max_norm)}\n{ctx.say(NORM_RULE, NORM_RULE_DE)}\n{ask}"
    required, optional = norm_clip_mistakes(ctx, g, max_norm, c, scale=1.0)
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-8},
        source="PyTorch docs: clip_grad_norm_; Pascanu et al. 2013 §3.2",
        mistakes=required,
        optional=optional,
    )


@register(
    "clip_by_value",
    "One component of a gradient after clipping each element to [-c, c] (clip_grad_value_)",
    [
        Param(
            "gradient",
            "float_list",
            "the gradient g, flattened",
            low=-1e6,
            high=1e6,
            min_len=1,
            max_len=24,
        ),
        Param(
            "clip_value",
            "float",
            "c: every component is clamped to [-c, c]",
            low=MIN_THRESHOLD,
            high=MAX_THRESHOLD,
        ),
        Param("component", "int", "which component to ask for (0-based)", low=0, high=23),
    ],
    check=lambda p: _check_component("clip_by_value", p),
)
def clip_by_value(ctx: Context) -> Question:
    g = ctx.take(
        "gradient",
        lambda r: [rnd(v, 2) for v in r.uniform(-3.0, 3.0, size=_draw_length(ctx, r, 3, 5))],
    )
    clip = ctx.take("clip_value", lambda r: rnd(r.uniform(0.2, 2.0), 1))
    c = ctx.take("component", lambda r: int(r.integers(len(g))))
    value = min(max(g[c], -clip), clip)
    if g[c] > clip:
        how = f"{num(g[c])} > {num(clip)}, so it is clamped down to {num(clip)}."
    elif g[c] < -clip:
        how = f"{num(g[c])} < -{num(clip)}, so it is clamped up to -{num(clip)}."
    else:
        how = f"-{num(clip)} ≤ {num(g[c])} ≤ {num(clip)}, so it is unchanged."
    clipped = [min(max(v, -clip), clip) for v in g]
    prompt = (
        f"A gradient g = {vec(g)} is clipped by value with clip_value c = {num(clip)} "
        f"(torch.nn.utils.clip_grad_value_: every component is clamped to [-c, c]).\n"
        f"What is component g[{c}] (0-based) after clipping?"
    )
    steps = [
        f"Each component is clamped on its own: g_i → min(max(g_i, -{num(clip)}), {num(clip)}).",
        f"g[{c}] = {how}",
        f"The whole clipped gradient is {vec(clipped)}; unlike norm clipping this can change the "
        "gradient's direction.",
    ]
    total = global_norm(g)
    optional = [
        (
            "clipping_ignored",
            g[c],
            f"that is g[{c}] before clipping; |g[{c}]| > c, so it is clamped to ±c",
        ),
        (
            "clipped_by_norm",
            g[c] * min(1.0, clip / (total + EPS)),
            "that scales the whole vector by c/‖g‖ (clipping by norm); clipping by value clamps each element to [-c, c]",
        ),
        (
            "sign_lost",
            abs(value),
            "that drops the sign: a negative component is clamped to -c, not c",
        ),
    ]
    return ctx.question(
        prompt=prompt,
        answer=value,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-8},
        source="PyTorch docs: clip_grad_value_",
        optional=optional,
    )


def _check_sgd(p: dict[str, Any]) -> None:
    _check_component("sgd_update", p, ("w", "gradient"))
    if "max_norm" in p and p.get("clipping") == "none":
        raise GeneratorParamError("sgd_update: param 'max_norm' is only used with clipping 'norm'")


@register(
    "sgd_update",
    "One weight after an SGD step, with or without clipping the gradient by global norm first",
    [
        Param(
            "w",
            "float_list",
            "the weights before the step (flattened)",
            low=-1000.0,
            high=1000.0,
            min_len=1,
            max_len=12,
        ),
        Param(
            "gradient",
            "float_list",
            "∂L/∂w, same length as w",
            low=-1e6,
            high=1e6,
            min_len=1,
            max_len=12,
        ),
        Param("learning_rate", "float", "η", low=1e-4, high=10.0),
        Param(
            "clipping",
            "str",
            "'none' or 'norm' (PyTorch's global-norm rule before the step)",
            choices=("none", "norm"),
        ),
        Param(
            "max_norm",
            "float",
            "threshold for clipping 'norm'",
            low=MIN_THRESHOLD,
            high=MAX_THRESHOLD,
        ),
        Param("component", "int", "which weight to ask for (0-based)", low=0, high=11),
    ],
    check=_check_sgd,
)
def sgd_update(ctx: Context) -> Question:
    n_given = (
        len(ctx.given["w"])
        if ctx.has("w")
        else len(ctx.given["gradient"])
        if ctx.has("gradient")
        else None
    )

    def length(r) -> int:
        return n_given if n_given is not None else _draw_length(ctx, r, 2, 4)

    w = ctx.take("w", lambda r: [rnd(v, 2) for v in r.uniform(-1.0, 1.0, size=length(r))])
    g = ctx.take(
        "gradient", lambda r: _nonzero([rnd(v, 1) for v in r.uniform(-4.0, 4.0, size=len(w))], 0.1)
    )
    if len(g) != len(w):
        raise ctx.fail(f"w has {len(w)} components but gradient has {len(g)}")
    lr = ctx.take("learning_rate", lambda r: float(r.choice([0.01, 0.05, 0.1, 0.2, 0.5])))
    clipping = ctx.take(
        "clipping", lambda r: "norm" if ctx.has("max_norm") else str(r.choice(["none", "norm"]))
    )
    total = global_norm(g)
    max_norm = None
    if clipping == "norm":
        max_norm = ctx.take("max_norm", lambda r: max(sig(total * r.uniform(0.2, 0.9), 2), 0.01))
    c = ctx.take("component", lambda r: int(r.integers(len(w))))
    if c >= len(w):
        raise ctx.fail(f"component {c} is out of range for {len(w)} weights")

    steps: list[str] = []
    if max_norm is not None:
        g_c, clip_steps = norm_clip_steps(g, max_norm, c)
        steps += ["First clip the gradient by its global norm."] + clip_steps
        rule = f"Before the step the gradient is clipped by global norm to max_norm = {num(max_norm)}. {NORM_RULE}"
    else:
        g_c = g[c]
        rule = "No clipping: the step uses the gradient as it is."
    step = lr * g_c
    answer = w[c] - step
    steps.append(
        f"SGD: w[{c}] ← w[{c}] - η·g[{c}] = {num(w[c])} - {num(lr)} × {aparen(g_c, 6)} = {approx(answer, 8)}."
    )
    prompt = (
        f"Weights w = {vec(w)} have the gradient ∂L/∂w = {vec(g)}. One plain SGD step with "
        f"learning rate η = {num(lr)} updates w ← w - η·g.\n{rule}\n"
        f"What is w[{c}] (0-based) after the step? (Give enough digits: the step η·g[{c}] must be right to 1%.)"
    )
    required: list[tuple[str, float, str]] = []
    optional: list[tuple[str, float, str]] = []
    if step != 0:
        required += [
            ("no_update", w[c], "that is w before the update; subtract η·g"),
            (
                "wrong_sign",
                w[c] + step,
                "that adds η·g; gradient descent subtracts it: w ← w - η·g",
            ),
        ]
        optional.append(
            (
                "learning_rate_forgotten",
                w[c] - g_c,
                "that subtracts g without the learning rate; the step is η·g",
            )
        )
    if max_norm is not None:
        clip_required, clip_optional = norm_clip_mistakes(
            ctx, g, max_norm, c, scale=-lr, offset=w[c]
        )
        required += clip_required
        optional += [m for m in clip_optional if m[0] != "l1_norm"]
    # The tolerance is on the step η·g, not on the weight: "no update" must never pass.
    band = 1e-2 * abs(step)
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 0.0, "atol": max(band, 1e-9 * max(1.0, abs(w[c])))},
        source="D2L §9.5 grad_clipping; PyTorch docs: clip_grad_norm_",
        mistakes=required,
        optional=optional,
    )
