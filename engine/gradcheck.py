"""Centred-difference gradient check (CS231n `gradient_check.py`), on the UNCLIPPED gradient.

    ∂L/∂θ_i ≈ (L(θ + ε e_i) - L(θ - ε e_i)) / 2ε

Truncated BPTT is not the gradient of the loss but of a surrogate in which the hidden state at
each chunk boundary is a constant. The check for truncate=k therefore differentiates that
surrogate: it runs each chunk from the boundary state of the UNPERTURBED network, which is
what `h.detach()` means, and compares with the analytic truncated gradient. Works for every
cell; an LSTM's boundary state is the pair (h, c), both held constant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import Params
from .rnn import State, _prepare, bptt, forward, sequence_loss


@dataclass(frozen=True, eq=False)
class GradCheck:
    """analytic and numeric gradients (the params' type); rel_errors {name: ‖a-n‖ / (‖a‖+‖n‖)} per
    array (0 when both are zero); max_rel_error over the arrays."""

    analytic: Params
    numeric: Params
    rel_errors: dict[str, float]

    @property
    def max_rel_error(self) -> float:
        return max(self.rel_errors.values())


def relative_error(a: np.ndarray, n: np.ndarray) -> float:
    """‖a - n‖ / (‖a‖ + ‖n‖), 0 when both vanish; norms over all elements."""
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)


def surrogate_loss(
    p: Params,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str,
    reduction: str,
    boundary_states: dict[int, State],
    h0: State,
    many_to_one: bool,
) -> float:
    """The loss with the state replaced by the constant boundary_states[i] (h (B, H), or the
    LSTM's pair (h, c)) before step index i (0-based) for every key i: chunks run one by one,
    forward only."""
    T = xs.shape[0]
    cuts = [0] + sorted(boundary_states) + [T]
    ys, h = [], h0
    for a, b in zip(cuts[:-1], cuts[1:]):
        if a in boundary_states:
            h = boundary_states[a]
        trace = forward(p, xs[a:b], h)
        ys.append(trace.ys)
        h = trace.state(b - a)
    Y = np.concatenate(ys)
    if many_to_one:
        Y = Y[-1:]
    return sequence_loss(Y, targets, loss, reduction)[0]


def grad_check(
    p: Params,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str = "squared_error",
    reduction: str = "mean",
    truncate: int | None = None,
    h0: State = None,
    many_to_one: bool = False,
    eps: float = 1e-6,
) -> GradCheck:
    """Compare `bptt`'s gradient with centred differences for every parameter (float64).

    xs (T, B, D), targets as in `loss_and_grads`. Costs 2·W forward passes: use small shapes.
    """
    xs, targets = _prepare(p, xs, targets, loss, reduction, truncate, many_to_one)
    analytic = bptt(p, xs, targets, loss, reduction, truncate, h0, many_to_one)
    T = xs.shape[0]
    boundaries: dict[int, State] = {}
    if truncate:
        trace = analytic.trace  # trace.state(i) is the state entering step index i
        boundaries = {i: _copy_state(trace.state(i)) for i in range(truncate, T, truncate)}

    def f(q: Params) -> float:
        return surrogate_loss(q, xs, targets, loss, reduction, boundaries, h0, many_to_one)

    theta = p.flat()
    numeric = np.zeros_like(theta)
    for j in range(theta.size):
        bumped = theta.copy()
        bumped[j] = theta[j] + eps
        plus = f(p.unflat(bumped))
        bumped[j] = theta[j] - eps
        minus = f(p.unflat(bumped))
        numeric[j] = (plus - minus) / (2.0 * eps)
    numeric_p = p.unflat(numeric)
    errors = {
        n: relative_error(a, b)
        for n, a, b in zip(p.NAMES, analytic.grads.arrays(), numeric_p.arrays())
    }
    return GradCheck(analytic.grads, numeric_p, errors)


def _copy_state(state):
    """A copy of h (B, H) or of the LSTM's pair (h, c), so later writes cannot change it."""
    if isinstance(state, tuple):
        return tuple(a.copy() for a in state)
    return state.copy()
