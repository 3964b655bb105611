"""The parameters of a vanilla RNN, and the same container for their gradients.

    a_t = W_xh x_t + W_hh h_{t-1} + b_h        h_t = f(a_t)        y_t = W_hy h_t + b_y

Shapes: W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,), for input size D, hidden
size H and output size O. A gradient is an `RNNParams` too, so optimisers and clipping work on
one type and a learner reads `grads.W_hh` exactly where the weight lives in `params.W_hh`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ACTIVATIONS = ("tanh", "relu", "sigmoid")
NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


@dataclass(frozen=True, eq=False, slots=True)
class RNNParams:
    """Weights of a one-layer Elman RNN with a linear read-out.

    W_xh (H, D) input to hidden, W_hh (H, H) hidden to hidden, b_h (H,) hidden bias,
    W_hy (O, H) hidden to output, b_y (O,) output bias, all float64; `activation` is
    "tanh", "relu" or "sigmoid". Frozen: updates build a new object (`p - lr * g`), so a
    trace or a history entry never changes under the caller's feet. Arrays are not copied.
    """

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

    @property
    def size(self) -> int:
        """Number of scalars W = H·D + H·H + H + O·H + O."""
        return sum(a.size for a in self.arrays())

    # ---- as a collection of arrays -----------------------------------------------------------
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(W_xh, W_hh, b_h, W_hy, b_y) in the order of `NAMES`."""
        return (self.W_xh, self.W_hh, self.b_h, self.W_hy, self.b_y)

    def items(self) -> list[tuple[str, np.ndarray]]:
        """[(name, array), ...] in the order of `NAMES`."""
        return list(zip(NAMES, self.arrays()))

    def map(self, fn: Callable[..., np.ndarray], *others: RNNParams) -> RNNParams:
        """Apply `fn(a, *others_a)` array by array; keeps this object's activation."""
        if others:
            cols = zip(self.arrays(), *(o.arrays() for o in others))
            return RNNParams._unchecked(*(fn(*c) for c in cols), self.activation)
        return RNNParams._unchecked(*(fn(a) for a in self.arrays()), self.activation)

    def copy(self) -> RNNParams:
        """Deep copy of the arrays."""
        return self.map(np.copy)

    def zeros_like(self) -> RNNParams:
        """Same shapes, all zeros (optimiser state, gradient accumulators)."""
        return self.map(np.zeros_like)

    def flat(self) -> np.ndarray:
        """All scalars as one vector (W,), in the order of `NAMES`, each array row-major."""
        return np.concatenate([a.ravel() for a in self.arrays()])

    def unflat(self, vector: np.ndarray) -> RNNParams:
        """Inverse of `flat`: a vector (W,) cut into arrays shaped like this object's."""
        vector = np.asarray(vector, dtype=np.float64)
        if vector.shape != (self.size,):
            raise ValueError(f"expected a vector of shape ({self.size},), got {vector.shape}")
        out, start = [], 0
        for a in self.arrays():
            out.append(vector[start : start + a.size].reshape(a.shape).copy())
            start += a.size
        return RNNParams._unchecked(*out, self.activation)

    def norm(self, norm_type: float = 2.0) -> float:
        """Norm of all scalars taken together (the global norm used by clipping)."""
        from .clipping import global_norm

        return global_norm(self, norm_type)

    # ---- arithmetic, for optimisers and finite differences -----------------------------------
    def __add__(self, other):
        if isinstance(other, RNNParams):
            return self.map(np.add, other)
        return self.map(lambda a: a + other)

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, RNNParams):
            return self.map(np.subtract, other)
        return self.map(lambda a: a - other)

    def __mul__(self, other):
        if isinstance(other, RNNParams):
            return self.map(np.multiply, other)
        return self.map(lambda a: a * other)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, RNNParams):
            return self.map(np.divide, other)
        return self.map(lambda a: a / other)

    def __neg__(self):
        return self.map(np.negative)

    def allclose(self, other: RNNParams, rtol: float = 1e-7, atol: float = 0.0) -> bool:
        """True when every array is close to the other's (dataclass equality is off: arrays)."""
        return all(
            np.allclose(a, b, rtol=rtol, atol=atol) for a, b in zip(self.arrays(), other.arrays())
        )

    def __repr__(self) -> str:
        D, H, O = self.input_size, self.hidden_size, self.output_size
        return f"RNNParams(D={D}, H={H}, O={O}, activation={self.activation!r})"


def _shape2(name: str, a: np.ndarray) -> tuple[int, int]:
    if a.ndim != 2:
        raise ValueError(f"{name} must be a matrix, got shape {a.shape}")
    return a.shape
