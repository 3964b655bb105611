"""Seeded toy tasks for recurrent networks. Each returns a `TaskBatch`: inputs, targets and the
loss to train them with. Same arguments and seed → the same arrays.

  adding_problem   [Hochreiter & Schmidhuber 1997]: sum the two marked numbers (many-to-one)
  copy_task        remember a short symbol string across a delay, then replay it
  sine_prediction  predict the next sample of a sine wave (many-to-many regression)

`sampler(name, **kwargs)` turns a task into a callable `rng -> TaskBatch` for `train`, which
then draws a fresh batch at every step. `LONG_RANGE` is a recipe (the adding problem at T = 50
and a short Adam run) on which a vanilla RNN fails and an LSTM learns; `first_solved_step`
says when a run got there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Seed = int | np.random.Generator


@dataclass(frozen=True, eq=False)
class TaskBatch:
    """One batch of a toy task.

    xs (T, B, D) float64 inputs; targets: (T, B, O) floats or (T, B) classes when many-to-many,
    (B, O) or (B,) when many_to_one; loss "squared_error" or "cross_entropy"; input_size D and
    output_size O for `init_rnn`; name of the task.
    """

    name: str
    xs: np.ndarray
    targets: np.ndarray
    loss: str
    many_to_one: bool
    input_size: int
    output_size: int

    @property
    def seq_len(self) -> int:
        """T."""
        return self.xs.shape[0]

    @property
    def batch_size(self) -> int:
        """B."""
        return self.xs.shape[1]

    def loss_kwargs(self) -> dict:
        """Keyword arguments for `loss_and_grads` / `bptt`: loss and many_to_one."""
        return {"loss": self.loss, "many_to_one": self.many_to_one}


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def adding_problem(seq_len: int = 20, batch_size: int = 16, seed: Seed = 0) -> TaskBatch:
    """The adding problem: xs (T, B, 2) with channel 0 ~ U(0, 1) and channel 1 a marker that is 1
    at one step in the first half and one step in the second half; target (B, 1) the sum of the
    two marked values, read at the last step (many-to-one, squared error). A constant guess of
    1 scores 1/6 mean squared error, so anything below that has learnt something.
    """
    T, B = int(seq_len), int(batch_size)
    if T < 2 or B < 1:
        raise ValueError(f"adding_problem needs seq_len ≥ 2 and batch_size ≥ 1, got {T}, {B}")
    rng = _rng(seed)
    values = rng.uniform(0.0, 1.0, size=(T, B))
    half = T // 2
    first = rng.integers(0, half, size=B)
    second = rng.integers(half, T, size=B)
    markers = np.zeros((T, B))
    cols = np.arange(B)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    xs = np.stack([values, markers], axis=2)
    targets = (values[first, cols] + values[second, cols])[:, None]
    return TaskBatch("adding", xs, targets, "squared_error", True, 2, 1)


def copy_task(
    length: int = 5, delay: int = 10, n_symbols: int = 4, batch_size: int = 16, seed: Seed = 0
) -> TaskBatch:
    """Copy/memory task: see `length` random symbols, wait `delay` steps, replay them.

    Inputs one-hot over n_symbols + 2 channels (symbols, blank = n_symbols, go = n_symbols+1):
    the symbols for `length` steps, blanks, the go marker on the last step of the delay, then
    blanks while answering. T = 2·length + delay. Targets (T, B) classes over n_symbols + 1
    (blank = n_symbols) — blank until the go marker has been seen, then the symbols in order;
    cross-entropy at every step (many-to-many).
    """
    L, K, B = int(length), int(n_symbols), int(batch_size)
    delay = int(delay)
    if L < 1 or K < 1 or B < 1 or delay < 1:
        raise ValueError("copy_task needs length, n_symbols, batch_size and delay all ≥ 1")
    rng = _rng(seed)
    T = 2 * L + delay
    symbols = rng.integers(0, K, size=(L, B))
    in_class = np.full((T, B), K)
    in_class[:L] = symbols
    in_class[L + delay - 1] = K + 1
    xs = np.zeros((T, B, K + 2))
    np.put_along_axis(xs, in_class[:, :, None], 1.0, axis=2)
    targets = np.full((T, B), K, dtype=np.intp)
    targets[L + delay :] = symbols
    return TaskBatch("copy", xs, targets, "cross_entropy", False, K + 2, K + 1)


def sine_prediction(
    seq_len: int = 30,
    batch_size: int = 16,
    seed: Seed = 0,
    freq_range: tuple[float, float] = (0.1, 0.3),
) -> TaskBatch:
    """Next-step prediction of sine waves: x_t = sin(ω t + φ), target x_{t+1}; xs (T, B, 1),
    targets (T, B, 1); ω ~ U(freq_range) radians per step and φ ~ U(0, 2π) per sequence;
    squared error at every step (many-to-many)."""
    T, B = int(seq_len), int(batch_size)
    if T < 1 or B < 1:
        raise ValueError(f"sine_prediction needs seq_len ≥ 1 and batch_size ≥ 1, got {T}, {B}")
    rng = _rng(seed)
    omega = rng.uniform(freq_range[0], freq_range[1], size=B)
    phase = rng.uniform(0.0, 2.0 * np.pi, size=B)
    wave = np.sin(np.arange(T + 1)[:, None] * omega + phase)  # (T+1, B)
    return TaskBatch(
        "sine", wave[:-1, :, None].copy(), wave[1:, :, None].copy(), "squared_error", False, 1, 1
    )


TASKS: dict[str, Callable[..., TaskBatch]] = {
    "adding": adding_problem,
    "copy": copy_task,
    "sine": sine_prediction,
}


def make_task(name: str, seed: Seed = 0, **kwargs) -> TaskBatch:
    """A batch of the named task ("adding", "copy", "sine")."""
    try:
        fn = TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; expected one of {', '.join(TASKS)}") from None
    return fn(seed=seed, **kwargs)


def sampler(name: str, **kwargs) -> Callable[[np.random.Generator], TaskBatch]:
    """A callable rng -> fresh TaskBatch of the named task, for `train(..., task=...)`."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; expected one of {', '.join(TASKS)}")
    fn = TASKS[name]

    def draw(rng: np.random.Generator) -> TaskBatch:
        return fn(seed=rng, **kwargs)

    draw.task_name = name  # type: ignore[attr-defined]
    return draw


@dataclass(frozen=True)
class LongRangeRecipe:
    """A long-range task and a short training run on which a vanilla RNN fails and an LSTM
    learns: the adding problem, whose answer depends on two inputs up to T steps back.

    A constant guess of 1 scores `baseline` = 1/6 mean squared error; a run has solved the task
    when the mean loss over `window` consecutive steps drops below `solved_below`. With these
    settings (cell sizes D = 2, H = hidden_size, O = 1; init_rnn(..., seed=s); train(...,
    seed=s + 1)) an LSTM with the default forget bias 1 solves it at step 301, 396, 309 and 348
    for s = 0..3, about 3-5 s of training with the engine on one core; a tanh RNN stays at
    ≈ 1/6 for all 400 steps (its ‖∂L/∂h_t‖ dies out long before the first marker).
    """

    task: str = "adding"
    seq_len: int = 50
    batch_size: int = 32
    hidden_size: int = 16
    optimizer: str = "adam"
    lr: float = 0.01
    clip_norm: float = 1.0
    steps: int = 400
    solved_below: float = 0.05
    window: int = 25
    baseline: float = 1.0 / 6.0

    def sampler(self) -> Callable[[np.random.Generator], TaskBatch]:
        """A fresh batch per step: xs (seq_len, batch_size, 2), targets (batch_size, 1)."""
        return sampler(self.task, seq_len=self.seq_len, batch_size=self.batch_size)

    def train_kwargs(self) -> dict:
        """Keyword arguments for `engine.train` besides params, task and seed."""
        return {
            "steps": self.steps,
            "optimizer": self.optimizer,
            "lr": self.lr,
            "clip_norm": self.clip_norm,
        }


LONG_RANGE = LongRangeRecipe()


def first_solved_step(losses: np.ndarray, below: float, window: int = 25) -> int | None:
    """The number of steps after which the mean of the last `window` losses (steps,) first
    drops below `below`, or None if it never does."""
    losses = np.asarray(losses, dtype=np.float64)
    if losses.size < window:
        return None
    means = np.convolve(losses, np.ones(window) / window, mode="valid")
    hits = np.flatnonzero(means < below)
    return int(hits[0]) + window if hits.size else None
