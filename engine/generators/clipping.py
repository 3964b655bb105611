"""Gradient clipping generators: by global norm (PyTorch's rule), by value, and an SGD step
with and without clipping."""

from __future__ import annotations

import math
from typing import Any

from engine.generators._format import aparen, approx, num, paren, rnd, sig, vec
from engine.generators._registry import Context, GeneratorParamError, Param, Question, register
from engine.generators.losses import SOURCE_DOC

EPS = 1e-6  # PyTorch's clip_grad_norm_: coef = max_norm / (total_norm + 1e-6)

NORM_RULE = (
    "Clip by global norm with PyTorch's rule (torch.nn.utils.clip_grad_norm_): "
    "total = ‖g‖₂ over all components, coef = max_norm / (total + 1e-6); "
    "if coef < 1 every component is multiplied by coef, otherwise g is left unchanged."
)


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


def norm_clip_steps(
    g: list[float], max_norm: float, c: int, label: str = "g"
) -> tuple[float, list[str]]:
    """(component c of g after PyTorch norm clipping, the worked steps)."""
    squares = math.fsum(v * v for v in g)
    total = math.sqrt(squares)
    coef = max_norm / (total + EPS)
    steps = [
        f"‖{label}‖₂ = sqrt({' + '.join(f'{paren(v)}²' for v in g)}) = sqrt({approx(squares, 8)}) = {approx(total, 6)}.",
        f"coef = max_norm / (‖{label}‖₂ + 1e-6) = {num(max_norm)} / {approx(total + EPS, 8)} = {approx(coef, 6)}.",
    ]
    if coef < 1.0:
        value = g[c] * coef
        steps.append(
            f"coef < 1, so every component is scaled: {label}[{c}] → {num(g[c])} × {approx(coef, 6)} = {approx(value, 6)}."
        )
    else:
        value = g[c]
        steps.append(
            f"coef ≥ 1 (the norm is within max_norm), so nothing changes: {label}[{c}] stays {num(g[c])}."
        )
    return value, steps


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
        Param("max_norm", "float", "the clipping threshold", low=0.0, low_open=True),
        Param("component", "int", "which component to ask for (0-based)", low=0, high=23),
        Param("source", "str", SOURCE_DOC, default="live", choices=("live", "random")),
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
        origin = run.description
    else:
        g = ctx.take(
            "gradient",
            lambda r: _nonzero(
                [rnd(v, 1) for v in r.uniform(-5.0, 5.0, size=_draw_length(ctx, r, 3, 5))], 0.1
            ),
        )
    total = math.sqrt(math.fsum(v * v for v in g))
    max_norm = ctx.take(
        "max_norm", lambda r: max(sig(total * r.uniform(0.1, 1.25), 2), 1e-3) if total > 0 else 1.0
    )
    c = ctx.take("component", lambda r: int(r.integers(len(g))))
    if c >= len(g):
        raise ctx.fail(f"component {c} is out of range for a gradient of {len(g)} components")
    answer, steps = norm_clip_steps(g, max_norm, c)
    where = (
        f"Treat these numbers as the whole gradient g: they are {origin}."
        if origin
        else "A gradient, all parameters flattened into one vector:"
    )
    prompt = (
        f"{where}\n  g = {vec(g)}\n  max_norm = {num(max_norm)}\n{NORM_RULE}\n"
        f"What is component g[{c}] (0-based) after clipping?"
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-8},
        source="PyTorch docs: clip_grad_norm_; Pascanu et al. 2013 §3.2",
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
            low=0.0,
            low_open=True,
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
    return ctx.question(
        prompt=prompt,
        answer=value,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-8},
        source="PyTorch docs: clip_grad_value_",
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
            low=-1e6,
            high=1e6,
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
        Param("learning_rate", "float", "η", low=0.0, low_open=True, high=10.0),
        Param(
            "clipping",
            "str",
            "'none' or 'norm' (PyTorch's global-norm rule before the step)",
            choices=("none", "norm"),
        ),
        Param("max_norm", "float", "threshold for clipping 'norm'", low=0.0, low_open=True),
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
    total = math.sqrt(math.fsum(v * v for v in g))
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
    answer = w[c] - lr * g_c
    steps.append(
        f"SGD: w[{c}] ← w[{c}] - η·g[{c}] = {num(w[c])} - {num(lr)} × {aparen(g_c, 6)} = {approx(answer, 6)}."
    )
    prompt = (
        f"Weights w = {vec(w)} have the gradient ∂L/∂w = {vec(g)}. One plain SGD step with "
        f"learning rate η = {num(lr)} updates w ← w - η·g.\n{rule}\n"
        f"What is w[{c}] (0-based) after the step?"
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-3},
        source="D2L §9.5 grad_clipping; PyTorch docs: clip_grad_norm_",
    )
