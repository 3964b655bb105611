"""Forward pass and backpropagation through time for the vanilla RNN (FACTS §1, GBC eq. 10.8).

    a_t = W_xh x_t + W_hh h_{t-1} + b_h,   h_t = f(a_t),   y_t = W_hy h_t + b_y,   t = 1..T

Sequences are time-major: xs (T, B, D). `forward` returns a `Trace` holding what backward needs
(CS231n's cache): the hidden states, including h_0, and the outputs. `backward` walks the trace
from T down to 1 carrying δ_{t+1}, and returns the parameter gradients plus δ_t = ∂L/∂h_t for
every step. Only the h recurrence and the δ recurrence loop over time; the input projection,
the read-out and every weight gradient are single matrix products over all T·B rows.

Truncation (`truncate=k`) cuts the gradient path between chunks of k steps, as PyTorch users do
with `h = h.detach()` before steps k, 2k, ...: weights still get every step's contribution.

`forward`, `backward`, `bptt`, `loss_and_grads`, `loss_value` and `predict` take any of the
three params types: LSTMParams and GRUParams go to `engine.lstm` / `engine.gru`, with the same
loss (`sequence_loss`, one for all cells), reductions, many-to-one and truncation here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import gru, lstm
from .losses import LOSSES, REDUCTIONS, check_targets
from .params import GRUParams, LSTMParams, Params, RNNParams, State
from .steps import crosses
from .workspace import Workspace

_WORKSPACE = Workspace()  # thread-local scratch for the gated cells' loss_and_grads

# Below this many elements per step (B·H) np.tanh beats the exp formula (call overhead).
_EXP_TANH_MIN_BLOCK = 256


class Trace:
    """What the forward pass keeps for backward.

    xs (T, B, D) inputs; hs (T+1, B, H) hidden states with hs[0] = h_0 and hs[t] = h_t;
    ys (S, B, O) outputs of the last S steps (S = T, or 1 for many-to-one);
    activation, the nonlinearity f, whose derivative backward reads from hs.
    """

    __slots__ = ("xs", "hs", "ys", "activation")

    def __init__(self, xs: np.ndarray, hs: np.ndarray, ys: np.ndarray, activation: str):
        self.xs = xs
        self.hs = hs
        self.ys = ys
        self.activation = activation

    @property
    def h(self) -> np.ndarray:
        """h_1..h_T, shape (T, B, H) (a view of hs without h_0)."""
        return self.hs[1:]

    def state(self, i: int) -> np.ndarray:
        """h entering step index i (0-based), (B, H)."""
        return self.hs[i]


class Backward(NamedTuple):
    """What `backward` returns: grads (RNNParams); dh (T, B, H), dh[t-1] = ∂L/∂h_t; dh0 (B, H)
    = ∂L/∂h_0; da (T, B, H), da[t-1] = ∂L/∂a_t (the pre-activation gradient, r_t in FACTS §1)."""

    grads: RNNParams
    dh: np.ndarray
    dh0: np.ndarray
    da: np.ndarray


@dataclass(frozen=True, eq=False)
class BPTTResult:
    """Everything one backward pass through time produces.

    loss (float); grads (the params' type, shapes as the params); dh (T, B, H) with dh[t-1] =
    ∂L/∂h_t, the total gradient reaching h_t (from its own output and, within a truncation
    chunk, from later steps); dh0 (B, H) = ∂L/∂h_0 (the first truncation chunk always reaches
    h_0); trace (the forward trace of the cell); da[t-1] = ∂L/∂(pre-activations of step t):
    (T, B, H) = δ_t ⊙ f'(a_t) for the RNN, (T, B, G·H) gate by gate for LSTM and GRU.
    LSTM only (None otherwise): dc (T, B, H) with dc[t-1] = ∂L/∂c_t (total), dc0 (B, H).
    """

    loss: float
    grads: Params
    dh: np.ndarray
    dh0: np.ndarray
    trace: Trace | lstm.LSTMTrace | gru.GRUTrace
    da: np.ndarray
    dc: np.ndarray | None = None
    dc0: np.ndarray | None = None

    @property
    def dh_norms(self) -> np.ndarray:
        """‖∂L/∂h_t‖ for t = 1..T, shape (T,): Frobenius norm over the batch and hidden units."""
        dh = self.dh
        return np.sqrt(np.einsum("tbh,tbh->t", dh, dh))

    @property
    def dc_norms(self) -> np.ndarray | None:
        """‖∂L/∂c_t‖ for t = 1..T, shape (T,), for an LSTM; None for the other cells."""
        dc = self.dc
        return None if dc is None else np.sqrt(np.einsum("tbh,tbh->t", dc, dc))


def activation_derivative(h: np.ndarray, activation: str) -> np.ndarray:
    """f'(a) written in terms of h = f(a), any shape: tanh 1-h², sigmoid h(1-h), relu [h>0]."""
    if activation == "tanh":
        d = h * h
        np.subtract(1.0, d, out=d)
        return d
    if activation == "relu":
        # PyTorch's relu backward passes gradient where the output is > 0 (zero at a = 0).
        return (h > 0.0).astype(np.float64)
    d = 1.0 - h
    d *= h
    return d


def forward(p: Params, xs: np.ndarray, h0: State = None, last_only: bool = False):
    """Run the cell over xs (T, B, D) from h0 (B, H) (zeros by default; for an LSTM a pair
    (h0, c0)) and return the trace (`Trace`, `lstm.LSTMTrace` or `gru.GRUTrace`).

    With last_only=True only y_T is computed (ys (1, B, O)), for many-to-one losses.
    """
    if isinstance(p, LSTMParams):
        return lstm.forward(p, xs, h0, last_only)
    if isinstance(p, GRUParams):
        return gru.forward(p, xs, h0, last_only)
    W_xh, W_hh, W_hy = p.W_xh, p.W_hh, p.W_hy
    T, B, D = xs.shape
    H = W_hh.shape[0]
    act = p.activation
    # NumPy's float64 tanh is scalar libm code (~17 ns an element without AVX-512) while exp is
    # ~2.5x cheaper, so for big blocks tanh(a) = 2 / (1 + e^{-2a}) - 1 and σ(a) = 1 / (1 + e^{-a})
    # are faster. The factor c (-2 or -1) is folded into the weights: scaling by a power of two
    # is exact, so z = c·a carries no extra rounding. |error| ≤ 4e-16 against np.tanh.
    mode = act
    if act == "tanh" and B * H >= _EXP_TANH_MIN_BLOCK:
        mode, c = "tanh_exp", -2.0
    elif act == "sigmoid":
        c = -1.0
    else:
        c = 1.0
    hs = np.empty((T + 1, B, H))
    if h0 is None:
        hs[0] = 0.0
    else:
        hs[0] = h0
    # Input projection for every step at once, one (T·B, D) @ (D, H) product written straight
    # into hs[1:]; the loop then adds W_hh h_{t-1} and applies f in place.
    a_all = hs[1:].reshape(T * B, H)
    if c == 1.0:
        np.dot(xs.reshape(T * B, D), W_xh.T, out=a_all)
        a_all += p.b_h
        W_hhT = W_hh.T
    else:
        np.dot(xs.reshape(T * B, D), W_xh.T * c, out=a_all)
        a_all += p.b_h * c
        W_hhT = W_hh.T * c
    dot, exp, divide = np.dot, np.exp, np.divide
    rec = np.empty((B, H))
    if mode == "tanh":
        for t in range(T):
            a = hs[t + 1]
            dot(hs[t], W_hhT, out=rec)
            a += rec
            np.tanh(a, out=a)
    elif mode == "relu":
        maximum = np.maximum
        for t in range(T):
            a = hs[t + 1]
            dot(hs[t], W_hhT, out=rec)
            a += rec
            maximum(a, 0.0, out=a)
    else:
        # e^{z} overflows to inf for very negative a: the formulas then give -1 or 0, which is right.
        with np.errstate(over="ignore"):
            if mode == "tanh_exp":
                for t in range(T):
                    z = hs[t + 1]
                    dot(hs[t], W_hhT, out=rec)
                    z += rec
                    exp(z, out=z)
                    z += 1.0
                    divide(2.0, z, out=z)
                    z -= 1.0
            else:
                for t in range(T):
                    z = hs[t + 1]
                    dot(hs[t], W_hhT, out=rec)
                    z += rec
                    exp(z, out=z)
                    z += 1.0
                    divide(1.0, z, out=z)
    if last_only:
        ys = (hs[T] @ W_hy.T + p.b_y)[None]
    else:
        ys = hs[1:].reshape(T * B, H) @ W_hy.T
        ys += p.b_y
        ys = ys.reshape(T, B, -1)
    return Trace(xs, hs, ys, act)


def backward(p: Params, trace, dys: np.ndarray, truncate: int | None = None):
    """BPTT from output gradients dys (S, B, O) = ∂L/∂y for the last S steps of the trace.

    S = T is many-to-many, S = 1 many-to-one. truncate=k stops δ from crossing from step
    k+1 to step k, 2k+1 to 2k, ... (the detach points). Returns a `Backward`
    (grads, dh, dh0, da), which unpacks like a tuple; for gated cells `lstm.LSTMBackward`
    (grads, dh, dc, dh0, dc0, da) or `gru.GRUBackward` (grads, dh, dh0, da).
    """
    if isinstance(p, LSTMParams):
        return lstm.backward(p, trace, dys, truncate)
    if isinstance(p, GRUParams):
        return gru.backward(p, trace, dys, truncate)
    xs, hs = trace.xs, trace.hs
    T, B, D = xs.shape
    H = hs.shape[2]
    S = dys.shape[0]
    O = dys.shape[2]
    W_hh, W_hy = p.W_hh, p.W_hy

    dY = dys.reshape(S * B, O)
    h_out = hs[T + 1 - S :].reshape(S * B, H)
    dW_hy = dY.T @ h_out
    db_y = np.add.reduce(dY, axis=0)

    # dh starts as the gradient each h_t receives from its own output; the loop adds the
    # gradient arriving from step t+1 through W_hh.
    dh = np.zeros((T, B, H)) if S < T else None
    if dh is None:
        dh = (dY @ W_hy).reshape(T, B, H)
    else:
        np.dot(dY, W_hy, out=dh[T - S :].reshape(S * B, H))
    # da[t-1] = ∂L/∂a_t = δ_t ⊙ f'(a_t) (r_t in FACTS §1); it starts as f'(a_t) and is
    # overwritten step by step, so backward allocates no (T, B, H) array beyond dh and da.
    da = activation_derivative(hs[1:], trace.activation)
    carry = np.empty((B, H))
    cross = crosses(T, truncate)
    mul, dot = np.multiply, np.dot
    add_carry = False
    for i in range(T - 1, -1, -1):
        di = dh[i]
        if add_carry:
            di += carry
        dai = da[i]
        mul(di, dai, out=dai)
        add_carry = cross[i]
        if add_carry:
            dot(dai, W_hh, out=carry)
    dh0 = da[0] @ W_hh
    da2 = da.reshape(T * B, H)
    dW_hh = da2.T @ hs[:-1].reshape(T * B, H)
    dW_xh = da2.T @ xs.reshape(T * B, D)
    db_h = np.add.reduce(da2, axis=0)
    grads = RNNParams._unchecked(dW_xh, dW_hh, db_h, dW_hy, db_y, p.activation)
    return Backward(grads, dh, dh0, da)


def _prepare(p: Params, xs, targets, loss: str, reduction: str, truncate, many_to_one: bool):
    """Cheap input validation shared by `bptt` and `loss_and_grads`."""
    if not isinstance(xs, np.ndarray) or xs.dtype != np.float64:
        xs = np.asarray(xs, dtype=np.float64)
    D = p.input_size
    if xs.ndim != 3 or xs.shape[2] != D:
        raise ValueError(f"xs must have shape (T, B, D) with D = {D}, got {xs.shape}")
    T, B = xs.shape[0], xs.shape[1]
    if T == 0 or B == 0:
        raise ValueError(f"xs must hold at least one step and one sequence, got shape {xs.shape}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}; expected 'mean' or 'sum'")
    if truncate is not None and (int(truncate) != truncate or truncate < 1):
        raise ValueError(f"truncate must be a positive integer or None, got {truncate!r}")
    lead = (B,) if many_to_one else (T, B)
    targets = check_targets(loss, targets, lead, p.W_hy.shape[0])
    return xs, targets


def sequence_loss(
    ys: np.ndarray, targets: np.ndarray, loss: str, reduction: str
) -> tuple[float, np.ndarray]:
    """The loss over outputs ys (S, B, O) and its gradient dys (S, B, O), every step's rows at once.

    targets (S, B, O) for squared_error, (S, B) class indices for cross_entropy.
    """
    S, B, O = ys.shape
    rows = targets.reshape(S * B, O) if loss == "squared_error" else targets.reshape(S * B)
    value, dY = LOSSES[loss](ys.reshape(S * B, O), rows, reduction)
    return value, dY.reshape(S, B, O)


def bptt(
    p: Params,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str = "squared_error",
    reduction: str = "mean",
    truncate: int | None = None,
    h0: State = None,
    many_to_one: bool = False,
) -> BPTTResult:
    """Forward, loss and backward in one call, keeping everything (see `BPTTResult`).

    xs (T, B, D). Many-to-many targets: squared_error (T, B, O) floats, cross_entropy (T, B)
    classes. many_to_one=True puts the loss on the last step only; targets are then (B, O) or
    (B,), exactly torch's loss on y_T. h0 (B, H) defaults to zeros; for an LSTM it is None
    or a pair (h0, c0).
    """
    xs, targets = _prepare(p, xs, targets, loss, reduction, truncate, many_to_one)
    trace = forward(p, xs, h0, last_only=many_to_one)
    value, dys = sequence_loss(trace.ys, targets, loss, reduction)
    back = backward(p, trace, dys, truncate)
    if p.__class__ is LSTMParams:
        return BPTTResult(value, back.grads, back.dh, back.dh0, trace, back.da, back.dc, back.dc0)
    return BPTTResult(value, back.grads, back.dh, back.dh0, trace, back.da)


def loss_and_grads(
    p: Params,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str = "squared_error",
    reduction: str = "mean",
    truncate: int | None = None,
    h0: State = None,
    many_to_one: bool = False,
) -> tuple[float, Params]:
    """The pinned contract: (loss, grads) with grads of p's type (RNNParams, LSTMParams or
    GRUParams) shaped like p.

    xs (T, B, D) float64. loss "squared_error" (targets (T, B, O), == torch mse_loss) or
    "cross_entropy" (targets (T, B) class indices, == torch cross_entropy over T·B rows);
    reduction "mean" or "sum" over all elements/rows. truncate=k detaches h every k steps.
    h0 (B, H) or None for zeros (an LSTM: None or a pair (h0, c0), each (B, H)); truncation
    detaches both h and c. many_to_one=True: loss at the last step only, targets (B, O)
    or (B,). The gradient is unclipped: clip it afterwards with `clip_grad_norm`.
    """
    if isinstance(p, (LSTMParams, GRUParams)):
        # Same steps as `bptt`, keeping nothing: the big buffers come from a reused workspace.
        xs, targets = _prepare(p, xs, targets, loss, reduction, truncate, many_to_one)
        if isinstance(p, LSTMParams):
            ltrace = lstm.forward(p, xs, h0, many_to_one, _WORKSPACE)
            value, dys = sequence_loss(ltrace.ys, targets, loss, reduction)
            return value, lstm.backward(p, ltrace, dys, truncate, _WORKSPACE).grads
        gtrace = gru.forward(p, xs, h0, many_to_one, _WORKSPACE)
        value, dys = sequence_loss(gtrace.ys, targets, loss, reduction)
        return value, gru.backward(p, gtrace, dys, truncate, _WORKSPACE).grads
    result = bptt(p, xs, targets, loss, reduction, truncate, h0, many_to_one)
    return result.loss, result.grads


def loss_value(
    p: Params,
    xs: np.ndarray,
    targets: np.ndarray,
    loss: str = "squared_error",
    reduction: str = "mean",
    h0: State = None,
    many_to_one: bool = False,
) -> float:
    """The loss alone (no backward): xs (T, B, D), targets as in `loss_and_grads`."""
    xs, targets = _prepare(p, xs, targets, loss, reduction, None, many_to_one)
    trace = forward(p, xs, h0, last_only=many_to_one)
    return sequence_loss(trace.ys, targets, loss, reduction)[0]


def predict(p: Params, xs: np.ndarray, h0: State = None) -> tuple[np.ndarray, np.ndarray]:
    """Outputs ys (T, B, O) and hidden states (T, B, H) for xs (T, B, D)."""
    xs = np.asarray(xs, dtype=np.float64)
    trace = forward(p, xs, h0)
    return trace.ys, trace.h
