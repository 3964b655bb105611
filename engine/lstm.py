"""The LSTM cell, forward and BPTT, in torch.nn.LSTM's layout and gate order (i, f, g, o).

    [i; f; g; o] = [σ; σ; tanh; σ](W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)      (4H per step)
    c_t = f ⊙ c_{t-1} + i ⊙ g        h_t = o ⊙ tanh(c_t)        y_t = W_hy h_t + b_y

Speed discipline (as engine.rnn): the input projection of every step is one (T·B, D) @ (D, 4H)
product; each step does ONE fused (B, H) @ (H, 4H) product for all four gates and one exp for
all four nonlinearities; every weight gradient is one product over all T·B rows. Everything the
backward loop needs that does not depend on the incoming gradient is computed for all steps at
once before the loop, so a backward step is a handful of (B, 4H) operations and one product.

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

from .params import LSTMParams

_SCALES: dict[int, np.ndarray] = {}


def _scale(H: int) -> np.ndarray:
    """(4H,): -1 on the sigmoid gates, -2 on g. Folded into the weights so that one exp gives
    every gate: σ(a) = 1 / (1 + e^{-a}), tanh(a) = 2 / (1 + e^{-2a}) - 1; scaling by a power
    of two is exact, so the folded pre-activation carries no extra rounding."""
    s = _SCALES.get(H)
    if s is None:
        s = np.full(4 * H, -1.0)
        s[2 * H : 3 * H] = -2.0
        s.flags.writeable = False
        _SCALES[H] = s
    return s


class LSTMTrace:
    """What the LSTM forward pass keeps for backward.

    xs (T, B, D) inputs; hs (T+1, B, H) hidden states and cs (T+1, B, H) cell states, index 0
    the initial state; gates (T, B, 4H) the gate values [i, f, g, o] of each step (after their
    nonlinearities); tanh_c (T, B, H) = tanh(c_t); ys (S, B, O) outputs of the last S steps.
    """

    __slots__ = ("xs", "hs", "cs", "gates", "tanh_c", "ys")

    def __init__(self, xs, hs, cs, gates, tanh_c, ys):
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
        k = "ifgo".index(name)
        H = self.hs.shape[2]
        return self.gates[:, :, k * H : (k + 1) * H]

    def state(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(h, c) entering step index i (0-based), each (B, H): (h_i, c_i)."""
        return self.hs[i], self.cs[i]


class LSTMBackward(NamedTuple):
    """What `backward` returns: grads (LSTMParams); dh (T, B, H) and dc (T, B, H), dh[t-1] =
    ∂L/∂h_t and dc[t-1] = ∂L/∂c_t (total gradients); dh0, dc0 (B, H) = ∂L/∂h_0, ∂L/∂c_0;
    da (T, B, 4H), da[t-1] = ∂L/∂(gate pre-activations of step t), gates [i, f, g, o]."""

    grads: LSTMParams
    dh: np.ndarray
    dc: np.ndarray
    dh0: np.ndarray
    dc0: np.ndarray
    da: np.ndarray


def split_state(state, B: int, H: int) -> tuple[np.ndarray | None, np.ndarray | None]:
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


def forward(p: LSTMParams, xs: np.ndarray, state0=None, last_only: bool = False) -> LSTMTrace:
    """Run the LSTM over xs (T, B, D) from state0 = (h0, c0) (each (B, H); None for zeros).

    With last_only=True only y_T is computed (ys (1, B, O)), for many-to-one losses.
    """
    T, B, D = xs.shape
    H = p.W_hh.shape[1]
    G = 4 * H
    h0, c0 = split_state(state0, B, H)
    s = _scale(H)
    W_hhT = p.W_hh.T * s  # (H, 4H), gate pre-activations pre-multiplied by -1 or -2
    A = np.empty((T, B, G))
    A2 = A.reshape(T * B, G)
    np.dot(xs.reshape(T * B, D), p.W_ih.T * s, out=A2)
    A2 += (p.b_ih + p.b_hh) * s
    hs = np.empty((T + 1, B, H))
    cs = np.empty((T + 1, B, H))
    hs[0] = 0.0 if h0 is None else h0
    cs[0] = 0.0 if c0 is None else c0
    tc = np.empty((T, B, H))
    rec = np.empty((B, G))
    ig = np.empty((B, H))
    dot, exp, divide, multiply, tanh = np.dot, np.exp, np.divide, np.multiply, np.tanh
    H2, H3 = 2 * H, 3 * H
    # e^{z} overflows to inf for saturated gates; 1 / (1 + inf) = 0 is then the right value.
    with np.errstate(over="ignore"):
        for t in range(T):
            a = A[t]
            dot(hs[t], W_hhT, out=rec)
            a += rec
            exp(a, out=a)
            a += 1.0
            divide(1.0, a, out=a)  # σ of each gate; σ(2·pre) on g
            g = a[:, H2:H3]
            g *= 2.0
            g -= 1.0  # tanh(pre) = 2σ(2·pre) - 1
            c = cs[t + 1]
            multiply(a[:, H:H2], cs[t], out=c)
            multiply(a[:, :H], g, out=ig)
            c += ig
            tanh(c, out=tc[t])
            multiply(a[:, H3:], tc[t], out=hs[t + 1])
    W_hyT = p.W_hy.T
    if last_only:
        ys = (hs[T] @ W_hyT + p.b_y)[None]
    else:
        ys = hs[1:].reshape(T * B, H) @ W_hyT
        ys += p.b_y
        ys = ys.reshape(T, B, -1)
    return LSTMTrace(xs, hs, cs, A, tc, ys)


def backward(
    p: LSTMParams, trace: LSTMTrace, dys: np.ndarray, truncate: int | None = None
) -> LSTMBackward:
    """BPTT from output gradients dys (S, B, O) = ∂L/∂y for the last S steps of the trace.

    S = T is many-to-many, S = 1 many-to-one. truncate=k stops both h's and c's gradient from
    crossing from step k+1 to step k, 2k+1 to 2k, ... Returns an `LSTMBackward`.
    """
    xs, hs, cs, A, tc = trace.xs, trace.hs, trace.cs, trace.gates, trace.tanh_c
    T, B, D = xs.shape
    H = hs.shape[2]
    G = 4 * H
    H2, H3 = 2 * H, 3 * H
    S, O = dys.shape[0], dys.shape[2]
    W_hh = p.W_hh

    dY = dys.reshape(S * B, O)
    dW_hy = dY.T @ hs[T + 1 - S :].reshape(S * B, H)
    db_y = np.add.reduce(dY, axis=0)
    if S < T:
        dH = np.zeros((T, B, H))
        np.dot(dY, p.W_hy, out=dH[T - S :].reshape(S * B, H))
    else:
        dH = (dY @ p.W_hy).reshape(T, B, H)

    # K holds, for every step at once, the factor that turns [δc, δc, δc, δh] into δa:
    # [g σ'_i, c_{t-1} σ'_f, i (1 - g²), tanh c σ'_o]. The loop overwrites it with δa in place.
    K = A * A
    np.subtract(A, K, out=K)  # s (1 - s) for every gate ...
    Kg = K[:, :, H2:H3]
    g = A[:, :, H2:H3]
    np.multiply(g, g, out=Kg)
    np.subtract(1.0, Kg, out=Kg)  # ... and 1 - g² for g
    K[:, :, :H] *= g
    K[:, :, H:H2] *= cs[:-1]
    Kg *= A[:, :, :H]
    K[:, :, H3:] *= tc
    E = tc * tc
    np.subtract(1.0, E, out=E)
    E *= A[:, :, H3:]  # ∂h_t/∂c_t = o (1 - tanh² c_t)
    F = A[:, :, H:H2]

    dC = np.empty((T, B, H))
    carry_h = np.empty((B, H))
    carry_c = np.empty((B, H))
    k = truncate or 0
    mul, dot = np.multiply, np.dot
    add_carry = False
    for i in range(T - 1, -1, -1):
        dh = dH[i]
        dc = dC[i]
        if add_carry:
            dh += carry_h
        mul(dh, E[i], out=dc)
        if add_carry:
            dc += carry_c
        da = K[i]
        da3 = da[:, :H3].reshape(B, 3, H)
        mul(da3, dc[:, None, :], out=da3)
        mul(da[:, H3:], dh, out=da[:, H3:])
        if i and (not k or i % k):
            dot(da, W_hh, out=carry_h)
            mul(dc, F[i], out=carry_c)
            add_carry = True
        else:
            add_carry = False
    dh0 = K[0] @ W_hh
    dc0 = dC[0] * F[0]
    dA = K.reshape(T * B, G)
    dW_ih = dA.T @ xs.reshape(T * B, D)
    dW_hh = dA.T @ hs[:-1].reshape(T * B, H)
    db = np.add.reduce(dA, axis=0)
    grads = LSTMParams._unchecked(dW_ih, dW_hh, db, db.copy(), dW_hy, db_y)
    return LSTMBackward(grads, dH, dC, dh0, dc0, K)


def step_jacobian(p: LSTMParams, trace: LSTMTrace, t: int) -> np.ndarray:
    """∂(h_t, c_t)/∂(h_{t-1}, c_{t-1}) for step t = 1..T, per sequence: (B, 2H, 2H), blocks

    [[∂h_t/∂h_{t-1}, ∂h_t/∂c_{t-1}],      ∂c_t/∂c_{t-1} = diag(f_t)  (the cell path)
     [∂c_t/∂h_{t-1}, ∂c_t/∂c_{t-1}]]      ∂c_t/∂h_{t-1} = Σ_gates diag(·) W_h·
    """
    H = trace.hs.shape[2]
    B = trace.hs.shape[1]
    a = trace.gates[t - 1]
    i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
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
