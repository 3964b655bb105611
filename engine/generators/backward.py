"""Backward-pass generators: ∂E_3/∂W_s of a scalar RNN unrolled three steps."""

from __future__ import annotations

import math

from engine.generators._format import aparen, approx, num, paren, rnd, vec
from engine.generators._registry import Context, Param, Question, register
from engine.generators.forward import NOTATION


@register(
    "bptt_scalar_gradient",
    "∂E_3/∂W_s for a scalar tanh RNN unrolled three steps: the chain-rule sum over k = 1..3",
    [
        Param("W_x", "float", "input weight", low=-10.0, high=10.0),
        Param("W_s", "float", "recurrent weight", low=-10.0, high=10.0),
        Param("W_y", "float", "output weight", low=-10.0, high=10.0),
        Param(
            "x", "float_list", "inputs x_1, x_2, x_3", low=-10.0, high=10.0, min_len=3, max_len=3
        ),
        Param("s_0", "float", "initial state", low=-1.0, high=1.0),
        Param("d_3", "float", "target at step 3", low=-10.0, high=10.0),
    ],
)
def bptt_scalar_gradient(ctx: Context) -> Question:
    W_x = ctx.take("W_x", lambda r: rnd(r.uniform(-1.5, 1.5), 1))
    W_s = ctx.take("W_s", lambda r: rnd(r.uniform(-1.2, 1.2), 1))
    W_y = ctx.take("W_y", lambda r: rnd(r.uniform(-2.0, 2.0), 1))
    xs = ctx.take("x", lambda r: [rnd(v, 1) for v in r.uniform(-1.0, 1.0, size=3)])
    s0 = ctx.take("s_0", lambda r: 0.0 if r.random() < 0.4 else rnd(r.uniform(-0.8, 0.8), 1))
    d3 = ctx.take("d_3", lambda r: rnd(r.uniform(-1.0, 1.0), 1))

    s = [s0]
    for x in xs:
        s.append(math.tanh(W_x * x + W_s * s[-1]))
    y3 = W_y * s[3]
    E3 = (d3 - y3) ** 2
    dE_dy = 2.0 * (y3 - d3)
    steps = [f"Forward ({NOTATION}), starting from s_0 = {num(s0)}:"]
    for t in (1, 2, 3):
        steps.append(
            f"  s_{t} = tanh({num(W_x)} × {paren(xs[t - 1])} + {paren(W_s)} × {aparen(s[t - 1], 6)}) = {approx(s[t], 6)}"
        )
    steps.append(f"  y_3 = W_y·s_3 = {approx(y3, 6)}, E_3 = (d_3 - y_3)² = {approx(E3, 6)}.")
    steps.append(
        "W_s is shared by all three steps, so ∂E_3/∂W_s = Σ_{k=1..3} ∂E_3/∂s_k · ∂⁺s_k/∂W_s, where "
        "∂⁺s_k/∂W_s = (1 - s_k²)·s_{k-1} is the direct (immediate) effect of W_s on s_k and "
        "∂E_3/∂s_k = ∂E_3/∂s_{k+1} · (1 - s_{k+1}²)·W_s carries the error back in time."
    )
    steps.append(
        f"∂E_3/∂y_3 = -2(d_3 - y_3) = {approx(dE_dy, 6)}; ∂E_3/∂s_3 = ∂E_3/∂y_3 · W_y = {approx(dE_dy * W_y, 6)}."
    )
    dE_ds = dE_dy * W_y
    terms = {}
    for k in (3, 2, 1):
        if k < 3:
            new = dE_ds * (1 - s[k + 1] ** 2) * W_s
            steps.append(
                f"∂E_3/∂s_{k} = ∂E_3/∂s_{k + 1} · (1 - s_{k + 1}²) · W_s = {aparen(dE_ds, 6)} × "
                f"{approx(1 - s[k + 1] ** 2, 6)} × {paren(W_s)} = {approx(new, 6)}."
            )
            dE_ds = new
        direct = (1 - s[k] ** 2) * s[k - 1]
        terms[k] = dE_ds * direct
        steps.append(
            f"Term k={k}: ∂E_3/∂s_{k} · (1 - s_{k}²)·s_{k - 1} = {aparen(dE_ds, 6)} × {approx(1 - s[k] ** 2, 6)} × "
            f"{aparen(s[k - 1], 6)} = {approx(terms[k], 6)}."
        )
    answer = math.fsum(terms.values())
    steps.append(
        f"Sum: ∂E_3/∂W_s = {approx(terms[3], 6)} + {aparen(terms[2], 6)} + {aparen(terms[1], 6)} = {approx(answer, 6)}."
    )
    if s0 == 0:
        steps.append("With s_0 = 0 the k = 1 term is 0: W_s first acts on s_0.")
    scale = math.fsum(abs(v) for v in terms.values())
    prompt = (
        f"A scalar RNN (no biases): {NOTATION}. It is unrolled for three steps from s_0 = {num(s0)} with "
        f"W_x = {num(W_x)}, W_s = {num(W_s)}, W_y = {num(W_y)}, inputs x_1..x_3 = {vec(xs)}; the only loss is "
        f"E_3 = (d_3 - y_3)² with d_3 = {num(d3)}.\n"
        f"Using backpropagation through time, what is ∂E_3/∂W_s?"
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": max(2e-3 * scale, 1e-6)},
        source="GBC §10.2.2; Pascanu et al. 2013 fig. 2 (shared weights: the gradient sums per-step terms)",
    )
