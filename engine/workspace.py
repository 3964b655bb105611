"""Reusable scratch arrays for the gated cells' hot path (`loss_and_grads`).

A (G, T, B, H) float64 buffer for T = 100, B = 32, H = 128 is 13 MB; allocating a few of those
per call means the C allocator hands fresh pages to the kernel and back each time, and the
page faults cost as much as a fifth of the whole forward + backward. A `Workspace` keeps the
big buffers of the last call's shapes instead. It is thread-local (a TUI worker and the main
thread never share one), and only `loss_and_grads` uses it: nothing it returns (a float and
freshly computed gradients) points into the workspace, while `bptt`, whose result keeps the
trace, allocates fresh arrays.
"""

from __future__ import annotations

import threading

import numpy as np

# Below this many elements an array comes from np.empty: the allocator reuses small blocks
# without touching the kernel, and a workspace would only hold memory.
MIN_ELEMS = 1 << 16


class Workspace(threading.local):
    """Named scratch arrays, one set per thread; `empty(name, shape)` returns an uninitialised
    float64 array of that shape, the same one each time the name and shape repeat."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def empty(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """An uninitialised float64 array of `shape`, reused across calls under `name`."""
        size = 1
        for n in shape:
            size *= n
        if size < MIN_ELEMS:
            return np.empty(shape)
        a = self.arrays.get(name)
        if a is None or a.shape != shape:
            a = self.arrays[name] = np.empty(shape)
        return a

    def clear(self) -> None:
        """Drop every buffer (frees the memory)."""
        self.arrays.clear()


def empty(ws: Workspace | None, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """`ws.empty(name, shape)`, or a fresh np.empty(shape) without a workspace."""
    return np.empty(shape) if ws is None else ws.empty(name, shape)
