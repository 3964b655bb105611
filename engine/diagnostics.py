"""Numbers that tell the vanishing/exploding story (FACTS §2) for the lab and the questions.

  dh_norms            ‖∂L/∂h_t‖ for every t (how much error reaches each step)
  step_contributions  ‖r_t h_{t-1}ᵀ‖, each step's share of ∂L/∂W_hh (the copies share weights)
  jacobian_norms      ‖∂h_t/∂h_k‖₂ = ‖Π_{i=k+1..t} diag(f'(a_i)) W_hh‖₂ for t = k..T
  spectral_radius, largest_singular_value of W_hh (λ₁ < 1/γ is sufficient for vanishing)
  recurrent_summary   both, with γ for the activation and the vanishing bound
The gradient check lives in `engine.gradcheck`.
"""

from __future__ import annotations

import numpy as np

from .init import largest_singular_value, spectral_radius
from .params import RNNParams
from .rnn import activation_derivative, bptt, forward

# γ = sup |f'|: tanh 1, sigmoid 1/4, relu 1 (FACTS §2).
DERIVATIVE_BOUND = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0}

__all__ = [
    "DERIVATIVE_BOUND",
    "dh_norms",
    "jacobian_norms",
    "largest_singular_value",
    "recurrent_summary",
    "spectral_radius",
    "step_contributions",
]


def dh_norms(
    p: RNNParams,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str = "squared_error",
    reduction: str = "mean",
    truncate: int | None = None,
    h0: np.ndarray | None = None,
    many_to_one: bool = False,
) -> np.ndarray:
    """‖∂L/∂h_t‖ (Frobenius over batch and units) for t = 1..T, shape (T,).

    Arguments as `loss_and_grads`. With many_to_one=True this is the classic picture: the error
    enters at T and shrinks (or grows) by roughly the same factor per step back.
    """
    return bptt(p, xs, targets, loss, reduction, truncate, h0, many_to_one).dh_norms


def step_contributions(
    p: RNNParams,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str = "squared_error",
    reduction: str = "mean",
    truncate: int | None = None,
    h0: np.ndarray | None = None,
    many_to_one: bool = False,
) -> np.ndarray:
    """‖Σ_b r_t h_{t-1}ᵀ‖_F for t = 1..T, shape (T,): the size of each step's term in
    ∂L/∂W_hh = Σ_t r_t h_{t-1}ᵀ (FACTS §1). Arguments as `loss_and_grads`. Far-back steps
    contributing little is what vanishing gradients look like from the weights' side."""
    res = bptt(p, xs, targets, loss, reduction, truncate, h0, many_to_one)
    per_step = np.einsum("tbi,tbj->tij", res.da, res.trace.hs[:-1])  # (T, H, H)
    return np.sqrt(np.einsum("tij,tij->t", per_step, per_step))


def jacobian_norms(
    p: RNNParams, xs: np.ndarray, k: int = 0, h0: np.ndarray | None = None, ord: int | str = 2
) -> np.ndarray:
    """‖∂h_t/∂h_k‖ for t = k, k+1, ..., T, for each sequence: shape (T-k+1, B).

    xs (T, B, D) (a single sequence (T, D) is taken as B = 1). h_0 is the initial state, h_t
    the state after step t, so k = 0 measures from the start. ∂h_k/∂h_k = I (norm 1 for the
    2-norm). ord is passed to np.linalg.norm: 2 (largest singular value) or "fro".
    """
    xs = np.asarray(xs, dtype=np.float64)
    if xs.ndim == 2:
        xs = xs[:, None, :]
    T, B = xs.shape[:2]
    if not 0 <= k <= T:
        raise ValueError(f"k must lie in [0, T] = [0, {T}], got {k}")
    trace = forward(p, xs, h0)
    fprime = activation_derivative(trace.hs[1:], p.activation)  # (T, B, H)
    H = p.hidden_size
    J = np.broadcast_to(np.eye(H), (B, H, H)).copy()  # ∂h_k/∂h_k, one per sequence
    out = np.empty((T - k + 1, B))
    out[0] = np.linalg.norm(J, ord=ord, axis=(1, 2))
    for t in range(k + 1, T + 1):
        # ∂h_t/∂h_k = diag(f'(a_t)) W_hh ∂h_{t-1}/∂h_k: scale the rows of W_hh J per sequence.
        J = fprime[t - 1][:, :, None] * (p.W_hh @ J)
        out[t - k] = np.linalg.norm(J, ord=ord, axis=(1, 2))
    return out


def recurrent_summary(p: RNNParams) -> dict[str, float | bool | str]:
    """W_hh at a glance: spectral radius, largest singular value λ₁, γ for the activation, and
    whether λ₁ < 1/γ (SUFFICIENT for vanishing gradients; λ₁ > 1/γ is only necessary for
    exploding, FACTS §2)."""
    gamma = DERIVATIVE_BOUND[p.activation]
    sigma = largest_singular_value(p.W_hh)
    return {
        "activation": p.activation,
        "spectral_radius": spectral_radius(p.W_hh),
        "largest_singular_value": sigma,
        "gamma": gamma,
        "vanishing_guaranteed": sigma < 1.0 / gamma,
    }
