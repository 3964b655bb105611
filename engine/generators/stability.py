"""Vanishing and exploding gradients: the scalar product of Jacobians, the singular-value bound
and condition for a 2×2 W_hh, and reading per-step gradient norms of a live run (FACTS §2)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine.generators._format import approx, mat, num, rnd, vec
from engine.generators._registry import (
    LANGUAGE,
    Context,
    GeneratorParamError,
    Param,
    Question,
    register,
)
from engine.generators.losses import SOURCE_DOC

GAMMA = {"tanh": 1.0, "sigmoid": 0.25}
VANISH_BELOW, EXPLODE_ABOVE = (
    0.1,
    10.0,
)  # vanishing_or_exploding's rule, also named by gradient_decay
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
        LANGUAGE,
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
    say = ctx.say
    prompt = say(
        f"A scalar RNN h_t = f(w·h_{{t-1}} + u·x_t) has recurrent weight w = {num(w)}. Along one sequence the "
        f"activation derivatives f'(a_t) at steps t = 1..{n} are {vec(ds)}.\n"
        f"By the chain rule ∂h_{n}/∂h_0 = Π_t w·f'(a_t). What is |∂h_{n}/∂h_0| = Π_t |w·f'(a_t)|?",
        f"Ein skalares RNN h_t = f(w·h_{{t-1}} + u·x_t) hat das rekurrente Gewicht w = {num(w)}. Entlang einer "
        f"Sequenz sind die Ableitungen f'(a_t) der Aktivierung in den Schritten t = 1..{n}: {vec(ds)}.\n"
        f"Nach der Kettenregel ist ∂h_{n}/∂h_0 = Π_t w·f'(a_t). Wie groß ist |∂h_{n}/∂h_0| = Π_t |w·f'(a_t)|?",
    )
    running = 1.0
    steps = [
        say(
            f"Each step back in time multiplies the gradient by w·f'(a_t); take absolute values: |w| = {num(abs(w))}.",
            f"Jeder Schritt zurück in der Zeit multipliziert den Gradienten mit w·f'(a_t); Beträge: |w| = {num(abs(w))}.",
        )
    ]
    for t, (d, f) in enumerate(zip(ds, factors), start=1):
        running *= f
        steps.append(
            say(
                f"t = {t}: |w·f'| = {num(abs(w))} × {num(d)} = {approx(f, 6)}; product so far {approx(running, 6)}.",
                f"t = {t}: |w·f'| = {num(abs(w))} × {num(d)} = {approx(f, 6)}; Produkt bisher {approx(running, 6)}.",
            )
        )
    # "shrinks"/"grows", not "vanishing" for any product below 1: vanishing_or_exploding calls a
    # gradient vanishing only below ×0.1 and exploding only above ×10.
    if answer < 1:
        trend = say(
            "below 1: the gradient shrinks as it goes back",
            "unter 1: der Gradient schrumpft auf dem Weg zurück",
        )
    elif answer > 1:
        trend = say(
            "above 1: the gradient grows as it goes back",
            "über 1: der Gradient wächst auf dem Weg zurück",
        )
    else:
        trend = say("exactly 1", "genau 1")
    if answer < VANISH_BELOW:
        trend += say(
            f" (below ×{num(VANISH_BELOW)}: vanishing by the ×0.1 rule)",
            f" (unter ×{num(VANISH_BELOW)}: verschwindend nach der ×0.1-Regel)",
        )
    elif answer > EXPLODE_ABOVE:
        trend += say(
            f" (above ×{num(EXPLODE_ABOVE)}: exploding by the ×10 rule)",
            f" (über ×{num(EXPLODE_ABOVE)}: explodierend nach der ×10-Regel)",
        )
    steps.append(f"|∂h_{n}/∂h_0| = {approx(answer, 6)}, {trend}.")
    required: list[tuple[str, float, str]] = []
    optional: list[tuple[str, float, str]] = []
    w_forgotten = (
        "w_forgotten",
        math.prod(ds),
        say(
            "that multiplies only the derivatives f'(a_t); every step back also multiplies by w",
            "das multipliziert nur die Ableitungen f'(a_t); jeder Schritt zurück multipliziert auch mit w",
        ),
    )
    derivatives_forgotten = (
        "derivatives_forgotten",
        abs(w) ** n,
        say(
            "that is |w|^n alone; every step also multiplies by the activation derivative f'(a_t)",
            "das ist nur |w|^n; jeder Schritt multipliziert auch mit der Ableitung f'(a_t)",
        ),
    )
    # Structurally the same number (|w| = 1; every f' = 1; a zero factor) is no wrong method.
    (required if abs(w) != 1 and answer != 0 else optional).append(w_forgotten)
    (required if any(d != 1 for d in ds) and answer != 0 else optional).append(
        derivatives_forgotten
    )
    optional.append(
        (
            "sum_not_product",
            math.fsum(factors),
            say(
                "that adds the factors; the chain rule multiplies them",
                "das addiert die Faktoren; die Kettenregel multipliziert sie",
            ),
        )
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 0.0},
        source="Pascanu et al. 2013 §2.1 (scalar case)",
        mistakes=required,
        optional=optional,
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
            low=-10.0,
            high=10.0,
            shape=(2, 2),
        ),
        Param("activation", "str", "the nonlinearity f", choices=("tanh", "sigmoid")),
        # (γ·λ₁)^n with λ₁ ≤ 20 and n ≤ 200 stays below 2e260: finite everywhere in range
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
    A = np.array(W, dtype=float)
    rho = float(max(abs(np.linalg.eigvals(A))))
    frob = math.hypot(*A.ravel())
    eigen = (
        "eigenvalue_used",
        (gamma * rho) ** n,
        "that uses the spectral radius (largest |eigenvalue|); the bound needs the largest singular value "
        "λ₁ = sqrt(largest eigenvalue of WᵀW)",
    )
    normal = bool(
        np.allclose(A.T @ A, A @ A.T, rtol=0, atol=1e-12)
    )  # then |eigenvalue| = singular value
    # A drawn matrix is redrawn until the eigenvalues mislead; a given normal one (symmetric,
    # orthogonal...) has |eigenvalue| = singular value, so the eigenvalue is no mistake there.
    mistaken = not normal or not ctx.has("W_hh")
    required = [eigen] if mistaken else []
    optional = [] if mistaken else [eigen]
    optional += [
        ("gamma_forgotten", lam**n, "that leaves out γ; each Jacobian's norm is at most γ·λ₁"),
        (
            "frobenius_norm",
            (gamma * frob) ** n,
            "that uses the Frobenius norm ‖W_hh‖_F; the bound uses the spectral norm λ₁",
        ),
        (
            "power_forgotten",
            gamma * lam,
            f"that is one step; the bound for n = {n} steps is (γ·λ₁)^{n}",
        ),
    ]
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
        mistakes=required,
        optional=optional,
    )


# Statements about THIS matrix: each names which side of 1/γ λ₁ lies on, so a statement about the
# wrong side is false however it is hedged. A question shows two statements per side, so neither
# the side nor the hedging gives the answer away.
CONDITION_STATEMENTS = {
    "below": {
        "true": [
            "Here λ₁ < 1/γ, which is sufficient for vanishing: every factor has norm ≤ γ·λ₁ < 1, so the "
            "gradients are guaranteed to shrink geometrically as they flow back.",
            "Here λ₁ < 1/γ, so ‖∂h_t/∂h_k‖ ≤ (γ·λ₁)^(t-k) → 0: vanishing is guaranteed, whatever the inputs.",
        ],
        "false": [
            "Here λ₁ < 1/γ, which is only necessary for vanishing: the gradients vanish only if the units "
            "also saturate.",
            "Here λ₁ < 1/γ, but exploding gradients remain possible for inputs that keep every unit in its "
            "linear range.",
            "Here λ₁ < 1/γ, and vanishing is guaranteed only for sequences longer than 1/(1 - γ·λ₁) steps; "
            "shorter ones may explode.",
            "Here λ₁ < 1/γ, which says nothing about vanishing: only the eigenvalues of W_hh decide it.",
        ],
    },
    "above": {
        "true": [
            "Here λ₁ > 1/γ, which is only necessary for exploding: exploding gradients become possible "
            "but are not guaranteed.",
            "Here λ₁ > 1/γ, so the bound (γ·λ₁)^(t-k) grows; the gradients may still vanish when units "
            "saturate (f' far below γ).",
        ],
        "false": [
            "Here λ₁ > 1/γ, which is sufficient for exploding: the gradients are guaranteed to grow as "
            "they flow back.",
            "Here λ₁ > 1/γ, so the gradients are guaranteed to explode unless they are clipped.",
            "Here λ₁ > 1/γ, which rules out vanishing: with γ·λ₁ > 1 no product of Jacobians can shrink.",
            "Here λ₁ > 1/γ, so the gradients neither vanish nor explode: the bound no longer applies.",
        ],
    },
}


@register(
    "vanishing_condition",
    "Choice: what λ₁(W_hh) vs 1/γ says about vanishing and exploding for a 2×2 W_hh",
    [
        Param(
            "W_hh",
            "float_matrix",
            "the recurrent weight matrix",
            low=-10.0,
            high=10.0,
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
        # The side is drawn first (50/50), then a matrix clearly on it, away from the boundary
        # where rounding would decide the answer.
        below = bool(r.random() < 0.5)
        spread = 1.3 / gamma
        for _ in range(200):
            W = [[rnd(v, 1) for v in row] for row in r.uniform(-spread, spread, size=(2, 2))]
            g_lam = float(np.linalg.norm(np.array(W), 2)) * gamma
            if (g_lam < 0.95) if below else (g_lam > 1.05):
                return W
        return (
            [[0.5 / gamma, 0.0], [0.0, 0.25 / gamma]]
            if below
            else [[1.5 / gamma, 0.0], [0.0, 0.5 / gamma]]
        )

    W = ctx.take("W_hh", draw)
    lam, steps = singular_value_steps(W)
    if abs(lam * gamma - 1.0) < 1e-9:
        raise ctx.fail(
            "λ₁ of this W_hh equals 1/γ exactly, so neither condition applies; choose another matrix"
        )
    side = "below" if lam * gamma < 1 else "above"
    other = "above" if side == "below" else "below"
    r = ctx.rng("options")
    pool_same, pool_other = CONDITION_STATEMENTS[side], CONDITION_STATEMENTS[other]
    # On each side one statement that reads as true and one that reads as false: only computing
    # λ₁ tells which side this matrix is on (two true-sounding options on one side would give
    # the other side away, since only one option is right).
    right = str(r.choice(pool_same["true"]))
    same_wrong = str(r.choice(pool_same["false"]))
    other_true = str(r.choice(pool_other["true"]))
    other_false = str(r.choice(pool_other["false"]))
    options = [right, same_wrong, other_true, other_false]
    order = [int(i) for i in r.permutation(len(options))]
    shown = [options[i] for i in order]
    inv = "1" if gamma == 1 else "4"
    steps.append(
        f"{GAMMA_TEXT[activation]}, so 1/γ = {inv}; λ₁ = {approx(lam, 6)} is {'below' if side == 'below' else 'above'} it: "
        f"every statement starting 'Here λ₁ {'>' if side == 'below' else '<'} 1/γ' is false for this matrix."
    )
    if side == "below":
        steps.append(
            "λ₁ < 1/γ is SUFFICIENT for vanishing: every Jacobian factor has norm ≤ γ·λ₁ < 1, so ‖∂h_t/∂h_k‖ "
            "shrinks geometrically with t - k, for every input and sequence length."
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
        answer=shown.index(right),
        solution=steps,
        kind="choice",
        options=shown,
        tolerance={"rtol": 0.0, "atol": 0.0},
        source="Pascanu et al. 2013 §2.1",
    )


TREND_OPTIONS = ["vanishing", "exploding", "neither: roughly stable"]


@register(
    "vanishing_or_exploding",
    "Choice: vanishing, exploding or neither, from per-step gradient norms ‖∂L/∂h_t‖ of a live run",
    [
        Param(
            "norms",
            "float_list",
            "‖∂L/∂h_t‖ for t = 1..T (loss at the last step only)",
            low=1e-12,
            high=1e12,
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
