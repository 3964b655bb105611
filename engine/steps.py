"""The order BPTT walks the steps in, shared by every cell's backward pass.

Steps are indexed i = t - 1 (0-based). The backward loop runs i = T-1 .. 0 and carries the
gradient from each step to the one before, except where `crosses` says it stops: at i = 0
(h_0 has no step before it; its gradient is dh0) and, with truncate = k, at every multiple of
k (torch's `h = h.detach()` every k steps).
"""

from __future__ import annotations

from collections.abc import Iterator

# The gated cells prepare their per-step backward factors about this many float64 elements at a
# time (~256 KB, within L2), just before the loop reaches those steps.
BLOCK_ELEMS = 32768


def crosses(T: int, truncate: int | None) -> list[bool]:
    """(T,): crosses[i] is True when the gradient at step index i is carried on to i - 1."""
    k = truncate or 0
    return [i > 0 and (not k or i % k != 0) for i in range(T)]


def block_size(T: int, elems_per_step: int) -> int:
    """How many steps (1..T) one block of backward preparation holds: ~BLOCK_ELEMS elements."""
    return max(1, min(T, BLOCK_ELEMS // elems_per_step))


def blocks_backward(T: int, size: int) -> Iterator[tuple[int, int]]:
    """(lo, hi) ranges of at most `size` steps covering 0..T, the last block first."""
    for hi in range(T, 0, -size):
        yield max(0, hi - size), hi
