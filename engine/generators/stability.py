"""Vanishing and exploding gradients: the scalar product of Jacobians, the singular-value bound
and condition for a 2×2 W_hh, and reading per-step gradient norms of a live run (FACTS §2)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine.generators._format import approx, mat, num, rnd, vec
from engine.generators._registry import Context, GeneratorParamError, Param, Question, register
from engine.generators.losses import SOURCE_DOC

GAMMA = {"tanh": 1.0, "sigmoid": 0.25}
GAMMA_TEXT = {"tanh": "γ = 1 for tanh", "sigmoid": "γ = 1/4 for the logistic sigmoid"}


@register(
    "gradient_decay",
    "Scalar RNN: |∂h_T/∂h_0| = Π_t |w·f'(a_t)| from the recurrent weight and the activation derivatives",
    [
        Param("w", "float", "the recurrent weight", low=-100.0, high=100.0),
        Param(
            "activation_derivatives",
            "float_list",
            "f'(a_t) at each step",
            low=0.0,
            high=1.0,
            min_len=1,
            max_len=50,
        ),
    ],
)
def gradient_decay(ctx: Context) -> Question:
    w = ctx.take("w", lambda r: rnd(r.uniform(0.4, 2.5) * r.choice([-1.0, 1.0]), 2))
    ds = ctx.take(
        "activation_derivatives",
        lambda r: [rnd(v, 2) for v in r.uniform(0.2, 1.0, size=int(r.integers(3, 9)))],
    )
    factors = [abs(w * d) for d in ds]
    answer = math.prod(factors)
    n = len(ds)
    prompt = (
        f"A scalar RNN h_t = f(w·h_{{t-1}} + u·x_t) has recurrent weight w = {num(w)}. Along one sequence the "
        f"activation derivatives f'(a_t) at steps t = 1..{n} are {vec(ds)}.\n"
        f"By the chain rule ∂h_{n}/∂h_0 = Π_t w·f'(a_t). What is |∂h_{n}/∂h_0| = Π_t |w·f'(a_t)|?"
    )
    running = 1.0
    steps = [
        f"Each step back in time multiplies the gradient by w·f'(a_t); take absolute values: |w| = {num(abs(w))}."
    ]
    for t, (d, f) in enumerate(zip(ds, factors), start=1):
        running *= f
        steps.append(
            f"t = {t}: |w·f'| = {num(abs(w))} × {num(d)} = {approx(f, 6)}; product so far {approx(running, 6)}."
        )
    trend = (
        "below 1: the gradient shrinks as it goes back (vanishing)"
        if answer < 1
        else "above 1: the gradient grows as it goes back (exploding)"
        if answer > 1
        else "exactly 1"
    )
    steps.append(f"|∂h_{n}/∂h_0| = {approx(answer, 6)}, {trend}.")
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 0.0},
        source="Pascanu et al. 2013 §2.1 (scalar case)",
    )


def _matrix(ctx: Context, activation: str, key: str = "W_hh") -> list[list[float]]:
    spread = 1.3 / GAMMA[activation]
    return ctx.take(
        key, lambda r: [[rnd(v, 1) for v in row] for row in r.uniform(-spread, spread, size=(2, 2))]
    )


def singular_value_steps(W: list[list[float]]) -> tuple[float, list[str]]:
    """(λ₁ of a 2×2 W, steps via the eigenvalues of WᵀW)."""
    (a, b), (c, d) = W
    p, q, r = a * a + c * c, a * b + c * d, b * b + d * d
    mean, rad = (p + r) / 2, math.sqrt(((p - r) / 2) ** 2 + q * q)
    mu1 = mean + rad
    lam = math.sqrt(max(mu1, 0.0))
    steps = [
        f"WᵀW = [[a²+c², ab+cd], [ab+cd, b²+d²]] = [[{approx(p, 6)}, {approx(q, 6)}], [{approx(q, 6)}, {approx(r, 6)}]].",
        f"Its largest eigenvalue: (p+r)/2 + sqrt(((p-r)/2)² + q²) = {approx(mean, 6)} + {approx(rad, 6)} = {approx(mu1, 6)}.",
        f"λ₁ = sqrt({approx(mu1, 6)}) = {approx(lam, 6)} (the largest singular value of W_hh).",
    ]
    return lam, steps


def _check_matrix_question(name: str, p: dict[str, Any]) -> None:
    if "W_hh" in p and "activation" in p:
        lam = float(np.linalg.norm(np.array(p["W_hh"]), 2))
        if name == "vanishing_condition" and abs(lam * GAMMA[p["activation"]] - 1.0) < 1e-9:
            raise GeneratorParamError(
                f"{name}: λ₁ of this W_hh equals 1/γ exactly, so neither condition applies; choose another matrix"
            )


@register(
    "gradient_norm_bound",
    "Upper bound (γ·λ₁)^n on ‖∂h_t/∂h_{t-n}‖ for a 2×2 W_hh (largest singular value λ₁)",
    [
        Param(
            "W_hh",
            "float_matrix",
            "the recurrent weight matrix",
            low=-100.0,
            high=100.0,
            shape=(2, 2),
        ),
        Param("activation", "str", "the nonlinearity f", choices=("tanh", "sigmoid")),
        Param("steps", "int", "n, how many steps back", low=1, high=200),
    ],
)
def gradient_norm_bound(ctx: Context) -> Question:
    activation = ctx.take("activation", lambda r: str(r.choice(["tanh", "sigmoid"])))
    W = _matrix(ctx, activation)
    n = ctx.take("steps", lambda r: int(r.integers(3, 16)))
    gamma = GAMMA[activation]
    lam, steps = singular_value_steps(W)
    answer = (gamma * lam) ** n
    steps.append(
        f"{GAMMA_TEXT[activation]}: each Jacobian diag(f'(a_i))·W_hh has norm ≤ γ·λ₁ = {approx(gamma * lam, 6)}."
    )
    steps.append(
        f"A product of n = {n} of them: ‖∂h_t/∂h_{{t-{n}}}‖ ≤ (γ·λ₁)^{n} = {approx(answer, 6)}."
    )
    steps.append(
        "If γ·λ₁ < 1 the bound shrinks geometrically, so gradients vanish; if γ·λ₁ > 1 the bound grows, "
        "which allows exploding gradients but does not force them."
    )
    prompt = (
        f"A {activation} RNN has W_hh = {mat(W)}. With |f'| ≤ γ ({GAMMA_TEXT[activation]}) and λ₁ the largest "
        f"singular value of W_hh, the Jacobian ∂h_t/∂h_k = Π_{{i=k+1..t}} diag(f'(a_i)) W_hh satisfies "
        f"‖∂h_t/∂h_k‖₂ ≤ (γ·λ₁)^(t-k).\nWhat is this upper bound for t - k = {n} steps?"
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2 + 1e-3 * n, "atol": 0.0},
        source="Pascanu et al. 2013 §2.1",
    )


CONDITION_OPTIONS = {
    "vanish_sufficient": "λ₁ < 1/γ: the gradients are guaranteed to vanish as they flow back in time (a sufficient condition).",
    "vanish_wrong": "λ₁ < 1/γ: the gradients will explode as they flow back in time.",
    "explode_possible": "λ₁ > 1/γ: exploding gradients become possible but are not guaranteed (the condition is only necessary).",
    "explode_wrong": "λ₁ > 1/γ: the gradients are guaranteed to explode as they flow back in time.",
}


@register(
    "vanishing_condition",
    "Choice: what λ₁(W_hh) vs 1/γ says about vanishing and exploding for a 2×2 W_hh",
    [
        Param(
            "W_hh",
            "float_matrix",
            "the recurrent weight matrix",
            low=-100.0,
            high=100.0,
            shape=(2, 2),
        ),
        Param("activation", "str", "the nonlinearity f", choices=("tanh", "sigmoid")),
    ],
    check=lambda p: _check_matrix_question("vanishing_condition", p),
)
def vanishing_condition(ctx: Context) -> Question:
    activation = ctx.take("activation", lambda r: str(r.choice(["tanh", "sigmoid"])))
    gamma = GAMMA[activation]

    def draw(r: np.random.Generator) -> list[list[float]]:
        spread = 1.3 / gamma
        for _ in range(100):  # keep clear of the boundary, where rounding would decide the answer
            W = [[rnd(v, 1) for v in row] for row in r.uniform(-spread, spread, size=(2, 2))]
            if abs(float(np.linalg.norm(np.array(W), 2)) * gamma - 1.0) > 0.05:
                return W
        return [[0.5 / gamma, 0.0], [0.0, 0.25 / gamma]]

    W = ctx.take("W_hh", draw)
    lam, steps = singular_value_steps(W)
    if abs(lam * gamma - 1.0) < 1e-9:
        raise ctx.fail(
            "λ₁ of this W_hh equals 1/γ exactly, so neither condition applies; choose another matrix"
        )
    keys = list(CONDITION_OPTIONS)
    order = [keys[i] for i in ctx.rng("options").permutation(len(keys))]
    right = "vanish_sufficient" if lam * gamma < 1 else "explode_possible"
    inv = "1" if gamma == 1 else "4"
    steps.append(
        f"{GAMMA_TEXT[activation]}, so 1/γ = {inv}; λ₁ = {approx(lam, 6)} is {'below' if lam * gamma < 1 else 'above'} it."
    )
    if right == "vanish_sufficient":
        steps.append(
            "λ₁ < 1/γ is SUFFICIENT for vanishing: every Jacobian factor has norm ≤ γ·λ₁ < 1, so ‖∂h_t/∂h_k‖ "
            "shrinks geometrically with t - k."
        )
    else:
        steps.append(
            "λ₁ > 1/γ is only NECESSARY for exploding: the bound (γ·λ₁)^(t-k) grows, but f'(a) is often far below γ "
            "(saturated units), so the gradients may still vanish. Exploding is possible, not guaranteed."
        )
    prompt = (
        f"A {activation} RNN has W_hh = {mat(W)}. Let λ₁ be the largest singular value of W_hh and γ the bound "
        f"|f'| ≤ γ ({GAMMA_TEXT[activation]}).\nWhich statement is correct?"
    )
    return ctx.question(
        prompt=prompt,
        answer=order.index(right),
        solution=steps,
        kind="choice",
        options=[CONDITION_OPTIONS[k] for k in order],
        tolerance={"rtol": 0.0, "atol": 0.0},
        source="Pascanu et al. 2013 §2.1",
    )


TREND_OPTIONS = ["vanishing", "exploding", "neither: roughly stable"]
VANISH_BELOW, EXPLODE_ABOVE = 0.1, 10.0


@register(
    "vanishing_or_exploding",
    "Choice: vanishing, exploding or neither, from per-step gradient norms ‖∂L/∂h_t‖ of a live run",
    [
        Param(
            "norms",
            "float_list",
            "‖∂L/∂h_t‖ for t = 1..T (loss at the last step only)",
            low=0.0,
            low_open=True,
            min_len=2,
            max_len=60,
        ),
        Param("source", "str", SOURCE_DOC, default="live", choices=("live", "random")),
    ],
    live=True,
)
def vanishing_or_exploding(ctx: Context) -> Question:
    origin = None
    if not ctx.has("norms") and ctx.given.get("source", "live") == "live":
        from engine.generators import _live

        run, _ = _live.dh_norms(ctx.rng("live"))
        norms = ctx.show("norms", list(run.values))
        origin = run.description
    else:

        def draw(r: np.random.Generator) -> list[float]:
            T = int(r.integers(6, 11))
            factor = float(
                r.choice([r.uniform(0.3, 0.7), r.uniform(0.95, 1.05), r.uniform(1.4, 2.0)])
            )
            base = r.uniform(0.05, 2.0)
            return [
                float(f"{base * factor ** (T - t) * r.uniform(0.9, 1.1):.3g}")
                for t in range(1, T + 1)
            ]

        norms = ctx.take("norms", draw)
    T = len(norms)
    ratio = norms[0] / norms[-1]
    answer = 0 if ratio < VANISH_BELOW else 1 if ratio > EXPLODE_ABOVE else 2
    where = (
        f"These are {origin}"
        if origin
        else f"These are the gradient norms ‖∂L/∂h_t‖ for t = 1..{T}, with the loss on the last step only"
    )
    prompt = (
        f"{where}:\n  {vec(norms)}\n"
        f"Going back from t = {T} to t = 1, call the gradients vanishing if ‖∂L/∂h_1‖ < {num(VANISH_BELOW)}·‖∂L/∂h_{T}‖, "
        f"exploding if ‖∂L/∂h_1‖ > {num(EXPLODE_ABOVE)}·‖∂L/∂h_{T}‖, and neither otherwise.\nWhich is it?"
    )
    per_step = ratio ** (1.0 / (T - 1)) if T > 1 and ratio > 0 else float("nan")
    steps = [
        f"The error enters at t = {T} with norm {num(norms[-1])} and reaches t = 1 with norm {num(norms[0])}.",
        f"Ratio ‖∂L/∂h_1‖ / ‖∂L/∂h_{T}‖ = {num(norms[0])} / {num(norms[-1])} = {approx(ratio, 4)}, "
        f"about ×{approx(per_step, 3)} per step back.",
        [
            f"{approx(ratio, 4)} < {num(VANISH_BELOW)}: vanishing. Early steps get almost no error signal, so "
            "long-range dependencies are hard to learn; clipping would not help (it treats exploding only).",
            f"{approx(ratio, 4)} > {num(EXPLODE_ABOVE)}: exploding. Updates can become huge and unstable; gradient "
            "norm clipping is the usual remedy.",
            f"{num(VANISH_BELOW)} ≤ {approx(ratio, 4)} ≤ {num(EXPLODE_ABOVE)}: neither; the error reaches the first "
            "steps at a similar size.",
        ][answer],
    ]
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        kind="choice",
        options=list(TREND_OPTIONS),
        tolerance={"rtol": 0.0, "atol": 0.0},
        source="Pascanu et al. 2013 §2.1; D2L §9.7",
    )
