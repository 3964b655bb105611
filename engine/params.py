"""The parameters of the three cells, and the same containers for their gradients.

Vanilla RNN (`RNNParams`):

    a_t = W_xh x_t + W_hh h_{t-1} + b_h        h_t = f(a_t)        y_t = W_hy h_t + b_y

Shapes: W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,), for input size D, hidden
size H and output size O.

Gated cells (`LSTMParams`, G = 4 gates; `GRUParams`, G = 3), in torch.nn.LSTM / torch.nn.GRU's
layout and gate order: W_ih (G·H, D), W_hh (G·H, H), b_ih (G·H,), b_hh (G·H,), W_hy (O, H),
b_y (O,). Rows [k·H, (k+1)·H) of W_ih, W_hh, b_ih, b_hh belong to gate k: LSTM (i, f, g, o),
GRU (r, z, n). The read-out is the same y_t = W_hy h_t + b_y.

A gradient has the type of its params, so optimisers and clipping work on one type and a learner
reads `grads.W_hh` exactly where the weight lives in `params.W_hh`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

ACTIVATIONS = ("tanh", "relu", "sigmoid")
NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
GATED_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y")
CELLS = ("rnn", "lstm", "gru")


class _ArrayOps:
    """Norm, arithmetic and closeness over a parameter set's arrays, for every cell's params
    (optimisers and finite differences use them); the class provides ``map`` and ``arrays``."""

    __slots__ = ()

    def arrays(self) -> tuple[np.ndarray, ...]:
        raise NotImplementedError

    def _rebuild(self, arrays: Sequence[np.ndarray]) -> Any:
        """The same type (and activation) with ``arrays`` in the order of ``arrays()``."""
        raise NotImplementedError

    @property
    def size(self) -> int:
        """Number of scalars over every array."""
        return sum(a.size for a in self.arrays())

    def map(self, fn: Callable[..., np.ndarray], *others: Any) -> Any:
        """Apply `fn(a, *others_a)` array by array; the same type as self."""
        return self._rebuild([fn(*c) for c in zip(self.arrays(), *(o.arrays() for o in others))])

    def copy(self) -> Any:
        """Deep copy of the arrays."""
        return self.map(np.copy)

    def zeros_like(self) -> Any:
        """Same shapes, all zeros (optimiser state, gradient accumulators)."""
        return self.map(np.zeros_like)

    def flat(self) -> np.ndarray:
        """All scalars as one vector (W,), in the order of `arrays()`, each array row-major."""
        return np.concatenate([a.ravel() for a in self.arrays()])

    def unflat(self, vector: np.ndarray) -> Any:
        """Inverse of `flat`: a vector (W,) cut into arrays shaped like this object's."""
        vector = np.asarray(vector, dtype=np.float64)
        if vector.shape != (self.size,):
            raise ValueError(f"expected a vector of shape ({self.size},), got {vector.shape}")
        out, start = [], 0
        for a in self.arrays():
            out.append(vector[start : start + a.size].reshape(a.shape).copy())
            start += a.size
        return self._rebuild(out)

    def norm(self, norm_type: float = 2.0) -> float:
        """Norm of all scalars taken together (the global norm used by clipping)."""
        from .clipping import global_norm

        return global_norm(self, norm_type)  # type: ignore[arg-type]  # every subclass is a Params

    # ---- arithmetic, for optimisers and finite differences -----------------------------------
    def __add__(self, other):
        if isinstance(other, _ArrayOps):
            return self.map(np.add, other)
        return self.map(lambda a: a + other)

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, _ArrayOps):
            return self.map(np.subtract, other)
        return self.map(lambda a: a - other)

    def __mul__(self, other):
        if isinstance(other, _ArrayOps):
            return self.map(np.multiply, other)
        return self.map(lambda a: a * other)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, _ArrayOps):
            return self.map(np.divide, other)
        return self.map(lambda a: a / other)

    def __neg__(self):
        return self.map(np.negative)

    def allclose(self, other: _ArrayOps, rtol: float = 1e-7, atol: float = 0.0) -> bool:
        """True when every array is close to the other's (dataclass equality is off: arrays)."""
        return all(
            np.allclose(a, b, rtol=rtol, atol=atol) for a, b in zip(self.arrays(), other.arrays())
        )


@dataclass(frozen=True, eq=False, slots=True)
class RNNParams(_ArrayOps):
    """Weights of a one-layer Elman RNN with a linear read-out.

    W_xh (H, D) input to hidden, W_hh (H, H) hidden to hidden, b_h (H,) hidden bias,
    W_hy (O, H) hidden to output, b_y (O,) output bias, all float64; `activation` is
    "tanh", "relu" or "sigmoid". Frozen: updates build a new object (`p - lr * g`), so a
    trace or a history entry never changes under the caller's feet. Arrays are not copied.
    """

    NAMES: ClassVar[tuple[str, ...]] = NAMES
    cell: ClassVar[str] = "rnn"

    W_xh: np.ndarray
    W_hh: np.ndarray
    b_h: np.ndarray
    W_hy: np.ndarray
    b_y: np.ndarray
    activation: str = "tanh"

    def __post_init__(self) -> None:
        # Cheap checks only (tuple comparisons): this runs for every user-built params object.
        # Internal code builds gradients with `_unchecked`, which skips them.
        for name in NAMES:
            a = getattr(self, name)
            if not isinstance(a, np.ndarray) or a.dtype != np.float64:
                object.__setattr__(self, name, np.asarray(a, dtype=np.float64))
        H, D = _shape2("W_xh", self.W_xh)
        if self.W_hh.shape != (H, H):
            raise ValueError(f"W_hh must have shape (H, H) = {(H, H)}, got {self.W_hh.shape}")
        if self.b_h.shape != (H,):
            raise ValueError(f"b_h must have shape (H,) = {(H,)}, got {self.b_h.shape}")
        O, H2 = _shape2("W_hy", self.W_hy)
        if H2 != H:
            raise ValueError(f"W_hy must have shape (O, H) with H = {H}, got {self.W_hy.shape}")
        if self.b_y.shape != (O,):
            raise ValueError(f"b_y must have shape (O,) = {(O,)}, got {self.b_y.shape}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {self.activation!r}; expected one of {', '.join(ACTIVATIONS)}"
            )

    @classmethod
    def _unchecked(cls, W_xh, W_hh, b_h, W_hy, b_y, activation="tanh") -> RNNParams:
        """Build without validation: for arrays the engine made itself (the hot path)."""
        self = object.__new__(cls)
        setter = object.__setattr__
        setter(self, "W_xh", W_xh)
        setter(self, "W_hh", W_hh)
        setter(self, "b_h", b_h)
        setter(self, "W_hy", W_hy)
        setter(self, "b_y", b_y)
        setter(self, "activation", activation)
        return self

    @classmethod
    def _from_arrays(cls, arrays: Sequence[np.ndarray], activation: str) -> RNNParams:
        """``_unchecked`` from the five arrays in the order of `NAMES`."""
        W_xh, W_hh, b_h, W_hy, b_y = arrays
        return cls._unchecked(W_xh, W_hh, b_h, W_hy, b_y, activation)

    # ---- sizes -------------------------------------------------------------------------------
    @property
    def input_size(self) -> int:
        """D, the width of x_t."""
        return self.W_xh.shape[1]

    @property
    def hidden_size(self) -> int:
        """H, the width of h_t."""
        return self.W_hh.shape[0]

    @property
    def output_size(self) -> int:
        """O, the width of y_t."""
        return self.W_hy.shape[0]

    # ---- as a collection of arrays -----------------------------------------------------------
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(W_xh, W_hh, b_h, W_hy, b_y) in the order of `NAMES`."""
        return (self.W_xh, self.W_hh, self.b_h, self.W_hy, self.b_y)

    def items(self) -> list[tuple[str, np.ndarray]]:
        """[(name, array), ...] in the order of `NAMES`."""
        return list(zip(NAMES, self.arrays()))

    def _rebuild(self, arrays: Sequence[np.ndarray]) -> RNNParams:
        """Keeps this object's activation."""
        return RNNParams._from_arrays(arrays, self.activation)

    def __repr__(self) -> str:
        D, H, O = self.input_size, self.hidden_size, self.output_size
        return f"RNNParams(D={D}, H={H}, O={O}, activation={self.activation!r})"


def _shape2(name: str, a: np.ndarray) -> tuple[int, int]:
    if a.ndim != 2:
        raise ValueError(f"{name} must be a matrix, got shape {a.shape}")
    return a.shape


@dataclass(frozen=True, eq=False, slots=True)
class GatedParams(_ArrayOps):
    """Weights of a one-layer gated cell (LSTM or GRU) with a linear read-out; use the subclasses.

    W_ih (G·H, D) input to gates, W_hh (G·H, H) hidden to gates, b_ih (G·H,) and b_hh (G·H,)
    the two bias vectors torch keeps, W_hy (O, H) hidden to output, b_y (O,) output bias, all
    float64; G = `GATES` (4 for LSTM, 3 for GRU), gate k in rows [k·H, (k+1)·H). Frozen and not
    copied, as `RNNParams`.
    """

    NAMES: ClassVar[tuple[str, ...]] = GATED_NAMES
    GATES: ClassVar[int] = 0
    GATE_NAMES: ClassVar[tuple[str, ...]] = ()
    cell: ClassVar[str] = ""

    W_ih: np.ndarray
    W_hh: np.ndarray
    b_ih: np.ndarray
    b_hh: np.ndarray
    W_hy: np.ndarray
    b_y: np.ndarray

    def __post_init__(self) -> None:
        for name in GATED_NAMES:
            a = getattr(self, name)
            if not isinstance(a, np.ndarray) or a.dtype != np.float64:
                object.__setattr__(self, name, np.asarray(a, dtype=np.float64))
        G = self.GATES
        if G == 0:
            raise TypeError("GatedParams is abstract: use LSTMParams or GRUParams")
        GH, _ = _shape2("W_ih", self.W_ih)
        if GH % G or GH == 0:
            raise ValueError(f"W_ih must have G·H rows with G = {G}, got shape {self.W_ih.shape}")
        H = GH // G
        for name, shape in (("W_hh", (GH, H)), ("b_ih", (GH,)), ("b_hh", (GH,))):
            if getattr(self, name).shape != shape:
                raise ValueError(
                    f"{name} must have shape {shape} (G = {G}, H = {H}), got {getattr(self, name).shape}"
                )
        O, H2 = _shape2("W_hy", self.W_hy)
        if H2 != H:
            raise ValueError(f"W_hy must have shape (O, H) with H = {H}, got {self.W_hy.shape}")
        if self.b_y.shape != (O,):
            raise ValueError(f"b_y must have shape (O,) = {(O,)}, got {self.b_y.shape}")

    @classmethod
    def _unchecked(cls, W_ih, W_hh, b_ih, b_hh, W_hy, b_y):
        """Build without validation: for arrays the engine made itself (the hot path)."""
        self = object.__new__(cls)
        setter = object.__setattr__
        setter(self, "W_ih", W_ih)
        setter(self, "W_hh", W_hh)
        setter(self, "b_ih", b_ih)
        setter(self, "b_hh", b_hh)
        setter(self, "W_hy", W_hy)
        setter(self, "b_y", b_y)
        return self

    # ---- sizes -------------------------------------------------------------------------------
    @property
    def input_size(self) -> int:
        """D, the width of x_t."""
        return self.W_ih.shape[1]

    @property
    def hidden_size(self) -> int:
        """H, the width of h_t (and of c_t for the LSTM)."""
        return self.W_hh.shape[1]

    @property
    def output_size(self) -> int:
        """O, the width of y_t."""
        return self.W_hy.shape[0]

    def gate(self, name: str, array: str = "W_hh") -> np.ndarray:
        """The rows of `array` (W_ih, W_hh, b_ih or b_hh) that belong to gate `name`: a view,
        (H, D), (H, H) or (H,)."""
        k = self.GATE_NAMES.index(name)
        H = self.hidden_size
        return getattr(self, array)[k * H : (k + 1) * H]

    # ---- as a collection of arrays -----------------------------------------------------------
    def arrays(self) -> tuple[np.ndarray, ...]:
        """(W_ih, W_hh, b_ih, b_hh, W_hy, b_y) in the order of `NAMES`."""
        return (self.W_ih, self.W_hh, self.b_ih, self.b_hh, self.W_hy, self.b_y)

    def items(self) -> list[tuple[str, np.ndarray]]:
        """[(name, array), ...] in the order of `NAMES`."""
        return list(zip(GATED_NAMES, self.arrays()))

    def _rebuild(self, arrays: Sequence[np.ndarray]):
        return self._unchecked(*arrays)

    def __repr__(self) -> str:
        D, H, O = self.input_size, self.hidden_size, self.output_size
        return f"{type(self).__name__}(D={D}, H={H}, O={O})"


@dataclass(frozen=True, eq=False, slots=True, repr=False)
class LSTMParams(GatedParams):
    """LSTM weights exactly as torch.nn.LSTM (one layer) + a linear read-out; G = 4 gates in
    the order (i, f, g, o):

        [i; f; g; o] = [σ; σ; tanh; σ](W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
        c_t = f ⊙ c_{t-1} + i ⊙ g        h_t = o ⊙ tanh(c_t)        y_t = W_hy h_t + b_y

    W_ih (4H, D), W_hh (4H, H), b_ih (4H,), b_hh (4H,), W_hy (O, H), b_y (O,).
    """

    GATES: ClassVar[int] = 4
    GATE_NAMES: ClassVar[tuple[str, ...]] = ("i", "f", "g", "o")
    cell: ClassVar[str] = "lstm"


@dataclass(frozen=True, eq=False, slots=True, repr=False)
class GRUParams(GatedParams):
    """GRU weights exactly as torch.nn.GRU (one layer) + a linear read-out; G = 3 gates in the
    order (r, z, n):

        r = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)     z = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
        n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t-1} + b_hn))
        h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}                 y_t = W_hy h_t + b_y

    W_ih (3H, D), W_hh (3H, H), b_ih (3H,), b_hh (3H,), W_hy (O, H), b_y (O,).
    """

    GATES: ClassVar[int] = 3
    GATE_NAMES: ClassVar[tuple[str, ...]] = ("r", "z", "n")
    cell: ClassVar[str] = "gru"


Params = RNNParams | LSTMParams | GRUParams
# An initial state: (B, H) for RNN and GRU, a pair (h0, c0) for the LSTM, None for zeros.
State = np.ndarray | tuple[np.ndarray, np.ndarray] | None
