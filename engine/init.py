"""Initialisers for the RNN weights, and dials for the size of W_hh (FACTS §2, §6).

Schemes ("init="):
  normal      every weight ~ N(0, scale²), scale defaulting to 1/√fan_in
  xavier      Glorot uniform, U(±√(6/(fan_in+fan_out))), per matrix
  orthogonal  W_hh a random orthogonal matrix (singular values all 1), the rest Xavier
  identity    IRNN [Le2015]: W_hh = I, W_xh ~ N(0, 0.001²), W_hy Xavier
Biases start at zero. `spectral_radius=` or `max_singular_value=` then rescales W_hh to the
target, which is how the gradient lab moves a network between vanishing and exploding.

Gated cells (`cell="lstm"` or `"gru"`) use the same schemes gate by gate: each gate's block of
W_ih (H, D) and W_hh (H, H) is drawn on its own ("orthogonal": each W_hh block orthogonal;
"identity" is for the vanilla RNN only), plus "pytorch": torch.nn.LSTM/GRU's own default,
every weight and bias ~ U(±1/√H). The LSTM's forget-gate bias is a dial: `forget_bias`
(default 1.0, Jozefowicz et al. 2015; the total b_if + b_hf, put in b_ih) — 1 keeps f ≈ 0.73
at the start so the cell state carries gradient; a negative value closes the path.
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np

from .params import ACTIVATIONS, CELLS, GRUParams, LSTMParams, Params, RNNParams

INITS = ("normal", "xavier", "orthogonal", "identity")
GATED_INITS = ("normal", "xavier", "orthogonal", "pytorch")
DEFAULT_FORGET_BIAS = 1.0


def spectral_radius(W: np.ndarray) -> float:
    """max |λ| over the eigenvalues of a square matrix W (H, H)."""
    return float(np.max(np.abs(np.linalg.eigvals(W)))) if W.size else 0.0


def largest_singular_value(W: np.ndarray) -> float:
    """σ₁(W) = ‖W‖₂, the largest singular value (FACTS §2's λ₁)."""
    return float(np.linalg.norm(W, 2)) if W.size else 0.0


def orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random orthogonal matrix (n, n), uniform over O(n) (QR with the sign fix)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    # Without the sign fix QR's output is biased; multiplying by sign(diag r) makes it Haar.
    return q * np.sign(np.diag(r))


def _xavier(fan_out: int, fan_in: int, rng: np.random.Generator) -> np.ndarray:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_out, fan_in))


def rescale_recurrent(
    p: RNNParams, spectral_radius: float | None = None, max_singular_value: float | None = None
) -> RNNParams:
    """A copy of p with W_hh (H, H) scaled to a target spectral radius or largest singular value.

    Exactly one target must be given. Only W_hh changes; the other arrays are shared.
    """
    if (spectral_radius is None) == (max_singular_value is None):
        raise ValueError("give exactly one of spectral_radius= or max_singular_value=")
    target = spectral_radius if spectral_radius is not None else max_singular_value
    assert target is not None  # exactly one was given (checked above)
    if target < 0:
        raise ValueError(f"the target for W_hh must be ≥ 0, got {target}")
    W = p.W_hh
    current = _radius(W) if spectral_radius is not None else largest_singular_value(W)
    if current == 0.0:
        if target == 0.0:
            return p
        raise ValueError("W_hh is zero (or nilpotent): it cannot be rescaled to a nonzero target")
    return RNNParams._unchecked(p.W_xh, W * (target / current), p.b_h, p.W_hy, p.b_y, p.activation)


_radius = spectral_radius  # the keyword arguments above shadow the function's name


@overload
def init_rnn(
    input_size: int,
    hidden_size: int,
    output_size: int,
    activation: str = "tanh",
    init: str = "xavier",
    seed: int | np.random.Generator = 0,
    scale: float | None = None,
    spectral_radius: float | None = None,
    max_singular_value: float | None = None,
    cell: Literal["rnn"] = "rnn",
    forget_bias: float | None = None,
) -> RNNParams: ...


@overload
def init_rnn(
    input_size: int,
    hidden_size: int,
    output_size: int,
    activation: str = "tanh",
    init: str = "xavier",
    seed: int | np.random.Generator = 0,
    scale: float | None = None,
    spectral_radius: float | None = None,
    max_singular_value: float | None = None,
    *,
    cell: Literal["lstm"],
    forget_bias: float | None = None,
) -> LSTMParams: ...


@overload
def init_rnn(
    input_size: int,
    hidden_size: int,
    output_size: int,
    activation: str = "tanh",
    init: str = "xavier",
    seed: int | np.random.Generator = 0,
    scale: float | None = None,
    spectral_radius: float | None = None,
    max_singular_value: float | None = None,
    *,
    cell: Literal["gru"],
    forget_bias: float | None = None,
) -> GRUParams: ...


@overload
def init_rnn(
    input_size: int,
    hidden_size: int,
    output_size: int,
    activation: str = "tanh",
    init: str = "xavier",
    seed: int | np.random.Generator = 0,
    scale: float | None = None,
    spectral_radius: float | None = None,
    max_singular_value: float | None = None,
    *,
    cell: str = "rnn",
    forget_bias: float | None = None,
) -> Params: ...


def init_rnn(
    input_size: int,
    hidden_size: int,
    output_size: int,
    activation: str = "tanh",
    init: str = "xavier",
    seed: int | np.random.Generator = 0,
    scale: float | None = None,
    spectral_radius: float | None = None,
    max_singular_value: float | None = None,
    cell: str = "rnn",
    forget_bias: float | None = None,
) -> Params:
    """Fresh parameters for D = input_size, H = hidden_size, O = output_size.

    cell="rnn" (default): an RNNParams, W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H),
    b_y (O,); init is one of "normal", "xavier", "orthogonal", "identity" (see the module
    docstring); scale sets the standard deviation for "normal" and the diagonal for "identity".
    spectral_radius / max_singular_value (at most one) rescale W_hh afterwards.
    cell="lstm" / "gru": an LSTMParams / GRUParams, W_ih (G·H, D), W_hh (G·H, H), b_ih (G·H,),
    b_hh (G·H,), W_hy (O, H), b_y (O,) with G = 4 / 3 (torch's layout); init one of "xavier",
    "orthogonal", "normal", "pytorch"; forget_bias (LSTM only, default 1.0) is b_if + b_hf.
    Same seed, same weights.
    """
    D, H, O = int(input_size), int(hidden_size), int(output_size)
    if min(D, H, O) < 1:
        raise ValueError(f"sizes must be positive, got input {D}, hidden {H}, output {O}")
    if cell not in CELLS:
        raise ValueError(f"unknown cell {cell!r}; expected one of {', '.join(CELLS)}")
    if cell != "rnn":
        if activation != "tanh":
            raise ValueError(f"activation is for cell='rnn' only; an {cell.upper()} has its own")
        if spectral_radius is not None or max_singular_value is not None:
            raise ValueError("spectral_radius= and max_singular_value= are for cell='rnn' only")
        return _init_gated(D, H, O, cell, init, seed, scale, forget_bias)
    if forget_bias is not None:
        raise ValueError("forget_bias= is for cell='lstm' only")
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; expected one of {', '.join(ACTIVATIONS)}"
        )
    if spectral_radius is not None and max_singular_value is not None:
        raise ValueError("give at most one of spectral_radius= or max_singular_value=")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if init == "normal":

        def normal(rows: int, cols: int) -> np.ndarray:
            std = scale if scale is not None else 1.0 / np.sqrt(cols)
            return rng.normal(0.0, std, size=(rows, cols))

        W_xh, W_hh, W_hy = normal(H, D), normal(H, H), normal(O, H)
    elif init == "xavier":
        W_xh, W_hh, W_hy = _xavier(H, D, rng), _xavier(H, H, rng), _xavier(O, H, rng)
    elif init == "orthogonal":
        W_xh = _xavier(H, D, rng)
        W_hh = orthogonal(H, rng) * (1.0 if scale is None else scale)
        W_hy = _xavier(O, H, rng)
    elif init == "identity":
        W_xh = rng.normal(0.0, 0.001, size=(H, D))
        W_hh = np.eye(H) * (1.0 if scale is None else scale)
        W_hy = _xavier(O, H, rng)
    else:
        raise ValueError(f"unknown init {init!r}; expected one of {', '.join(INITS)}")
    p = RNNParams(W_xh, W_hh, np.zeros(H), W_hy, np.zeros(O), activation)
    if spectral_radius is not None or max_singular_value is not None:
        p = rescale_recurrent(
            p, spectral_radius=spectral_radius, max_singular_value=max_singular_value
        )
    return p


def _init_gated(
    D: int,
    H: int,
    O: int,
    cell: str,
    init: str,
    seed: int | np.random.Generator,
    scale: float | None,
    forget_bias: float | None,
) -> LSTMParams | GRUParams:
    """LSTMParams / GRUParams with every gate's block drawn on its own (see `init_rnn`)."""
    G = 4 if cell == "lstm" else 3
    if forget_bias is not None and cell != "lstm":
        raise ValueError("forget_bias= is for cell='lstm' only")
    if init not in GATED_INITS:
        raise ValueError(
            f"unknown init {init!r} for cell={cell!r}; expected one of {', '.join(GATED_INITS)}"
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    b_ih, b_hh = np.zeros(G * H), np.zeros(G * H)
    b_y = np.zeros(O)
    if init == "pytorch":
        k = 1.0 / np.sqrt(H)
        W_ih = rng.uniform(-k, k, size=(G * H, D))
        W_hh = rng.uniform(-k, k, size=(G * H, H))
        b_ih = rng.uniform(-k, k, size=G * H)
        b_hh = rng.uniform(-k, k, size=G * H)
        W_hy = rng.uniform(-k, k, size=(O, H))  # torch.nn.Linear(H, O)'s default
        b_y = rng.uniform(-k, k, size=O)
    elif init == "normal":

        def normal(rows: int, cols: int) -> np.ndarray:
            std = scale if scale is not None else 1.0 / np.sqrt(cols)
            return rng.normal(0.0, std, size=(rows, cols))

        W_ih, W_hh, W_hy = normal(G * H, D), normal(G * H, H), normal(O, H)
    else:
        W_ih = np.concatenate([_xavier(H, D, rng) for _ in range(G)])
        if init == "xavier":
            W_hh = np.concatenate([_xavier(H, H, rng) for _ in range(G)])
        else:
            gain = 1.0 if scale is None else scale
            W_hh = np.concatenate([orthogonal(H, rng) * gain for _ in range(G)])
        W_hy = _xavier(O, H, rng)
    if cell == "lstm":
        fb = DEFAULT_FORGET_BIAS if forget_bias is None else float(forget_bias)
        # The forget gate's total bias is b_if + b_hf; setting b_if = fb - b_hf makes it fb.
        b_ih[H : 2 * H] = fb - b_hh[H : 2 * H]
        return LSTMParams(W_ih, W_hh, b_ih, b_hh, W_hy, b_y)
    return GRUParams(W_ih, W_hh, b_ih, b_hh, W_hy, b_y)
