"""Numbers from real runs of the engine, for the live generators.

Every run is a pure function of its arguments (model size, task, steps, seeds), drawn by the
caller from its own seeded stream, so a live question is as deterministic as any other. Runs are
tiny (H ≤ 8, T ≤ 8, at most 20 updates) to keep a question under a few milliseconds; an
lru_cache keyed on the full arguments saves repeating a run and cannot change a result.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from engine.generators._format import sig

TASK_TEXT = {"sine": "sine-wave next-step prediction task", "adding": "adding problem"}


@dataclass(frozen=True)
class LiveNumbers:
    """Rounded numbers from a run, and a phrase saying where they came from."""

    values: tuple[float, ...]
    description: str
    description_de: str = ""

    def text(self, language: str) -> str:
        """The description in ``language`` (German where written, else English)."""
        return self.description_de if language == "de" and self.description_de else self.description


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


@functools.lru_cache(maxsize=512)
def _trained(
    task: str,
    hidden: int,
    seq_len: int,
    steps: int,
    lr: float,
    seed: int,
    input_scale: float = 1.0,
    recurrent_scale: float | None = None,
):
    """Parameters after ``steps`` SGD updates on fresh batches of ``task`` (8 sequences each)."""
    import engine
    from engine import tasks

    sample = tasks.make_task(task, seed=0, seq_len=seq_len, batch_size=1)
    init = "xavier" if recurrent_scale is None else "orthogonal"
    p = engine.init_rnn(
        sample.input_size,
        hidden,
        sample.output_size,
        activation="tanh",
        init=init,
        seed=seed,
        scale=recurrent_scale,
    )
    if input_scale != 1.0:
        p = engine.RNNParams(p.W_xh * input_scale, p.W_hh, p.b_h, p.W_hy, p.b_y, p.activation)
    if steps:
        draw = tasks.sampler(task, seq_len=seq_len, batch_size=8)
        p = engine.train(p, draw, steps, optimizer="sgd", lr=lr, seed=seed + 1).params
    return p


TASK_SHORT = {"sine": "sine-wave prediction", "adding": "the adding problem"}
TASK_SHORT_DE = {"sine": "Sinus-Vorhersage", "adding": "dem Additionsproblem"}


def _run_text(task: str, hidden: int, steps: int, lr: float) -> str:
    return (
        f"{steps} SGD update{'s' if steps != 1 else ''} of a tanh RNN (H = {hidden}) on {TASK_SHORT[task]} "
        "(a live run of this app's training engine)"
    )


def _run_text_de(task: str, hidden: int, steps: int, lr: float) -> str:
    return (
        f"{steps} SGD-Schritt{'en' if steps != 1 else ''} eines tanh-RNN (H = {hidden}) bei {TASK_SHORT_DE[task]} "
        "(ein echter Trainingslauf der Engine dieser App)"
    )


@functools.lru_cache(maxsize=512)
def _sequence_losses(
    hidden: int, seq_len: int, steps: int, lr: float, seed: int
) -> tuple[float, ...]:
    import engine
    from engine import tasks

    p = _trained("sine", hidden, seq_len, steps, lr, seed)
    batch = tasks.make_task("sine", seed=seed + 2, seq_len=seq_len, batch_size=1)
    ys = engine.forward(p, batch.xs).ys  # (T, 1, 1)
    per_step = ((ys - batch.targets) ** 2).reshape(seq_len)
    return tuple(sig(v, 3) for v in per_step)


def sequence_losses(rng: np.random.Generator) -> LiveNumbers:
    """Per-step squared errors of one sine sequence after a short training run."""
    hidden = int(rng.choice([3, 4, 6, 8]))
    seq_len = int(rng.integers(4, 9))
    steps = int(rng.integers(5, 21))
    lr = float(rng.choice([0.05, 0.1, 0.2]))
    seed = _seed(rng)
    values = _sequence_losses(hidden, seq_len, steps, lr, seed)
    text = f"the per-step squared errors L_t = (y_t - d_t)² of one sequence after {_run_text('sine', hidden, steps, lr)}"
    text_de = (
        f"die quadratischen Fehler L_t = (y_t - d_t)² pro Schritt einer Sequenz nach "
        f"{_run_text_de('sine', hidden, steps, lr)}"
    )
    return LiveNumbers(values, text, text_de)


@functools.lru_cache(maxsize=512)
def _output_gradient(
    hidden: int, seq_len: int, steps: int, lr: float, seed: int
) -> tuple[float, ...]:
    import engine
    from engine import tasks

    p = _trained("sine", hidden, seq_len, steps, lr, seed)
    batch = tasks.make_task("sine", seed=seed + 2, seq_len=seq_len, batch_size=8)
    _, grads = engine.loss_and_grads(
        p, batch.xs, batch.targets, loss="squared_error", reduction="mean"
    )
    flat = np.concatenate([grads.W_hy.ravel(), grads.b_y.ravel()])
    return tuple(sig(v, 3) for v in flat)


def output_gradient(rng: np.random.Generator, min_len: int = 0) -> LiveNumbers:
    """∂L/∂W_hy and ∂L/∂b_y (flattened, O = 1) at one step of training on the sine task."""
    hidden = max(int(rng.choice([3, 4, 5])), min_len - 1)
    seq_len = int(rng.integers(5, 9))
    steps = int(rng.integers(1, 13))
    lr = float(rng.choice([0.05, 0.1, 0.2]))
    seed = _seed(rng)
    values = _output_gradient(hidden, seq_len, steps, lr, seed)
    text = (
        f"∂L/∂W_hy ({hidden} numbers), then ∂L/∂b_y, after {_run_text('sine', hidden, steps, lr)}"
    )
    text_de = (
        f"∂L/∂W_hy ({hidden} Zahlen), dann ∂L/∂b_y, nach {_run_text_de('sine', hidden, steps, lr)}"
    )
    return LiveNumbers(values, text, text_de)


REGIMES = {"vanishing": (0.35, 0.65), "stable": (0.97, 1.03), "exploding": (1.6, 2.0)}
DH_LR, DH_CLIP = 0.01, 0.5


@functools.lru_cache(maxsize=512)
def _dh_norms(hidden: int, seq_len: int, scale: float, steps: int, seed: int) -> tuple[float, ...]:
    import engine
    from engine import tasks

    # Small input weights keep tanh near its linear range, so W_hh alone sets the story; clipping
    # keeps an exploding run from wrecking the weights before the norms are read.
    p = _trained("adding", hidden, seq_len, 0, DH_LR, seed, input_scale=1e-3, recurrent_scale=scale)
    draw = tasks.sampler("adding", seq_len=seq_len, batch_size=4)
    run = engine.train(
        p, draw, steps, optimizer="sgd", lr=DH_LR, clip_norm=DH_CLIP, seed=seed + 1, record_dh=True
    )
    norms = run.history[-1].dh_norms
    if norms is None:  # record_dh=True always records them; this keeps the type honest
        raise RuntimeError("the training run recorded no ‖∂L/∂h_t‖")
    return tuple(sig(v, 3) for v in norms)


def dh_norms(rng: np.random.Generator) -> tuple[LiveNumbers, str]:
    """‖∂L/∂h_t‖ for t = 1..T recorded at one step of training (loss at the last step only),
    and the regime used."""
    regime = str(rng.choice(list(REGIMES)))
    low, high = REGIMES[regime]
    scale = round(float(rng.uniform(low, high)), 2)
    hidden = int(rng.choice([4, 6, 8]))
    seq_len = int(rng.integers(6, 9))
    steps = int(rng.integers(1, 9))
    seed = _seed(rng)
    values = _dh_norms(hidden, seq_len, scale, steps, seed)
    text = (
        f"the norms ‖∂L/∂h_t‖ for t = 1..{seq_len} at update {steps} of a tanh RNN, H = {hidden}, on the "
        f"{TASK_TEXT['adding']} (loss at the last step only; a live run of this app's engine)"
    )
    return LiveNumbers(values, text), regime
