"""Numbers that tell the vanishing/exploding story (FACTS §2) for the lab and the questions.

  dh_norms            ‖∂L/∂h_t‖ for every t (how much error reaches each step)
  dc_norms            ‖∂L/∂c_t‖ for every t (LSTM: the gradient on the cell-state path)
  forget_gate_means   mean forget-gate activation per step (LSTM)
  step_contributions  ‖r_t h_{t-1}ᵀ‖, each step's share of ∂L/∂W_hh (the copies share weights)
  jacobian_norms      ‖∂h_t/∂h_k‖₂ = ‖Π_{i=k+1..t} diag(f'(a_i)) W_hh‖₂ for t = k..T; for gated
                      cells the product of their step Jacobians (LSTM: of h, of c, or of (h, c))
  spectral_radius, largest_singular_value of W_hh (λ₁ < 1/γ is sufficient for vanishing)
  recurrent_summary   both, with γ for the activation and the vanishing bound
All but the last two take any cell's params. The gradient check lives in `engine.gradcheck`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from . import gru, lstm
from .init import largest_singular_value, spectral_radius
from .params import GRUParams, LSTMParams, Params, RNNParams
from .rnn import State, activation_derivative, bptt, forward

# γ = sup |f'|: tanh 1, sigmoid 1/4, relu 1 (FACTS §2).
DERIVATIVE_BOUND = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0}

__all__ = [
    "DERIVATIVE_BOUND",
    "dc_norms",
    "dh_norms",
    "forget_gate_means",
    "jacobian_norms",
    "largest_singular_value",
    "recurrent_summary",
    "spectral_radius",
    "step_contributions",
]


def dh_norms(
    p: Params,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str = "squared_error",
    reduction: str = "mean",
    truncate: int | None = None,
    h0: State = None,
    many_to_one: bool = False,
) -> np.ndarray:
    """‖∂L/∂h_t‖ (Frobenius over batch and units) for t = 1..T, shape (T,).

    Arguments as `loss_and_grads`. With many_to_one=True this is the classic picture: the error
    enters at T and shrinks (or grows) by roughly the same factor per step back.
    """
    return bptt(p, xs, targets, loss, reduction, truncate, h0, many_to_one).dh_norms


def dc_norms(
    p: LSTMParams,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str = "squared_error",
    reduction: str = "mean",
    truncate: int | None = None,
    h0: State = None,
    many_to_one: bool = False,
) -> np.ndarray:
    """‖∂L/∂c_t‖ (Frobenius over batch and units) for t = 1..T, shape (T,), for an LSTM.

    Arguments as `loss_and_grads` (h0 a pair (h0, c0) or None). ∂L/∂c_t is the total gradient
    reaching c_t: through h_t and through c_{t+1} = f ⊙ c_t + ..., the path whose per-step
    factor is the forget gate, so with f ≈ 1 it carries error back without decay.
    """
    if not isinstance(p, LSTMParams):
        raise ValueError("dc_norms needs LSTMParams: only the LSTM has a cell state")
    norms = bptt(p, xs, targets, loss, reduction, truncate, h0, many_to_one).dc_norms
    assert norms is not None
    return norms


def forget_gate_means(p: LSTMParams, xs: np.ndarray, h0: State = None) -> np.ndarray:
    """The mean forget-gate activation f_t over batch and units, for t = 1..T: shape (T,).

    xs (T, B, D) (a single sequence (T, D) is taken as B = 1); h0 None or (h0, c0). Values near
    1 keep the cell state (and its gradient); near 0 they reset it.
    """
    if not isinstance(p, LSTMParams):
        raise ValueError("forget_gate_means needs LSTMParams: only the LSTM has a forget gate")
    xs = np.asarray(xs, dtype=np.float64)
    if xs.ndim == 2:
        xs = xs[:, None, :]
    trace = lstm.forward(p, xs, h0)
    return trace.gate("f").mean(axis=(1, 2))


def step_contributions(
    p: Params,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str = "squared_error",
    reduction: str = "mean",
    truncate: int | None = None,
    h0: State = None,
    many_to_one: bool = False,
) -> np.ndarray:
    """‖Σ_b r_t h_{t-1}ᵀ‖_F for t = 1..T, shape (T,): the size of each step's term in
    ∂L/∂W_hh = Σ_t r_t h_{t-1}ᵀ (FACTS §1). Arguments as `loss_and_grads`. Far-back steps
    contributing little is what vanishing gradients look like from the weights' side."""
    res = bptt(p, xs, targets, loss, reduction, truncate, h0, many_to_one)
    da = res.da  # (T, B, G·H): what multiplies h_{t-1}ᵀ in ∂L/∂W_hh (G = 1 for the RNN)
    if isinstance(p, GRUParams):
        # The GRU's W_hn sits inside r ⊙ (W_hn h + b_hn): its rows see r ⊙ ∂L/∂n̂, not ∂L/∂n̂.
        H = p.hidden_size
        trace = res.trace
        assert isinstance(trace, gru.GRUTrace)
        da = da.copy()
        da[:, :, 2 * H :] *= trace.gate("r")
    per_step = np.einsum("tbi,tbj->tij", da, res.trace.hs[:-1])  # (T, G·H, H)
    return np.sqrt(np.einsum("tij,tij->t", per_step, per_step))


def jacobian_norms(
    p: Params,
    xs: np.ndarray,
    k: int = 0,
    h0: State = None,
    ord: float | Literal["fro", "nuc"] = 2,
    block: str = "h",
) -> np.ndarray:
    """‖∂h_t/∂h_k‖ for t = k, k+1, ..., T, for each sequence: shape (T-k+1, B).

    xs (T, B, D) (a single sequence (T, D) is taken as B = 1). h_0 is the initial state, h_t
    the state after step t, so k = 0 measures from the start. ∂h_k/∂h_k = I (norm 1 for the
    2-norm). ord is passed to np.linalg.norm: 2 (largest singular value) or "fro".

    Gated cells multiply their step Jacobians (`lstm.step_jacobian`, `gru.step_jacobian`). An
    LSTM's state is (h, c), so ∂h_t/∂h_k holds c_k fixed; block="c" gives ∂c_t/∂c_k (h_k
    fixed) and block="state" the whole ∂(h_t, c_t)/∂(h_k, c_k) (2H, 2H). block is "h" for the
    other cells.
    """
    xs = np.asarray(xs, dtype=np.float64)
    if xs.ndim == 2:
        xs = xs[:, None, :]
    T, B = xs.shape[:2]
    if not 0 <= k <= T:
        raise ValueError(f"k must lie in [0, T] = [0, {T}], got {k}")
    if block not in ("h", "c", "state") or (block != "h" and not isinstance(p, LSTMParams)):
        raise ValueError(f"block must be 'h' (any cell), 'c' or 'state' (LSTM), got {block!r}")
    if not isinstance(p, RNNParams):
        return _gated_jacobian_norms(p, xs, k, h0, ord, block)
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


def _gated_jacobian_norms(
    p: LSTMParams | GRUParams,
    xs: np.ndarray,
    k: int,
    h0: State,
    ord: float | Literal["fro", "nuc"],
    block: str,
) -> np.ndarray:
    """`jacobian_norms` for LSTM and GRU: xs (T, B, D); returns (T-k+1, B)."""
    T, B = xs.shape[:2]
    H = p.hidden_size
    module = lstm if isinstance(p, LSTMParams) else gru
    trace = module.forward(p, xs, h0)
    n = 2 * H if isinstance(p, LSTMParams) else H
    rows = {"h": slice(0, H), "c": slice(H, 2 * H), "state": slice(0, n)}[block]
    J = np.broadcast_to(np.eye(n), (B, n, n)).copy()  # ∂s_k/∂s_k, one per sequence
    out = np.empty((T - k + 1, B))
    out[0] = np.linalg.norm(J[:, rows, rows], ord=ord, axis=(1, 2))
    for t in range(k + 1, T + 1):
        J = (
            module.step_jacobian(p, trace, t) @ J
        )  # chain rule: ∂s_t/∂s_k = ∂s_t/∂s_{t-1} ∂s_{t-1}/∂s_k
        out[t - k] = np.linalg.norm(J[:, rows, rows], ord=ord, axis=(1, 2))
    return out
