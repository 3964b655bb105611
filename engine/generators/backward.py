"""Backward-pass generators: the lecture's ∂E_3/∂W_s, ∂E_3/∂W_x and ∂E_3/∂W_y of a scalar RNN
unrolled three steps, and vector BPTT on a 2-unit RNN (the δ recursion with W_hhᵀ, outer-product
weight gradients)."""

from __future__ import annotations

import math

import numpy as np

from engine.generators._format import aparen, approx, avec, mat, num, paren, rnd, vec
from engine.generators._registry import (
    LANGUAGE,
    Context,
    GeneratorParamError,
    Param,
    Question,
    register,
)
from engine.generators.forward import NOTATION

WEIGHTS = ("W_s", "W_x", "W_y")


@register(
    "bptt_scalar_gradient",
    "∂E_3/∂W_s (or ∂E_3/∂W_x, ∂E_3/∂W_y) for a scalar tanh RNN unrolled three steps",
    [
        Param("W_x", "float", "input weight", low=-5.0, high=5.0),
        Param("W_s", "float", "recurrent weight", low=-5.0, high=5.0),
        Param("W_y", "float", "output weight", low=-5.0, high=5.0),
        Param("x", "float_list", "inputs x_1, x_2, x_3", low=-5.0, high=5.0, min_len=3, max_len=3),
        Param("s_0", "float", "initial state", low=-1.0, high=1.0),
        Param("d_3", "float", "target at step 3", low=-5.0, high=5.0),
        Param(
            "weight",
            "str",
            "which gradient: 'W_s' (a sum over k = 1..3), 'W_x' (a sum over k) or 'W_y' (no sum "
            "over time: E_3 sees W_y only through y_3)",
            default="W_s",
            choices=WEIGHTS,
        ),
        LANGUAGE,
    ],
)
def bptt_scalar_gradient(ctx: Context) -> Question:
    say = ctx.say
    W_x = ctx.take("W_x", lambda r: rnd(r.uniform(-1.5, 1.5), 1))
    W_s = ctx.take("W_s", lambda r: rnd(r.uniform(-1.2, 1.2), 1))
    W_y = ctx.take("W_y", lambda r: rnd(r.uniform(-2.0, 2.0), 1))
    xs = ctx.take("x", lambda r: [rnd(v, 1) for v in r.uniform(-1.0, 1.0, size=3)])
    s0 = ctx.take("s_0", lambda r: 0.0 if r.random() < 0.4 else rnd(r.uniform(-0.8, 0.8), 1))
    d3 = ctx.take("d_3", lambda r: rnd(r.uniform(-1.0, 1.0), 1))
    weight = ctx.given.get("weight", "W_s")

    s = [s0]
    for x in xs:
        s.append(math.tanh(W_x * x + W_s * s[-1]))
    y3 = W_y * s[3]
    E3 = (d3 - y3) ** 2
    dE_dy = 2.0 * (y3 - d3)
    steps = [
        say(
            f"Forward ({NOTATION}), starting from s_0 = {num(s0)}:",
            f"Vorwärts ({NOTATION}), ab s_0 = {num(s0)}:",
        )
    ]
    for t in (1, 2, 3):
        steps.append(
            f"  s_{t} = tanh({num(W_x)} × {paren(xs[t - 1])} + {paren(W_s)} × {aparen(s[t - 1], 6)}) = {approx(s[t], 6)}"
        )
    steps.append(f"  y_3 = W_y·s_3 = {approx(y3, 6)}, E_3 = (d_3 - y_3)² = {approx(E3, 6)}.")
    sign = (
        "sign_flipped",
        say(
            "that has the wrong sign: ∂E_3/∂y_3 = -2(d_3 - y_3) = 2(y_3 - d_3)",
            "das Vorzeichen ist falsch: ∂E_3/∂y_3 = -2(d_3 - y_3) = 2(y_3 - d_3)",
        ),
    )
    half = (
        "factor_two_forgotten",
        say(
            "that is half the gradient: the derivative of (d_3 - y_3)² brings the factor 2",
            "das ist die Hälfte: die Ableitung von (d_3 - y_3)² bringt den Faktor 2",
        ),
    )
    ask_name = f"∂E_3/∂{weight}"
    if weight == "W_y":
        answer = dE_dy * s[3]
        steps.append(
            say(
                f"E_3 depends on W_y only through y_3 = W_y·s_3 (s_1..s_3 do not involve W_y), so there is no sum over time: "
                f"∂E_3/∂W_y = ∂E_3/∂y_3 · s_3 = -2(d_3 - y_3)·s_3 = {approx(dE_dy, 6)} × {aparen(s[3], 6)} = {approx(answer, 6)}.",
                f"E_3 hängt von W_y nur über y_3 = W_y·s_3 ab (s_1..s_3 enthalten W_y nicht), also keine Summe über die Zeit: "
                f"∂E_3/∂W_y = ∂E_3/∂y_3 · s_3 = -2(d_3 - y_3)·s_3 = {approx(dE_dy, 6)} × {aparen(s[3], 6)} = {approx(answer, 6)}.",
            )
        )
        scale = abs(answer)
        required = [
            (
                "summed_over_time",
                dE_dy * (s[1] + s[2] + s[3]),
                say(
                    "that sums ∂E_3/∂y_3·s_k over k = 1..3; E_3 sees W_y only through y_3 = W_y·s_3, so only s_3 counts",
                    "das summiert ∂E_3/∂y_3·s_k über k = 1..3; E_3 sieht W_y nur über y_3 = W_y·s_3, also zählt nur s_3",
                ),
            )
        ]
        optional = [(sign[0], -answer, sign[1]), (half[0], answer / 2, half[1])]
    else:
        direct_name = "s_{k-1}" if weight == "W_s" else "x_k"
        direct_of = (lambda k: s[k - 1]) if weight == "W_s" else (lambda k: xs[k - 1])
        steps.append(
            say(
                f"{weight} is shared by all three steps, so {ask_name} = Σ_{{k=1..3}} ∂E_3/∂s_k · ∂⁺s_k/∂{weight}, where "
                f"∂⁺s_k/∂{weight} = (1 - s_k²)·{direct_name} is the direct (immediate) effect of {weight} on s_k and "
                "∂E_3/∂s_k = ∂E_3/∂s_{k+1} · (1 - s_{k+1}²)·W_s carries the error back in time.",
                f"{weight} wird von allen drei Schritten geteilt, also {ask_name} = Σ_{{k=1..3}} ∂E_3/∂s_k · ∂⁺s_k/∂{weight}; "
                f"∂⁺s_k/∂{weight} = (1 - s_k²)·{direct_name} ist die direkte Wirkung von {weight} auf s_k, und "
                "∂E_3/∂s_k = ∂E_3/∂s_{k+1} · (1 - s_{k+1}²)·W_s trägt den Fehler in der Zeit zurück.",
            )
        )
        steps.append(
            f"∂E_3/∂y_3 = -2(d_3 - y_3) = {approx(dE_dy, 6)}; ∂E_3/∂s_3 = ∂E_3/∂y_3 · W_y = {approx(dE_dy * W_y, 6)}."
        )
        dE_ds = dE_dy * W_y
        terms: dict[int, float] = {}
        linear: dict[int, float] = {}  # the same sum without tanh's derivative (a mistake)
        for k in (3, 2, 1):
            if k < 3:
                new = dE_ds * (1 - s[k + 1] ** 2) * W_s
                steps.append(
                    f"∂E_3/∂s_{k} = ∂E_3/∂s_{k + 1} · (1 - s_{k + 1}²) · W_s = {aparen(dE_ds, 6)} × "
                    f"{approx(1 - s[k + 1] ** 2, 6)} × {paren(W_s)} = {approx(new, 6)}."
                )
                dE_ds = new
            direct = (1 - s[k] ** 2) * direct_of(k)
            terms[k] = dE_ds * direct
            linear[k] = dE_dy * W_y * W_s ** (3 - k) * direct_of(k)
            steps.append(
                f"Term k={k}: ∂E_3/∂s_{k} · (1 - s_{k}²)·{direct_name.replace('k', str(k))} = {aparen(dE_ds, 6)} × "
                f"{approx(1 - s[k] ** 2, 6)} × {aparen(direct_of(k), 6)} = {approx(terms[k], 6)}."
            )
        answer = math.fsum(terms.values())
        steps.append(
            say("Sum", "Summe")
            + f": {ask_name} = {approx(terms[3], 6)} + {aparen(terms[2], 6)} + {aparen(terms[1], 6)} = {approx(answer, 6)}."
        )
        if weight == "W_s" and s0 == 0:
            steps.append(
                say(
                    "With s_0 = 0 the k = 1 term is 0: in step 1, W_s multiplies s_0 = 0.",
                    "Mit s_0 = 0 ist der Term k = 1 null: im Schritt 1 multipliziert W_s den Wert s_0 = 0.",
                )
            )
        scale = math.fsum(abs(v) for v in terms.values())
        required = [
            (
                "only_k3",
                terms[3],
                say(
                    f"that is only the k = 3 term, the direct effect of {weight} on s_3; {weight} is shared by all "
                    "steps, so add the k = 2 and k = 1 terms",
                    f"das ist nur der Term k = 3, die direkte Wirkung von {weight} auf s_3; {weight} wird von allen "
                    "Schritten geteilt, also addieren Sie die Terme k = 2 und k = 1",
                ),
            )
        ]
        optional = [
            (sign[0], -answer, sign[1]),
            (half[0], answer / 2, half[1]),
            (
                "tanh_derivative_forgotten",
                math.fsum(linear.values()),
                say(
                    "that leaves out tanh's derivative: every path through s_k multiplies by 1 - s_k²",
                    "da fehlt die Ableitung von tanh: jeder Weg durch s_k multipliziert mit 1 - s_k²",
                ),
            ),
        ]
    prompt = say(
        f"A scalar RNN (no biases): {NOTATION}. It is unrolled for three steps from s_0 = {num(s0)} with "
        f"W_x = {num(W_x)}, W_s = {num(W_s)}, W_y = {num(W_y)}, inputs x_1..x_3 = {vec(xs)}; the only loss is "
        f"E_3 = (d_3 - y_3)² with d_3 = {num(d3)}.\n"
        f"Using backpropagation through time, what is {ask_name}?",
        f"Ein skalares RNN (ohne Bias): {NOTATION}. Es wird ab s_0 = {num(s0)} über drei Schritte ausgerollt, mit "
        f"W_x = {num(W_x)}, W_s = {num(W_s)}, W_y = {num(W_y)} und den Eingaben x_1..x_3 = {vec(xs)}; der einzige "
        f"Verlust ist E_3 = (d_3 - y_3)² mit d_3 = {num(d3)}.\n"
        f"Wie groß ist {ask_name} (Backpropagation durch die Zeit)?",
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": max(2e-3 * scale, 1e-6)},
        source="GBC §10.2.2; Pascanu et al. 2013 fig. 2 (shared weights: the gradient sums per-step terms)",
        mistakes=required,
        optional=optional,
    )


VECTOR_QUANTITIES = ("delta", "W_hh", "W_xh")
VECTOR_MODEL = (
    "h_t = tanh(W_xh·x_t + W_hh·h_{t-1}) with 2 hidden units and h_0 = 0, scalar input x_t, "
    "output y_t = W_hy·h_t (W_hy a row of 2), no biases"
)


def vector_forward(W_xh, W_hh, W_hy, xs):
    """(h_0, h_1, h_2), y_2 for the 2-unit RNN (numpy arrays)."""
    hs = [np.zeros(2)]
    for x in xs:
        hs.append(np.tanh(np.asarray(W_xh) * x + np.asarray(W_hh) @ hs[-1]))
    return hs, float(np.asarray(W_hy) @ hs[-1])


def _check_vector(p: dict) -> None:
    if "j" in p and p.get("quantity", "W_hh") != "W_hh":
        raise GeneratorParamError("vector_bptt: param 'j' is only used with quantity 'W_hh'")


@register(
    "vector_bptt",
    "BPTT on a 2-unit RNN over two steps: a δ_1 component (δ recursion with W_hhᵀ), or an entry of ∂L/∂W_hh (outer product) or ∂L/∂W_xh (sum over time)",
    [
        Param(
            "W_xh",
            "float_list",
            "input weights (2 hidden units, scalar input)",
            low=-3.0,
            high=3.0,
            min_len=2,
            max_len=2,
        ),
        Param("W_hh", "float_matrix", "the recurrent 2×2 matrix", low=-3.0, high=3.0, shape=(2, 2)),
        Param(
            "W_hy",
            "float_list",
            "output weights (a row of 2)",
            low=-3.0,
            high=3.0,
            min_len=2,
            max_len=2,
        ),
        Param("x", "float_list", "inputs x_1, x_2", low=-3.0, high=3.0, min_len=2, max_len=2),
        Param("d", "float", "target d_2", low=-3.0, high=3.0),
        Param(
            "quantity",
            "str",
            "'delta' (δ_1[i]), 'W_hh' (∂L/∂W_hh[i][j]) or 'W_xh' (∂L/∂W_xh[i])",
            choices=VECTOR_QUANTITIES,
        ),
        Param("i", "int", "row / component (0-based)", low=0, high=1),
        Param("j", "int", "column for quantity 'W_hh' (0-based)", low=0, high=1),
    ],
    check=_check_vector,
)
def vector_bptt(ctx: Context) -> Question:
    W_xh = ctx.take("W_xh", lambda r: [rnd(v, 1) for v in r.uniform(-1.0, 1.0, size=2)])
    W_hh = ctx.take(
        "W_hh", lambda r: [[rnd(v, 1) for v in row] for row in r.uniform(-1.0, 1.0, size=(2, 2))]
    )
    W_hy = ctx.take("W_hy", lambda r: [rnd(v, 1) for v in r.uniform(-1.5, 1.5, size=2)])
    xs = ctx.take("x", lambda r: [rnd(v, 1) for v in r.uniform(-1.0, 1.0, size=2)])
    d = ctx.take("d", lambda r: rnd(r.uniform(-1.0, 1.0), 1))
    quantity = ctx.take(
        "quantity", lambda r: "W_hh" if ctx.has("j") else str(r.choice(VECTOR_QUANTITIES))
    )
    i = ctx.take("i", lambda r: int(r.integers(2)))
    j = ctx.take("j", lambda r: int(r.integers(2))) if quantity == "W_hh" else None

    A = np.asarray(W_hh, dtype=float)
    hs, y2 = vector_forward(W_xh, W_hh, W_hy, xs)
    g2 = 2.0 * (y2 - d)  # L = (y_2 - d)²: the loss at the last step only
    delta2 = np.asarray(W_hy, dtype=float) * g2
    r2 = delta2 * (1 - hs[2] ** 2)
    delta1 = A.T @ r2
    r1 = delta1 * (1 - hs[1] ** 2)
    steps = [
        f"Forward: h_1 = tanh(W_xh·x_1) = {avec(hs[1], 6)}; h_2 = tanh(W_xh·x_2 + W_hh·h_1) = {avec(hs[2], 6)}; "
        f"y_2 = W_hy·h_2 = {approx(y2, 6)}.",
        f"g_2 = ∂L/∂y_2 = 2(y_2 - d_2) = {approx(g2, 6)}; δ_2 = ∂L/∂h_2 = W_hyᵀ g_2 = {avec(delta2, 6)}.",
        f"r_2 = δ_2 ⊙ (1 - h_2²) = {avec(delta2, 6)} ⊙ {avec(1 - hs[2] ** 2, 6)} = {avec(r2, 6)}.",
    ]
    required: list[tuple[str, float, str]] = []
    optional: list[tuple[str, float, str]] = []
    if quantity == "delta":
        answer = float(delta1[i])
        ask = f"What is component δ_1[{i}] of δ_1 = ∂L/∂h_1 (0-based)?"
        steps.append(
            f"δ_1 = W_hhᵀ r_2 (no loss at step 1, so no W_hyᵀ g_1 term): δ_1[{i}] = Σ_k W_hh[k][{i}]·r_2[k] = "
            f"{num(W_hh[0][i])} × {aparen(r2[0], 6)} + {paren(W_hh[1][i])} × {aparen(r2[1], 6)} = {approx(answer, 6)}."
        )
        # A given symmetric W_hh equals its transpose: no mistake there. A drawn one is redrawn.
        symmetric = bool(np.array_equal(A, A.T)) and ctx.has("W_hh")
        (optional if symmetric else required).append(
            (
                "not_transposed",
                float((A @ r2)[i]),
                "that multiplies by W_hh instead of its transpose: δ_1 = W_hhᵀ r_2, so δ_1[i] = Σ_k W_hh[k][i]·r_2[k] (a column of W_hh)",
            )
        )
        optional.append(
            (
                "tanh_derivative_forgotten",
                float((A.T @ delta2)[i]),
                "that skips tanh's derivative at step 2: multiply δ_2 by (1 - h_2²) before W_hhᵀ",
            )
        )
    elif quantity == "W_hh":
        assert j is not None
        answer = float(r2[i] * hs[1][j])
        ask = f"What is the entry ∂L/∂W_hh[{i}][{j}] (row {i}, column {j}, 0-based)?"
        steps.append(
            f"∂L/∂W_hh = Σ_t r_t h_{{t-1}}ᵀ; the t = 1 term is r_1 h_0ᵀ = 0 because h_0 = 0, so ∂L/∂W_hh = r_2 h_1ᵀ, "
            f"an outer product: entry [{i}][{j}] = r_2[{i}]·h_1[{j}] = {aparen(r2[i], 6)} × {aparen(hs[1][j], 6)} = {approx(answer, 6)}."
        )
        optional += [
            (
                "outer_product_transposed",
                float(r2[j] * hs[1][i]),
                "that is entry [j][i]: ∂L/∂W_hh = r_2 h_1ᵀ, so row i comes from r_2 and column j from h_1",
            ),
            (
                "tanh_derivative_forgotten",
                float(delta2[i] * hs[1][j]),
                "that uses δ_2 instead of r_2 = δ_2 ⊙ (1 - h_2²): include tanh's derivative",
            ),
            (
                "wrong_state",
                float(r2[i] * hs[2][j]),
                "that uses h_2; W_hh multiplies the previous state, so the factor is h_1",
            ),
        ]
    else:
        answer = float(r1[i] * xs[0] + r2[i] * xs[1])
        ask = f"What is the entry ∂L/∂W_xh[{i}] (0-based)?"
        steps += [
            f"δ_1 = W_hhᵀ r_2 = {avec(delta1, 6)}; r_1 = δ_1 ⊙ (1 - h_1²) = {avec(r1, 6)}.",
            f"W_xh is shared by both steps: ∂L/∂W_xh = Σ_t r_t x_t, so entry [{i}] = r_1[{i}]·x_1 + r_2[{i}]·x_2 = "
            f"{aparen(r1[i], 6)} × {paren(xs[0])} + {aparen(r2[i], 6)} × {paren(xs[1])} = {approx(answer, 6)}.",
        ]
        required.append(
            (
                "only_last_step",
                float(r2[i] * xs[1]),
                "that is only the t = 2 term; W_xh is shared by both steps, so add r_1[i]·x_1",
            )
        )
        optional.append(
            (
                "not_transposed",
                float(((A @ r2) * (1 - hs[1] ** 2))[i] * xs[0] + r2[i] * xs[1]),
                "that carries the error back with W_hh instead of W_hhᵀ: δ_1 = W_hhᵀ r_2",
            )
        )
    prompt = (
        f"An RNN {VECTOR_MODEL}: W_xh = {vec(W_xh)}, W_hh = {mat(W_hh)} (row i = unit i), W_hy = {vec(W_hy)}. "
        f"It reads x_1 = {num(xs[0])}, x_2 = {num(xs[1])}; the only loss is L = (y_2 - d_2)² with d_2 = {num(d)}.\n"
        f"Write δ_t = ∂L/∂h_t and r_t = δ_t ⊙ (1 - h_t²). {ask}"
    )
    scale = float(np.max(np.abs(np.concatenate([r1, r2, delta1])))) if np.any(r2) else 0.0
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": max(1e-3 * scale, 1e-6)},
        source="GBC §10.2.2 eqs. 10.18-10.28; D2L §9.7",
        mistakes=required,
        optional=optional,
    )
