"""The gated-cell generators, recomputed from the numbers they show (``q.params``) by formulas
written here, and a second route through the engine's own LSTM/GRU with one unit whose gates
are pinned to the shown values."""

from __future__ import annotations

import math

import numpy as np
import pytest

import engine
from engine.generators import GENERATORS, generate

SEEDS = range(60)


def sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def test_the_three_are_registered() -> None:
    assert {"lstm_cell_step", "lstm_cell_gradient", "gru_update"} <= set(GENERATORS)
    assert GENERATORS["lstm_cell_step"].family == "gated"


def expected_lstm_step(p: dict) -> float:
    q = p["quantity"]
    if q == "cell":
        return p["f"] * p["c_prev"] + p["i"] * p["g"]
    if q == "hidden":
        return p["o"] * math.tanh(p["c"])
    a = p["w_x"] * p["x"] + p["w_h"] * p["h_prev"] + p["b"]
    return math.tanh(a) if q == "candidate" else sigmoid(a)


def test_lstm_cell_step_recomputed_from_the_shown_numbers() -> None:
    seen = set()
    for seed in SEEDS:
        q = generate("lstm_cell_step", seed)
        seen.add(q.params["quantity"])
        assert math.isclose(q.answer, expected_lstm_step(q.params), rel_tol=1e-10, abs_tol=1e-12)
        assert q.solution[-1]
    assert seen == {"input_gate", "forget_gate", "candidate", "output_gate", "cell", "hidden"}
    # A pinned case by hand: f·c + i·g = 0.5 × 2 + 0.25 × (-0.4) = 0.9.
    q = generate(
        "lstm_cell_step", 0, {"quantity": "cell", "f": 0.5, "c_prev": 2.0, "i": 0.25, "g": -0.4}
    )
    assert math.isclose(q.answer, 0.9, rel_tol=1e-12)
    q = generate(
        "lstm_cell_step",
        0,
        {"quantity": "forget_gate", "w_x": 1.0, "w_h": 0.0, "b": 0.0, "x": 0.0, "h_prev": 0.3},
    )
    assert q.answer == 0.5


GATE_ROW = {"input_gate": 0, "forget_gate": 1, "candidate": 2, "output_gate": 3}


@pytest.mark.parametrize("seed", range(30))
def test_lstm_cell_step_agrees_with_the_engines_lstm(seed: int) -> None:
    """One-unit engine LSTM: the asked gate's row holds (w_x, w_h, b); for c_t and h_t the
    gates are pinned through their biases (logit/atanh of the shown values, zero weights)."""
    q = generate("lstm_cell_step", seed)
    p = q.params
    W_ih, W_hh, b = np.zeros((4, 1)), np.zeros((4, 1)), np.zeros(4)
    if p["quantity"] in GATE_ROW:
        k = GATE_ROW[p["quantity"]]
        W_ih[k, 0], W_hh[k, 0], b[k] = p["w_x"], p["w_h"], p["b"]
        state = (np.array([[p["h_prev"]]]), np.zeros((1, 1)))
        x = p["x"]
    elif p["quantity"] == "cell":
        b[:3] = [logit(p["i"]), logit(p["f"]), math.atanh(p["g"])]
        state = (np.zeros((1, 1)), np.array([[p["c_prev"]]]))
        x = 0.0
    else:
        # c_1 = f·c_0 + i·g with f = 1/2, i = 0 gives c_1 = c_0 / 2: start from c_0 = 2c.
        b[:4] = [-50.0, 0.0, 0.0, logit(p["o"])]
        state = (np.zeros((1, 1)), np.array([[2.0 * p["c"]]]))
        x = 0.0
    params = engine.LSTMParams(W_ih, W_hh, b, np.zeros(4), np.ones((1, 1)), np.zeros(1))
    trace = engine.forward(params, np.array([[[x]]]), state)
    got = {
        "input_gate": trace.gate("i"),
        "forget_gate": trace.gate("f"),
        "candidate": trace.gate("g"),
        "output_gate": trace.gate("o"),
        "cell": trace.c,
        "hidden": trace.h,
    }[p["quantity"]]
    assert math.isclose(float(got[0, 0, 0]), q.answer, rel_tol=1e-9, abs_tol=1e-12)


def test_lstm_cell_gradient_is_the_product_of_the_forget_gates() -> None:
    for seed in SEEDS:
        q = generate("lstm_cell_gradient", seed)
        fs = q.params["forget_gates"]
        assert 3 <= len(fs) <= 7
        expected = 1.0
        for f in fs:
            expected *= f
        assert math.isclose(q.answer, expected, rel_tol=1e-10)
    q = generate("lstm_cell_gradient", 0, {"forget_gates": [0.5, 0.5, 0.8]})
    assert math.isclose(q.answer, 0.2, rel_tol=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_lstm_cell_gradient_agrees_with_the_engines_jacobian(seed: int) -> None:
    """With W_hh = 0 the only path from c_0 to c_T is the cell path: the engine's ∂c_T/∂c_0
    (diagnostics.jacobian_norms, block "c") and a finite difference in c_0 both equal Π f_t."""
    q = generate("lstm_cell_gradient", seed)
    fs = q.params["forget_gates"]
    T = len(fs)
    W_ih = np.array([[0.0], [1.0], [0.0], [0.0]])  # only the forget gate sees x
    p = engine.LSTMParams(
        W_ih, np.zeros((4, 1)), np.zeros(4), np.zeros(4), np.ones((1, 1)), np.zeros(1)
    )
    xs = np.array([logit(f) for f in fs]).reshape(T, 1, 1)  # so that f_t = σ(x_t) = shown f_t
    h0 = (np.zeros((1, 1)), np.full((1, 1), 0.3))
    jac = engine.diagnostics.jacobian_norms(p, xs, 0, h0, block="c")
    assert math.isclose(float(jac[-1, 0]), q.answer, rel_tol=1e-9)
    eps = 1e-6
    up = engine.forward(p, xs, (h0[0], h0[1] + eps)).c[-1, 0, 0]
    down = engine.forward(p, xs, (h0[0], h0[1] - eps)).c[-1, 0, 0]
    assert math.isclose((up - down) / (2 * eps), q.answer, rel_tol=1e-7)


def test_gru_update_recomputed_from_the_shown_numbers() -> None:
    for seed in SEEDS:
        q = generate("gru_update", seed)
        z, n, h = q.params["z"], q.params["n"], q.params["h_prev"]
        assert math.isclose(q.answer, (1 - z) * n + z * h, rel_tol=1e-10, abs_tol=1e-12)
    # z = 1 keeps the old state exactly (torch's convention), z = 0 takes the candidate.
    assert generate("gru_update", 0, {"z": 1.0, "n": 0.4, "h_prev": -0.2}).answer == -0.2
    assert generate("gru_update", 0, {"z": 0.0, "n": 0.4, "h_prev": -0.2}).answer == 0.4


@pytest.mark.parametrize("seed", range(20))
def test_gru_update_agrees_with_the_engines_gru(seed: int) -> None:
    """One-unit engine GRU with zero weights: b_iz = logit(z) and b_in = atanh(n) pin the
    gates, so h_1 from h_0 = h_prev is the update the question asks for."""
    q = generate("gru_update", seed)
    z, n, h_prev = q.params["z"], q.params["n"], q.params["h_prev"]
    b_ih = np.array([0.0, logit(z), math.atanh(n)])
    p = engine.GRUParams(
        np.zeros((3, 1)), np.zeros((3, 1)), b_ih, np.zeros(3), np.ones((1, 1)), np.zeros(1)
    )
    trace = engine.forward(p, np.zeros((1, 1, 1)), np.array([[h_prev]]))
    assert math.isclose(trace.gate("z")[0, 0, 0], z, rel_tol=1e-12)
    assert math.isclose(float(trace.h[0, 0, 0]), q.answer, rel_tol=1e-9, abs_tol=1e-12)
