"""Centred-difference gradient check (CS231n `gradient_check.py`), on the UNCLIPPED gradient.

    ∂L/∂θ_i ≈ (L(θ + ε e_i) - L(θ - ε e_i)) / 2ε

Truncated BPTT is not the gradient of the loss but of a surrogate in which the hidden state at
each chunk boundary is a constant. The check for truncate=k therefore differentiates that
surrogate: it runs each chunk from the boundary state of the UNPERTURBED network, which is
what `h.detach()` means, and compares with the analytic truncated gradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import NAMES, RNNParams
from .rnn import _prepare, bptt, forward, sequence_loss


@dataclass(frozen=True, eq=False)
class GradCheck:
    """analytic and numeric gradients (RNNParams); rel_errors {name: ‖a-n‖ / (‖a‖+‖n‖)} per
    array (0 when both are zero); max_rel_error over the arrays."""

    analytic: RNNParams
    numeric: RNNParams
    rel_errors: dict[str, float]

    @property
    def max_rel_error(self) -> float:
        return max(self.rel_errors.values())


def relative_error(a: np.ndarray, n: np.ndarray) -> float:
    """‖a - n‖ / (‖a‖ + ‖n‖), 0 when both vanish; norms over all elements."""
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)


def surrogate_loss(
    p: RNNParams,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str,
    reduction: str,
    boundary_states: dict[int, np.ndarray],
    h0: np.ndarray | None,
    many_to_one: bool,
) -> float:
    """The loss with the hidden state replaced by the constant boundary_states[i] (B, H) before
    step index i (0-based) for every key i: chunks run one by one, forward only."""
    T = xs.shape[0]
    cuts = [0] + sorted(boundary_states) + [T]
    ys, h = [], h0
    for a, b in zip(cuts[:-1], cuts[1:]):
        if a in boundary_states:
            h = boundary_states[a]
        trace = forward(p, xs[a:b], h)
        ys.append(trace.ys)
        h = trace.hs[-1]
    Y = np.concatenate(ys)
    if many_to_one:
        Y = Y[-1:]
    return sequence_loss(Y, targets, loss, reduction)[0]


def grad_check(
    p: RNNParams,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str = "squared_error",
    reduction: str = "mean",
    truncate: int | None = None,
    h0: np.ndarray | None = None,
    many_to_one: bool = False,
    eps: float = 1e-6,
) -> GradCheck:
    """Compare `bptt`'s gradient with centred differences for every parameter (float64).

    xs (T, B, D), targets as in `loss_and_grads`. Costs 2·W forward passes: use small shapes.
    """
    xs, targets = _prepare(p, xs, targets, loss, reduction, truncate, many_to_one)
    analytic = bptt(p, xs, targets, loss, reduction, truncate, h0, many_to_one)
    T = xs.shape[0]
    boundaries: dict[int, np.ndarray] = {}
    if truncate:
        hs = analytic.trace.hs  # hs[i] is the state entering step index i
        boundaries = {i: hs[i].copy() for i in range(truncate, T, truncate)}

    def f(q: RNNParams) -> float:
        return surrogate_loss(q, xs, targets, loss, reduction, boundaries, h0, many_to_one)

    numeric = []
    for name in NAMES:
        base = getattr(p, name)
        grad = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            arrays = {n: getattr(p, n) for n in NAMES}
            bumped = base.copy()
            bumped[idx] = base[idx] + eps
            arrays[name] = bumped
            plus = f(RNNParams._unchecked(**arrays, activation=p.activation))
            bumped[idx] = base[idx] - eps
            minus = f(RNNParams._unchecked(**arrays, activation=p.activation))
            grad[idx] = (plus - minus) / (2.0 * eps)
        numeric.append(grad)
    numeric_p = RNNParams._unchecked(*numeric, p.activation)
    errors = {n: relative_error(a, b) for n, a, b in zip(NAMES, analytic.grads.arrays(), numeric)}
    return GradCheck(analytic.grads, numeric_p, errors)
