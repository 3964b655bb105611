"""The engine's smaller pieces: params, initialisers, toy tasks, diagnostics, the fast paths."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import engine
from engine import diagnostics, rnn, tasks

# ---- RNNParams -------------------------------------------------------------------------------


def test_params_shapes_flat_and_arithmetic():
    p = engine.init_rnn(3, 4, 2, seed=0)
    assert (p.input_size, p.hidden_size, p.output_size) == (3, 4, 2)
    assert p.size == 4 * 3 + 4 * 4 + 4 + 2 * 4 + 2 == p.flat().size
    assert p.unflat(p.flat()).allclose(p, rtol=0)
    q = p - 0.5 * p
    np.testing.assert_array_equal(q.W_hh, 0.5 * p.W_hh)
    np.testing.assert_array_equal((p + p).b_y, 2 * p.b_y)
    np.testing.assert_array_equal((p / 2).W_xh, p.W_xh / 2)
    assert p.norm() == pytest.approx(np.linalg.norm(p.flat()))
    assert p.norm(np.inf) == np.abs(p.flat()).max()
    with pytest.raises(AttributeError):
        p.W_hh = p.W_hh  # frozen
    # Lists are accepted and become float64 arrays.
    r = engine.RNNParams([[1]], [[0.5]], [0], [[2]], [0])
    assert r.W_hh.dtype == np.float64 and r.hidden_size == 1


def test_import_engine_stays_light():
    code = (
        "import sys, engine; bad = [m for m in ('studyrnn', 'textual', 'sqlalchemy', 'pydantic', 'torch')"
        " if m in sys.modules]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# ---- initialisers ----------------------------------------------------------------------------


@pytest.mark.parametrize("init", ["normal", "xavier", "orthogonal", "identity"])
def test_init_schemes(init):
    p = engine.init_rnn(3, 6, 2, init=init, seed=4)
    assert p.W_xh.shape == (6, 3) and p.W_hh.shape == (6, 6) and p.W_hy.shape == (2, 6)
    assert not p.b_h.any() and not p.b_y.any()
    if init == "orthogonal":
        np.testing.assert_allclose(p.W_hh @ p.W_hh.T, np.eye(6), atol=1e-12)
    if init == "identity":
        np.testing.assert_array_equal(p.W_hh, np.eye(6))
    if init == "xavier":
        assert np.abs(p.W_hh).max() <= np.sqrt(6 / 12)
    assert engine.init_rnn(3, 6, 2, init=init, seed=4).allclose(p, rtol=0)
    assert not engine.init_rnn(3, 6, 2, init=init, seed=5).allclose(p, rtol=0) or init == "identity"


def test_recurrent_targets():
    p = engine.init_rnn(2, 8, 1, seed=1, spectral_radius=0.9)
    assert engine.spectral_radius(p.W_hh) == pytest.approx(0.9)
    q = engine.init_rnn(2, 8, 1, seed=1, max_singular_value=2.5)
    assert engine.largest_singular_value(q.W_hh) == pytest.approx(2.5)
    np.testing.assert_allclose(np.linalg.svd(q.W_hh, compute_uv=False)[0], 2.5)
    r = engine.rescale_recurrent(p, max_singular_value=1.0)
    assert r.W_xh is p.W_xh and engine.largest_singular_value(r.W_hh) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        engine.init_rnn(2, 8, 1, spectral_radius=1.0, max_singular_value=1.0)
    with pytest.raises(ValueError, match="unknown init"):
        engine.init_rnn(2, 8, 1, init="he")


# ---- tasks -----------------------------------------------------------------------------------


def test_adding_problem():
    b = tasks.adding_problem(seq_len=12, batch_size=5, seed=3)
    assert b.xs.shape == (12, 5, 2) and b.targets.shape == (5, 1)
    assert b.loss == "squared_error" and b.many_to_one
    markers = b.xs[:, :, 1]
    assert np.all(markers.sum(axis=0) == 2)
    assert np.all(markers[:6].sum(axis=0) == 1)  # one in each half
    np.testing.assert_allclose(b.targets[:, 0], (b.xs[:, :, 0] * markers).sum(axis=0))
    np.testing.assert_array_equal(tasks.adding_problem(12, 5, seed=3).xs, b.xs)
    # The batch fits the engine as it comes.
    p = engine.init_rnn(b.input_size, 4, b.output_size)
    engine.loss_and_grads(p, b.xs, b.targets, **b.loss_kwargs())


def test_copy_task():
    b = tasks.copy_task(length=3, delay=4, n_symbols=5, batch_size=2, seed=1)
    T = 2 * 3 + 4
    assert b.xs.shape == (T, 2, 7) and b.targets.shape == (T, 2)
    assert np.all(b.xs.sum(axis=2) == 1)  # one-hot
    shown = b.xs[:3].argmax(axis=2)
    np.testing.assert_array_equal(b.targets[-3:], shown)
    assert np.all(b.targets[:-3] == 5)  # blank while waiting
    assert np.all(b.xs[3 + 4 - 1, :, 6] == 1)  # the go marker closes the delay
    p = engine.init_rnn(b.input_size, 4, b.output_size)
    engine.loss_and_grads(p, b.xs, b.targets, **b.loss_kwargs())


def test_sine_prediction():
    b = tasks.sine_prediction(seq_len=10, batch_size=3, seed=2)
    assert b.xs.shape == (10, 3, 1) == b.targets.shape
    np.testing.assert_array_equal(b.xs[1:], b.targets[:-1])  # the target is the next input
    assert not b.many_to_one
    draw = tasks.sampler("sine", seq_len=10, batch_size=3)
    np.testing.assert_array_equal(draw(np.random.default_rng(2)).xs, b.xs)
    with pytest.raises(ValueError, match="unknown task"):
        tasks.sampler("parity")


# ---- diagnostics -----------------------------------------------------------------------------


def test_jacobian_norms_match_finite_differences():
    rng = np.random.default_rng(0)
    p = engine.init_rnn(2, 5, 1, init="normal", scale=0.6, seed=2)
    xs = rng.normal(size=(6, 1, 2))
    k = 2
    norms = diagnostics.jacobian_norms(p, xs, k=k)
    assert norms.shape == (6 - k + 1, 1) and norms[0, 0] == pytest.approx(1.0)
    hk = rnn.forward(p, xs[:k]).hs[-1]
    eps = 1e-6
    J = np.zeros((5, 5))
    for j in range(5):
        up, down = hk.copy(), hk.copy()
        up[0, j] += eps
        down[0, j] -= eps
        J[:, j] = (
            rnn.forward(p, xs[k:], up).hs[-1][0] - rnn.forward(p, xs[k:], down).hs[-1][0]
        ) / (2 * eps)
    assert norms[-1, 0] == pytest.approx(np.linalg.norm(J, 2), rel=1e-7)


def test_recurrent_summary_uses_the_sufficient_condition():
    s = diagnostics.recurrent_summary(
        engine.init_rnn(1, 6, 1, activation="sigmoid", max_singular_value=3.0)
    )
    assert s["gamma"] == 0.25 and s["vanishing_guaranteed"]  # 3 < 1/γ = 4
    s = diagnostics.recurrent_summary(engine.init_rnn(1, 6, 1, max_singular_value=1.5))
    assert s["largest_singular_value"] == pytest.approx(1.5) and not s["vanishing_guaranteed"]
    assert s["spectral_radius"] <= s["largest_singular_value"] + 1e-12


# ---- the large-block paths of forward --------------------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_forward_matches_the_textbook_loop_for_large_blocks(activation):
    rng = np.random.default_rng(1)
    T, B, D, H = 8, 16, 3, 20
    assert B * H >= rnn._EXP_TANH_MIN_BLOCK  # exercises the exp formulas
    p = engine.init_rnn(D, H, 2, activation=activation, init="normal", scale=0.4, seed=3)
    p = engine.RNNParams(p.W_xh, p.W_hh, rng.normal(size=H), p.W_hy, p.b_y, activation)
    xs = rng.normal(size=(T, B, D)) * 4
    xs[3, 0] = 400.0  # saturating inputs must give ±1 / 0, not nan
    f = {
        "tanh": np.tanh,
        "sigmoid": lambda a: 0.5 * (1 + np.tanh(a / 2)),
        "relu": lambda a: np.maximum(a, 0),
    }
    h, ref = np.zeros((B, H)), []
    for t in range(T):
        h = f[activation](xs[t] @ p.W_xh.T + h @ p.W_hh.T + p.b_h)
        ref.append(h)
    got = rnn.forward(p, xs).h
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, np.array(ref), rtol=1e-12, atol=1e-14)


def test_large_block_gradients_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    T, B, D, H, O = 6, 16, 3, 16, 4
    p = engine.init_rnn(D, H, O, seed=1)
    xs, targets = rng.normal(size=(T, B, D)), rng.normal(size=(T, B, O))
    W = [torch.tensor(a, requires_grad=True) for a in p.arrays()]
    h = torch.zeros(B, H, dtype=torch.float64)
    ys = []
    for t in range(T):
        h = torch.tanh(torch.tensor(xs[t]) @ W[0].T + h @ W[1].T + W[2])
        ys.append(h @ W[3].T + W[4])
    torch.nn.functional.mse_loss(torch.stack(ys), torch.tensor(targets)).backward()
    _, grads = engine.loss_and_grads(p, xs, targets)
    for g, w in zip(grads.arrays(), W):
        np.testing.assert_allclose(g, w.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_step_contributions_sum_to_the_recurrent_gradient():
    rng = np.random.default_rng(4)
    p = engine.init_rnn(2, 3, 1, init="normal", scale=0.5, seed=1)
    xs, targets = rng.normal(size=(5, 2, 2)), rng.normal(size=(5, 2, 1))
    res = engine.bptt(p, xs, targets)
    terms = [sum(np.outer(res.da[t, b], res.trace.hs[t, b]) for b in range(2)) for t in range(5)]
    np.testing.assert_allclose(sum(terms), res.grads.W_hh, rtol=1e-12)
    np.testing.assert_allclose(
        diagnostics.step_contributions(p, xs, targets),
        [np.linalg.norm(m) for m in terms],
        rtol=1e-12,
    )
