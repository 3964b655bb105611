"""Numbers from real runs of the engine for the gated-cell live question: a tanh RNN and an LSTM
trained side by side on the adding problem, then the gradient each sends back from the loss.

The run is a pure function of its arguments (drawn by the caller from its own seeded stream), so
the question is as deterministic as any other. It is tiny (H ≤ 8, T ≤ 40 when drawn, a few Adam
updates on batches of 8) to keep a question to a few milliseconds; an lru_cache keyed on the full
arguments saves repeating a run and cannot change a result.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from engine.generators._format import sig

BATCH = 8
LR, CLIP = 0.01, 1.0  # Adam with clipping, as the lab's long-range recipe trains
MARGIN = 10.0  # the LSTM's cell path must keep at least 10x more of its gradient than the RNN
TRIES = 8


@dataclass(frozen=True)
class PairRun:
    """One side-by-side run. ``rnn_dh`` = the RNN's ‖∂L/∂h_t‖ and ``lstm_dc`` = the LSTM's
    ‖∂L/∂c_t‖ at ``steps_shown`` (3 significant figures); ``lstm_dh`` its ‖∂L/∂h_t‖ there;
    ``forget_mean`` the LSTM's mean forget gate over the batch, units and steps."""

    seq_len: int
    hidden: int
    updates: int
    forget_bias: float
    seed: int
    steps_shown: tuple[int, ...]
    rnn_dh: tuple[float, ...]
    lstm_dc: tuple[float, ...]
    lstm_dh: tuple[float, ...]
    forget_mean: float

    @property
    def contrast(self) -> float:
        """How much more of its gradient the LSTM's cell path keeps from T back to 1."""
        return (self.lstm_dc[0] / self.lstm_dc[-1]) / (self.rnn_dh[0] / self.rnn_dh[-1])

    def description(self) -> str:
        return (
            f"a tanh RNN and an LSTM (forget-gate bias b_f = {self.forget_bias:g}), both with "
            f"H = {self.hidden}, trained side by side for {self.updates} Adam updates on the "
            f"adding problem at T = {self.seq_len} (same seed, same batches; loss at the last step "
            f"only; a live run of this app's engine, run seed {self.seed}), then evaluated on a "
            "fresh batch"
        )


def shown_steps(seq_len: int) -> tuple[int, ...]:
    """t = 1, about T/4, T/2, 3T/4, and T (distinct for T ≥ 8)."""
    T = int(seq_len)
    return tuple(sorted({1, round(T / 4), round(T / 2), round(3 * T / 4), T}))


@functools.lru_cache(maxsize=256)
def _pair(seq_len: int, hidden: int, updates: int, forget_bias: float, seed: int) -> PairRun:
    import engine
    from engine import diagnostics, tasks

    draw = tasks.sampler("adding", seq_len=seq_len, batch_size=BATCH)
    rnn = engine.init_rnn(2, hidden, 1, seed=seed)
    lstm = engine.init_rnn(2, hidden, 1, cell="lstm", seed=seed, forget_bias=forget_bias)
    rnn = engine.train(
        rnn, draw, updates, optimizer="adam", lr=LR, clip_norm=CLIP, seed=seed + 1
    ).params
    lstm = engine.train(
        lstm, draw, updates, optimizer="adam", lr=LR, clip_norm=CLIP, seed=seed + 1
    ).params
    batch = tasks.make_task("adding", seed=seed + 2, seq_len=seq_len, batch_size=BATCH)
    args = (batch.xs, batch.targets)
    kw = batch.loss_kwargs()
    rnn_dh = diagnostics.dh_norms(rnn, *args, **kw)
    lstm_dc = diagnostics.dc_norms(lstm, *args, **kw)
    lstm_dh = diagnostics.dh_norms(lstm, *args, **kw)
    forget = float(diagnostics.forget_gate_means(lstm, batch.xs).mean())
    at = shown_steps(seq_len)

    def pick(values: np.ndarray) -> tuple[float, ...]:
        return tuple(sig(float(values[t - 1]), 3) for t in at)

    return PairRun(
        seq_len,
        hidden,
        updates,
        forget_bias,
        seed,
        at,
        pick(rnn_dh),
        pick(lstm_dc),
        pick(lstm_dh),
        round(forget, 3),
    )


def pair_run(
    rng: np.random.Generator, seq_len: int | None = None, forget_bias: float | None = None
) -> PairRun:
    """A run whose picture is the textbook one (the LSTM's cell path keeps ≥ MARGIN times more
    of its gradient than the RNN's h path): up to TRIES run seeds are tried in turn, and the
    clearest run is kept when none reaches the margin (the question stays right either way; only
    the picture is less striking)."""
    T = int(seq_len) if seq_len is not None else int(rng.integers(20, 41))
    hidden = int(rng.choice([4, 6, 8]))
    updates = int(rng.integers(3, 9))
    fb = float(forget_bias) if forget_bias is not None else float(rng.choice([2.0, 3.0]))
    best: PairRun | None = None
    for _ in range(TRIES):
        run = _pair(T, hidden, updates, fb, int(rng.integers(0, 2**31 - 1)))
        if best is None or run.contrast > best.contrast:
            best = run
        if run.contrast >= MARGIN:
            return run
    assert best is not None
    return best
