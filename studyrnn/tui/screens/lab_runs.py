"""What the gradient lab's dials mean to the engine, and the runs its workers make (no Textual).

`LabConfig` is what the controls say; `init_params` is the one place that turns it (and a cell)
into `engine.init_rnn` arguments; `training_setup` says which batches and optimiser a task
trains with; `train_cell` is one cell's training run as the comparison makes it, reporting
`RunSnapshot`s. The screen only renders these and forwards keys.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

CELLS = ["rnn", "lstm", "gru"]
FORGET_BIASES = [-3.0, -2.0, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0]

# Batch size of the short tasks (the lab's first, SGD-trained demos).
DEMO_BATCH = 8

# Seconds per training step per time step with BLAS on one thread, measured on the development
# machine with the long-range recipe (H = 16, B = 32: 400 steps at T = 50 took 0.6 s for the
# RNN, 2.4 s for the LSTM, 2.5 s for the GRU). At the lab's sizes the time is mostly per-step
# overhead, so it scales with steps × T and hardly with H or B: an estimate, shown as "about".
SECONDS_PER_STEP_AND_T = {"rnn": 3.2e-5, "lstm": 1.2e-4, "gru": 1.25e-4}


@dataclass(frozen=True)
class LabConfig:
    """What the controls say, already checked to be numbers.

    task "adding" / "sine" (SGD demos, batch 8) or "long-range" (the adding problem with the
    engine's LONG_RANGE recipe: Adam, batch 32); cell trains with t and is the first of the two
    cells compared with c, versus the second; forget_bias is the LSTM's b_f (b_if + b_hf).
    """

    task: str = "adding"
    activation: str = "tanh"
    hidden: int = 16
    seq_len: int = 30
    radius: float = 1.0
    clip: float | None = 1.0
    truncate: int | None = None
    steps: int = 150
    lr: float = 0.1
    seed: int = 0
    cell: str = "rnn"
    versus: str = "lstm"
    forget_bias: float = 1.0

    def compared(self) -> tuple[str, str]:
        """The two cells the comparison trains, in order (the same cell twice is allowed)."""
        return self.cell, self.versus


def long_range_dials() -> dict[str, Any]:
    """The dial values that reproduce the engine's LONG_RANGE recipe (set when it is chosen)."""
    from engine.tasks import LONG_RANGE

    return {
        "hidden": LONG_RANGE.hidden_size,
        "seq_len": LONG_RANGE.seq_len,
        "steps": LONG_RANGE.steps,
        "clip": LONG_RANGE.clip_norm,
    }


def init_params(
    config: LabConfig, input_size: int, output_size: int, cell: str | None = None
) -> Any:
    """The network the lab dials describe for `cell` (default config.cell); the cell goes to
    engine.init_rnn as pinned. The RNN takes activation and spectral radius, the LSTM the forget
    bias; the GRU neither."""
    import engine

    cell = config.cell if cell is None else cell
    extra: dict[str, Any] = {"cell": cell}
    if cell == "rnn":
        extra.update(activation=config.activation, spectral_radius=config.radius)
    elif cell == "lstm":
        extra.update(forget_bias=config.forget_bias)
    return engine.init_rnn(input_size, config.hidden, output_size, seed=config.seed, **extra)


def batch_size(config: LabConfig) -> int:
    from engine.tasks import LONG_RANGE

    return LONG_RANGE.batch_size if config.task == "long-range" else DEMO_BATCH


def task_name(config: LabConfig) -> str:
    """The engine's name of the task ("long-range" is the adding problem)."""
    return "sine" if config.task == "sine" else "adding"


def task_batch(config: LabConfig) -> Any:
    """One fixed batch (seeded with config.seed): what the gradients at initialisation use."""
    from engine import tasks

    return tasks.make_task(
        task_name(config), seed=config.seed, seq_len=config.seq_len, batch_size=batch_size(config)
    )


def task_sampler(config: LabConfig) -> Any:
    """A fresh batch per training step (rng -> TaskBatch), as engine.train draws them."""
    from engine import tasks

    return tasks.sampler(task_name(config), seq_len=config.seq_len, batch_size=batch_size(config))


def optimizer_kwargs(config: LabConfig) -> dict[str, Any]:
    """optimizer= and lr= for engine.train: the recipe's Adam for the long-range task."""
    from engine.tasks import LONG_RANGE

    if config.task == "long-range":
        return {"optimizer": LONG_RANGE.optimizer, "lr": LONG_RANGE.lr}
    return {"optimizer": "sgd", "lr": config.lr}


def estimated_seconds(config: LabConfig, cells: tuple[str, ...]) -> float:
    """Roughly how long training `cells` one after the other takes (one core, idle machine)."""
    return sum(SECONDS_PER_STEP_AND_T[c] * config.steps * config.seq_len for c in cells)


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit BLAS to one thread while a lab run trains, where threadpoolctl is installed.

    On a loaded machine OpenBLAS's second thread makes the LSTM's small products about ten
    times slower; without threadpoolctl (not a dependency) the BLAS default is left alone.
    The limit is process-wide for as long as the run lasts.
    """
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-not-found]
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# A long run still reports this often (seconds), so the plots and the time left keep moving.
REPORT_AT_LEAST_EVERY = 0.25


@dataclass(frozen=True)
class RunSnapshot:
    """One compared cell's run so far.

    losses (steps done,); dh_norms (T,) = ‖∂L/∂h_t‖ for t = 1..T at the latest step; dc_norms
    (T,) = ‖∂L/∂c_t‖ likewise for an LSTM, else None; done / total steps; finished when the run
    ended (all steps, stopped, or diverged); seconds of training so far.
    """

    cell: str
    losses: list[float]
    dh_norms: list[float]
    dc_norms: list[float] | None
    done: int
    total: int
    finished: bool = False
    stopped: bool = False
    diverged: bool = False
    seconds: float = 0.0


def train_cell(
    config: LabConfig,
    cell: str,
    report: Callable[[RunSnapshot], None],
    should_stop: Callable[[], bool],
    every: int = 10,
) -> RunSnapshot:
    """Train `cell` as the comparison does: the config's task, seq_len, hidden size, seed
    (init seed config.seed, batches from seed config.seed + 1, as the LONG_RANGE recipe),
    steps and clip norm, recording ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) at every step. Calls
    report(snapshot) every `every` steps (and at least every REPORT_AT_LEAST_EVERY seconds) and
    returns the final snapshot (finished=True)."""
    import engine

    batch = task_batch(config)
    params = init_params(config, batch.input_size, batch.output_size, cell)
    losses: list[float] = []
    start = time.perf_counter()
    latest: dict[str, Any] = {"dh": [], "dc": None, "reported": start}

    def snapshot(**extra: Any) -> RunSnapshot:
        return RunSnapshot(
            cell,
            list(losses),
            list(latest["dh"]),
            None if latest["dc"] is None else list(latest["dc"]),
            len(losses),
            config.steps,
            seconds=time.perf_counter() - start,
            **extra,
        )

    def on_step(record: Any) -> None:
        losses.append(float(record.loss))
        latest["dh"] = [float(v) for v in record.dh_norms]
        if record.dc_norms is not None:
            latest["dc"] = [float(v) for v in record.dc_norms]
        now = time.perf_counter()
        due = len(losses) % every == 0 or now - latest["reported"] > REPORT_AT_LEAST_EVERY
        if due and len(losses) < config.steps:
            latest["reported"] = now
            report(snapshot())

    result = engine.train(
        params,
        task_sampler(config),
        config.steps,
        clip_norm=config.clip,
        truncate=config.truncate,
        seed=config.seed + 1,
        record_dh=True,
        on_step=on_step,
        should_stop=should_stop,
        **optimizer_kwargs(config),
    )
    final = snapshot(finished=True, stopped=result.stopped, diverged=result.diverged)
    report(final)
    return final


def solved_step(losses: list[float]) -> int | None:
    """When a run solved the adding problem by the LONG_RANGE criterion, or None."""
    import numpy as np

    from engine.tasks import LONG_RANGE, first_solved_step

    return first_solved_step(np.asarray(losses), LONG_RANGE.solved_below, LONG_RANGE.window)
