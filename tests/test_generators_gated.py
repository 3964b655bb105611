"""The gated-cell generators, recomputed from the numbers they show (``q.params``) by formulas
written here, and a second route through the engine's own LSTM/GRU with one unit whose gates
are pinned to the shown values."""

from __future__ import annotations

import math
import re
from collections import Counter

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
        assert len(q.params["input_gates"]) == len(q.params["output_gates"]) == len(fs)
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
    seen = set()
    for seed in SEEDS:
        q = generate("gru_update", seed)
        p = q.params
        seen.add(p["quantity"])
        if p["quantity"] == "state":
            expected = (1 - p["z"]) * p["n"] + p["z"] * p["h_prev"]
        else:
            expected = math.tanh(
                p["w_in"] * p["x"] + p["b_in"] + p["r"] * (p["w_hn"] * p["h_prev"] + p["b_hn"])
            )
        assert math.isclose(q.answer, expected, rel_tol=1e-10, abs_tol=1e-12)
    assert seen == {"state", "candidate"}
    # z = 1 keeps the old state exactly (torch's convention), z = 0 takes the candidate.
    state = {"quantity": "state", "n": 0.4, "h_prev": -0.2}
    assert generate("gru_update", 0, {**state, "z": 1.0}).answer == -0.2
    assert generate("gru_update", 0, {**state, "z": 0.0}).answer == 0.4
    # r = 0 removes the whole recurrent part, its bias included: n = tanh(w_in·x + b_in).
    cand = {"quantity": "candidate", "r": 0.0, "w_in": 0.5, "b_in": 0.1, "x": 1.0, "b_hn": 2.0}
    assert math.isclose(generate("gru_update", 0, cand).answer, math.tanh(0.6), rel_tol=1e-12)


def _gru_one_unit(b_ih: np.ndarray, W_ih: np.ndarray, W_hh: np.ndarray, b_hh: np.ndarray):
    return engine.GRUParams(W_ih, W_hh, b_ih, b_hh, np.ones((1, 1)), np.zeros(1))


@pytest.mark.parametrize("seed", range(20))
def test_gru_update_agrees_with_the_engines_gru(seed: int) -> None:
    """One-unit engine GRU. For the state: zero weights, b_iz = logit(z) and b_in = atanh(n)
    pin the gates, so h_1 from h_0 = h_prev is the update asked for. For the candidate: the
    n row holds (w_in, b_in, w_hn, b_hn) and b_ir = logit(r) pins the reset gate."""
    q = generate("gru_update", seed, {"quantity": "state"})
    z, n, h_prev = q.params["z"], q.params["n"], q.params["h_prev"]
    p = _gru_one_unit(
        np.array([0.0, logit(z), math.atanh(n)]), np.zeros((3, 1)), np.zeros((3, 1)), np.zeros(3)
    )
    trace = engine.forward(p, np.zeros((1, 1, 1)), np.array([[h_prev]]))
    assert math.isclose(trace.gate("z")[0, 0, 0], z, rel_tol=1e-12)
    assert math.isclose(float(trace.h[0, 0, 0]), q.answer, rel_tol=1e-9, abs_tol=1e-12)

    q = generate("gru_update", seed, {"quantity": "candidate"})
    c = q.params
    p = _gru_one_unit(
        np.array([logit(c["r"]), 0.0, c["b_in"]]),
        np.array([[0.0], [0.0], [c["w_in"]]]),
        np.array([[0.0], [0.0], [c["w_hn"]]]),
        np.array([0.0, 0.0, c["b_hn"]]),
    )
    trace = engine.forward(p, np.array([[[c["x"]]]]), np.array([[c["h_prev"]]]))
    assert math.isclose(float(trace.gate("n")[0, 0, 0]), q.answer, rel_tol=1e-9, abs_tol=1e-12)


# -- live: gated_vs_vanilla_gradient ----------------------------------------------------------

LIVE = "gated_vs_vanilla_gradient"
RUN = re.compile(
    r"b_f = (?P<fb>[\d.]+)\), both with H = (?P<H>\d+), trained side by side for (?P<k>\d+) "
    r"Adam updates on the adding problem at T = (?P<T>\d+) .*run seed (?P<seed>\d+)\)"
)


def _shown_steps(T: int) -> list[int]:
    return sorted({1, round(T / 4), round(T / 2), round(3 * T / 4), T})


def _sig3(x: float) -> float:
    return float(f"{x:.3g}")


def rnn_dh_by_hand(p, xs: np.ndarray, d: np.ndarray) -> np.ndarray:
    """‖∂L/∂h_t‖_F for t = 1..T of a tanh RNN, many-to-one, L = mean over B of (y_T - d)²."""
    T, B, _ = xs.shape
    hs = [np.zeros((B, p.W_hh.shape[0]))]
    for t in range(T):
        hs.append(np.tanh(xs[t] @ p.W_xh.T + hs[-1] @ p.W_hh.T + p.b_h))
    y = hs[-1] @ p.W_hy.T + p.b_y
    dh = (2.0 * (y - d) / y.size) @ p.W_hy
    norms = np.zeros(T)
    for t in range(T, 0, -1):
        norms[t - 1] = np.linalg.norm(dh)
        dh = (dh * (1.0 - hs[t] ** 2)) @ p.W_hh
    return norms


def lstm_dc_by_hand(p, xs: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, float]:
    """‖∂L/∂c_t‖_F (the total gradient reaching c_t) for t = 1..T of an LSTM in torch's gate
    order, many-to-one as above; and the mean forget gate."""
    T, B, _ = xs.shape
    H = p.W_hh.shape[1]
    h, c = np.zeros((B, H)), np.zeros((B, H))
    cache = []
    for t in range(T):
        a = xs[t] @ p.W_ih.T + p.b_ih + h @ p.W_hh.T + p.b_hh
        i, f, o = (sigmoid_array(a[:, k * H : (k + 1) * H]) for k in (0, 1, 3))
        g = np.tanh(a[:, 2 * H : 3 * H])
        c_prev, c = c, f * c + i * g
        h = o * np.tanh(c)
        cache.append((i, f, g, o, c_prev, c))
    y = h @ p.W_hy.T + p.b_y
    dh = (2.0 * (y - d) / y.size) @ p.W_hy
    carry = np.zeros((B, H))
    norms = np.zeros(T)
    for t in range(T, 0, -1):
        i, f, g, o, c_prev, c = cache[t - 1]
        tc = np.tanh(c)
        dc = dh * o * (1.0 - tc**2) + carry
        norms[t - 1] = np.linalg.norm(dc)
        da = np.concatenate(
            [
                dc * g * i * (1 - i),
                dc * c_prev * f * (1 - f),
                dc * i * (1 - g**2),
                dh * tc * o * (1 - o),
            ],
            axis=1,
        )
        dh = da @ p.W_hh
        carry = dc * f
    return norms, float(np.mean([f for _, f, *_ in cache]))


def sigmoid_array(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


@pytest.mark.parametrize("seed", [0, 3, 11])
def test_live_numbers_are_recomputed_from_a_fresh_run(seed: int) -> None:
    """Train both networks again from the run the prompt names (engine.train, Adam lr 0.01,
    clipping at 1, batches of 8), then compute the norms with the loops above."""
    from engine import tasks

    q = generate(LIVE, seed, {"ask": "which"})
    m = RUN.search(q.prompt)
    assert m, q.prompt
    T, H, k, s = (int(m[x]) for x in ("T", "H", "k", "seed"))
    fb = float(m["fb"])
    assert q.params["seq_len"] == T and q.params["forget_bias"] == fb
    draw = tasks.sampler("adding", seq_len=T, batch_size=8)
    kw = {"optimizer": "adam", "lr": 0.01, "clip_norm": 1.0, "seed": s + 1}
    rnn = engine.train(engine.init_rnn(2, H, 1, seed=s), draw, k, **kw).params
    lstm = engine.init_rnn(2, H, 1, cell="lstm", seed=s, forget_bias=fb)
    lstm = engine.train(lstm, draw, k, **kw).params
    batch = tasks.make_task("adding", seed=s + 2, seq_len=T, batch_size=8)
    rnn_norms = rnn_dh_by_hand(rnn, batch.xs, batch.targets)
    lstm_norms, f_mean = lstm_dc_by_hand(lstm, batch.xs, batch.targets)
    at = _shown_steps(T)
    assert q.params["rnn_norms"] == [_sig3(rnn_norms[t - 1]) for t in at]
    assert q.params["lstm_norms"] == [_sig3(lstm_norms[t - 1]) for t in at]
    assert f"f̄ = {round(f_mean, 3):g}" in " ".join(q.solution)
    # the label on the LSTM's curve, and the option that says it
    label = q.params["lstm_label"]
    curve = q.prompt.split(f"  {label}: ")[1].split("\n")[0]
    assert curve == "[" + ", ".join(repr(v) for v in q.params["lstm_norms"]) + "]"
    assert q.answer_text.startswith(f"{label}: ") and "shrinks far less" in q.answer_text


def test_the_lstm_keeps_far_more_of_its_gradient_in_every_drawn_run() -> None:
    """The picture the question teaches, checked from the shown numbers over many seeds."""
    for seed in range(40):
        p = generate(LIVE, seed, {"ask": "ratio"}).params
        rnn, lstm = p["rnn_norms"], p["lstm_norms"]
        assert (lstm[0] / lstm[-1]) >= 10 * (rnn[0] / rnn[-1]), (seed, p)


def test_which_is_balanced_over_seeds_and_options_vary() -> None:
    answers = Counter()
    labels = Counter()
    for seed in range(120):
        q = generate(LIVE, seed, {"ask": "which"})
        answers[q.answer] += 1
        labels[q.params["lstm_label"]] += 1
        assert len(q.options) == 4 and len(set(q.options)) == 4
        assert q.kind == "choice"
    assert set(answers) == {0, 1, 2, 3}
    assert max(answers.values()) <= 0.6 * 120 and max(labels.values()) <= 0.6 * 120
    assert max(answers.values()) <= 45  # about 30 each


def test_ratio_is_recomputed_from_the_shown_numbers() -> None:
    seen = set()
    for seed in range(30):
        q = generate(LIVE, seed, {"ask": "ratio"})
        p = q.params
        seen.add(p["network"])
        values = p["rnn_norms"] if p["network"] == "rnn" else p["lstm_norms"]
        assert math.isclose(q.answer, values[0] / values[-1], rel_tol=1e-10)
    assert seen == {"rnn", "lstm"}
    given = {
        "ask": "ratio",
        "network": "lstm",
        "seq_len": 20,
        "rnn_norms": [1e-6, 1e-4, 0.003, 0.05, 0.4],
        "lstm_norms": [0.1, 0.12, 0.15, 0.18, 0.2],
    }
    q = generate(LIVE, 0, given)
    assert q.answer == 0.5 and "t = 1, 5, 10, 15, 20" in q.prompt


def test_norms_need_each_other_and_seq_len() -> None:
    from engine.generators import GeneratorParamError

    with pytest.raises(GeneratorParamError, match="together"):
        generate(LIVE, 0, {"rnn_norms": [1.0] * 5, "lstm_norms": [1.0] * 5})
    with pytest.raises(GeneratorParamError):
        generate(LIVE, 0, {"seq_len": 20, "rnn_norms": [1.0] * 5})


def test_a_live_question_is_quick() -> None:
    import time

    start = time.perf_counter()
    generate(LIVE, 987_654, {"seq_len": 100})
    assert time.perf_counter() - start < 0.3
