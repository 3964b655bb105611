"""Gradient lab: dial an RNN, watch ‖∂L/∂h_t‖ vanish or explode, train it with and without clipping.

The NumPy engine does all the work; this screen reads the controls, runs the engine in thread
workers (which only post messages and check cancellation) and plots what comes back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Footer, Header, Input, Label, ProgressBar, Select, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal

TASKS = [("adding problem", "adding"), ("sine prediction", "sine")]
ACTIVATIONS = [("tanh", "tanh"), ("relu", "relu"), ("sigmoid", "sigmoid")]


@dataclass(frozen=True)
class LabConfig:
    """What the controls say, already checked to be numbers."""

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


# (input id, label, LabConfig field, parser)
def _int(text: str) -> int:
    return int(text)


def _opt_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _opt_int(text: str) -> int | None:
    return int(text) if text.strip() else None


FIELDS = [
    ("hidden", "Hidden size", _int),
    ("seq_len", "Seq. length", _int),
    ("radius", "Spectral r.", float),
    ("clip", "Clip norm", _opt_float),
    ("truncate", "Truncate k", _opt_int),
    ("steps", "Train steps", _int),
]


def log_plot(plt, values: list[float]) -> None:
    """Plot values on a log axis as log10 with 1eK tick labels: plotext's own log scale cannot
    span the 100 orders of magnitude an exploding run reaches."""
    xs, ys = finite(values)
    if not ys:
        return
    logs = [math.log10(y) for y in ys]
    plt.plot(xs, logs, marker="braille")
    low, high = math.floor(min(logs)), math.ceil(max(logs))
    if high == low:
        high += 1
    step = max(1, math.ceil((high - low) / 5))
    ticks = list(range(low, high + 1, step))
    plt.ylim(low, high)
    plt.yticks(ticks, [f"1e{k}" for k in ticks])


def finite(values: list[float]) -> tuple[list[int], list[float]]:
    """The steps with a finite, positive value (what a log plot can show)."""
    xs, ys = [], []
    for i, v in enumerate(values, 1):
        if math.isfinite(v) and v > 0:
            xs.append(i)
            ys.append(v)
    return xs, ys


class LabScreen(StudyScreen):
    BINDINGS = [
        Binding("g", "gradients", "Gradients", id="gradients"),
        Binding("t", "train", "Train", id="train"),
        Binding("x", "cancel", "Cancel", id="cancel"),
    ]

    class Gradients(Message):
        def __init__(self, config: LabConfig, norms: list[float], summary: dict[str, Any]) -> None:
            self.config = config
            self.norms = norms
            self.summary = summary
            super().__init__()

    class Progress(Message):
        def __init__(self, run: str, losses: list[float], done: int, total: int) -> None:
            self.run = run
            self.losses = losses
            self.done = done
            self.total = total
            super().__init__()

    class Finished(Message):
        def __init__(self, run: str, losses: list[float], stopped: bool, diverged: bool) -> None:
            self.run = run
            self.losses = losses
            self.stopped = stopped
            self.diverged = diverged
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.config = LabConfig()
        self.training = False
        self.outcome: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        c = self.config
        yield Header()
        with Horizontal(id="lab"):
            with Vertical(id="lab-controls"):
                with Horizontal(classes="field"):
                    yield Label("Task", classes="field-label")
                    yield Select(TASKS, value=c.task, allow_blank=False, id="task", compact=True)
                with Horizontal(classes="field"):
                    yield Label("Activation", classes="field-label")
                    yield Select(
                        ACTIVATIONS,
                        value=c.activation,
                        allow_blank=False,
                        id="activation",
                        compact=True,
                    )
                for key, label, _ in FIELDS:
                    value = getattr(c, key)
                    with Horizontal(classes="field"):
                        yield Label(label, classes="field-label")
                        yield Input(
                            "" if value is None else str(value),
                            id=key,
                            compact=True,
                            placeholder="none" if key in ("clip", "truncate") else "",
                        )
                with Horizontal(id="lab-buttons"):
                    yield Button("t Train", id="do-train", compact=True, variant="primary")
                    yield Button(
                        "x Cancel", id="do-cancel", compact=True, variant="error", disabled=True
                    )
                yield ProgressBar(id="train-progress", show_eta=False)
                yield Static(id="lab-summary", classes="summary")
            with Vertical(id="lab-plots"):
                yield PlotextPlot(id="grad-plot")
                with Horizontal(id="loss-plots"):
                    yield PlotextPlot(id="loss-plain")
                    yield PlotextPlot(id="loss-clipped")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Gradient lab"
        self._draw_loss("plain", [])
        self._draw_loss("clipped", [])
        self.query_one("#do-train").focus()
        self.action_gradients()

    def on_resize(self) -> None:
        # On a short terminal the controls close up so the W_hh summary stays visible.
        self.query_one("#lab-controls").set_class(self.size.height < 30, "compact")

    # -- controls --------------------------------------------------------------------------------

    def read_config(self) -> LabConfig | None:
        """The controls as a LabConfig, or None (and a message) if one is not a number."""
        values: dict[str, Any] = {
            "task": self.query_one("#task", Select).value,
            "activation": self.query_one("#activation", Select).value,
        }
        for key, label, parse in FIELDS:
            text = self.query_one(f"#{key}", Input).value
            try:
                values[key] = parse(text)
            except ValueError:
                self.notify(f"{label}: {text!r} is not a number.", severity="warning")
                self.query_one(f"#{key}", Input).focus()
                return None
        return LabConfig(**values)

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.is_mounted:
            self.action_gradients()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_gradients()
        self.query_one("#do-train").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "do-train":
            self.action_train()
        elif event.button.id == "do-cancel":
            self.action_cancel()

    # -- gradients at initialisation ---------------------------------------------------------------

    def action_gradients(self) -> None:
        config = self.read_config()
        if config is not None:
            self.config = config
            self.compute_gradients(config)

    @work(thread=True, exclusive=True, group="lab-gradients", exit_on_error=False)
    def compute_gradients(self, config: LabConfig) -> None:
        import engine
        from engine import diagnostics

        batch = _batch(config)
        params = engine.init_rnn(
            batch.input_size,
            config.hidden,
            batch.output_size,
            activation=config.activation,
            seed=config.seed,
            spectral_radius=config.radius,
        )
        norms = diagnostics.dh_norms(
            params,
            batch.xs,
            batch.targets,
            batch.loss,
            "mean",
            config.truncate,
            many_to_one=batch.many_to_one,
        )
        summary = diagnostics.recurrent_summary(params)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Gradients(config, [float(v) for v in norms], summary))

    def on_lab_screen_gradients(self, message: Gradients) -> None:
        plot = self.query_one("#grad-plot", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        log_plot(plt, message.norms)
        xs, ys = finite(message.norms)
        plt.title("‖∂L/∂h_t‖ over t (log scale)")
        plt.xlabel("time step t")
        plot.refresh()
        s = message.summary
        verdict = "vanishing guaranteed" if s.get("vanishing_guaranteed") else "may explode"
        ratio = ""
        if len(ys) >= 2 and ys[0] > 0:
            ratio = f"\n‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ = {ys[0] / ys[-1]:.2e}"
        self.query_one("#lab-summary", Static).update(
            literal(
                f"ρ(W_hh) = {s['spectral_radius']:.3g}, λ₁ = {s['largest_singular_value']:.3g}\n"
                f"γ = {s['gamma']:g}: {verdict}{ratio}"
            )
        )

    # -- training ----------------------------------------------------------------------------------

    def action_train(self) -> None:
        config = self.read_config()
        if config is None:
            return
        self.config = config
        self.training = True
        self.outcome = {}
        self._set_training(True)
        self.query_one(ProgressBar).update(total=2 * config.steps, progress=0)
        self._draw_loss("plain", [])
        self._draw_loss("clipped", [])
        self.train(config)

    def _set_training(self, on: bool) -> None:
        self.query_one("#do-cancel", Button).disabled = not on
        self.query_one("#do-train", Button).disabled = on
        self.set_class(on, "training")
        self.refresh_bindings()
        if not on:
            self.query_one("#do-train").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.training
        if action == "train":
            return not self.training
        return True

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "lab")
        self.training = False
        self._set_training(False)
        self.notify("Training cancelled.")

    @work(thread=True, exclusive=True, group="lab", exit_on_error=False)
    def train(self, config: LabConfig) -> None:
        import engine

        worker = get_current_worker()
        every = max(1, config.steps // 40)
        for run, clip in (("plain", None), ("clipped", config.clip)):
            batch_source = _sampler(config)
            params = engine.init_rnn(
                _batch(config).input_size,
                config.hidden,
                1,
                activation=config.activation,
                seed=config.seed,
                spectral_radius=config.radius,
            )
            losses: list[float] = []
            offset = 0 if run == "plain" else config.steps

            def on_step(
                record: Any, losses: list[float] = losses, run: str = run, offset: int = offset
            ) -> None:
                losses.append(float(record.loss))
                if len(losses) % every == 0:
                    self.post_message(
                        self.Progress(run, list(losses), offset + len(losses), 2 * config.steps)
                    )

            result = engine.train(
                params,
                batch_source,
                config.steps,
                lr=config.lr,
                clip_norm=clip,
                truncate=config.truncate,
                seed=config.seed,
                on_step=on_step,
                should_stop=lambda: worker.is_cancelled,
            )
            if worker.is_cancelled:
                return
            self.post_message(self.Finished(run, losses, result.stopped, result.diverged))

    def on_lab_screen_progress(self, message: Progress) -> None:
        if not self.training:
            return
        self.query_one(ProgressBar).update(progress=message.done)
        self._draw_loss(message.run, message.losses)

    def on_lab_screen_finished(self, message: Finished) -> None:
        if not self.training:
            return
        self._draw_loss(message.run, message.losses, diverged=message.diverged)
        self.outcome[message.run] = _outcome(message.losses, message.diverged)
        if message.run == "clipped":
            self.query_one(ProgressBar).update(progress=2 * self.config.steps)
            self.training = False
            self._set_training(False)
            self.notify(
                f"Training done — without clipping: {self.outcome.get('plain')}; "
                f"with clipping: {self.outcome.get('clipped')}."
            )

    def _draw_loss(self, run: str, losses: list[float], diverged: bool = False) -> None:
        plot = self.query_one(f"#loss-{run}", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        log_plot(plt, losses)
        clip = self.config.clip
        title = (
            "loss, no clipping"
            if run == "plain"
            else f"loss, clip ‖g‖ ≤ {clip:g}"
            if clip
            else "loss (clip: none)"
        )
        if diverged:
            title += " — diverged"
        plt.title(title)
        plt.xlabel("step")
        plot.refresh()

    def on_worker_state_changed(self, event: Any) -> None:
        # The app's handler reports the error; the lab also leaves its training state.
        from textual.worker import WorkerState

        if event.worker.group == "lab" and event.state in (WorkerState.ERROR,) and self.training:
            self.training = False
            self._set_training(False)


def _outcome(losses: list[float], diverged: bool) -> str:
    if diverged:
        return "diverged (the loss became inf or nan)"
    if not losses:
        return "no steps"
    final = losses[-1]
    if final > 1e3 * max(losses[0], 1e-12):
        return f"blew up (final loss {final:.2g})"
    return f"final loss {final:.3g}"


def _batch(config: LabConfig) -> Any:
    from engine import tasks

    if config.task == "sine":
        return tasks.sine_prediction(seq_len=config.seq_len, batch_size=8, seed=config.seed)
    return tasks.adding_problem(seq_len=config.seq_len, batch_size=8, seed=config.seed)


def _sampler(config: LabConfig) -> Any:
    from engine import tasks

    if config.task == "sine":
        return tasks.sampler("sine", seq_len=config.seq_len, batch_size=8)
    return tasks.sampler("adding", seq_len=config.seq_len, batch_size=8)
