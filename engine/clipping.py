"""Gradient clipping, a separate step after backward (FACTS §3, d2l `grad_clipping`); any cell.

`clip_grad_norm` and `clip_grad_value` follow torch.nn.utils.clip_grad_norm_ and
clip_grad_value_; `clip_grad_norm_per_array` is Keras' `clipnorm` (each weight on its own),
kept for questions that contrast the two rules.
"""

from __future__ import annotations

import math

import numpy as np

from .params import GatedParams, Params


def global_norm(grads: Params | GatedParams, norm_type: float = 2.0) -> float:
    """‖g‖ over every scalar of every array together; norm_type 2, any p ≥ 1, or inf (max |g|)."""
    arrays = grads.arrays()
    if norm_type == 2.0:
        return math.sqrt(sum(float(np.vdot(a, a)) for a in arrays))
    if math.isinf(norm_type):
        return max(float(np.abs(a).max(initial=0.0)) for a in arrays)
    if norm_type <= 0:
        raise ValueError(f"norm_type must be positive or inf, got {norm_type}")
    total = sum(float(np.sum(np.abs(a) ** norm_type)) for a in arrays)
    return total ** (1.0 / norm_type)


def clip_grad_norm(grads: Params, max_norm: float, norm_type: float = 2.0) -> tuple[Params, float]:
    """Scale all gradients together so their global norm is at most max_norm.

    PyTorch's rule: total = ‖all gradients‖, coef = max_norm / (total + 1e-6) clamped to ≤ 1,
    every array × coef. Returns (clipped grads, total norm BEFORE clipping). When nothing is
    clipped the same object comes back. A non-finite total gives non-finite gradients, as in
    PyTorch with error_if_nonfinite=False.
    """
    total = global_norm(grads, float(norm_type))
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        return grads.map(lambda a: a * coef), total
    if coef != coef:  # nan total: torch multiplies by nan
        return grads.map(lambda a: a * math.nan), total
    return grads, total


def clip_grad_value(grads: Params, clip_value: float) -> Params:
    """Clamp every element to [-clip_value, clip_value] (can change the direction, FACTS §3)."""
    c = float(clip_value)
    return grads.map(lambda a: np.clip(a, -c, c))


def clip_grad_norm_per_array(grads: Params, max_norm: float) -> Params:
    """Keras `clipnorm` (tf.clip_by_norm per weight): g ← g · max_norm / max(‖g‖, max_norm)."""

    def clip(a: np.ndarray) -> np.ndarray:
        n = float(np.sqrt(np.vdot(a, a)))
        return a * (max_norm / n) if n > max_norm else a

    return grads.map(clip)
