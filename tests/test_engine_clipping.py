"""Clipping: the worked example of FACTS §3 by hand, and PyTorch's clip_grad_norm_ /
clip_grad_value_ when torch is installed."""

from __future__ import annotations

import math

import numpy as np
import pytest

import engine


def worked_example() -> engine.RNNParams:
    """g₁ = [3, 4] laid out as W_xh (1, 2), g₂ = [12] as W_hh (1, 1) (H = 1); W_hy and b_y are
    empty (O = 0) so they add nothing to the norm."""
    return engine.RNNParams(
        np.array([[3.0, 4.0]]), np.array([[12.0]]), np.zeros(1), np.zeros((0, 1)), np.zeros(0)
    )


def test_global_norm_clip_reproduces_the_worked_example():
    g = worked_example()
    clipped, total = engine.clip_grad_norm(g, 1.0)
    assert total == 13.0
    np.testing.assert_allclose(clipped.W_xh, [[3 / 13, 4 / 13]], rtol=1e-6)
    np.testing.assert_allclose(clipped.W_hh, [[12 / 13]], rtol=1e-6)
    np.testing.assert_allclose(np.round(clipped.W_xh, 4), [[0.2308, 0.3077]])
    np.testing.assert_allclose(np.round(clipped.W_hh, 4), [[0.9231]])
    # The rule's 1e-6 makes the clipped norm a hair under max_norm.
    assert clipped.norm() == pytest.approx(13 / (13 + 1e-6), rel=1e-12)
    # Clipping is a new object; the gradient handed in is untouched.
    assert g.W_hh[0, 0] == 12.0


def test_no_change_below_the_threshold():
    g = worked_example()
    clipped, total = engine.clip_grad_norm(g, 20.0)
    assert total == 13.0
    assert clipped is g


def test_value_clip_and_per_array_clip():
    g = worked_example()
    v = engine.clip_grad_value(g, 0.5)
    np.testing.assert_array_equal(v.W_xh, [[0.5, 0.5]])
    np.testing.assert_array_equal(v.W_hh, [[0.5]])
    k = engine.clip_grad_norm_per_array(g, 1.0)  # Keras clipnorm, FACTS §3
    np.testing.assert_allclose(k.W_xh, [[0.6, 0.8]])
    np.testing.assert_allclose(k.W_hh, [[1.0]])


def test_inf_norm_and_p_norm():
    g = worked_example()
    clipped, total = engine.clip_grad_norm(g, 6.0, norm_type=math.inf)
    assert total == 12.0
    np.testing.assert_allclose(clipped.W_hh, [[12 * 6 / (12 + 1e-6)]])
    _, total1 = engine.clip_grad_norm(g, 100.0, norm_type=1)
    assert total1 == pytest.approx(19.0)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.1, 1.0, 1e3])
def test_matches_torch(norm_type, max_norm):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(int(max_norm * 10) + int(min(norm_type, 9)))
    g = engine.init_rnn(3, 4, 2, seed=1).map(lambda a: rng.normal(size=a.shape))
    tensors = [torch.zeros(a.shape, dtype=torch.float64, requires_grad=True) for a in g.arrays()]
    for t, a in zip(tensors, g.arrays()):
        t.grad = torch.tensor(a)
    total_t = torch.nn.utils.clip_grad_norm_(tensors, max_norm, norm_type=norm_type)
    clipped, total = engine.clip_grad_norm(g, max_norm, norm_type=norm_type)
    assert total == pytest.approx(total_t.item(), rel=1e-12)
    for t, a in zip(tensors, clipped.arrays()):
        np.testing.assert_allclose(a, t.grad.numpy(), rtol=1e-12)
    for t, a in zip(tensors, g.arrays()):
        t.grad = torch.tensor(a)
    torch.nn.utils.clip_grad_value_(tensors, 0.3)
    for t, a in zip(tensors, engine.clip_grad_value(g, 0.3).arrays()):
        np.testing.assert_array_equal(a, t.grad.numpy())
