"""Forward-pass generators in the lecture notation s_t = tanh(W_x x_t + W_s s_{t-1}),
y_t = W_y s_t, E_t = (d_t - y_t)²."""

from __future__ import annotations

import math

from engine.generators._format import aparen, approx, num, paren, rnd
from engine.generators._registry import LANGUAGE, Context, Param, Question, register

NOTATION = "s_t = tanh(W_x·x_t + W_s·s_{t-1}), y_t = W_y·s_t, E_t = (d_t - y_t)²"
SOURCE = "GBC eq. 10.8 (in lecture notation s_t, W_x, W_s, W_y)"
SIGMOID_UNTIL = 4.0  # above this σ(a) and tanh(a) are both ≈ 1: no longer a distinct mistake


def _weight(ctx: Context, key: str, low: float, high: float) -> float:
    return ctx.take(key, lambda r: rnd(r.uniform(low, high), 2))


def sigmoid(a: float) -> float:
    """The logistic sigmoid, without overflow for large |a|."""
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _state_mistakes(ctx: Context, a: float, W_x: float, x: float, W_s: float, s_prev: float):
    """(required, optional) wrong methods for s_t, as (id, value, feedback)."""
    required = [
        (
            "tanh_forgotten",
            a,
            ctx.say(
                "that is the pre-activation a_t = W_x·x_t + W_s·s_{t-1}; apply tanh to it",
                "das ist die Voraktivierung a_t = W_x·x_t + W_s·s_{t-1}; wenden Sie noch tanh darauf an",
            ),
        )
    ]
    sig = (
        "sigmoid_used",
        sigmoid(a),
        ctx.say(
            "that is the logistic sigmoid σ(a_t); this RNN uses tanh(a_t)",
            "das ist die logistische Sigmoidfunktion σ(a_t); dieses RNN verwendet tanh(a_t)",
        ),
    )
    no_recurrence = (
        "recurrence_forgotten",
        math.tanh(W_x * x),
        ctx.say(
            "that is tanh(W_x·x_t) alone; add the recurrent term W_s·s_{t-1} inside the tanh",
            "das ist nur tanh(W_x·x_t); addieren Sie den rekurrenten Term W_s·s_{t-1} innerhalb des tanh",
        ),
    )
    optional = [no_recurrence]
    (required if a < SIGMOID_UNTIL else optional).append(sig)
    return required, optional


@register(
    "hidden_state_step",
    "One step of a scalar tanh RNN: s_t = tanh(W_x·x + W_s·s_prev)",
    [
        Param("W_x", "float", "input weight", low=-100.0, high=100.0),
        Param("W_s", "float", "recurrent weight", low=-100.0, high=100.0),
        Param("x", "float", "input x_t", low=-100.0, high=100.0),
        Param("s_prev", "float", "previous state s_{t-1} (a tanh output)", low=-1.0, high=1.0),
        LANGUAGE,
    ],
)
def hidden_state_step(ctx: Context) -> Question:
    W_x = _weight(ctx, "W_x", -2.0, 2.0)
    W_s = _weight(ctx, "W_s", -1.5, 1.5)
    x = _weight(ctx, "x", -2.0, 2.0)
    s_prev = _weight(ctx, "s_prev", -0.95, 0.95)
    a = W_x * x + W_s * s_prev
    s = math.tanh(a)
    prompt = ctx.say(
        f"A scalar RNN (no bias) updates its state by s_t = tanh(W_x·x_t + W_s·s_{{t-1}}).\n"
        f"With W_x = {num(W_x)}, W_s = {num(W_s)}, x_t = {num(x)} and s_{{t-1}} = {num(s_prev)}, what is s_t?",
        f"Ein skalares RNN (ohne Bias) berechnet seinen Zustand als s_t = tanh(W_x·x_t + W_s·s_{{t-1}}).\n"
        f"Mit W_x = {num(W_x)}, W_s = {num(W_s)}, x_t = {num(x)} und s_{{t-1}} = {num(s_prev)}: Wie groß ist s_t?",
    )
    product = (
        f"{num(W_x)} × {paren(x)} + {paren(W_s)} × {paren(s_prev)} "
        f"= {approx(W_x * x, 6)} + {aparen(W_s * s_prev, 6)} = {approx(a, 6)}"
    )
    steps = [
        ctx.say(
            f"Pre-activation: a_t = W_x·x_t + W_s·s_{{t-1}} = {product}.",
            f"Voraktivierung: a_t = W_x·x_t + W_s·s_{{t-1}} = {product}.",
        ),
        f"s_t = tanh({approx(a, 6)}) = {approx(s, 6)}.",
    ]
    required, optional = _state_mistakes(ctx, a, W_x, x, W_s, s_prev)
    return ctx.question(
        prompt=prompt,
        answer=s,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-4},
        source=SOURCE,
        mistakes=required,
        optional=optional,
    )


@register(
    "output_and_error",
    "Output y_t and squared error E_t = (d_t - y_t)² at one step (lecture notation)",
    [
        Param("W_x", "float", "input weight", low=-100.0, high=100.0),
        Param("W_s", "float", "recurrent weight", low=-100.0, high=100.0),
        Param("W_y", "float", "output weight", low=-100.0, high=100.0),
        Param("x", "float", "input x_t", low=-100.0, high=100.0),
        Param("s_prev", "float", "previous state s_{t-1}", low=-1.0, high=1.0),
        Param("d", "float", "target d_t", low=-100.0, high=100.0),
        Param("quantity", "str", "'output' (y_t) or 'error' (E_t)", choices=("output", "error")),
        LANGUAGE,
    ],
)
def output_and_error(ctx: Context) -> Question:
    W_x = _weight(ctx, "W_x", -2.0, 2.0)
    W_s = _weight(ctx, "W_s", -1.5, 1.5)
    W_y = _weight(ctx, "W_y", -2.0, 2.0)
    x = _weight(ctx, "x", -2.0, 2.0)
    s_prev = _weight(ctx, "s_prev", -0.95, 0.95)
    d = ctx.take("d", lambda r: rnd(r.uniform(-1.5, 1.5), 1))
    quantity = ctx.take("quantity", lambda r: str(r.choice(["output", "error"])))
    a = W_x * x + W_s * s_prev
    s = math.tanh(a)
    y = W_y * s
    E = (d - y) ** 2
    steps = [
        ctx.say("Pre-activation", "Voraktivierung")
        + f": a_t = W_x·x_t + W_s·s_{{t-1}} = {num(W_x)} × {paren(x)} + {paren(W_s)} × {paren(s_prev)} = {approx(a, 6)}.",
        f"s_t = tanh(a_t) = {approx(s, 6)}.",
        f"y_t = W_y·s_t = {num(W_y)} × {aparen(s, 6)} = {approx(y, 6)}.",
    ]
    say = ctx.say
    if quantity == "output":
        answer, ask = y, say("What is the output y_t?", "Wie groß ist die Ausgabe y_t?")
        required = [
            (
                "tanh_forgotten",
                W_y * a,
                say(
                    "that is W_y·a_t, with the pre-activation a_t; the state is s_t = tanh(a_t), so y_t = W_y·tanh(a_t)",
                    "das ist W_y·a_t mit der Voraktivierung a_t; der Zustand ist s_t = tanh(a_t), also y_t = W_y·tanh(a_t)",
                ),
            )
        ]
        optional = [
            (
                "output_weight_forgotten",
                s,
                say(
                    "that is the state s_t; multiply it by W_y",
                    "das ist der Zustand s_t; multiplizieren Sie ihn mit W_y",
                ),
            ),
            (
                "sigmoid_used",
                W_y * sigmoid(a),
                say(
                    "that uses the logistic sigmoid σ(a_t); this RNN uses tanh(a_t)",
                    "das verwendet die logistische Sigmoidfunktion σ(a_t); dieses RNN verwendet tanh(a_t)",
                ),
            ),
        ]
    else:
        answer, ask = (
            E,
            say("What is the squared error E_t?", "Wie groß ist der quadratische Fehler E_t?"),
        )
        steps.append(
            f"E_t = (d_t - y_t)² = ({num(d)} - {aparen(y, 6)})² = ({approx(d - y, 6)})² = {approx(E, 6)}."
        )
        required = [
            (
                "tanh_forgotten",
                (d - W_y * a) ** 2,
                say(
                    "that computes y_t as W_y·a_t, with the pre-activation a_t; the state is s_t = tanh(a_t)",
                    "das berechnet y_t als W_y·a_t mit der Voraktivierung a_t; der Zustand ist s_t = tanh(a_t)",
                ),
            )
        ]
        optional = [
            (
                "not_squared",
                d - y,
                say(
                    "that is d_t - y_t; the error is its square (d_t - y_t)²",
                    "das ist d_t - y_t; der Fehler ist dessen Quadrat (d_t - y_t)²",
                ),
            ),
            (
                "output_weight_forgotten",
                (d - s) ** 2,
                say(
                    "that uses s_t as the output; the output is y_t = W_y·s_t",
                    "das nimmt s_t als Ausgabe; die Ausgabe ist y_t = W_y·s_t",
                ),
            ),
        ]
    prompt = say(
        f"A scalar RNN (no biases): {NOTATION}.\n"
        f"W_x = {num(W_x)}, W_s = {num(W_s)}, W_y = {num(W_y)}; at step t the input is x_t = {num(x)}, "
        f"the previous state s_{{t-1}} = {num(s_prev)} and the target d_t = {num(d)}.\n{ask}",
        f"Ein skalares RNN (ohne Bias): {NOTATION}.\n"
        f"W_x = {num(W_x)}, W_s = {num(W_s)}, W_y = {num(W_y)}; im Schritt t ist die Eingabe x_t = {num(x)}, "
        f"der vorige Zustand s_{{t-1}} = {num(s_prev)} und das Ziel d_t = {num(d)}.\n{ask}",
    )
    return ctx.question(
        prompt=prompt,
        answer=answer,
        solution=steps,
        tolerance={"rtol": 1e-2, "atol": 1e-3},
        source=SOURCE,
        mistakes=required,
        optional=optional,
    )
