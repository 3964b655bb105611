"""The gate-major layout the gated cells (engine.lstm, engine.gru) share.

torch stacks a gated cell's G gates along the rows of every weight: W_ih (G·H, D), W_hh (G·H, H),
b_ih and b_hh (G·H,). Viewed as (G, H, ·) stacks these are the gates one after the other, and
the cells keep every per-gate array the same way, gate first: pre-activations, gate values and
their gradients are (G, T, B, H), so each gate of each step is one contiguous (B, H) block.

Why: a step's work is a dozen element-wise NumPy calls per gate, and on contiguous blocks each
runs 2-4× faster than on the strided column slices of a (T, B, G·H) array, whose rows interleave
the gates. The products stay fused: the gate axis is a batch axis of one `np.matmul` (the input
projection over all T·B rows, the per-step recurrent product), and each weight gradient is one
product per gate over all T·B rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .workspace import Workspace, empty


def project_inputs(
    xs: np.ndarray, W_ih: np.ndarray, bias: np.ndarray, scale: np.ndarray, ws: Workspace | None
) -> np.ndarray:
    """A (G, T, B, H) = scale ⊙ (W_ih x_t + bias) for every step, gate-major.

    xs (T, B, D); W_ih (G·H, D); bias (G·H,); scale (G, 1, 1), a per-gate factor folded into the
    weights (the cells use -1 and -2, exact in floating point, to turn σ and tanh into one exp).
    """
    T, B, D = xs.shape
    G = scale.shape[0]
    H = W_ih.shape[0] // G
    A = empty(ws, "A", (G, T, B, H))
    A3 = A.reshape(G, T * B, H)
    W = np.multiply(W_ih.reshape(G, H, D), scale).transpose(0, 2, 1)  # (G, D, H)
    np.matmul(xs.reshape(T * B, D), W, out=A3)
    A3 += bias.reshape(G, 1, H) * scale
    return A


def recurrent_weights(W_hh: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """(G, H, H) with h @ out[k] = scale_k · W_hk h for a batch of states h (B, H): the per-step
    product `np.matmul(h, out, out=rec)` gives rec (G, B, H), every gate at once. C-ordered: the
    per-step product is faster than with a transposed view."""
    G = scale.shape[0]
    H = W_hh.shape[1]
    return np.multiply(W_hh.reshape(G, H, H), scale).transpose(0, 2, 1).copy()


def stacked(W: np.ndarray, G: int) -> np.ndarray:
    """A (G·H, K) weight as the (G, H, K) stack of its gates' row blocks W_k (a view)."""
    return W.reshape(G, W.shape[0] // G, W.shape[1])


def back_through(deltas: np.ndarray, W_stack: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
    """out (B, H) = Σ_k deltas[k] @ W_stack[k]: the gradient a step's gate pre-activations
    deltas (G, B, H) send back through W_hh ((G, H, H) from `stacked`) to h_{t-1}; tmp is
    (G, B, H) scratch. Two calls whatever G is (the per-call cost rules at small sizes)."""
    np.matmul(deltas, W_stack, out=tmp)
    np.add.reduce(tmp, axis=0, out=out)


def weight_grad(deltas: Sequence[np.ndarray] | np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(G·H, K): gate k's rows are Σ_n deltas[k][n]ᵀ rows[n] over all N = T·B rows, for each
    gate's gradient block deltas[k] (N, H) (G arrays, or one (G, N, H)) and rows (N, K): inputs
    for W_ih, h_{t-1} for W_hh."""
    K = rows.shape[1]
    H = deltas[0].shape[1]
    out = np.empty((len(deltas), H, K))
    for k, d in enumerate(deltas):
        np.dot(d.T, rows, out=out[k])
    return out.reshape(len(deltas) * H, K)


def interleave(dgates: np.ndarray) -> np.ndarray:
    """(T, B, G·H) in torch's row layout from a gate-major (G, T, B, H) array; always a copy."""
    G, T, B, H = dgates.shape
    out = np.empty((T, B, G, H))
    out[...] = dgates.transpose(1, 2, 0, 3)
    return out.reshape(T, B, G * H)
