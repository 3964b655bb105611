"""The GRU cell, forward and BPTT, in torch.nn.GRU's layout and gate order (r, z, n).

    r = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)        z = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
    n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t-1} + b_hn))
    h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}                    y_t = W_hy h_t + b_y

Speed discipline (as engine.rnn): one (T·B, D) @ (D, 3H) input projection for every step, one
fused (B, H) @ (H, 3H) product per step for all three gates, every weight gradient one product
over all T·B rows.

BPTT: with δh_t = ∂L/∂h_t the total gradient reaching h_t, every pre-activation gradient of
step t is δh_t times a factor known after the forward pass:

    ∂L/∂n̂_t = δh_t ⊙ (1 - z)(1 - n²)                      (n̂ = n's pre-activation)
    ∂L/∂ẑ_t = δh_t ⊙ (h_{t-1} - n) z (1 - z)
    ∂L/∂r̂_t = ∂L/∂n̂_t ⊙ (W_hn h_{t-1} + b_hn) r (1 - r)
    δh_{t-1} = W_hyᵀ g_{t-1} + δh_t ⊙ z + W_hhᵀ [∂L/∂r̂; ∂L/∂ẑ; r ⊙ ∂L/∂n̂]

so the factors are computed for all steps at once and the loop only carries δh back.
truncate=k cuts the carry (both the W_hh path and the z path) at the detach points.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .params import GRUParams, State
from .readout import read_out, read_out_backward
from .workspace import Workspace, empty

_SCALES: dict[int, np.ndarray] = {}
# Backward prepares its per-step factors this many elements at a time (~256 KB, within L2).
_BLOCK_ELEMS = 32768


def _scale(H: int) -> np.ndarray:
    """(3H,): -1 on r and z, folded into the weights so σ(a) = 1 / (1 + e^{-a}) is one exp for
    both (scaling by -1 is exact); 1 on n, which goes to np.tanh (one SIMD call beats the four
    of the exp formula)."""
    s = _SCALES.get(H)
    if s is None:
        s = np.full(3 * H, -1.0)
        s[2 * H :] = 1.0
        s.flags.writeable = False
        _SCALES[H] = s
    return s


class GRUTrace:
    """What the GRU forward pass keeps for backward.

    xs (T, B, D) inputs; hs (T+1, B, H) hidden states with hs[0] = h_0; gates (T, B, 3H) the
    gate values [r, z, n] of each step; hn (T, B, H) = W_hn h_{t-1} + b_hn (what r multiplies);
    ys (S, B, O) outputs of the last S steps.
    """

    __slots__ = ("xs", "hs", "gates", "hn", "ys")

    def __init__(
        self, xs: np.ndarray, hs: np.ndarray, gates: np.ndarray, hn: np.ndarray, ys: np.ndarray
    ) -> None:
        self.xs = xs
        self.hs = hs
        self.gates = gates
        self.hn = hn
        self.ys = ys

    @property
    def h(self) -> np.ndarray:
        """h_1..h_T, shape (T, B, H)."""
        return self.hs[1:]

    def gate(self, name: str) -> np.ndarray:
        """One gate's values for every step, (T, B, H): name in "r", "z", "n"."""
        k = "rzn".index(name)
        H = self.hs.shape[2]
        return self.gates[:, :, k * H : (k + 1) * H]

    def state(self, i: int) -> np.ndarray:
        """h entering step index i (0-based), (B, H)."""
        return self.hs[i]


class GRUBackward(NamedTuple):
    """What `backward` returns: grads (GRUParams); dh (T, B, H), dh[t-1] = ∂L/∂h_t; dh0 (B, H);
    da (T, B, 3H), da[t-1] = ∂L/∂[r̂, ẑ, n̂] (the gate pre-activations of step t)."""

    grads: GRUParams
    dh: np.ndarray
    dh0: np.ndarray
    da: np.ndarray


def forward(
    p: GRUParams,
    xs: np.ndarray,
    h0: State = None,
    last_only: bool = False,
    ws: Workspace | None = None,
) -> GRUTrace:
    """Run the GRU over xs (T, B, D) from h0 (B, H) (zeros by default) and return the trace.

    With last_only=True only y_T is computed (ys (1, B, O)), for many-to-one losses.
    """
    T, B, D = xs.shape
    H = p.W_hh.shape[1]
    G = 3 * H
    H2 = 2 * H
    s = _scale(H)
    # (H, 3H), C-ordered (the per-step product is ~7% faster than with the transposed view).
    W_hhT = np.multiply(p.W_hh.T, s, out=np.empty((H, G)))
    b_hh = p.b_hh * s
    A = empty(ws, "A", (T, B, G))
    A2 = A.reshape(T * B, G)
    np.dot(xs.reshape(T * B, D), p.W_ih.T * s, out=A2)
    bias = p.b_ih * s
    bias[:H2] += b_hh[:H2]  # b_hr, b_hz add to the input side; b_hn must stay inside r ⊙ (·)
    A2 += bias
    b_hn = b_hh[H2:]
    hs = empty(ws, "hs", (T + 1, B, H))
    if isinstance(h0, (tuple, list)):
        raise ValueError("a GRU's h0 is one array of shape (B, H) (a pair is for the LSTM)")
    hs[0] = 0.0 if h0 is None else h0
    HN = empty(ws, "HN", (T, B, H))  # W_hn h_{t-1} + b_hn
    rec = np.empty((B, G))
    tmp = np.empty((B, H))
    dot, exp, divide, multiply, add, subtract, tanh = (
        np.dot,
        np.exp,
        np.divide,
        np.multiply,
        np.add,
        np.subtract,
        np.tanh,
    )
    with np.errstate(over="ignore"):
        for t in range(T):
            a = A[t]
            dot(hs[t], W_hhT, out=rec)
            rz = a[:, :H2]
            rz += rec[:, :H2]
            exp(rz, out=rz)
            rz += 1.0
            divide(1.0, rz, out=rz)
            hn = HN[t]
            add(rec[:, H2:], b_hn, out=hn)
            n = a[:, H2:]
            multiply(rz[:, :H], hn, out=tmp)
            n += tmp
            tanh(n, out=n)
            h = hs[t + 1]
            subtract(hs[t], n, out=h)
            h *= rz[:, H:]
            h += n
    ys = read_out(hs, p.W_hy, p.b_y, last_only, ws)
    return GRUTrace(xs, hs, A, HN, ys)


def backward(
    p: GRUParams,
    trace: GRUTrace,
    dys: np.ndarray,
    truncate: int | None = None,
    ws: Workspace | None = None,
) -> GRUBackward:
    """BPTT from output gradients dys (S, B, O) = ∂L/∂y for the last S steps of the trace.

    S = T is many-to-many, S = 1 many-to-one. truncate=k stops δh from crossing from step k+1
    to step k, 2k+1 to 2k, ... Returns a `GRUBackward`.
    """
    xs, hs, A, HN = trace.xs, trace.hs, trace.gates, trace.hn
    T, B, D = xs.shape
    H = hs.shape[2]
    G = 3 * H
    H2 = 2 * H
    W_hh = p.W_hh

    dW_hy, db_y, dH = read_out_backward(hs, p.W_hy, dys, ws)

    r, z = A[:, :, :H], A[:, :, H:H2]
    # K[t] (B, 3H): ∂L/∂[r̂, ẑ, n̂] = δh ⊙ K. It does not depend on the incoming gradient, so it
    # is computed a block of steps at a time (in cache; all of T when it fits) just before the
    # loop reaches the block; the loop turns it into the input-side gradient dI in place and
    # writes the hidden-side one (r ⊙ on the n part: what W_hh and b_hh see) into KR.
    K = empty(ws, "K", (T, B, G))
    KR = empty(ws, "KR", (T, B, G))
    block = max(1, min(T, _BLOCK_ELEMS // (B * G)))
    tmp_b = np.empty((block, B, H))
    carry = np.empty((B, H))
    tmp = np.empty((B, H))
    k = truncate or 0
    mul, dot, subtract = np.multiply, np.dot, np.subtract
    add_carry = False
    hi = T
    while hi > 0:
        lo = max(0, hi - block)
        a, Kb = A[lo:hi], K[lo:hi]
        zb, nb = a[:, :, H:H2], a[:, :, H2:]
        Kr, Kz, Kn = Kb[:, :, :H], Kb[:, :, H:H2], Kb[:, :, H2:]
        t_b = tmp_b[: hi - lo]
        mul(a[:, :, :H2], a[:, :, :H2], out=Kb[:, :, :H2])
        subtract(a[:, :, :H2], Kb[:, :, :H2], out=Kb[:, :, :H2])  # s (1 - s) for r and z
        mul(nb, nb, out=Kn)
        subtract(1.0, Kn, out=Kn)
        subtract(1.0, zb, out=t_b)
        Kn *= t_b  # (1 - z)(1 - n²)
        Kr *= HN[lo:hi]
        Kr *= Kn
        subtract(hs[lo:hi], nb, out=t_b)
        Kz *= t_b
        for i in range(hi - 1, lo - 1, -1):
            dh = dH[i]
            if add_carry:
                dh += carry
            da = K[i]
            da3 = da.reshape(B, 3, H)
            mul(da3, dh[:, None, :], out=da3)
            dr = KR[i]
            dr[:, :H2] = da[:, :H2]
            mul(da[:, H2:], r[i], out=dr[:, H2:])
            if i and (not k or i % k):
                dot(KR[i], W_hh, out=carry)
                mul(dh, z[i], out=tmp)
                carry += tmp
                add_carry = True
            else:
                add_carry = False
        hi = lo
    dh0 = KR[0] @ W_hh + dH[0] * z[0]
    dI = K.reshape(T * B, G)
    dR = KR.reshape(T * B, G)
    # (Xᵀ dA)ᵀ rather than dAᵀ X: the same product, faster in OpenBLAS for these shapes.
    dW_ih = np.ascontiguousarray((xs.reshape(T * B, D).T @ dI).T)
    db_ih = np.add.reduce(dI, axis=0)
    dW_hh = np.ascontiguousarray((hs[:-1].reshape(T * B, H).T @ dR).T)
    db_hh = np.add.reduce(dR, axis=0)
    grads = GRUParams._unchecked(dW_ih, dW_hh, db_ih, db_hh, dW_hy, db_y)
    return GRUBackward(grads, dH, dh0, K)


def step_jacobian(p: GRUParams, trace: GRUTrace, t: int) -> np.ndarray:
    """∂h_t/∂h_{t-1} for step t = 1..T, per sequence: (B, H, H),

    diag(z) + diag((h_{t-1} - n) z(1-z)) W_hz
            + diag((1-z)(1-n²)) [diag(r) W_hn + diag((W_hn h_{t-1} + b_hn) r(1-r)) W_hr]
    """
    H = trace.hs.shape[2]
    a = trace.gates[t - 1]
    r, z, n = a[:, :H], a[:, H : 2 * H], a[:, 2 * H :]
    h_prev = trace.hs[t - 1]
    hn = trace.hn[t - 1]
    Wr, Wz, Wn = (p.W_hh[k * H : (k + 1) * H] for k in range(3))
    kn = (1 - z) * (1 - n * n)
    J = (
        ((h_prev - n) * z * (1 - z))[:, :, None] * Wz
        + (kn * r)[:, :, None] * Wn
        + (kn * hn * r * (1 - r))[:, :, None] * Wr
    )
    diag = np.arange(H)
    J[:, diag, diag] += z
    return J
