"""The LSTM cell, forward and BPTT, in torch.nn.LSTM's layout and gate order (i, f, g, o).

    [i; f; g; o] = [σ; σ; tanh; σ](W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)      (4H per step)
    c_t = f ⊙ c_{t-1} + i ⊙ g        h_t = o ⊙ tanh(c_t)        y_t = W_hy h_t + b_y

Speed discipline (as engine.rnn): the input projection of every step is one product over all
T·B rows; each step does ONE product for all four gates and one exp for all four
nonlinearities; every weight gradient is one product per gate over all T·B rows. Everything
indexed by gate is gate-major, (4, T, B, H) (engine.gates says why). Everything the backward
loop needs that does not depend on the incoming gradient is computed a block of steps at a
time before the loop reaches them, so a backward step is a handful of (B, H) operations and the
product back through W_hh.

The BPTT recurrences (FACTS §1 written for the LSTM), with δh_t = ∂L/∂h_t and δc_t = ∂L/∂c_t
the TOTAL gradients reaching h_t and c_t:

    δh_t = W_hyᵀ g_t + W_hhᵀ δa_{t+1}
    δc_t = δh_t ⊙ o_t ⊙ (1 - tanh²c_t) + δc_{t+1} ⊙ f_{t+1}
    δa_t = [δc_t ⊙ g_t ⊙ σ'_i;  δc_t ⊙ c_{t-1} ⊙ σ'_f;  δc_t ⊙ i_t ⊙ (1 - g_t²);  δh_t ⊙ tanh c_t ⊙ σ'_o]

with σ' = s(1 - s) written from the gate value s. truncate=k cuts both carries (W_hhᵀ δa and
δc ⊙ f) at the detach points, as `h, c = h.detach(), c.detach()` does in PyTorch.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .gates import back_through, interleave, project_inputs, recurrent_weights, stacked, weight_grad
from .params import LSTMParams, State
from .readout import read_out, read_out_backward
from .steps import block_size, blocks_backward, crosses
from .workspace import Workspace, empty

# Per-gate factors folded into the weights (engine.gates.project_inputs): -1 on the sigmoid
# gates, -2 on g, so that one exp gives every gate: σ(a) = 1 / (1 + e^{-a}),
# tanh(a) = 2 / (1 + e^{-2a}) - 1; scaling by a power of two is exact, so the folded
# pre-activation carries no extra rounding.
_SCALE = np.array([-1.0, -1.0, -2.0, -1.0]).reshape(4, 1, 1)
_SCALE.flags.writeable = False


class LSTMTrace:
    """What the LSTM forward pass keeps for backward.

    xs (T, B, D) inputs; hs (T+1, B, H) hidden states and cs (T+1, B, H) cell states, index 0
    the initial state; gates (4, T, B, H) the gate values i, f, g, o of each step (after their
    nonlinearities), gate-major; tanh_c (T, B, H) = tanh(c_t); ys (S, B, O) outputs of the last
    S steps.
    """

    __slots__ = ("xs", "hs", "cs", "gates", "tanh_c", "ys")

    def __init__(
        self,
        xs: np.ndarray,
        hs: np.ndarray,
        cs: np.ndarray,
        gates: np.ndarray,
        tanh_c: np.ndarray,
        ys: np.ndarray,
    ) -> None:
        self.xs = xs
        self.hs = hs
        self.cs = cs
        self.gates = gates
        self.tanh_c = tanh_c
        self.ys = ys

    @property
    def h(self) -> np.ndarray:
        """h_1..h_T, shape (T, B, H)."""
        return self.hs[1:]

    @property
    def c(self) -> np.ndarray:
        """c_1..c_T, shape (T, B, H)."""
        return self.cs[1:]

    def gate(self, name: str) -> np.ndarray:
        """One gate's values for every step, (T, B, H): name in "i", "f", "g", "o"."""
        return self.gates["ifgo".index(name)]

    def state(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(h, c) entering step index i (0-based), each (B, H): (h_i, c_i)."""
        return self.hs[i], self.cs[i]


class LSTMBackward(NamedTuple):
    """What `backward` returns: grads (LSTMParams); dh (T, B, H) and dc (T, B, H), dh[t-1] =
    ∂L/∂h_t and dc[t-1] = ∂L/∂c_t (total gradients); dh0, dc0 (B, H) = ∂L/∂h_0, ∂L/∂c_0;
    dgates (4, T, B, H), dgates[:, t-1] = ∂L/∂(gate pre-activations of step t), gates i, f, g, o
    (gate-major)."""

    grads: LSTMParams
    dh: np.ndarray
    dc: np.ndarray
    dh0: np.ndarray
    dc0: np.ndarray
    dgates: np.ndarray

    @property
    def da(self) -> np.ndarray:
        """(T, B, 4H), da[t-1] = ∂L/∂[î, f̂, ĝ, ô] of step t, in torch's row layout (a copy)."""
        return interleave(self.dgates)


def split_state(state: object, B: int, H: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Validate an LSTM initial state: None (zeros) or a pair (h0, c0), each (B, H) or None."""
    if state is None:
        return None, None
    if isinstance(state, np.ndarray) or not isinstance(state, (tuple, list)) or len(state) != 2:
        raise ValueError("an LSTM's h0 must be None or a pair (h0, c0), each of shape (B, H)")
    out = []
    for name, a in zip(("h0", "c0"), state):
        if a is not None:
            a = np.asarray(a, dtype=np.float64)
            if a.shape != (B, H):
                raise ValueError(f"{name} must have shape (B, H) = {(B, H)}, got {a.shape}")
        out.append(a)
    return out[0], out[1]


def forward(
    p: LSTMParams,
    xs: np.ndarray,
    state0: State = None,
    last_only: bool = False,
    ws: Workspace | None = None,
) -> LSTMTrace:
    """Run the LSTM over xs (T, B, D) from state0 = (h0, c0) (each (B, H); None for zeros).

    With last_only=True only y_T is computed (ys (1, B, O)), for many-to-one losses.
    """
    T, B, D = xs.shape
    H = p.W_hh.shape[1]
    h0, c0 = split_state(state0, B, H)
    W_hhT = recurrent_weights(p.W_hh, _SCALE)  # gate pre-activations × -1 or -2
    A = project_inputs(xs, p.W_ih, p.b_ih + p.b_hh, _SCALE, ws)
    hs = empty(ws, "hs", (T + 1, B, H))
    cs = empty(ws, "cs", (T + 1, B, H))
    hs[0] = 0.0 if h0 is None else h0
    cs[0] = 0.0 if c0 is None else c0
    tc = empty(ws, "tc", (T, B, H))
    rec = np.empty((4, B, H))
    ig = np.empty((B, H))
    matmul, exp, divide, multiply, tanh = np.matmul, np.exp, np.divide, np.multiply, np.tanh
    i_all, f_all, g_all, o_all = A
    # e^{z} overflows to inf for saturated gates; 1 / (1 + inf) = 0 is then the right value.
    with np.errstate(over="ignore"):
        for t in range(T):
            a = A[:, t]
            matmul(hs[t], W_hhT, out=rec)
            a += rec
            exp(a, out=a)
            a += 1.0
            divide(1.0, a, out=a)  # σ of each gate; σ(2·pre) on g
            g = g_all[t]
            g *= 2.0
            g -= 1.0  # tanh(pre) = 2σ(2·pre) - 1
            c = cs[t + 1]
            multiply(f_all[t], cs[t], out=c)
            multiply(i_all[t], g, out=ig)
            c += ig
            tanh(c, out=tc[t])
            multiply(o_all[t], tc[t], out=hs[t + 1])
    ys = read_out(hs, p.W_hy, p.b_y, last_only, ws)
    return LSTMTrace(xs, hs, cs, A, tc, ys)


def backward(
    p: LSTMParams,
    trace: LSTMTrace,
    dys: np.ndarray,
    truncate: int | None = None,
    ws: Workspace | None = None,
) -> LSTMBackward:
    """BPTT from output gradients dys (S, B, O) = ∂L/∂y for the last S steps of the trace.

    S = T is many-to-many, S = 1 many-to-one. truncate=k stops both h's and c's gradient from
    crossing from step k+1 to step k, 2k+1 to 2k, ... Returns an `LSTMBackward`.
    """
    xs, hs, cs, A, tc = trace.xs, trace.hs, trace.cs, trace.gates, trace.tanh_c
    T, B, D = xs.shape
    H = hs.shape[2]
    W_stack = stacked(p.W_hh, 4)  # W_hi, W_hf, W_hg, W_ho

    dW_hy, db_y, dH = read_out_backward(hs, p.W_hy, dys, ws)

    # K[t] is the factor that turns [δc, δc, δc, δh] into δa for step t: [g σ'_i, c_{t-1} σ'_f,
    # i (1 - g²), tanh c σ'_o]; E[t] = ∂h_t/∂c_t = o (1 - tanh² c_t). Neither depends on the
    # incoming gradient, so they are computed a block of steps at a time (a block small enough
    # to stay in cache, all of T when it fits) just before the loop reaches that block; the
    # loop then overwrites K with δa in place, so K ends as the (4, T, B, H) gate gradient.
    K = empty(ws, "K", (4, T, B, H))
    block = block_size(T, 4 * B * H)
    E_buf = np.empty((block, B, H))
    dC = empty(ws, "dC", (T, B, H))
    carry_h = np.empty((B, H))
    carry_c = np.empty((B, H))
    tmp4 = np.empty((4, B, H))
    cross = crosses(T, truncate)
    mul, subtract = np.multiply, np.subtract
    add_carry = False
    for lo, hi in blocks_backward(T, block):
        a, Kb, tcb = A[:, lo:hi], K[:, lo:hi], tc[lo:hi]
        Ki, Kf, Kg, Ko = Kb
        ib, fb, gb, ob = a
        mul(a, a, out=Kb)
        subtract(a, Kb, out=Kb)  # s (1 - s) for every gate ...
        mul(gb, gb, out=Kg)
        subtract(1.0, Kg, out=Kg)  # ... and 1 - g² for g
        Ki *= gb
        Kf *= cs[lo:hi]
        Kg *= ib
        Ko *= tcb
        E = E_buf[: hi - lo]
        mul(tcb, tcb, out=E)
        subtract(1.0, E, out=E)
        E *= ob
        for i in range(hi - 1, lo - 1, -1):
            j = i - lo
            dh = dH[i]
            dc = dC[i]
            if add_carry:
                dh += carry_h
            mul(dh, E[j], out=dc)
            if add_carry:
                dc += carry_c
            da = K[:, i]
            mul(da[:3], dc, out=da[:3])
            mul(da[3], dh, out=da[3])
            add_carry = cross[i]
            if add_carry:
                back_through(da, W_stack, carry_h, tmp4)
                mul(dc, fb[j], out=carry_c)
    dh0 = np.empty((B, H))
    back_through(K[:, 0], W_stack, dh0, tmp4)
    dc0 = dC[0] * A[1, 0]
    dA = K.reshape(4, T * B, H)
    dW_ih = weight_grad(dA, xs.reshape(T * B, D))
    dW_hh = weight_grad(dA, hs[:-1].reshape(T * B, H))
    db = np.add.reduce(dA, axis=1).reshape(4 * H)
    grads = LSTMParams._unchecked(dW_ih, dW_hh, db, db.copy(), dW_hy, db_y)
    return LSTMBackward(grads, dH, dC, dh0, dc0, K)


def step_jacobian(p: LSTMParams, trace: LSTMTrace, t: int) -> np.ndarray:
    """∂(h_t, c_t)/∂(h_{t-1}, c_{t-1}) for step t = 1..T, per sequence: (B, 2H, 2H), blocks

    [[∂h_t/∂h_{t-1}, ∂h_t/∂c_{t-1}],      ∂c_t/∂c_{t-1} = diag(f_t)  (the cell path)
     [∂c_t/∂h_{t-1}, ∂c_t/∂c_{t-1}]]      ∂c_t/∂h_{t-1} = Σ_gates diag(·) W_h·
    """
    H = trace.hs.shape[2]
    B = trace.hs.shape[1]
    i, f, g, o = trace.gates[:, t - 1]
    tc = trace.tanh_c[t - 1]
    c_prev = trace.cs[t - 1]
    Wi, Wf, Wg, Wo = (p.W_hh[k * H : (k + 1) * H] for k in range(4))
    dc_dh = (
        (g * i * (1 - i))[:, :, None] * Wi
        + (c_prev * f * (1 - f))[:, :, None] * Wf
        + (i * (1 - g * g))[:, :, None] * Wg
    )
    e = o * (1 - tc * tc)
    J = np.zeros((B, 2 * H, 2 * H))
    J[:, :H, :H] = e[:, :, None] * dc_dh + (tc * o * (1 - o))[:, :, None] * Wo
    diag = np.arange(H)
    J[:, diag, H + diag] = e * f
    J[:, H:, :H] = dc_dh
    J[:, H + diag, H + diag] = f
    return J
