"""Losses on the read-out y, with PyTorch's semantics, returning the loss and ∂L/∂y together.

Both functions take the outputs flattened to rows, Y (N, O) with N = (number of steps with a
loss)·B, because a loss over time is a loss over all T·B rows at once: that is what
`torch.nn.functional.mse_loss` and `cross_entropy` compute for time-major outputs.
"""

from __future__ import annotations

import numpy as np

REDUCTIONS = ("mean", "sum")


def squared_error(
    Y: np.ndarray, D: np.ndarray, reduction: str = "mean"
) -> tuple[float, np.ndarray]:
    """Σ (y - d)² over every element, or its mean (== torch mse_loss).

    Y (N, O) outputs, D (N, O) targets. Returns (loss, dY (N, O)), dY = 2 (Y - D) [/ N·O].
    """
    diff = Y - D
    flat = diff.ravel()
    # A dot product is one BLAS call; for the mean this matches torch to ~1e-16 relative.
    loss = float(flat @ flat)
    if reduction == "mean":
        n = flat.size
        loss /= n
        diff *= 2.0 / n
    else:
        diff *= 2.0
    return loss, diff


def cross_entropy(
    Y: np.ndarray, targets: np.ndarray, reduction: str = "mean"
) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy over rows (== torch cross_entropy on (N, O) logits, (N,) classes).

    Y (N, O) logits, targets (N,) integer class indices in [0, O). Returns (loss, dY (N, O)),
    dY = softmax(Y) - onehot(targets) [/ N] (FACTS §1).
    """
    n = Y.shape[0]
    rows = np.arange(n)
    # Subtract the row maximum so exp never overflows; log-sum-exp is unchanged by the shift.
    z = Y - Y.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = float(np.log(s).sum() - z[rows, targets].sum())
    e /= s
    e[rows, targets] -= 1.0
    if reduction == "mean":
        loss /= n
        e *= 1.0 / n
    return loss, e


LOSSES = {"squared_error": squared_error, "cross_entropy": cross_entropy}


def check_targets(loss: str, targets: np.ndarray, lead: tuple[int, ...], O: int) -> np.ndarray:
    """Validate targets for `loss` given the leading shape `lead` ((T, B) or (B,)); cheap.

    squared_error wants lead + (O,) floats; cross_entropy wants integer classes shaped `lead`.
    Returns the targets as an array of the right dtype.
    """
    if loss == "squared_error":
        targets = np.asarray(targets, dtype=np.float64)
        if targets.shape != lead + (O,):
            raise ValueError(
                f"squared_error targets must have shape {lead + (O,)}, got {targets.shape}"
            )
        return targets
    if loss == "cross_entropy":
        targets = np.asarray(targets)
        if targets.shape != lead:
            raise ValueError(
                f"cross_entropy targets must have shape {lead} (class indices), got {targets.shape}"
            )
        if targets.dtype.kind not in "iu":
            if targets.size and not np.all(targets == np.round(targets)):
                raise ValueError("cross_entropy targets must be integer class indices")
            targets = targets.astype(np.intp)
        if targets.size and (targets.min() < 0 or targets.max() >= O):
            raise ValueError(f"cross_entropy targets must lie in [0, {O}) (O = output size)")
        return targets
    raise ValueError(f"unknown loss {loss!r}; expected 'squared_error' or 'cross_entropy'")
