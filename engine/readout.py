"""The output layer every gated cell shares: y_t = W_hy h_t + b_y, forward and backward.

One matrix product over all T·B rows each way (the engine's speed rule), into workspace buffers.
"""

from __future__ import annotations

import numpy as np

from .workspace import Workspace, empty


def read_out(
    hs: np.ndarray, W_hy: np.ndarray, b_y: np.ndarray, last_only: bool, ws: Workspace | None
) -> np.ndarray:
    """ys (T, B, O) from hs (T+1, B, H) with hs[0] = h_0; last_only: y_T alone, (1, B, O)."""
    T, B, H = hs.shape[0] - 1, hs.shape[1], hs.shape[2]
    W_hyT = W_hy.T
    if last_only:
        return (hs[T] @ W_hyT + b_y)[None]
    O = W_hyT.shape[1]
    ys = empty(ws, "ys", (T, B, O))
    np.dot(hs[1:].reshape(T * B, H), W_hyT, out=ys.reshape(T * B, O))
    ys += b_y
    return ys


def read_out_backward(
    hs: np.ndarray, W_hy: np.ndarray, dys: np.ndarray, ws: Workspace | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dW_hy (O, H), db_y (O,), dH (T, B, H)) from dys (S, B, O) = ∂L/∂y for the last S steps;
    dH[t-1] is the output layer's part of ∂L/∂h_t (zero before the last S steps)."""
    T, B, H = hs.shape[0] - 1, hs.shape[1], hs.shape[2]
    S, O = dys.shape[0], dys.shape[2]
    dY = dys.reshape(S * B, O)
    dW_hy = dY.T @ hs[T + 1 - S :].reshape(S * B, H)
    db_y = np.add.reduce(dY, axis=0)
    dH = empty(ws, "dH", (T, B, H))
    if S < T:
        dH[: T - S] = 0.0
    np.dot(dY, W_hy, out=dH[T - S :].reshape(S * B, H))
    return dW_hy, db_y, dH
