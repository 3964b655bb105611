"""Gated cells by hand: one LSTM gate or state update, the LSTM's cell-path gradient (a product
of forget gates), and the GRU's candidate and interpolation h_t = (1 - z)·n + z·h_{t-1}. Gate
order and conventions are torch.nn.LSTM's and torch.nn.GRU's, as in the engine.

Each question declares its typical wrong methods. A wrong method that gives the right number by
construction for the given numbers (the forget gate ignored when f_t = 1 is given) is declared
``optional``: kept only where it is a distinct wrong number; every other one is ``required``, and
drawn numbers are redrawn until it lies outside the tolerance."""

from __future__ import annotations

import math
from typing import Any

from engine.generators._format import aparen, approx, num, paren, rnd, vec
from engine.generators._registry import Context, GeneratorParamError, Param, Question, register

LSTM_SOURCE = "Hochreiter & Schmidhuber 1997; Gers et al. 2000 (forget gate); torch.nn.LSTM docs"
GRU_SOURCE = "Cho et al. 2014; torch.nn.GRU docs (h_t = (1 - z_t)·n_t + z_t·h_{t-1})"
SIGMOID_UNTIL = 4.0  # above this σ(a) and tanh(a) are both ≈ 1: no longer a distinct mistake

# quantity -> (symbol, what it is, nonlinearity) for the four gates
GATES = {
    "input_gate": ("i_t", "input gate", "σ"),
    "forget_gate": ("f_t", "forget gate", "σ"),
    "candidate": ("g_t", "candidate cell value", "tanh"),
    "output_gate": ("o_t", "output gate", "σ"),
}
QUANTITIES = (*GATES, "cell", "hidden")

MistakeSpec = tuple[str, float, str]


def _sigmoid(a: float) -> float:
    """The logistic sigmoid, without overflow for large |a|."""
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _split(
    items: list[tuple[MistakeSpec, bool]],
) -> tuple[list[MistakeSpec], list[MistakeSpec]]:
    """(required, optional) from (mistake, coincides-by-construction) pairs."""
    return [m for m, by_construction in items if not by_construction], [
        m for m, by_construction in items if by_construction
    ]


def _unit(ctx: Context, key: str) -> float:
    """A gate value in (0, 1), two decimals."""
    return ctx.take(key, lambda r: rnd(r.uniform(0.05, 0.95), 2))


def _signed(ctx: Context, key: str, bound: float = 0.95) -> float:
    return ctx.take(key, lambda r: rnd(r.uniform(-bound, bound), 2))


def _away_from_zero(ctx: Context, key: str, low: float, high: float) -> float:
    """±U(low, high), two decimals: far enough from 0 that tanh(c) and c, or c_prev and g,
    differ by more than the tolerance."""
    return ctx.take(key, lambda r: rnd(float(r.choice([-1.0, 1.0])) * r.uniform(low, high), 2))


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
        Param("f", "float", "forget gate f_t (for 'cell')", low=0.0, high=1.0),
        Param("i", "float", "input gate i_t (for 'cell')", low=0.0, high=1.0),
        Param("g", "float", "candidate g_t (for 'cell')", low=-1.0, high=1.0),
        Param("c_prev", "float", "previous cell state c_{t-1} (for 'cell')", low=-10.0, high=10.0),
        Param("o", "float", "output gate o_t (for 'hidden')", low=0.0, high=1.0),
        Param("c", "float", "cell state c_t (for 'hidden')", low=-10.0, high=10.0),
    ],
)
def lstm_cell_step(ctx: Context) -> Question:
    quantity = ctx.take("quantity", lambda r: str(r.choice(QUANTITIES)))
    head = (
        "A scalar LSTM (one unit, torch.nn.LSTM's equations): i_t = σ(·), f_t = σ(·), g_t = tanh(·), "
        "o_t = σ(·), each of w_x·x_t + w_h·h_{t-1} + b with that gate's own weights; "
        "c_t = f_t·c_{t-1} + i_t·g_t; h_t = o_t·tanh(c_t)."
    )
    tolerance = {"rtol": 1e-2, "atol": 1e-4}
    if quantity in GATES:
        return _lstm_gate(ctx, quantity, head, tolerance)
    if quantity == "cell":
        f = _unit(ctx, "f")
        i = _unit(ctx, "i")
        g = _away_from_zero(ctx, "g", 0.1, 0.95)
        c_prev = _away_from_zero(ctx, "c_prev", 0.2, 2.0)
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
        required, optional = _split(
            [
                (
                    (
                        "gates_swapped",
                        i * c_prev + f * g,
                        "that is i_t·c_{t-1} + f_t·g_t, the forget gate used as the input gate; "
                        "the forget gate scales the old cell: c_t = f_t·c_{t-1} + i_t·g_t",
                    ),
                    f == i or c_prev == g,
                ),
                (
                    (
                        "forget_gate_ignored",
                        c_prev + i * g,
                        "that is c_{t-1} + i_t·g_t; the old cell is kept only in part: multiply "
                        "c_{t-1} by the forget gate f_t",
                    ),
                    f == 1 or c_prev == 0,
                ),
                (
                    (
                        "input_gate_ignored",
                        f * c_prev + g,
                        "that is f_t·c_{t-1} + g_t; the candidate is written only in part: "
                        "multiply g_t by the input gate i_t",
                    ),
                    i == 1 or g == 0,
                ),
            ]
        )
        return ctx.question(
            prompt=prompt,
            answer=answer,
            solution=steps,
            tolerance=tolerance,
            source=LSTM_SOURCE,
            mistakes=required,
            optional=optional,
        )
    o = _unit(ctx, "o")
    c = _away_from_zero(ctx, "c", 0.25, 2.0)
    answer = o * math.tanh(c)
    prompt = (
        f"{head}\nAt step t the output gate is o_t = {num(o)} and the new cell state is "
        f"c_t = {num(c)}. What is h_t?"
    )
    steps = [
        f"tanh(c_t) = tanh({num(c)}) = {approx(math.tanh(c), 6)}.",
        f"h_t = o_t·tanh(c_t) = {num(o)} × {aparen(math.tanh(c), 6)} = {approx(answer, 6)}.",
        "The tanh keeps h_t in (-1, 1) however large the cell state grows.",
    ]
    required, optional = _split(
        [
            (
                (
                    "tanh_forgotten",
                    o * c,
                    "that is o_t·c_t; the cell state is squashed first: h_t = o_t·tanh(c_t)",
                ),
                o == 0 or c == 0,
            ),
            (
                (
                    "output_gate_forgotten",
                    math.tanh(c),
                    "that is tanh(c_t) alone; the output gate scales it: h_t = o_t·tanh(c_t)",
                ),
                o == 1 or c == 0,
            ),
        ]
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance=tolerance,
        source=LSTM_SOURCE,
        mistakes=required,
        optional=optional,
    )


def _lstm_gate(ctx: Context, quantity: str, head: str, tolerance: dict[str, float]) -> Question:
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
        wrong = (
            "tanh_used",
            math.tanh(a),
            f"that is tanh(a); the {what} uses the sigmoid σ(a), which keeps it in (0, 1)",
        )
    else:
        steps.append("The candidate uses tanh, so it lies in (-1, 1) and can lower the cell state.")
        wrong = (
            "sigmoid_used",
            _sigmoid(a),
            "that is σ(a); the candidate g_t uses tanh(a), so it can be negative",
        )
    required: list[MistakeSpec] = [
        (
            "activation_forgotten",
            a,
            f"that is the pre-activation a = w_x·x_t + w_h·h_{{t-1}} + b; apply {fn} to it",
        )
    ]
    optional: list[MistakeSpec] = []
    (required if a < SIGMOID_UNTIL else optional).append(wrong)
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance=tolerance,
        source=LSTM_SOURCE,
        mistakes=required,
        optional=optional,
    )


GATE_LISTS = ("forget_gates", "input_gates", "output_gates")


def _same_lengths(params: dict[str, Any]) -> None:
    lengths = {k: len(params[k]) for k in GATE_LISTS if k in params}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        raise GeneratorParamError(
            f"lstm_cell_gradient: the gate lists need one value per step each ({shown})"
        )


def _gate_list(name: str, doc: str) -> Param:
    return Param(name, "float_list", doc, low=0.0, high=1.0, min_len=1, max_len=50)


@register(
    "lstm_cell_gradient",
    "LSTM cell path: ∂c_T/∂c_0 along c_t = f_t·c_{t-1} + i_t·g_t is the product of the forget gates",
    [
        _gate_list("forget_gates", "f_t at steps t = 1..T"),
        _gate_list("input_gates", "i_t at steps t = 1..T (shown; not on the cell path)"),
        _gate_list("output_gates", "o_t at steps t = 1..T (shown; not on the cell path)"),
    ],
    check=_same_lengths,
)
def lstm_cell_gradient(ctx: Context) -> Question:
    given = [ctx.given[k] for k in GATE_LISTS if k in ctx.given]
    n = len(given[0]) if given else int(ctx.rng("steps").integers(3, 8))
    fs = ctx.take("forget_gates", lambda r: [rnd(v, 2) for v in r.uniform(0.5, 0.99, size=n)])
    ins = ctx.take("input_gates", lambda r: [rnd(v, 2) for v in r.uniform(0.1, 0.9, size=n)])
    outs = ctx.take("output_gates", lambda r: [rnd(v, 2) for v in r.uniform(0.3, 0.9, size=n)])
    answer = math.prod(fs)
    prompt = (
        f"In an LSTM the cell state is updated by c_t = f_t·c_{{t-1}} + i_t·g_t and read out as "
        f"h_t = o_t·tanh(c_t). Along one sequence the gates of one unit take these values at "
        f"steps t = 1..{n}:\n  f_t = {vec(fs)}\n  i_t = {vec(ins)}\n  o_t = {vec(outs)}\n"
        f"Following only the cell path (c_{{t-1}} → c_t, ignoring the paths through h), what is "
        f"∂c_{n}/∂c_0?"
    )
    steps = [
        "Along the cell path ∂c_t/∂c_{t-1} = f_t (i_t·g_t does not depend on c_{t-1} there, and "
        f"o_t only reads the cell out into h_t), so by the chain rule ∂c_{n}/∂c_0 = Π_t f_t."
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
    some_zero = any(f == 0 for f in fs)
    required, optional = _split(
        [
            (
                (
                    "sum_not_product",
                    math.fsum(fs),
                    "that is the sum of the forget gates; the chain rule multiplies the per-step "
                    "factors: ∂c_T/∂c_0 = Π_t f_t",
                ),
                n == 1 or ctx.has("forget_gates"),
            ),
            (
                (
                    "output_gate_included",
                    math.prod(f * o for f, o in zip(fs, outs)),
                    "that is Π_t f_t·o_t; the output gate only reads the cell out into h_t and is "
                    "not on the cell path: ∂c_t/∂c_{t-1} = f_t",
                ),
                some_zero or all(o == 1 for o in outs),
            ),
            (
                (
                    "input_gate_included",
                    math.prod(f * i for f, i in zip(fs, ins)),
                    "that is Π_t f_t·i_t; the input gate scales the new candidate i_t·g_t, which "
                    "does not depend on c_{t-1}: ∂c_t/∂c_{t-1} = f_t",
                ),
                some_zero or all(i == 1 for i in ins),
            ),
            (
                (
                    "last_gate_only",
                    fs[-1],
                    f"that is f_{n} alone, one step back; going back {n} steps multiplies all "
                    f"{n} forget gates",
                ),
                n == 1 or ctx.has("forget_gates"),
            ),
        ]
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 0.0},
        source=LSTM_SOURCE,
        mistakes=required,
        optional=optional,
    )


GRU_QUANTITIES = ("state", "candidate")


@register(
    "gru_update",
    "GRU step (torch.nn.GRU): the state h_t = (1 - z_t)·n_t + z_t·h_{t-1}, or the candidate "
    "n_t = tanh(w_in·x + b_in + r_t·(w_hn·h_{t-1} + b_hn))",
    [
        Param("quantity", "str", "'state' (h_t) or 'candidate' (n_t)", choices=GRU_QUANTITIES),
        Param("z", "float", "update gate z_t (for 'state')", low=0.0, high=1.0),
        Param("n", "float", "candidate n_t (for 'state')", low=-1.0, high=1.0),
        Param("h_prev", "float", "previous hidden state h_{t-1}", low=-1.0, high=1.0),
        Param("r", "float", "reset gate r_t (for 'candidate')", low=0.0, high=1.0),
        Param(
            "w_in", "float", "input weight of the candidate (for 'candidate')", low=-5.0, high=5.0
        ),
        Param("b_in", "float", "input bias of the candidate (for 'candidate')", low=-5.0, high=5.0),
        Param(
            "w_hn",
            "float",
            "recurrent weight of the candidate (for 'candidate')",
            low=-5.0,
            high=5.0,
        ),
        Param(
            "b_hn", "float", "recurrent bias of the candidate (for 'candidate')", low=-5.0, high=5.0
        ),
        Param("x", "float", "input x_t (for 'candidate')", low=-5.0, high=5.0),
    ],
)
def gru_update(ctx: Context) -> Question:
    quantity = ctx.take("quantity", lambda r: str(r.choice(GRU_QUANTITIES)))
    if quantity == "candidate":
        return _gru_candidate(ctx)
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
        f"(z_t near 1 keeps the old state, as an LSTM's forget gate near 1 does; Cho et al. 2014 "
        "write the same, while Chung et al. 2014 swap the roles of z and 1 - z).",
    ]
    required, optional = _split(
        [
            (
                (
                    "z_swapped",
                    z * n + (1.0 - z) * h_prev,
                    "that is z_t·n_t + (1 - z_t)·h_{t-1}, the convention of Chung et al. 2014; "
                    "torch.nn.GRU (as Cho et al. 2014) keeps the old state with z_t: "
                    "h_t = (1 - z_t)·n_t + z_t·h_{t-1}",
                ),
                z == 0.5 or n == h_prev,
            ),
            (
                (
                    "old_state_dropped",
                    (1.0 - z) * n,
                    "that is (1 - z_t)·n_t alone; add the kept part of the old state, z_t·h_{t-1}",
                ),
                z == 0 or h_prev == 0,
            ),
        ]
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-4},
        source=GRU_SOURCE,
        mistakes=required,
        optional=optional,
    )


CANDIDATE_KEYS = ("r", "w_in", "b_in", "w_hn", "b_hn", "x", "h_prev")


def _gru_candidate(ctx: Context) -> Question:
    r = _unit(ctx, "r")
    w_in = _signed(ctx, "w_in", 1.5)
    b_in = _signed(ctx, "b_in", 0.5)
    w_hn = _signed(ctx, "w_hn", 1.5)
    b_hn = _away_from_zero(ctx, "b_hn", 0.4, 1.2)
    x = _signed(ctx, "x", 1.0)
    h_prev = _signed(ctx, "h_prev")
    inner = w_hn * h_prev + b_hn
    a = w_in * x + b_in + r * inner
    answer = math.tanh(a)
    prompt = (
        "A GRU (torch.nn.GRU's equations, one unit) computes its candidate as "
        "n_t = tanh(w_in·x_t + b_in + r_t·(w_hn·h_{t-1} + b_hn)).\n"
        f"With w_in = {num(w_in)}, b_in = {num(b_in)}, w_hn = {num(w_hn)}, b_hn = {num(b_hn)}, "
        f"x_t = {num(x)}, h_{{t-1}} = {num(h_prev)} and the reset gate r_t = {num(r)}, "
        "what is n_t?"
    )
    steps = [
        f"Recurrent part, bias included: w_hn·h_{{t-1}} + b_hn = {num(w_hn)} × {paren(h_prev)} + "
        f"{paren(b_hn)} = {approx(inner, 6)}.",
        f"The reset gate scales all of it: r_t·(…) = {num(r)} × {aparen(inner, 6)} = "
        f"{approx(r * inner, 6)}.",
        f"Pre-activation: w_in·x_t + b_in + r_t·(…) = {num(w_in)} × {paren(x)} + {paren(b_in)} + "
        f"{aparen(r * inner, 6)} = {approx(a, 6)}.",
        f"n_t = tanh({approx(a, 6)}) = {approx(answer, 6)}. (Cho et al. 2014 and D2L apply r_t to "
        "h_{t-1} before the recurrent weight, which leaves b_hn unscaled; torch.nn.GRU scales "
        "W_hn·h_{t-1} + b_hn.)",
    ]
    # Saturated tanh makes these indistinguishable whatever is drawn; with numbers given they
    # are kept where they differ, with all drawn the draws are redrawn until they do.
    fixed = any(ctx.has(k) for k in CANDIDATE_KEYS)
    required, optional = _split(
        [
            (
                (
                    "reset_outside",
                    math.tanh(w_in * x + b_in + w_hn * (r * h_prev) + b_hn),
                    "that applies r_t to h_{t-1} only and leaves b_hn unscaled (Cho et al. 2014, "
                    "D2L); torch.nn.GRU scales the whole recurrent part: "
                    "r_t·(w_hn·h_{t-1} + b_hn)",
                ),
                fixed or r == 1 or b_hn == 0,
            ),
            (
                (
                    "reset_forgotten",
                    math.tanh(w_in * x + b_in + inner),
                    "that leaves out the reset gate; multiply the recurrent part by r_t: "
                    "r_t·(w_hn·h_{t-1} + b_hn)",
                ),
                fixed or r == 1 or inner == 0,
            ),
            (
                (
                    "tanh_forgotten",
                    a,
                    "that is the pre-activation; the candidate is its tanh",
                ),
                fixed,
            ),
        ]
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-4},
        source=GRU_SOURCE,
        mistakes=required,
        optional=optional,
    )


# -- live: a tanh RNN and an LSTM trained side by side -----------------------------------------

NORMS_DOC = (
    "the {what} at the shown steps t = 1, ≈T/4, ≈T/2, ≈3T/4, T (give both lists and seq_len, "
    "or none: then they come from a live training run)"
)
PAIR_SOURCE = (
    "Hochreiter & Schmidhuber 1997 (constant error carousel); Gers et al. 2000; "
    "Pascanu et al. 2013 §2.1; torch.nn.LSTM docs"
)
WHICH_OPTIONS = (
    "{lstm}: going back to t = 1 it shrinks far less (the cell path is scaled only by f_t)",
    "{rnn}: going back to t = 1 it shrinks far less (the cell path is scaled only by f_t)",
    "{rnn}: it shrinks faster going back (every gate multiplies in another factor below 1)",
    "{lstm}: it shrinks faster going back (every gate multiplies in another factor below 1)",
)


def _norms_param(name: str, what: str) -> Param:
    return Param(
        name,
        "float_list",
        NORMS_DOC.format(what=what),
        low=0.0,
        high=1e12,
        low_open=True,
        min_len=5,
        max_len=5,
    )


def _pair_check(params: dict[str, Any]) -> None:
    given = [k for k in ("rnn_norms", "lstm_norms") if k in params]
    if given and (len(given) < 2 or "seq_len" not in params):
        raise GeneratorParamError(
            "gated_vs_vanilla_gradient: give rnn_norms and lstm_norms together, with seq_len "
            "(the steps they are shown at)"
        )


@register(
    "gated_vs_vanilla_gradient",
    "Which of two gradient curves from a live side-by-side run is the LSTM's cell-state "
    "gradient, or one curve's ratio ‖·_1‖/‖·_T‖",
    [
        Param("ask", "str", "'which' (a choice) or 'ratio' (a number)", choices=("which", "ratio")),
        Param(
            "network",
            "str",
            "for 'ratio': the RNN's ‖∂L/∂h_t‖ or the LSTM's ‖∂L/∂c_t‖",
            choices=("rnn", "lstm"),
        ),
        Param("seq_len", "int", "T, the sequence length of the adding problem", low=15, high=100),
        Param("forget_bias", "float", "the LSTM's initial forget-gate bias b_f", low=2.0, high=4.0),
        _norms_param("rnn_norms", "tanh RNN's ‖∂L/∂h_t‖"),
        _norms_param("lstm_norms", "LSTM's ‖∂L/∂c_t‖"),
        Param(
            "lstm_label", "str", "for 'which': the label of the LSTM's curve", choices=("A", "B")
        ),
    ],
    live=True,
    check=_pair_check,
)
def gated_vs_vanilla_gradient(ctx: Context) -> Question:
    from engine.generators import gated_live

    ask = ctx.take("ask", lambda r: str(r.choice(["which", "ratio"])))
    run = None
    if ctx.has("rnn_norms"):
        T = ctx.take("seq_len", lambda r: 0)
        rnn = ctx.take("rnn_norms", lambda r: [])
        lstm = ctx.take("lstm_norms", lambda r: [])
        bias = ""
        if ctx.has("forget_bias"):
            bias = f" (forget-gate bias b_f = {num(ctx.take('forget_bias', lambda r: 0.0))})"
        origin = (
            f"These are the gradient norms of a tanh RNN and an LSTM{bias} on a sequence of "
            f"T = {T}, with the loss at the last step only"
        )
    else:
        run = gated_live.pair_run(
            ctx.rng("live"), ctx.given.get("seq_len"), ctx.given.get("forget_bias")
        )
        T = ctx.show("seq_len", run.seq_len)
        ctx.show("forget_bias", run.forget_bias)
        rnn = ctx.show("rnn_norms", list(run.rnn_dh))
        lstm = ctx.show("lstm_norms", list(run.lstm_dc))
        origin = f"These numbers come from a training run: {run.description()}"
    at = gated_live.shown_steps(T)
    r_rnn, r_lstm = rnn[0] / rnn[-1], lstm[0] / lstm[-1]
    steps = _pair_solution(T, rnn, lstm, run)
    where = ", ".join(str(t) for t in at)
    if ask == "which":
        lstm_label = ctx.take("lstm_label", lambda r: str(r.choice(["A", "B"])))
        rnn_label = "B" if lstm_label == "A" else "A"
        curves = {lstm_label: lstm, rnn_label: rnn}
        order = [int(k) for k in ctx.rng("options").permutation(len(WHICH_OPTIONS))]
        options = [WHICH_OPTIONS[k].format(lstm=lstm_label, rnn=rnn_label) for k in order]
        prompt = (
            f"{origin}.\nCurves A and B are, in some order, the RNN's ‖∂L/∂h_t‖ and the LSTM's "
            f"cell-state gradient ‖∂L/∂c_t‖, at t = {where}:\n"
            f"  A: {vec(curves['A'])}\n  B: {vec(curves['B'])}\nWhich is the LSTM's, and why?"
        )
        keep = r_lstm / r_rnn
        steps.append(
            f"So {lstm_label} is the LSTM's: from t = {T} back to t = 1 it keeps "
            f"{approx(keep, 3)} times more of its gradient than {rnn_label}. Gates do not add "
            "factors to the cell path; the forget gate is the only one on it."
        )
        return ctx.question(
            prompt=prompt,
            answer=order.index(0),
            solution=steps,
            kind="choice",
            options=options,
            tolerance={"rtol": 0.0, "atol": 0.0},
            source=PAIR_SOURCE,
        )
    network = ctx.take("network", lambda r: str(r.choice(["rnn", "lstm"])))
    symbol = "h" if network == "rnn" else "c"
    values, other = (rnn, lstm) if network == "rnn" else (lstm, rnn)
    answer = values[0] / values[-1]
    name = "tanh RNN's" if network == "rnn" else "LSTM's"
    prompt = (
        f"{origin}.\nAt t = {where}:\n  the RNN's ‖∂L/∂h_t‖:  {vec(rnn)}\n"
        f"  the LSTM's ‖∂L/∂c_t‖: {vec(lstm)}\n"
        f"For the {name} curve, what is ‖∂L/∂{symbol}_1‖ / ‖∂L/∂{symbol}_{T}‖ (how much of the "
        f"gradient at t = {T} reaches t = 1)?"
    )
    steps.append(
        f"Asked: ‖∂L/∂{symbol}_1‖ / ‖∂L/∂{symbol}_{T}‖ = {num(values[0])} / {num(values[-1])} "
        f"= {approx(answer, 4)}."
    )
    given = ctx.has("rnn_norms")
    mistakes = [
        (
            (
                "other_network",
                other[0] / other[-1],
                "that is the other network's ratio; read the "
                + ("RNN's ‖∂L/∂h_t‖" if network == "rnn" else "LSTM's ‖∂L/∂c_t‖"),
            ),
            given,
        )
    ]
    if values[0] > 0:
        mistakes.append(
            (
                (
                    "ratio_inverted",
                    values[-1] / values[0],
                    f"that is ‖∂L/∂{symbol}_{T}‖ / ‖∂L/∂{symbol}_1‖, upside down; divide the "
                    f"value at t = 1 by the value at t = {T}",
                ),
                given,
            )
        )
    required, optional = _split(mistakes)
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 0.0},
        source=PAIR_SOURCE,
        mistakes=required,
        optional=optional,
    )


def _pair_solution(T: int, rnn: list[float], lstm: list[float], run: Any | None) -> list[str]:
    """The worked explanation shared by both asks, from the shown numbers (and the run)."""
    r_rnn, r_lstm = rnn[0] / rnn[-1], lstm[0] / lstm[-1]

    def per_step(ratio: float) -> str:
        return approx(ratio ** (1.0 / (T - 1)), 3) if ratio > 0 else "0"

    steps = [
        f"The loss sits at t = {T} only, so the error enters there and travels back one step at "
        "a time; compare how much of it reaches t = 1.",
        f"RNN: every step back multiplies by ∂h_t/∂h_{{t-1}} = diag(1 - h_t²)·W_hh, so "
        f"‖∂L/∂h_t‖ shrinks roughly geometrically: ‖∂L/∂h_1‖/‖∂L/∂h_{T}‖ = {num(rnn[0])} / {num(rnn[-1])} = "
        f"{approx(r_rnn, 3)}, about ×{per_step(r_rnn)} per step back.",
        f"LSTM: along the cell path ∂c_t/∂c_{{t-1}} = diag(f_t), no weight matrix and no tanh' "
        f"in it: ‖∂L/∂c_1‖/‖∂L/∂c_{T}‖ = {num(lstm[0])} / {num(lstm[-1])} = {approx(r_lstm, 3)}, "
        f"about ×{per_step(r_lstm)} per step back.",
    ]
    if run is not None:
        steps.append(
            f"In this run the forget gates average f̄ = {num(run.forget_mean)} (b_f = "
            f"{run.forget_bias:g} at the start). Along the cell path alone each unit's error is "
            "scaled by its own Π f_t, a decay set by learnt gates rather than by W_hh and tanh'; "
            f"f̄^{T - 1} = {approx(run.forget_mean ** (T - 1), 3)} is only a rough guide, since "
            "units whose gates sit nearer 1 keep more (and some error also reaches c_t through "
            f"h_t). The LSTM's own ‖∂L/∂h_t‖ goes from {num(run.lstm_dh[-1])} at t = {T} to "
            f"{num(run.lstm_dh[0])} at t = 1"
            + (
                ", shrinking more: it is the cell state that carries the error back."
                if run.lstm_dh[0] / run.lstm_dh[-1] < r_lstm
                else "."
            )
        )
    return steps
