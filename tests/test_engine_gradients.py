"""BPTT gradients against two independent references: centred finite differences (always) and
torch.autograd on the same graph written in torch ops (when torch is installed)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import engine
from engine.gradcheck import relative_error

ACTS = ("tanh", "relu", "sigmoid")
LOSSES = ("squared_error", "cross_entropy")
REDUCTIONS = ("mean", "sum")
TRUNCATIONS = (None, 2)


def problem(activation, loss, seed, T=5, B=3, D=2, H=4, O=3, many_to_one=False):
    """Seeded random params (with nonzero biases), inputs, targets and h0."""
    rng = np.random.default_rng(seed)
    p = engine.RNNParams(
        rng.normal(0, 0.7, (H, D)),
        rng.normal(0, 0.6, (H, H)),
        rng.normal(0, 0.3, H),
        rng.normal(0, 0.7, (O, H)),
        rng.normal(0, 0.3, O),
        activation,
    )
    xs = rng.normal(size=(T, B, D))
    lead = (B,) if many_to_one else (T, B)
    targets = (
        rng.normal(size=lead + (O,)) if loss == "squared_error" else rng.integers(0, O, size=lead)
    )
    h0 = rng.normal(0, 0.5, (B, H))
    return p, xs, targets, h0


@pytest.mark.parametrize(
    "activation,loss,reduction,truncate",
    list(itertools.product(ACTS, LOSSES, REDUCTIONS, TRUNCATIONS)),
)
def test_gradients_match_centred_differences(activation, loss, reduction, truncate):
    # A seed per case that does not depend on PYTHONHASHSEED.
    seed = [ACTS.index(activation), LOSSES.index(loss), REDUCTIONS.index(reduction), truncate or 0]
    p, xs, targets, h0 = problem(activation, loss, seed)
    check = engine.grad_check(p, xs, targets, loss, reduction, truncate, h0)
    assert check.max_rel_error < 1e-6, check.rel_errors
    # Sanity of the check itself: the gradient is not trivially zero.
    assert check.analytic.norm() > 1e-3


@pytest.mark.parametrize("activation,loss", list(itertools.product(ACTS, LOSSES)))
def test_many_to_one_gradients_match_centred_differences(activation, loss):
    p, xs, targets, h0 = problem(activation, loss, seed=11, many_to_one=True)
    check = engine.grad_check(p, xs, targets, loss, "mean", None, h0, many_to_one=True)
    assert check.max_rel_error < 1e-6, check.rel_errors


def test_truncation_changes_the_gradient_but_not_the_loss():
    p, xs, targets, h0 = problem("tanh", "squared_error", seed=3, T=6)
    full_loss, full = engine.loss_and_grads(p, xs, targets, h0=h0)
    cut_loss, cut = engine.loss_and_grads(p, xs, targets, truncate=2, h0=h0)
    assert cut_loss == full_loss
    assert relative_error(cut.W_hh, full.W_hh) > 1e-3
    # W_hy and b_y see only the outputs, which truncation does not touch.
    np.testing.assert_allclose(cut.W_hy, full.W_hy, rtol=1e-13)
    # truncate ≥ T is no truncation at all.
    np.testing.assert_allclose(
        engine.loss_and_grads(p, xs, targets, truncate=6, h0=h0)[1].W_hh, full.W_hh, rtol=1e-13
    )


def test_dh_is_the_gradient_with_respect_to_each_hidden_state():
    # Perturbing h_t directly is not possible through the API, so check the identity
    # δ_t = W_hyᵀ g_t + W_hhᵀ (δ_{t+1} ⊙ f'(a_{t+1})) and ∂L/∂h_0 by finite differences on h0.
    p, xs, targets, h0 = problem("tanh", "squared_error", seed=5)
    res = engine.bptt(p, xs, targets, h0=h0)
    eps = 1e-6
    numeric = np.zeros_like(h0)
    for idx in np.ndindex(h0.shape):
        up, down = h0.copy(), h0.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (
            engine.loss_value(p, xs, targets, h0=up) - engine.loss_value(p, xs, targets, h0=down)
        ) / (2 * eps)
    assert relative_error(res.dh0, numeric) < 1e-6
    assert res.dh.shape == xs.shape[:2] + (p.hidden_size,)
    assert res.dh_norms.shape == (xs.shape[0],)


def test_bad_inputs_raise_value_errors():
    p, xs, targets, _ = problem("tanh", "squared_error", seed=1)
    with pytest.raises(ValueError, match="xs must have shape"):
        engine.loss_and_grads(p, xs[:, :, :1], targets)
    with pytest.raises(ValueError, match="targets must have shape"):
        engine.loss_and_grads(p, xs, targets[:-1])
    with pytest.raises(ValueError, match="reduction"):
        engine.loss_and_grads(p, xs, targets, reduction="avg")
    with pytest.raises(ValueError, match="unknown loss"):
        engine.loss_and_grads(p, xs, targets, loss="hinge")
    with pytest.raises(ValueError, match="truncate"):
        engine.loss_and_grads(p, xs, targets, truncate=0)
    with pytest.raises(ValueError, match="lie in"):
        engine.loss_and_grads(p, xs, np.full(xs.shape[:2], 7), loss="cross_entropy")
    with pytest.raises(ValueError, match="W_hh"):
        engine.RNNParams(p.W_xh, p.W_hh[:2], p.b_h, p.W_hy, p.b_y)
    with pytest.raises(ValueError, match="activation"):
        engine.RNNParams(p.W_xh, p.W_hh, p.b_h, p.W_hy, p.b_y, activation="gelu")


# ---- torch.autograd --------------------------------------------------------------------------


def torch_reference(p, xs, targets, loss, reduction, truncate, h0, many_to_one=False):
    """The same RNN in torch ops, h.detach() before steps k, 2k, ... Returns (loss, grads, dh)."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    W = {n: torch.tensor(a, requires_grad=True) for n, a in p.items()}
    f = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[p.activation]
    x = torch.tensor(xs)
    h = torch.tensor(h0)
    hs, ys = [], []
    for t in range(x.shape[0]):
        if truncate and t > 0 and t % truncate == 0:
            h = h.detach()
        h = f(x[t] @ W["W_xh"].T + h @ W["W_hh"].T + W["b_h"])
        h.retain_grad()
        hs.append(h)
        ys.append(h @ W["W_hy"].T + W["b_y"])
    y = ys[-1] if many_to_one else torch.stack(ys)
    if loss == "squared_error":
        L = F.mse_loss(y, torch.tensor(targets), reduction=reduction)
    else:
        L = F.cross_entropy(
            y.reshape(-1, y.shape[-1]), torch.tensor(targets).reshape(-1), reduction=reduction
        )
    L.backward()
    grads = {n: w.grad.numpy() for n, w in W.items()}
    dh = np.stack([h.grad.numpy() if h.grad is not None else np.zeros(h.shape) for h in hs])
    return L.item(), grads, dh


@pytest.mark.parametrize(
    "activation,loss,reduction,truncate",
    list(itertools.product(ACTS, LOSSES, REDUCTIONS, (None, 3))),
)
def test_gradients_match_torch_autograd(activation, loss, reduction, truncate):
    pytest.importorskip("torch")
    p, xs, targets, h0 = problem(activation, loss, seed=7, T=7, B=4, D=3, H=5, O=3)
    res = engine.bptt(p, xs, targets, loss, reduction, truncate, h0)
    L, grads, dh = torch_reference(p, xs, targets, loss, reduction, truncate, h0)
    assert res.loss == pytest.approx(L, rel=1e-12)
    for name, g in res.grads.items():
        assert relative_error(g, grads[name]) < 1e-10, name
    np.testing.assert_allclose(res.dh, dh, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("loss", LOSSES)
def test_many_to_one_matches_torch_autograd(loss):
    pytest.importorskip("torch")
    p, xs, targets, h0 = problem("tanh", loss, seed=8, T=6, many_to_one=True)
    res = engine.bptt(p, xs, targets, loss, "mean", None, h0, many_to_one=True)
    L, grads, dh = torch_reference(p, xs, targets, loss, "mean", None, h0, many_to_one=True)
    assert res.loss == pytest.approx(L, rel=1e-12)
    for name, g in res.grads.items():
        assert relative_error(g, grads[name]) < 1e-10, name
    np.testing.assert_allclose(res.dh, dh, rtol=1e-10, atol=1e-14)
