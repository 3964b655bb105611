"""Gated cells by hand: one LSTM gate or state update, the LSTM's cell-path gradient (a product
of forget gates), and the GRU's interpolation h_t = (1 - z)·n + z·h_{t-1}. Gate order and
conventions are torch.nn.LSTM's and torch.nn.GRU's, as in the engine."""

from __future__ import annotations

import math

from engine.generators._format import aparen, approx, num, paren, rnd, vec
from engine.generators._registry import Context, Param, Question, register

LSTM_SOURCE = "Hochreiter & Schmidhuber 1997; Gers et al. 2000 (forget gate); torch.nn.LSTM docs"
GRU_SOURCE = "Cho et al. 2014; torch.nn.GRU docs (h_t = (1 - z_t)·n_t + z_t·h_{t-1})"

# quantity -> (symbol, what it is, nonlinearity) for the four gates
GATES = {
    "input_gate": ("i_t", "input gate", "σ"),
    "forget_gate": ("f_t", "forget gate", "σ"),
    "candidate": ("g_t", "candidate cell value", "tanh"),
    "output_gate": ("o_t", "output gate", "σ"),
}
QUANTITIES = (*GATES, "cell", "hidden")


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def _unit(ctx: Context, key: str) -> float:
    """A gate value in (0, 1), two decimals."""
    return ctx.take(key, lambda r: rnd(r.uniform(0.05, 0.95), 2))


def _signed(ctx: Context, key: str, bound: float = 0.95) -> float:
    return ctx.take(key, lambda r: rnd(r.uniform(-bound, bound), 2))


@register(
    "lstm_cell_step",
    "One step of a scalar LSTM: a gate σ/tanh(w_x·x + w_h·h_prev + b), or c_t, or h_t",
    [
        Param("quantity", "str", "what to compute", choices=QUANTITIES),
        Param("w_x", "float", "the gate's input weight", low=-100.0, high=100.0),
        Param("w_h", "float", "the gate's recurrent weight", low=-100.0, high=100.0),
        Param("b", "float", "the gate's bias (b_ih + b_hh)", low=-100.0, high=100.0),
        Param("x", "float", "input x_t", low=-100.0, high=100.0),
        Param("h_prev", "float", "previous hidden state h_{t-1}", low=-1.0, high=1.0),
        Param("f", "float", "forget gate f_t", low=0.0, high=1.0),
        Param("i", "float", "input gate i_t", low=0.0, high=1.0),
        Param("g", "float", "candidate g_t", low=-1.0, high=1.0),
        Param("c_prev", "float", "previous cell state c_{t-1}", low=-100.0, high=100.0),
        Param("o", "float", "output gate o_t", low=0.0, high=1.0),
        Param("c", "float", "cell state c_t", low=-100.0, high=100.0),
    ],
)
def lstm_cell_step(ctx: Context) -> Question:
    quantity = ctx.take("quantity", lambda r: str(r.choice(QUANTITIES)))
    head = (
        "A scalar LSTM (one unit, torch.nn.LSTM's equations): i_t = σ(·), f_t = σ(·), g_t = tanh(·), "
        "o_t = σ(·), each of w_x·x_t + w_h·h_{t-1} + b with that gate's own weights; "
        "c_t = f_t·c_{t-1} + i_t·g_t; h_t = o_t·tanh(c_t)."
    )
    if quantity in GATES:
        symbol, what, fn = GATES[quantity]
        w_x = _signed(ctx, "w_x", 2.0)
        w_h = _signed(ctx, "w_h", 2.0)
        b = _signed(ctx, "b", 1.5)
        x = _signed(ctx, "x", 2.0)
        h_prev = _signed(ctx, "h_prev")
        a = w_x * x + w_h * h_prev + b
        answer = _sigmoid(a) if fn == "σ" else math.tanh(a)
        prompt = (
            f"{head}\nFor the {what} {symbol}: w_x = {num(w_x)}, w_h = {num(w_h)}, b = {num(b)}. "
            f"The input is x_t = {num(x)} and h_{{t-1}} = {num(h_prev)}. What is {symbol}?"
        )
        formula = "σ(a) = 1 / (1 + e^(-a))" if fn == "σ" else "tanh(a)"
        steps = [
            f"Pre-activation: a = w_x·x_t + w_h·h_{{t-1}} + b = {num(w_x)} × {paren(x)} + {paren(w_h)} × "
            f"{paren(h_prev)} + {paren(b)} = {approx(a, 6)}.",
            f"{symbol} = {formula} = {fn}({approx(a, 6)}) = {approx(answer, 6)}.",
        ]
        if fn == "σ":
            steps.append(
                f"A sigmoid gate lies in (0, 1): {symbol} = {approx(answer, 4)} lets "
                f"{approx(100 * answer, 3)}% through."
            )
        return ctx.question(
            prompt=prompt,
            answer=answer,
            solution=steps,
            tolerance={"rtol": 1e-2, "atol": 1e-4},
            source=LSTM_SOURCE,
        )
    if quantity == "cell":
        f = _unit(ctx, "f")
        i = _unit(ctx, "i")
        g = _signed(ctx, "g")
        c_prev = ctx.take("c_prev", lambda r: rnd(r.uniform(-2.0, 2.0), 2))
        answer = f * c_prev + i * g
        prompt = (
            f"{head}\nAt step t the gates are f_t = {num(f)}, i_t = {num(i)} and the candidate "
            f"g_t = {num(g)}; the previous cell state is c_{{t-1}} = {num(c_prev)}. What is c_t?"
        )
        steps = [
            f"Keep part of the old cell: f_t·c_{{t-1}} = {num(f)} × {paren(c_prev)} = {approx(f * c_prev, 6)}.",
            f"Write part of the candidate: i_t·g_t = {num(i)} × {paren(g)} = {approx(i * g, 6)}.",
            f"c_t = {approx(f * c_prev, 6)} + {aparen(i * g, 6)} = {approx(answer, 6)}.",
        ]
        return ctx.question(
            prompt=prompt,
            answer=answer,
            solution=steps,
            tolerance={"rtol": 1e-2, "atol": 1e-4},
            source=LSTM_SOURCE,
        )
    o = _unit(ctx, "o")
    c = ctx.take("c", lambda r: rnd(r.uniform(-2.0, 2.0), 2))
    answer = o * math.tanh(c)
    prompt = (
        f"{head}\nAt step t the output gate is o_t = {num(o)} and the new cell state is "
        f"c_t = {num(c)}. What is h_t?"
    )
    steps = [
        f"tanh(c_t) = tanh({num(c)}) = {approx(math.tanh(c), 6)}.",
        f"h_t = o_t·tanh(c_t) = {num(o)} × {aparen(math.tanh(c), 6)} = {approx(answer, 6)}.",
    ]
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-4},
        source=LSTM_SOURCE,
    )


@register(
    "lstm_cell_gradient",
    "LSTM cell path: ∂c_T/∂c_0 along c_t = f_t·c_{t-1} + i_t·g_t is the product of the forget gates",
    [
        Param(
            "forget_gates",
            "float_list",
            "f_t at steps t = 1..T",
            low=0.0,
            high=1.0,
            min_len=1,
            max_len=50,
        ),
    ],
)
def lstm_cell_gradient(ctx: Context) -> Question:
    fs = ctx.take(
        "forget_gates",
        lambda r: [rnd(v, 2) for v in r.uniform(0.5, 0.99, size=int(r.integers(3, 8)))],
    )
    n = len(fs)
    answer = math.prod(fs)
    prompt = (
        f"In an LSTM the cell state is updated by c_t = f_t·c_{{t-1}} + i_t·g_t. Along one sequence "
        f"the forget gate of one unit takes the values f_t = {vec(fs)} at steps t = 1..{n}.\n"
        f"Following only the cell path (c_{{t-1}} → c_t, ignoring the paths through h), what is "
        f"∂c_{n}/∂c_0?"
    )
    steps = [
        "Along the cell path ∂c_t/∂c_{t-1} = f_t (i_t·g_t does not depend on c_{t-1} there), so by "
        f"the chain rule ∂c_{n}/∂c_0 = Π_t f_t."
    ]
    running = 1.0
    for t, f in enumerate(fs, start=1):
        running *= f
        steps.append(f"t = {t}: × f_{t} = {num(f)}; product so far {approx(running, 6)}.")
    steps.append(
        f"∂c_{n}/∂c_0 = {approx(answer, 6)}: no weight matrix and no squashing derivative in the "
        "product, so the gradient survives as long as the forget gates stay near 1 (the constant "
        "error carousel); a vanilla RNN multiplies by W_hh·f'(a_t) at every step instead."
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 0.0},
        source=LSTM_SOURCE,
    )


@register(
    "gru_update",
    "GRU state update h_t = (1 - z_t)·n_t + z_t·h_{t-1} (torch.nn.GRU's convention)",
    [
        Param("z", "float", "update gate z_t", low=0.0, high=1.0),
        Param("n", "float", "candidate n_t", low=-1.0, high=1.0),
        Param("h_prev", "float", "previous hidden state h_{t-1}", low=-1.0, high=1.0),
    ],
)
def gru_update(ctx: Context) -> Question:
    z = _unit(ctx, "z")
    n = _signed(ctx, "n")
    h_prev = _signed(ctx, "h_prev")
    answer = (1.0 - z) * n + z * h_prev
    prompt = (
        "A GRU (torch.nn.GRU's convention) mixes its candidate n_t and its previous state with the "
        "update gate: h_t = (1 - z_t)·n_t + z_t·h_{t-1}.\n"
        f"With z_t = {num(z)}, n_t = {num(n)} and h_{{t-1}} = {num(h_prev)}, what is h_t?"
    )
    steps = [
        f"Weight of the candidate: 1 - z_t = 1 - {num(z)} = {approx(1.0 - z, 6)}.",
        f"(1 - z_t)·n_t = {approx(1.0 - z, 6)} × {paren(n)} = {approx((1.0 - z) * n, 6)}.",
        f"z_t·h_{{t-1}} = {num(z)} × {paren(h_prev)} = {approx(z * h_prev, 6)}.",
        f"h_t = {approx((1.0 - z) * n, 6)} + {aparen(z * h_prev, 6)} = {approx(answer, 6)} "
        f"(z_t near 1 keeps the old state, as an LSTM's forget gate near 1 does; some texts swap "
        "the roles of z and 1 - z).",
    ]
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-4},
        source=GRU_SOURCE,
    )
