"""Gradient lab: dial an RNN, watch ‖∂L/∂h_t‖ vanish or explode, train it with and without clipping.

The NumPy engine does all the work; this screen reads the controls, runs the engine in thread
workers (which only post messages and check cancellation) and plots what comes back.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Footer, Header, Label, ProgressBar, Select, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from studyrnn.i18n import N_, _
from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal

TASKS = [(N_("adding problem"), "adding"), (N_("sine prediction"), "sine")]
ACTIVATIONS = [("tanh", "tanh"), ("relu", "relu"), ("sigmoid", "sigmoid")]


# the LabConfig each app last used: the dials keep their values for the session
LAST_CONFIG: weakref.WeakKeyDictionary[Any, LabConfig] = weakref.WeakKeyDictionary()


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
    cell: str = "rnn"  # "lstm" / "gru" once the engine has them (DESIGN.md, Engine contract)


# (LabConfig field, label, the values a dial steps through: ←/→ or −/+ move along them).
# Values come from these lists only, so a dial can never hold a value the engine rejects.
DIALS: list[tuple[str, str, list[Any]]] = [
    ("hidden", N_("Hidden size"), [2, 4, 8, 16, 32, 64, 128]),
    ("seq_len", N_("Seq. length"), [5, 10, 20, 30, 50, 100, 200]),
    ("radius", N_("Spectral r."), [0.0, 0.5, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 3.0]),
    ("clip", N_("Clip norm"), [None, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0]),
    ("truncate", N_("Truncate k"), [None, 1, 2, 5, 10, 20, 50]),
    ("steps", N_("Train steps"), [30, 50, 100, 150, 300, 500, 1000]),
]


def dial_text(value: Any) -> str:
    return _("none") if value is None else f"{value:g}"


class Dial(Static, can_focus=True):
    """One number, stepped with ←/→ (or −/+) through a fixed list; Enter applies it."""

    BINDINGS = [
        Binding("left,minus", "step(-1)", N_("Less"), show=False),
        Binding("right,plus,equals_sign", "step(1)", N_("More"), show=False),
    ]

    class Changed(Message):
        def __init__(self, dial: Dial) -> None:
            self.dial = dial
            super().__init__()

    def __init__(self, key: str, label: str, values: list[Any], value: Any) -> None:
        super().__init__(id=key, classes="dial")
        self.key, self.label, self.values = key, label, values
        self.index = values.index(value) if value in values else 0

    @property
    def value(self) -> Any:
        return self.values[self.index]

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        left = "◀" if self.index > 0 else " "
        right = "▶" if self.index < len(self.values) - 1 else " "
        self.update(Text(f"{left} {dial_text(self.value):>5} {right}"))

    def action_step(self, by: int) -> None:
        index = self.index + by
        if not 0 <= index < len(self.values):
            end = _("smallest") if by < 0 else _("largest")
            self.notify(
                _("{label}: {value} is the {end} value.").format(
                    label=_(self.label), value=dial_text(self.value), end=end
                ),
                severity="warning",
                timeout=3,
            )
            return
        self.index = index
        self.show()
        self.post_message(self.Changed(self))

    def on_click(self, event: Any) -> None:
        self.focus()
        self.action_step(-1 if event.x < self.size.width // 2 else 1)


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


def step_axis(plt: Any, steps: int) -> None:
    """An x-axis of whole steps 1..``steps`` (plotext would pick fractional ticks)."""
    if steps < 1:
        return
    every = max(1, math.ceil(steps / 6))
    ticks = list(range(1, steps + 1, every))
    if ticks[-1] != steps:
        ticks.append(steps)
    plt.xlim(1, max(steps, 2))
    plt.xticks(ticks, [str(t) for t in ticks])


def ratio_line(norms: list[float]) -> str:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖, also when it is 0 (ρ = 0: nothing reaches h_1) or undefined."""
    if len(norms) < 2:
        return ""
    first, last = norms[0], norms[-1]
    label = "‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ = "
    if not (math.isfinite(first) and math.isfinite(last)):
        return label + _("overflow (inf or nan)")
    if last == 0:
        return label + _("undefined (‖∂L/∂h_T‖ = 0)")
    if first == 0:
        return label + _("0 (no gradient reaches h_1)")
    return label + f"{first / last:.2e}"


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
        Binding("g", "gradients", N_("Gradients"), id="gradients"),
        Binding("t", "train", N_("Train"), id="train"),
        Binding("x", "cancel", N_("Cancel"), id="cancel"),
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
        # the dials as the learner left them, for the rest of the session
        self.config = LabConfig()
        self.training = False
        self.outcome: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        self.config = c = LAST_CONFIG.get(self.app, self.config)
        yield Header()
        with Horizontal(id="lab"):
            with Vertical(id="lab-controls"):
                with Horizontal(classes="field"):
                    yield Label(_("Task"), classes="field-label")
                    yield Select(
                        [(_(name), v) for name, v in TASKS],
                        value=c.task,
                        allow_blank=False,
                        id="task",
                        compact=True,
                    )
                with Horizontal(classes="field"):
                    yield Label(_("Activation"), classes="field-label")
                    yield Select(
                        ACTIVATIONS,
                        value=c.activation,
                        allow_blank=False,
                        id="activation",
                        compact=True,
                    )
                for key, label, values in DIALS:
                    with Horizontal(classes="field"):
                        yield Label(_(label), classes="field-label")
                        yield Dial(key, label, values, getattr(c, key))
                yield Static(_("←/→ or −/+ turn a dial"), classes="hint", id="dial-hint")
                with Horizontal(id="lab-buttons"):
                    yield Button(f"t {_('Train')}", id="do-train", compact=True, variant="primary")
                    yield Button(
                        f"x {_('Cancel')}",
                        id="do-cancel",
                        compact=True,
                        variant="error",
                        disabled=True,
                    )
                yield ProgressBar(
                    id="train-progress", show_eta=False, total=1
                )  # still at 0%, not an animation
                yield Static(id="lab-summary", classes="summary")
            with Vertical(id="lab-plots"):
                yield PlotextPlot(id="grad-plot")
                with Horizontal(id="loss-plots"):
                    yield PlotextPlot(id="loss-plain")
                    yield PlotextPlot(id="loss-clipped")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Gradient lab")
        self._draw_loss("plain", [])
        self._draw_loss("clipped", [])
        self.query_one(Dial).focus()
        self.action_gradients()

    def on_resize(self) -> None:
        # On a short terminal the controls close up so the W_hh summary stays visible.
        self.query_one("#lab-controls").set_class(self.size.height < 30, "compact")

    # -- controls --------------------------------------------------------------------------------

    def read_config(self) -> LabConfig:
        """The controls as a LabConfig (dials hold valid values only), kept for the session."""
        values: dict[str, Any] = {
            "task": self.query_one("#task", Select).value,
            "activation": self.query_one("#activation", Select).value,
        }
        for dial in self.query(Dial):
            values[dial.key] = dial.value
        config = LabConfig(**values)
        LAST_CONFIG[self.app] = config
        return config

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.is_mounted:
            self.action_gradients()

    def on_dial_changed(self, event: Dial.Changed) -> None:
        self.action_gradients()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "do-train":
            self.action_train()
        elif event.button.id == "do-cancel":
            self.action_cancel()

    # -- gradients at initialisation ---------------------------------------------------------------

    def action_gradients(self) -> None:
        self.config = self.read_config()
        self.compute_gradients(self.config)

    @work(thread=True, exclusive=True, group="lab-gradients", exit_on_error=False)
    def compute_gradients(self, config: LabConfig) -> None:
        from engine import diagnostics

        batch = _batch(config)
        params = init_params(config, batch.input_size, batch.output_size)
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
        step_axis(plt, len(message.norms))
        plt.title(_("‖∂L/∂h_t‖ over t (log scale)"))
        plt.xlabel(_("time step t"))
        plot.refresh()
        s = message.summary
        verdict = _("vanishing guaranteed") if s.get("vanishing_guaranteed") else _("may explode")
        self.query_one("#lab-summary", Static).update(
            literal(
                f"ρ(W_hh) = {s['spectral_radius']:.3g}, λ₁ = {s['largest_singular_value']:.3g}\n"
                f"γ = {s['gamma']:g}: {verdict}\n{ratio_line(message.norms)}"
            )
        )

    # -- training ----------------------------------------------------------------------------------

    def action_train(self) -> None:
        self.config = config = self.read_config()
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
        self.notify(_("Training cancelled."))

    @work(thread=True, exclusive=True, group="lab", exit_on_error=False)
    def train(self, config: LabConfig) -> None:
        import engine

        worker = get_current_worker()
        every = max(1, config.steps // 40)
        for run, clip in (("plain", None), ("clipped", config.clip)):
            batch_source = _sampler(config)
            params = init_params(config, _batch(config).input_size, 1)
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
                _("Training done — without clipping: {plain}; with clipping: {clipped}.").format(
                    plain=self.outcome.get("plain"), clipped=self.outcome.get("clipped")
                )
            )

    def _draw_loss(self, run: str, losses: list[float], diverged: bool = False) -> None:
        plot = self.query_one(f"#loss-{run}", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        log_plot(plt, losses)
        step_axis(plt, len(losses) if losses else self.config.steps)
        clip = self.config.clip
        title = (
            _("loss, no clipping")
            if run == "plain"
            else _("loss, clip ‖g‖ ≤ {clip}").format(clip=f"{clip:g}")
            if clip
            else _("loss (clip: none)")
        )
        if diverged:
            title += " — " + _("diverged")
        plt.title(title)
        plt.xlabel(_("step"))
        plot.refresh()

    def on_worker_state_changed(self, event: Any) -> None:
        # The app's handler reports the error; the lab also leaves its training state.
        from textual.worker import WorkerState

        if event.worker.group == "lab" and event.state in (WorkerState.ERROR,) and self.training:
            self.training = False
            self._set_training(False)


def _outcome(losses: list[float], diverged: bool) -> str:
    if diverged:
        return _("diverged (the loss became inf or nan)")
    if not losses:
        return _("no steps")
    final = losses[-1]
    if final > 1e3 * max(losses[0], 1e-12):
        return _("blew up (final loss {loss})").format(loss=f"{final:.2g}")
    return _("final loss {loss}").format(loss=f"{final:.3g}")


def init_params(config: LabConfig, input_size: int, output_size: int) -> Any:
    """The network the lab dials describe; the cell goes to engine.init_rnn as pinned."""
    import engine

    extra: dict[str, Any] = {} if config.cell == "rnn" else {"cell": config.cell}
    if config.cell == "rnn":
        extra.update(activation=config.activation, spectral_radius=config.radius)
    return engine.init_rnn(input_size, config.hidden, output_size, seed=config.seed, **extra)


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
