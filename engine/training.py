"""A deterministic training loop for the toy tasks, built to run in a TUI worker.

One step = one optimiser update: draw (or reuse) a batch, forward, loss, BPTT, clip (a separate
step after backward), update. Each step appends a `StepRecord` to the history, calls
`on_step(record)`, and `should_stop()` is asked before every step so a worker can cancel.

Truncation: `truncate=k` is the chunked practice (detach every k steps, one update per batch);
`tbptt=(k1, k2)` is Williams & Peng's TBPTT(k1, k2) [FACTS §5]: walk along each sequence, and
every k1 steps backpropagate the last k1 steps' losses through the last k2 steps and update.
There every update is a step, so one batch of length T gives ⌈T/k1⌉ steps.

Every cell trains the same way (RNNParams, LSTMParams, GRUParams); for an LSTM the history can
also hold ‖∂L/∂c_t‖ per step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

import numpy as np

from .clipping import clip_grad_norm, clip_grad_value, global_norm
from .losses import LOSSES
from .optim import SGD, Adam, Momentum, make_optimizer
from .params import GRUParams, LSTMParams, Params, RNNParams
from .rnn import backward, bptt, forward
from .tasks import TaskBatch


@dataclass(frozen=True, eq=False)
class StepRecord:
    """One optimiser update.

    step (0-based); loss before the update; grad_norm = global L2 norm of the unclipped
    gradient; clipped_norm = the norm actually applied (== grad_norm without clipping);
    clipped (bool); dh_norms (T,) = ‖∂L/∂h_t‖ for t = 1..T of this step's pass, or None unless
    record_dh=True; batch (index of the batch used; several steps share one under tbptt);
    dc_norms (T,) = ‖∂L/∂c_t‖ when record_dh=True and the cell is an LSTM, else None.
    """

    step: int
    loss: float
    grad_norm: float
    clipped_norm: float
    clipped: bool
    dh_norms: np.ndarray | None
    batch: int
    dc_norms: np.ndarray | None = None


P = TypeVar("P", RNNParams, LSTMParams, GRUParams)


@dataclass(eq=False)
class TrainResult(Generic[P]):
    """params after training; history (list of StepRecord); stopped (should_stop said so);
    diverged (a loss or gradient became nan/inf; training stopped at that step)."""

    params: P
    history: list[StepRecord] = field(default_factory=list)
    stopped: bool = False
    diverged: bool = False

    @property
    def losses(self) -> np.ndarray:
        """Loss per step, shape (steps,)."""
        return np.array([r.loss for r in self.history])

    @property
    def grad_norms(self) -> np.ndarray:
        """Unclipped gradient norm per step, shape (steps,)."""
        return np.array([r.grad_norm for r in self.history])

    @property
    def clipped_norms(self) -> np.ndarray:
        """Applied (clipped) gradient norm per step, shape (steps,)."""
        return np.array([r.clipped_norm for r in self.history])


TaskSource = TaskBatch | Callable[[np.random.Generator], TaskBatch]


def train(
    params: P,
    task: TaskSource,
    steps: int = 100,
    *,
    optimizer: str | SGD | Momentum | Adam = "sgd",
    lr: float = 0.1,
    clip_norm: float | None = None,
    clip_value: float | None = None,
    reduction: str = "mean",
    truncate: int | None = None,
    tbptt: tuple[int, int] | None = None,
    seed: int = 0,
    record_dh: bool = False,
    on_step: Callable[[StepRecord], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    stop_on_divergence: bool = True,
) -> TrainResult[P]:
    """Train `params` on `task` for `steps` optimiser updates; returns a TrainResult.

    task: a fixed TaskBatch (the same batch every step) or a callable rng -> TaskBatch
    (`tasks.sampler("adding", seq_len=20)`) drawing a fresh batch per sequence from an rng
    seeded with `seed`. optimizer: "sgd", "momentum", "adam" (with lr) or an optimiser object.
    clip_norm: global-norm clipping (PyTorch rule) and/or clip_value: element clipping, both
    applied after backward. truncate=k or tbptt=(k1, k2) as in the module docstring.
    record_dh stores ‖∂L/∂h_t‖ per step (and ‖∂L/∂c_t‖ for an LSTM). params of any cell.
    Same arguments and seed → the same history.
    """
    if steps < 0:
        raise ValueError(f"steps must be ≥ 0, got {steps}")
    if truncate is not None and tbptt is not None:
        raise ValueError("give truncate= or tbptt=, not both")
    if tbptt is not None:
        k1, k2 = (int(k) for k in tbptt)
        if k1 < 1 or k2 < k1:
            raise ValueError(f"tbptt=(k1, k2) needs 1 ≤ k1 ≤ k2, got {tbptt}")
    opt = make_optimizer(optimizer, lr) if isinstance(optimizer, str) else optimizer
    rng = np.random.default_rng(seed)
    draw = (lambda: task) if isinstance(task, TaskBatch) else (lambda: task(rng))
    result = TrainResult(params)

    def update(
        step: int,
        loss: float,
        grads: Params,
        dh: np.ndarray | None,
        batch: int,
        dc: np.ndarray | None = None,
    ) -> bool:
        """Clip, update, record; False when training must stop (divergence)."""
        nonlocal params
        norm = global_norm(grads)
        applied = grads
        if clip_norm is not None:
            applied, _ = clip_grad_norm(applied, clip_norm)
        if clip_value is not None:
            applied = clip_grad_value(applied, clip_value)
        applied_norm = norm if applied is grads else global_norm(applied)
        clipped = applied_norm != norm
        dh_norms = np.sqrt(np.einsum("tbh,tbh->t", dh, dh)) if dh is not None else None
        dc_norms = np.sqrt(np.einsum("tbh,tbh->t", dc, dc)) if dc is not None else None
        record = StepRecord(step, loss, norm, applied_norm, clipped, dh_norms, batch, dc_norms)
        finite = math.isfinite(loss) and math.isfinite(norm)
        if finite or not stop_on_divergence:
            params = cast(P, opt.step(params, applied))  # optimisers keep the type
        result.history.append(record)
        result.params = params
        if on_step is not None:
            on_step(record)
        if not finite and stop_on_divergence:
            result.diverged = True
            return False
        return True

    # Overflow on the way to divergence is an expected outcome here, not a bug to warn about.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if tbptt is None:
            for step in range(steps):
                if should_stop is not None and should_stop():
                    result.stopped = True
                    break
                batch = draw()
                res = bptt(
                    params,
                    batch.xs,
                    batch.targets,
                    batch.loss,
                    reduction,
                    truncate,
                    many_to_one=batch.many_to_one,
                )
                dh, dc = (res.dh, res.dc) if record_dh else (None, None)
                if not update(step, res.loss, res.grads, dh, step, dc):
                    break
        else:
            _train_tbptt(
                params, draw, steps, k1, k2, reduction, record_dh, should_stop, update, result
            )
    return result


def _train_tbptt(
    params, draw, steps, k1, k2, reduction, record_dh, should_stop, update, result
) -> None:
    """TBPTT(k1, k2): every k1 steps along a sequence, one update from the last k1 losses
    backpropagated through the last k2 steps. The hidden state at each window's start comes
    from the forward passes already made (with the weights of their time), never recomputed."""
    step, batch_index = 0, -1
    while step < steps:
        batch = draw()
        batch_index += 1
        if batch.many_to_one:
            raise ValueError("tbptt needs a loss at every step; this task is many-to-one")
        loss_fn = LOSSES[batch.loss]
        T, B = batch.xs.shape[:2]
        # state_at[i]: the latest known state entering step i (None = zeros); an LSTM's is (h, c).
        state_at: list = [None] * (T + 1)
        for end in range(k1, T + k1, k1):
            end = min(end, T)
            if should_stop is not None and should_stop():
                result.stopped = True
                return
            params = result.params
            start = max(0, end - k2)
            trace = forward(params, batch.xs[start:end], state_at[start])
            for j in range(1, end - start + 1):
                state_at[start + j] = trace.state(j)
            n_loss = end - max(start, end - k1)
            ys = trace.ys[-n_loss:]
            O = ys.shape[2]
            tgt = batch.targets[end - n_loss : end]
            rows = (
                tgt.reshape(n_loss * B, O)
                if batch.loss == "squared_error"
                else tgt.reshape(n_loss * B)
            )
            loss, dY = loss_fn(ys.reshape(n_loss * B, O), rows, reduction)
            back = backward(params, trace, dY.reshape(n_loss, B, O))
            dh = back.dh if record_dh else None
            dc = back.dc if record_dh and isinstance(params, LSTMParams) else None
            if not update(step, loss, back.grads, dh, batch_index, dc):
                return
            step += 1
            if step >= steps:
                return
            if end == T:
                break
