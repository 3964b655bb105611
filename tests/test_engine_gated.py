"""LSTM and GRU in the engine: layout, initialisers, and gradients against centred finite
differences (every loss × reduction × truncation × h0), plus ∂L/∂h_t, ∂L/∂c_t and the step
Jacobians against finite differences of an independent reference cell written here."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pytest

import engine
from engine import diagnostics
from engine.gradcheck import _copy_state, relative_error, surrogate_loss

CELLS = ("lstm", "gru")
LOSSES = ("squared_error", "cross_entropy")
REDUCTIONS = ("mean", "sum")
TRUNCATIONS = (None, 2)
H0S = (False, True)


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def problem(cell, loss, seed, T=5, B=3, D=2, H=3, O=3, many_to_one=False, with_h0=True):
    """Seeded random gated params (biases nonzero), inputs, targets and an initial state."""
    rng = np.random.default_rng(seed)
    G = 4 if cell == "lstm" else 3
    cls = engine.LSTMParams if cell == "lstm" else engine.GRUParams
    p = cls(
        rng.normal(0, 0.7, (G * H, D)),
        rng.normal(0, 0.6, (G * H, H)),
        rng.normal(0, 0.3, G * H),
        rng.normal(0, 0.3, G * H),
        rng.normal(0, 0.7, (O, H)),
        rng.normal(0, 0.3, O),
    )
    xs = rng.normal(size=(T, B, D))
    lead = (B,) if many_to_one else (T, B)
    targets = (
        rng.normal(size=lead + (O,)) if loss == "squared_error" else rng.integers(0, O, size=lead)
    )
    h0 = None
    if with_h0:
        h0 = rng.normal(0, 0.5, (B, H))
        if cell == "lstm":
            h0 = (h0, rng.normal(0, 0.5, (B, H)))
    return p, xs, targets, h0


# ---- an independent reference: the torch formulas, one step at a time -----------------------


def ref_lstm_step(p, x, h, c):
    """torch.nn.LSTM's cell, written from its documentation: returns (h', c')."""
    H = h.shape[1]
    a = x @ p.W_ih.T + p.b_ih + h @ p.W_hh.T + p.b_hh
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    c = f * c + i * g
    return o * np.tanh(c), c


def ref_gru_step(p, x, h):
    """torch.nn.GRU's cell, written from its documentation: returns h'."""
    H = h.shape[1]
    gi = x @ p.W_ih.T + p.b_ih
    gh = h @ p.W_hh.T + p.b_hh
    r = sigmoid(gi[:, :H] + gh[:, :H])
    z = sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    return (1 - z) * n + z * h


def ref_loss_from(p, xs, targets, t, h, c, loss, reduction, ys_before):
    """The loss when the state after step t (1-based) is replaced by (h, c): the reference cell
    runs steps t+1..T from there; ys_before (t, B, O) are the outputs of steps 1..t-1 and t is
    recomputed from h."""
    ys = list(ys_before[: t - 1]) + [h @ p.W_hy.T + p.b_y]
    for s in range(t, xs.shape[0]):
        if isinstance(p, engine.LSTMParams):
            h, c = ref_lstm_step(p, xs[s], h, c)
        else:
            h = ref_gru_step(p, xs[s], h)
        ys.append(h @ p.W_hy.T + p.b_y)
    Y = np.stack(ys)
    T, B, O = Y.shape
    if loss == "squared_error":
        value = ((Y - targets) ** 2).sum()
        return value / Y.size if reduction == "mean" else value
    Y2 = Y.reshape(T * B, O)
    Y2 = Y2 - Y2.max(axis=1, keepdims=True)
    logp = Y2 - np.log(np.exp(Y2).sum(axis=1, keepdims=True))
    value = -logp[np.arange(T * B), targets.reshape(-1)].sum()
    return value / (T * B) if reduction == "mean" else value


# ---- layout and initialisers -----------------------------------------------------------------


@pytest.mark.parametrize("cell,G", [("lstm", 4), ("gru", 3)])
def test_init_rnn_builds_torch_shaped_params(cell, G):
    D, H, O = 3, 5, 2
    p = engine.init_rnn(D, H, O, cell=cell, seed=4)
    assert isinstance(p, engine.LSTMParams if cell == "lstm" else engine.GRUParams)
    assert [a.shape for a in p.arrays()] == [
        (G * H, D),
        (G * H, H),
        (G * H,),
        (G * H,),
        (O, H),
        (O,),
    ]
    assert p.NAMES == ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y")
    assert (p.input_size, p.hidden_size, p.output_size) == (D, H, O)
    assert p.size == G * H * (D + H + 2) + O * H + O
    same = engine.init_rnn(D, H, O, cell=cell, seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(p.arrays(), same.arrays()))
    other = engine.init_rnn(D, H, O, cell=cell, seed=5)
    assert not np.array_equal(p.W_hh, other.W_hh)
    # The default cell is still the vanilla RNN.
    assert isinstance(engine.init_rnn(D, H, O, seed=4), engine.RNNParams)


@pytest.mark.parametrize("init", ["xavier", "orthogonal", "normal", "pytorch"])
@pytest.mark.parametrize("forget_bias", [1.0, -3.0, 2.5])
def test_forget_bias_dial_sets_the_total_forget_gate_bias(init, forget_bias):
    H = 4
    p = engine.init_rnn(2, H, 1, cell="lstm", init=init, forget_bias=forget_bias, seed=0)
    np.testing.assert_allclose(p.b_ih[H : 2 * H] + p.b_hh[H : 2 * H], forget_bias, atol=1e-15)
    np.testing.assert_array_equal(p.gate("f", "b_ih"), p.b_ih[H : 2 * H])
    # With zero input and state every forget gate is exactly σ(forget_bias).
    trace = engine.forward(p, np.zeros((1, 1, 2)))
    np.testing.assert_allclose(trace.gate("f")[0, 0], 1 / (1 + np.exp(-forget_bias)), rtol=1e-14)


def test_default_forget_bias_is_one_and_pytorch_init_is_uniform_in_one_over_root_h():
    H = 9
    p = engine.init_rnn(3, H, 2, cell="lstm", seed=1)
    np.testing.assert_allclose(p.b_ih[H : 2 * H] + p.b_hh[H : 2 * H], 1.0)
    q = engine.init_rnn(3, H, 2, cell="gru", init="pytorch", seed=1)
    for a in q.arrays():
        assert np.abs(a).max() <= 1 / np.sqrt(H)
    assert np.abs(q.b_hh).max() > 0  # torch draws biases too
    o = engine.init_rnn(3, H, 2, cell="lstm", init="orthogonal", seed=1)
    for k in range(4):
        block = o.W_hh[k * H : (k + 1) * H]
        np.testing.assert_allclose(block @ block.T, np.eye(H), atol=1e-12)


def test_bad_gated_arguments_raise_value_errors():
    with pytest.raises(ValueError, match="unknown cell"):
        engine.init_rnn(2, 3, 1, cell="lstmm")
    with pytest.raises(ValueError, match="forget_bias"):
        engine.init_rnn(2, 3, 1, cell="gru", forget_bias=1.0)
    with pytest.raises(ValueError, match="forget_bias"):
        engine.init_rnn(2, 3, 1, forget_bias=1.0)
    with pytest.raises(ValueError, match="activation"):
        engine.init_rnn(2, 3, 1, cell="lstm", activation="relu")
    with pytest.raises(ValueError, match="init"):
        engine.init_rnn(2, 3, 1, cell="gru", init="identity")
    with pytest.raises(ValueError, match="spectral_radius"):
        engine.init_rnn(2, 3, 1, cell="lstm", spectral_radius=0.9)
    p, xs, targets, (h0, c0) = problem("lstm", "squared_error", seed=0)
    with pytest.raises(ValueError, match="pair"):
        engine.loss_and_grads(p, xs, targets, h0=h0)
    with pytest.raises(ValueError, match="c0 must have shape"):
        engine.loss_and_grads(p, xs, targets, h0=(h0, c0[:1]))
    g, gxs, gtargets, gh0 = problem("gru", "squared_error", seed=0)
    with pytest.raises(ValueError, match="pair is for the LSTM"):
        engine.loss_and_grads(g, gxs, gtargets, h0=(gh0, gh0))
    with pytest.raises(ValueError, match="xs must have shape"):
        engine.loss_and_grads(p, xs[:, :, :1], targets)
    with pytest.raises(ValueError, match="W_hh"):
        engine.LSTMParams(p.W_ih, p.W_hh[:-1], p.b_ih, p.b_hh, p.W_hy, p.b_y)
    with pytest.raises(ValueError, match="G = 3"):
        engine.GRUParams(p.W_ih[:-1], p.W_hh, p.b_ih, p.b_hh, p.W_hy, p.b_y)


def test_forward_matches_the_reference_cells():
    for cell in CELLS:
        p, xs, _, h0 = problem(cell, "squared_error", seed=2, T=6)
        ys, hs = engine.predict(p, xs, h0)
        h = h0[0] if cell == "lstm" else h0
        c = h0[1] if cell == "lstm" else None
        for t in range(xs.shape[0]):
            if cell == "lstm":
                h, c = ref_lstm_step(p, xs[t], h, c)
            else:
                h = ref_gru_step(p, xs[t], h)
            np.testing.assert_allclose(hs[t], h, rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(ys[t], h @ p.W_hy.T + p.b_y, rtol=1e-13, atol=1e-15)


# ---- gradients against centred finite differences --------------------------------------------


@pytest.mark.parametrize(
    "cell,loss,reduction,truncate,with_h0",
    list(itertools.product(CELLS, LOSSES, REDUCTIONS, TRUNCATIONS, H0S)),
)
def test_gradients_match_centred_differences(cell, loss, reduction, truncate, with_h0):
    seed = [
        CELLS.index(cell),
        LOSSES.index(loss),
        REDUCTIONS.index(reduction),
        truncate or 0,
        int(with_h0),
    ]
    p, xs, targets, h0 = problem(cell, loss, seed, with_h0=with_h0)
    check = engine.grad_check(p, xs, targets, loss, reduction, truncate, h0)
    assert check.max_rel_error < 1e-6, check.rel_errors
    assert set(check.rel_errors) == set(p.NAMES)
    assert isinstance(check.analytic, type(p))
    assert check.analytic.norm() > 1e-3
    # loss_and_grads (the workspace path) returns exactly bptt's numbers.
    value, grads = engine.loss_and_grads(p, xs, targets, loss, reduction, truncate, h0)
    res = engine.bptt(p, xs, targets, loss, reduction, truncate, h0)
    assert value == res.loss
    for a, b in zip(grads.arrays(), res.grads.arrays()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cell,loss", list(itertools.product(CELLS, LOSSES)))
@pytest.mark.parametrize("truncate", TRUNCATIONS)
def test_many_to_one_gradients_match_centred_differences(cell, loss, truncate):
    p, xs, targets, h0 = problem(cell, loss, seed=11, many_to_one=True)
    check = engine.grad_check(p, xs, targets, loss, "mean", truncate, h0, many_to_one=True)
    assert check.max_rel_error < 1e-6, check.rel_errors
    assert check.analytic.norm() > 1e-4


@pytest.mark.parametrize("B,H,T", [(1, 4, 7), (9, 40, 6)])
@pytest.mark.parametrize("cell", CELLS)
def test_gradients_at_other_shapes(cell, B, H, T):
    # B·H ≥ 256 for the second shape, and the backward blocks several steps at a time.
    p, xs, targets, h0 = problem(cell, "squared_error", seed=B, T=T, B=B, D=3, H=H, O=2)
    if H <= 10:
        check = engine.grad_check(p, xs, targets, h0=h0, truncate=3)
        assert check.max_rel_error < 1e-6, check.rel_errors
        return
    # Finite differences over ~8000 weights are slow: check a random direction instead,
    # d/dε L(θ + ε v) = ∇L · v, centred.
    res = engine.bptt(p, xs, targets, h0=h0, truncate=4)
    v = p.unflat(np.random.default_rng(0).normal(size=p.size))
    eps = 1e-6
    boundaries = {4: _copy_state(res.trace.state(4))}

    def f(q):
        return surrogate_loss(q, xs, targets, "squared_error", "mean", boundaries, h0, False)

    numeric = (f(p + eps * v) - f(p - eps * v)) / (2 * eps)
    analytic = float(res.grads.flat() @ v.flat())
    assert abs(numeric - analytic) <= 1e-6 * abs(analytic)


def test_truncation_changes_the_gradient_but_not_the_loss():
    for cell in CELLS:
        p, xs, targets, h0 = problem(cell, "squared_error", seed=3, T=6)
        full_loss, full = engine.loss_and_grads(p, xs, targets, h0=h0)
        cut_loss, cut = engine.loss_and_grads(p, xs, targets, truncate=2, h0=h0)
        assert cut_loss == full_loss
        assert relative_error(cut.W_hh, full.W_hh) > 1e-3
        np.testing.assert_allclose(cut.W_hy, full.W_hy, rtol=1e-13)
        same = engine.loss_and_grads(p, xs, targets, truncate=6, h0=h0)[1]
        np.testing.assert_allclose(same.W_hh, full.W_hh, rtol=1e-13)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("truncate", TRUNCATIONS)
def test_dh_dc_and_initial_state_gradients_match_finite_differences(cell, truncate):
    """∂L/∂h_t (and ∂L/∂c_t) are the TOTAL gradients reaching the state after step t: perturb
    that state, rerun the reference cell from there, and difference the loss. Under truncation
    the state still reaches every later step forward, but the gradient stops at the chunk's
    end, so the check is only made for states whose chunk runs to the end."""
    loss, reduction = "squared_error", "sum"
    p, xs, targets, h0 = problem(cell, loss, seed=21, T=6)
    res = engine.bptt(p, xs, targets, loss, reduction, truncate, h0)
    T = xs.shape[0]
    eps = 1e-6
    hs = res.trace.hs
    cs = res.trace.cs if cell == "lstm" else None
    ys = res.trace.ys
    # Steps whose gradient path runs unbroken to T: all of them, or those after the last cut.
    first = 1 if truncate is None else ((T - 1) // truncate) * truncate + 1
    for t in range(first, T + 1):
        for which in ("h", "c") if cell == "lstm" else ("h",):
            numeric = np.zeros_like(hs[t])
            for idx in np.ndindex(numeric.shape):
                vals = []
                for sign in (1, -1):
                    h, c = hs[t].copy(), None if cs is None else cs[t].copy()
                    if which == "h":
                        h[idx] += sign * eps
                    else:
                        c[idx] += sign * eps
                        # h_t = o_t tanh(c_t): the output gate of step t stays as it was.
                        o = res.trace.gate("o")[t - 1]
                        h = o * np.tanh(c)
                    vals.append(ref_loss_from(p, xs, targets, t, h, c, loss, reduction, ys))
                numeric[idx] = (vals[0] - vals[1]) / (2 * eps)
            # Perturbing h_t alone (c_t fixed) is ∂L/∂h_t; perturbing c_t moves h_t with it.
            analytic = res.dh[t - 1] if which == "h" else res.dc[t - 1]
            assert relative_error(analytic, numeric) < 1e-6, (t, which)
    # ∂L/∂h_0 (and ∂L/∂c_0) by differences of the engine's own loss in h0.
    if truncate is None:
        parts = list(h0) if cell == "lstm" else [h0]
        grads = [res.dh0, res.dc0] if cell == "lstm" else [res.dh0]
        for k, (part, grad) in enumerate(zip(parts, grads)):
            numeric = np.zeros_like(part)
            for idx in np.ndindex(part.shape):
                vals = []
                for sign in (1, -1):
                    bumped = [a.copy() for a in parts]
                    bumped[k][idx] += sign * eps
                    state = tuple(bumped) if cell == "lstm" else bumped[0]
                    vals.append(engine.loss_value(p, xs, targets, loss, reduction, h0=state))
                numeric[idx] = (vals[0] - vals[1]) / (2 * eps)
            assert relative_error(grad, numeric) < 1e-6
    if cell == "gru":
        assert res.dc is None and res.dc_norms is None
    else:
        np.testing.assert_allclose(res.dc_norms, np.sqrt((res.dc**2).sum(axis=(1, 2))))


# ---- diagnostics -----------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_jacobian_norms_match_finite_differences_of_the_reference_cell(cell):
    p, xs, _, h0 = problem(cell, "squared_error", seed=30, T=5, B=2)
    T, B = xs.shape[:2]
    H = p.hidden_size
    eps = 1e-6

    def run(state):
        """States after every step, (T+1, B, S): S = 2H for (h, c), H for h."""
        out = [np.concatenate(state, axis=1) if cell == "lstm" else state]
        h, c = (state[0], state[1]) if cell == "lstm" else (state, None)
        for t in range(T):
            if cell == "lstm":
                h, c = ref_lstm_step(p, xs[t], h, c)
                out.append(np.concatenate([h, c], axis=1))
            else:
                h = ref_gru_step(p, xs[t], h)
                out.append(h)
        return np.stack(out)

    base = np.concatenate(h0, axis=1) if cell == "lstm" else h0
    S = base.shape[1]
    J = np.zeros((T + 1, B, S, S))  # J[t, b] = ∂s_t/∂s_0 for sequence b
    for j in range(S):
        up, down = base.copy(), base.copy()
        up[:, j] += eps
        down[:, j] -= eps
        split = (lambda s: (s[:, :H], s[:, H:])) if cell == "lstm" else (lambda s: s)
        J[:, :, :, j] = (run(split(up)) - run(split(down))) / (2 * eps)
    blocks = {"h": (slice(0, H), slice(0, H))}
    if cell == "lstm":
        blocks["c"] = (slice(H, 2 * H), slice(H, 2 * H))
        blocks["state"] = (slice(0, 2 * H), slice(0, 2 * H))
    for block, (rows, cols) in blocks.items():
        got = diagnostics.jacobian_norms(p, xs, 0, h0, block=block)
        want = np.linalg.norm(J[:, :, rows, cols], ord=2, axis=(2, 3))
        np.testing.assert_allclose(got, want, rtol=1e-6)
    # From k = 2 on: the product of steps 3..T only.
    got = diagnostics.jacobian_norms(p, xs, 2, h0)
    assert got.shape == (T - 1, B) and np.allclose(got[0], 1.0)
    with pytest.raises(ValueError, match="block"):
        diagnostics.jacobian_norms(engine.init_rnn(2, 3, 1), xs, block="c")


def test_forget_gate_means_and_dc_norms():
    p, xs, targets, h0 = problem("lstm", "squared_error", seed=31, T=6)
    means = diagnostics.forget_gate_means(p, xs, h0)
    h, c = h0
    H = p.hidden_size
    for t in range(xs.shape[0]):
        a = xs[t] @ p.W_ih.T + p.b_ih + h @ p.W_hh.T + p.b_hh
        assert means[t] == pytest.approx(sigmoid(a[:, H : 2 * H]).mean(), rel=1e-13)
        h, c = ref_lstm_step(p, xs[t], h, c)
    res = engine.bptt(p, xs, targets, h0=h0)
    np.testing.assert_array_equal(diagnostics.dc_norms(p, xs, targets, h0=h0), res.dc_norms)
    np.testing.assert_array_equal(diagnostics.dh_norms(p, xs, targets, h0=h0), res.dh_norms)
    with pytest.raises(ValueError, match="LSTM"):
        diagnostics.dc_norms(engine.init_rnn(2, 3, 3, cell="gru"), xs, targets)


def ref_loss(p, xs, targets, h0, step_weights):
    """Sum-of-squares loss of the reference cell from h0, where step t runs with
    step_weights(t): anything with W_ih, W_hh, b_ih and b_hh (e.g. its own copy of W_hh)."""
    h, c = (h0[0], h0[1]) if isinstance(p, engine.LSTMParams) else (h0, None)
    total = 0.0
    for t in range(xs.shape[0]):
        q = step_weights(t)
        if c is not None:
            h, c = ref_lstm_step(q, xs[t], h, c)
        else:
            h = ref_gru_step(q, xs[t], h)
        total += ((h @ p.W_hy.T + p.b_y - targets[t]) ** 2).sum()
    return total


def unrolled(p, W_hh_at):
    """step_weights for `ref_loss`: p's weights with W_hh_at[t] (G·H, H) as step t's W_hh (the
    unrolled copies of W_hh made separate)."""
    return lambda t: SimpleNamespace(W_ih=p.W_ih, W_hh=W_hh_at[t], b_ih=p.b_ih, b_hh=p.b_hh)


@pytest.mark.parametrize("cell", CELLS)
def test_step_contributions_are_the_gradients_of_each_unrolled_copy_of_w_hh(cell):
    p, xs, targets, h0 = problem(cell, "squared_error", seed=32, T=4, H=2)
    got = diagnostics.step_contributions(p, xs, targets, reduction="sum", h0=h0)
    T = xs.shape[0]
    eps = 1e-6
    for t in range(T):
        grad = np.zeros_like(p.W_hh)
        for idx in np.ndindex(p.W_hh.shape):
            vals = []
            for sign in (1, -1):
                copies = [p.W_hh] * T
                bumped = p.W_hh.copy()
                bumped[idx] += sign * eps
                copies[t] = bumped
                vals.append(ref_loss(p, xs, targets, h0, unrolled(p, copies)))
            grad[idx] = (vals[0] - vals[1]) / (2 * eps)
        assert got[t] == pytest.approx(np.linalg.norm(grad), rel=1e-6)


@pytest.mark.parametrize("cell", CELLS)
def test_da_is_the_gradient_of_each_steps_gate_pre_activations(cell):
    """BPTTResult.da (T, B, G·H) in torch's row layout: da[t-1, b, j] = ∂L/∂(pre-activation j of
    step t in sequence b), by centred differences of a bump added there (the input side of the
    pre-activation; for the GRU's n that is W_in x + b_in, outside r ⊙ (·))."""
    p, xs, targets, h0 = problem(cell, "squared_error", seed=34, T=4, B=2, H=2)
    T, B = xs.shape[:2]
    res = engine.bptt(p, xs, targets, reduction="sum", h0=h0)
    G = 4 if cell == "lstm" else 3
    H = p.W_hh.shape[1]
    assert res.da.shape == (T, B, G * H)

    def loss_with(bump_t, bump):
        def step_weights(t):  # b_ih (B, G·H) at step bump_t: one bias per sequence
            b_ih = p.b_ih + (bump if t == bump_t else 0.0)
            return SimpleNamespace(W_ih=p.W_ih, W_hh=p.W_hh, b_ih=b_ih, b_hh=p.b_hh)

        return ref_loss(p, xs, targets, h0, step_weights)

    eps = 1e-6
    numeric = np.zeros((T, B, G * H))
    for t, b, j in np.ndindex(T, B, G * H):
        bump = np.zeros((B, G * H))
        bump[b, j] = eps
        numeric[t, b, j] = (loss_with(t, bump) - loss_with(t, -bump)) / (2 * eps)
    np.testing.assert_allclose(res.da, numeric, rtol=1e-6, atol=1e-9)
