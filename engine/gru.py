"""The GRU cell, forward and BPTT, in torch.nn.GRU's layout and gate order (r, z, n).

    r = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)        z = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
    n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t-1} + b_hn))
    h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}                    y_t = W_hy h_t + b_y

Speed discipline (as engine.rnn): one input projection over all T·B rows, one product per step
for all three gates, every weight gradient one product per gate over all T·B rows. Everything
indexed by gate is gate-major, (3, T, B, H) (engine.gates says why).

BPTT: with δh_t = ∂L/∂h_t the total gradient reaching h_t, every pre-activation gradient of
step t is δh_t times a factor known after the forward pass:

    ∂L/∂n̂_t = δh_t ⊙ (1 - z)(1 - n²)                      (n̂ = n's pre-activation)
    ∂L/∂ẑ_t = δh_t ⊙ (h_{t-1} - n) z (1 - z)
    ∂L/∂r̂_t = ∂L/∂n̂_t ⊙ (W_hn h_{t-1} + b_hn) r (1 - r)
    δh_{t-1} = W_hyᵀ g_{t-1} + δh_t ⊙ z + W_hrᵀ ∂L/∂r̂ + W_hzᵀ ∂L/∂ẑ + W_hnᵀ (r ⊙ ∂L/∂n̂)

so the factors are computed before the loop, a block of steps at a time, and the loop only
carries δh back.
truncate=k cuts the carry (both the W_hh path and the z path) at the detach points.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .gates import back_through, interleave, project_inputs, recurrent_weights, stacked, weight_grad
from .params import GRUParams, State
from .readout import read_out, read_out_backward
from .steps import block_size, blocks_backward, crosses
from .workspace import Workspace, empty

# Per-gate factors folded into the weights (engine.gates.project_inputs): -1 on r and z, so
# σ(a) = 1 / (1 + e^{-a}) is one exp for both (scaling by -1 is exact); 1 on n, which goes to
# np.tanh (one SIMD call beats the four of the exp formula).
_SCALE = np.array([-1.0, -1.0, 1.0]).reshape(3, 1, 1)
_SCALE.flags.writeable = False


class GRUTrace:
    """What the GRU forward pass keeps for backward.

    xs (T, B, D) inputs; hs (T+1, B, H) hidden states with hs[0] = h_0; gates (3, T, B, H) the
    gate values r, z, n of each step, gate-major; hn (T, B, H) = W_hn h_{t-1} + b_hn (what r
    multiplies); ys (S, B, O) outputs of the last S steps.
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
        return self.gates["rzn".index(name)]

    def state(self, i: int) -> np.ndarray:
        """h entering step index i (0-based), (B, H)."""
        return self.hs[i]


class GRUBackward(NamedTuple):
    """What `backward` returns: grads (GRUParams); dh (T, B, H), dh[t-1] = ∂L/∂h_t; dh0 (B, H);
    dhidden (3, T, B, H), dhidden[:, t-1] = ∂L/∂r̂, ∂L/∂ẑ and r ⊙ ∂L/∂n̂ of step t (what W_hh
    and b_hh see, gate-major); dn (T, B, H), dn[t-1] = ∂L/∂n̂ of step t (what W_in sees)."""

    grads: GRUParams
    dh: np.ndarray
    dh0: np.ndarray
    dhidden: np.ndarray
    dn: np.ndarray

    @property
    def dgates(self) -> np.ndarray:
        """(3, T, B, H): ∂L/∂r̂, ∂L/∂ẑ, ∂L/∂n̂ of every step, gate-major (a copy)."""
        return np.stack((self.dhidden[0], self.dhidden[1], self.dn))

    @property
    def da(self) -> np.ndarray:
        """(T, B, 3H), da[t-1] = ∂L/∂[r̂, ẑ, n̂] of step t, in torch's row layout (a copy)."""
        return interleave(self.dgates)


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
    if isinstance(h0, (tuple, list)):
        raise ValueError("a GRU's h0 is one array of shape (B, H) (a pair is for the LSTM)")
    W_hhT = recurrent_weights(p.W_hh, _SCALE)
    bias = p.b_ih.copy()
    bias[: 2 * H] += p.b_hh[: 2 * H]  # b_hr, b_hz add to the input side; b_hn stays in r ⊙ (·)
    A = project_inputs(xs, p.W_ih, bias, _SCALE, ws)
    b_hn = p.b_hh[2 * H :]
    hs = empty(ws, "hs", (T + 1, B, H))
    hs[0] = 0.0 if h0 is None else h0
    HN = empty(ws, "HN", (T, B, H))  # W_hn h_{t-1} + b_hn
    rec = np.empty((3, B, H))
    tmp = np.empty((B, H))
    matmul, exp, divide, multiply, add, subtract, tanh = (
        np.matmul,
        np.exp,
        np.divide,
        np.multiply,
        np.add,
        np.subtract,
        np.tanh,
    )
    r_all, z_all, n_all = A[0], A[1], A[2]
    with np.errstate(over="ignore"):
        for t in range(T):
            matmul(hs[t], W_hhT, out=rec)
            rz = A[:2, t]
            rz += rec[:2]
            exp(rz, out=rz)
            rz += 1.0
            divide(1.0, rz, out=rz)
            hn = HN[t]
            add(rec[2], b_hn, out=hn)
            n = n_all[t]
            multiply(r_all[t], hn, out=tmp)
            n += tmp
            tanh(n, out=n)
            h = hs[t + 1]
            subtract(hs[t], n, out=h)
            h *= z_all[t]
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
    W_stack = stacked(p.W_hh, 3)  # W_hr, W_hz, W_hn

    dW_hy, db_y, dH = read_out_backward(hs, p.W_hy, dys, ws)

    z = A[1]
    # ∂L/∂[r̂, ẑ, r ⊙ n̂] = δh ⊙ K and ∂L/∂n̂ = δh ⊙ N, with factors that do not depend on the
    # incoming gradient: they are computed a block of steps at a time (in cache; all of T when
    # it fits) just before the loop reaches the block, and the loop turns them into the
    # gradients in place. K[:, t] is then exactly what goes back through W_hh.
    K = empty(ws, "K", (3, T, B, H))
    N = empty(ws, "N", (T, B, H))
    block = block_size(T, 3 * B * H)
    tmp_b = np.empty((block, B, H))
    carry = np.empty((B, H))
    tmp = np.empty((B, H))
    tmp3 = np.empty((3, B, H))
    cross = crosses(T, truncate)
    mul, subtract = np.multiply, np.subtract
    add_carry = False
    for lo, hi in blocks_backward(T, block):
        a_rz, K_rz = A[:2, lo:hi], K[:2, lo:hi]
        rb, zb, nb = A[0, lo:hi], A[1, lo:hi], A[2, lo:hi]
        Kr, Kz, Krn = K[0, lo:hi], K[1, lo:hi], K[2, lo:hi]
        Nb = N[lo:hi]
        t_b = tmp_b[: hi - lo]
        mul(a_rz, a_rz, out=K_rz)
        subtract(a_rz, K_rz, out=K_rz)  # s (1 - s) for r and z
        mul(nb, nb, out=Nb)
        subtract(1.0, Nb, out=Nb)
        subtract(1.0, zb, out=t_b)
        Nb *= t_b  # (1 - z)(1 - n²)
        mul(rb, Nb, out=Krn)
        Kr *= HN[lo:hi]
        Kr *= Nb
        subtract(hs[lo:hi], nb, out=t_b)
        Kz *= t_b
        for i in range(hi - 1, lo - 1, -1):
            dh = dH[i]
            if add_carry:
                dh += carry
            da = K[:, i]
            mul(da, dh, out=da)
            mul(N[i], dh, out=N[i])
            add_carry = cross[i]
            if add_carry:
                back_through(da, W_stack, carry, tmp3)
                mul(dh, z[i], out=tmp)
                carry += tmp
    dh0 = np.empty((B, H))
    back_through(K[:, 0], W_stack, dh0, tmp3)
    dh0 += dH[0] * z[0]
    dK = K.reshape(3, T * B, H)
    dN = N.reshape(T * B, H)
    dW_ih = weight_grad((dK[0], dK[1], dN), xs.reshape(T * B, D))
    dW_hh = weight_grad(dK, hs[:-1].reshape(T * B, H))
    db_hh = np.add.reduce(dK, axis=1).reshape(3 * H)
    db_ih = db_hh.copy()
    np.add.reduce(dN, axis=0, out=db_ih[2 * H :])
    grads = GRUParams._unchecked(dW_ih, dW_hh, db_ih, db_hh, dW_hy, db_y)
    return GRUBackward(grads, dH, dh0, K, N)


def step_jacobian(p: GRUParams, trace: GRUTrace, t: int) -> np.ndarray:
    """∂h_t/∂h_{t-1} for step t = 1..T, per sequence: (B, H, H),

    diag(z) + diag((h_{t-1} - n) z(1-z)) W_hz
            + diag((1-z)(1-n²)) [diag(r) W_hn + diag((W_hn h_{t-1} + b_hn) r(1-r)) W_hr]
    """
    H = trace.hs.shape[2]
    r, z, n = trace.gates[:, t - 1]
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
