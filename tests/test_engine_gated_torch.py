"""LSTM and GRU against torch.nn.LSTM / torch.nn.GRU (+ the same read-out and loss), to 1e-10:
every loss × reduction × truncation × h0, many-to-one, and the per-step ∂L/∂h_t, ∂L/∂c_t."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import engine
from engine.gradcheck import relative_error

torch = pytest.importorskip("torch")

CELLS = ("lstm", "gru")
LOSSES = ("squared_error", "cross_entropy")
REDUCTIONS = ("mean", "sum")


def problem(cell, loss, seed, T=7, B=4, D=3, H=5, O=3, many_to_one=False):
    rng = np.random.default_rng(seed)
    p = engine.init_rnn(D, H, O, cell=cell, init="pytorch", seed=seed)
    xs = rng.normal(size=(T, B, D))
    lead = (B,) if many_to_one else (T, B)
    targets = (
        rng.normal(size=lead + (O,)) if loss == "squared_error" else rng.integers(0, O, size=lead)
    )
    h0 = rng.normal(0, 0.5, (B, H))
    if cell == "lstm":
        h0 = (h0, rng.normal(0, 0.5, (B, H)))
    return p, xs, targets, h0


def torch_module(p, one_step=False):
    """torch.nn.LSTM / nn.GRU (one_step: nn.LSTMCell / nn.GRUCell) holding p's weights, float64."""
    lstm = isinstance(p, engine.LSTMParams)
    if one_step:
        cls, suffix = (torch.nn.LSTMCell if lstm else torch.nn.GRUCell), ""
    else:
        cls, suffix = (torch.nn.LSTM if lstm else torch.nn.GRU), "_l0"
    m = cls(p.input_size, p.hidden_size, dtype=torch.float64)
    with torch.no_grad():
        pairs = (
            ("weight_ih", p.W_ih),
            ("weight_hh", p.W_hh),
            ("bias_ih", p.b_ih),
            ("bias_hh", p.b_hh),
        )
        for name, value in pairs:
            getattr(m, name + suffix).copy_(torch.tensor(value))
    return m


def torch_loss(y, targets, loss, reduction):
    F = torch.nn.functional
    if loss == "squared_error":
        return F.mse_loss(y, torch.tensor(targets), reduction=reduction)
    return F.cross_entropy(
        y.reshape(-1, y.shape[-1]), torch.tensor(targets).reshape(-1), reduction=reduction
    )


def torch_reference(p, xs, targets, loss, reduction, truncate, h0, many_to_one=False):
    """nn.LSTM/nn.GRU over chunks of `truncate` steps, the state detached between chunks (as
    PyTorch users write it), the read-out y = W_hy h + b_y, the loss, backward.
    Returns (loss, {name: grad})."""
    m = torch_module(p)
    W_hy = torch.tensor(p.W_hy, requires_grad=True)
    b_y = torch.tensor(p.b_y, requires_grad=True)
    x = torch.tensor(xs)
    if h0 is None:
        state = None
    elif isinstance(p, engine.LSTMParams):
        state = (torch.tensor(h0[0])[None], torch.tensor(h0[1])[None])
    else:
        state = torch.tensor(h0)[None]
    T = xs.shape[0]
    k = truncate or T
    outs = []
    for a in range(0, T, k):
        if a and isinstance(state, tuple):
            state = tuple(s.detach() for s in state)
        elif a:
            state = state.detach()
        out, state = m(x[a : a + k], state)
        outs.append(out)
    out = torch.cat(outs)
    y = (out[-1] if many_to_one else out) @ W_hy.T + b_y
    L = torch_loss(y, targets, loss, reduction)
    L.backward()
    grads = {
        "W_ih": m.weight_ih_l0.grad,
        "W_hh": m.weight_hh_l0.grad,
        "b_ih": m.bias_ih_l0.grad,
        "b_hh": m.bias_hh_l0.grad,
        "W_hy": W_hy.grad,
        "b_y": b_y.grad,
    }
    return L.item(), {n: g.numpy() for n, g in grads.items()}


@pytest.mark.parametrize(
    "cell,loss,reduction,truncate,with_h0",
    list(itertools.product(CELLS, LOSSES, REDUCTIONS, (None, 3), (False, True))),
)
def test_gradients_match_torch_nn(cell, loss, reduction, truncate, with_h0):
    p, xs, targets, h0 = problem(cell, loss, seed=7)
    if not with_h0:
        h0 = None
    value, grads = engine.loss_and_grads(p, xs, targets, loss, reduction, truncate, h0)
    L, want = torch_reference(p, xs, targets, loss, reduction, truncate, h0)
    assert value == pytest.approx(L, rel=1e-12)
    assert isinstance(grads, type(p))
    for name, g in grads.items():
        assert relative_error(g, want[name]) < 1e-10, name


@pytest.mark.parametrize("cell,loss", list(itertools.product(CELLS, LOSSES)))
def test_many_to_one_matches_torch_nn(cell, loss):
    p, xs, targets, h0 = problem(cell, loss, seed=8, T=9, many_to_one=True)
    value, grads = engine.loss_and_grads(p, xs, targets, loss, "mean", None, h0, many_to_one=True)
    L, want = torch_reference(p, xs, targets, loss, "mean", None, h0, many_to_one=True)
    assert value == pytest.approx(L, rel=1e-12)
    for name, g in grads.items():
        assert relative_error(g, want[name]) < 1e-10, name


def test_a_big_shape_matches_torch_nn():
    # B·H ≥ 256 and several backward blocks: the workspace path at benchmark-like sizes.
    for cell in CELLS:
        p, xs, targets, _ = problem(cell, "squared_error", seed=9, T=30, B=16, D=6, H=40, O=4)
        value, grads = engine.loss_and_grads(p, xs, targets)
        L, want = torch_reference(p, xs, targets, "squared_error", "mean", None, None)
        assert value == pytest.approx(L, rel=1e-12)
        for name, g in grads.items():
            assert relative_error(g, want[name]) < 1e-10, name


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("truncate", [None, 2])
def test_per_step_state_gradients_match_torch_cells(cell, truncate):
    """res.dh[t-1] = ∂L/∂h_t and res.dc[t-1] = ∂L/∂c_t: the .grad of h_t and c_t in a loop of
    torch.nn.LSTMCell / GRUCell (same weights), states detached every `truncate` steps."""
    p, xs, targets, h0 = problem(cell, "squared_error", seed=10, T=6)
    res = engine.bptt(p, xs, targets, "squared_error", "sum", truncate, h0)
    m = torch_module(p, one_step=True)
    W_hy, b_y = torch.tensor(p.W_hy), torch.tensor(p.b_y)
    if cell == "lstm":
        h = torch.tensor(h0[0], requires_grad=True)
        c = torch.tensor(h0[1], requires_grad=True)
        first = (h, c)
    else:
        h = torch.tensor(h0, requires_grad=True)
        c = None
        first = (h,)
    hs, cs, ys = [], [], []
    for t in range(xs.shape[0]):
        if truncate and t and t % truncate == 0:
            h = h.detach()
            c = c.detach() if c is not None else None
        x = torch.tensor(xs[t])
        if cell == "lstm":
            h, c = m(x, (h, c))
            c.retain_grad()
            cs.append(c)
        else:
            h = m(x, h)
        h.retain_grad()
        hs.append(h)
        ys.append(h @ W_hy.T + b_y)
    torch.nn.functional.mse_loss(torch.stack(ys), torch.tensor(targets), reduction="sum").backward()
    np.testing.assert_allclose(
        res.dh, np.stack([h.grad.numpy() for h in hs]), rtol=1e-10, atol=1e-14
    )
    np.testing.assert_allclose(res.dh0, first[0].grad.numpy(), rtol=1e-10, atol=1e-14)
    if cell == "lstm":
        np.testing.assert_allclose(
            res.dc, np.stack([c.grad.numpy() for c in cs]), rtol=1e-10, atol=1e-14
        )
        np.testing.assert_allclose(res.dc0, first[1].grad.numpy(), rtol=1e-10, atol=1e-14)
