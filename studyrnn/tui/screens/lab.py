"""Gradient lab: dial an RNN, LSTM or GRU, watch ‖∂L/∂h_t‖ vanish or explode, train it with and
without clipping, or train two cells side by side on the same task and compare them.

The NumPy engine does all the work; `lab_runs` says what the dials mean to it. This screen reads
the controls, runs the engine in thread workers (which only post messages and check
cancellation) and plots what comes back.
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
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, Header, Label, ProgressBar, Select, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from studyrnn.i18n import N_, _
from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.screens.lab_runs import (
    CELLS,
    FORGET_BIASES,
    LabConfig,
    RunSnapshot,
    estimated_seconds,
    init_params,
    long_range_dials,
    one_blas_thread,
    optimizer_kwargs,
    solved_step,
    task_batch,
    task_sampler,
    train_cell,
)
from studyrnn.tui.text import literal

__all__ = ["Dial", "LabConfig", "LabScreen", "init_params", "log_plot", "ratio_line", "step_axis"]

TASKS = [
    (N_("adding problem"), "adding"),
    (N_("sine prediction"), "sine"),
    (N_("long-range adding"), "long-range"),
]
ACTIVATIONS = [("tanh", "tanh"), ("relu", "relu"), ("sigmoid", "sigmoid")]


# the LabConfig each app last used: the dials keep their values for the session
LAST_CONFIG: weakref.WeakKeyDictionary[Any, LabConfig] = weakref.WeakKeyDictionary()


# (LabConfig field, label, the values a dial steps through: ←/→ or −/+ move along them).
# Values come from these lists only, so a dial can never hold a value the engine rejects.
DIALS: list[tuple[str, str, list[Any]]] = [
    ("cell", N_("Cell"), CELLS),
    ("versus", N_("Compare to"), CELLS),
    ("forget_bias", N_("Forget bias"), FORGET_BIASES),
    ("hidden", N_("Hidden size"), [2, 4, 8, 16, 32, 64, 128]),
    ("seq_len", N_("Seq. length"), [5, 10, 20, 30, 50, 100, 150, 200]),
    ("radius", N_("Spectral r."), [0.0, 0.5, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 3.0]),
    ("clip", N_("Clip norm"), [None, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0]),
    ("truncate", N_("Truncate k"), [None, 1, 2, 5, 10, 20, 50]),
    ("steps", N_("Train steps"), [30, 50, 100, 150, 300, 400, 500, 1000]),
]

# Which cells a dial (or the activation select) means something for; the others dim it.
APPLIES_TO = {"forget_bias": {"lstm"}, "radius": {"rnn"}, "activation": {"rnn"}}

# Plot colours per compared cell (first, second): (h path, LSTM c path). plotext and Rich both
# name the terminal's colours, so the legend matches the lines.
COLOURS = [("red", "magenta"), ("cyan", "green")]


def dial_text(value: Any) -> str:
    if value is None:
        return _("none")
    if isinstance(value, str):
        return value.upper()  # a cell: RNN, LSTM, GRU
    return f"{value:g}"


class Dial(Static, can_focus=True):
    """One value, stepped with ←/→ (or −/+) through a fixed list; Enter applies it."""

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

    def set_value(self, value: Any) -> None:
        """Turn the dial to `value` (one of its values) without posting Changed."""
        self.index = self.values.index(value)
        self.show()

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


@dataclass(frozen=True)
class Series:
    """One line of a plot: values at steps 1..len(values), its colour and legend name."""

    values: list[float]
    colour: str | None = None
    name: str = ""


def log_plot(plt: Any, values: list[float]) -> None:
    """Plot values on a log axis (see `log_plots`)."""
    log_plots(plt, [Series(values)])


def log_plots(plt: Any, series: list[Series]) -> None:
    """Plot each series on one log axis as log10 with 1eK tick labels: plotext's own log scale
    cannot span the 100 orders of magnitude an exploding run reaches. The y-range is the
    whole decades around every finite, positive value shown."""
    logs_seen: list[float] = []
    for line in series:
        xs, ys = finite(line.values)
        if not ys:
            continue
        logs = [math.log10(y) for y in ys]
        logs_seen.extend(logs)
        extra = {} if line.colour is None else {"color": line.colour}
        plt.plot(xs, logs, marker="braille", **extra)
    if not logs_seen:
        return
    low, high = math.floor(min(logs_seen)), math.ceil(max(logs_seen))
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


def ratio_line(norms: list[float], path: str = "h") -> str:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ (or of c), also when it is 0 (nothing reaches step 1) or undefined."""
    if len(norms) < 2:
        return ""
    first, last = norms[0], norms[-1]
    label = f"‖∂L/∂{path}_1‖ / ‖∂L/∂{path}_T‖ = "
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


def legend(series: list[Series]) -> Text:
    """'━ RNN h  ━ LSTM h  ━ LSTM c' in the lines' colours."""
    text = Text()
    for line in series:
        if text:
            text.append("  ")
        text.append("━ ", style=line.colour or "")
        text.append(line.name)
    return text


def gradient_series(cell: str, dh: list[float], dc: list[float] | None, index: int) -> list[Series]:
    """The ‖∂L/∂h_t‖ line of a cell and, for an LSTM, its ‖∂L/∂c_t‖ line."""
    h_colour, c_colour = COLOURS[index]
    name = cell.upper()
    lines = [Series(dh, h_colour, f"{name} h")]
    if dc is not None:
        lines.append(Series(dc, c_colour, f"{name} c"))
    return lines


class LabScreen(StudyScreen):
    BINDINGS = [
        Binding("g", "gradients", N_("Gradients"), id="gradients"),
        Binding("t", "train", N_("Train"), id="train"),
        Binding("c", "compare", N_("Compare"), id="compare"),
        Binding("x", "cancel", N_("Cancel"), id="cancel"),
    ]

    class Gradients(Message):
        def __init__(
            self,
            config: LabConfig,
            norms: list[float],
            summary: dict[str, Any],
            dc: list[float] | None = None,
        ) -> None:
            self.config = config
            self.norms = norms
            self.summary = summary
            self.dc = dc
            super().__init__()

    class Progress(Message):
        def __init__(self, run: str, losses: list[float], done: int, total: int, run_id: int = 0):
            self.run = run
            self.losses = losses
            self.done = done
            self.total = total
            self.run_id = run_id
            super().__init__()

    class Finished(Message):
        def __init__(
            self, run: str, losses: list[float], stopped: bool, diverged: bool, run_id: int = 0
        ) -> None:
            self.run = run
            self.losses = losses
            self.stopped = stopped
            self.diverged = diverged
            self.run_id = run_id
            super().__init__()

    class Compared(Message):
        """How the index-th (0 or 1) compared cell's run stands."""

        def __init__(self, index: int, snapshot: RunSnapshot, run_id: int) -> None:
            self.index = index
            self.snapshot = snapshot
            self.run_id = run_id
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        # the dials as the learner left them, for the rest of the session
        self.config = LabConfig()
        # what the latest training run or comparison was started with (the dials may move on)
        self.run_config = self.config
        self.training = False
        # "single": gradients at initialisation and the clipping runs; "compare": two cells
        self.view = "single"
        self.outcome: dict[str, str] = {}
        # the compared runs as they stand (index 0 and 1), for the plots and the summary
        self.runs: dict[int, RunSnapshot] = {}
        # every run gets a new id; messages of an older (cancelled) run are dropped
        self.run_id = 0
        # plot id -> the series it shows now (what the learner sees, for tests and screenshots)
        self.plotted: dict[str, list[Series]] = {}

    def compose(self) -> ComposeResult:
        self.config = self.run_config = c = LAST_CONFIG.get(self.app, self.config)
        yield Header()
        with Horizontal(id="lab"):
            with VerticalScroll(id="lab-controls"):
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
                    yield Button(f"c {_('Compare')}", id="do-compare", compact=True)
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
                yield Static(id="lab-eta", classes="hint")
                yield Static(id="lab-summary", classes="summary")
            with Vertical(id="lab-plots"):
                yield PlotextPlot(id="grad-plot")
                yield Static(id="lab-legend")
                with Horizontal(id="loss-plots"):
                    yield PlotextPlot(id="loss-plain")
                    yield PlotextPlot(id="loss-clipped")
                yield PlotextPlot(id="loss-compare")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Gradient lab")
        self._draw_loss("plain", [])
        self._draw_loss("clipped", [])
        self.query_one(Dial).focus()
        self.action_gradients()

    def on_resize(self) -> None:
        # Below 38 rows the controls close up (no gaps between fields) so the summary stays in view.
        self.query_one("#lab-controls").set_class(self.size.height < 38, "compact")

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
        self._show_config(config)
        return config

    def _show_config(self, config: LabConfig) -> None:
        """Dim the controls no chosen cell uses; say how long a comparison would take."""
        cells = {config.cell} | ({config.versus} if self.view == "compare" else set())
        for key, users in APPLIES_TO.items():
            self.query_one(f"#{key}").set_class(not (cells & users), "unused")
        first, second = (c.upper() for c in config.compared())
        seconds = estimated_seconds(config, config.compared())
        self.query_one("#lab-eta", Static).update(
            literal(
                _("c: {first} vs {second}, about {seconds} s").format(
                    first=first, second=second, seconds=f"{max(seconds, 1):.0f}"
                )
            )
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        if not self.is_mounted:
            return
        if event.select.id == "task" and event.value == "long-range":
            # The engine's recipe: the RNN fails and the LSTM learns in a run short enough to watch.
            for key, value in long_range_dials().items():
                self.query_one(f"#{key}", Dial).set_value(value)
            dials = self.read_config()
            if dials.cell == dials.versus:  # nothing to compare: the classic pair
                self.query_one("#cell", Dial).set_value("rnn")
                self.query_one("#versus", Dial).set_value("lstm")
            config = self.read_config()
            self.notify(
                _(
                    "Long-range adding problem: press c to train {first} and {second} "
                    "(about {seconds} s; longer on a busy machine). At T = 100 give it 1000 steps."
                ).format(
                    first=config.cell.upper(),
                    second=config.versus.upper(),
                    seconds=f"{estimated_seconds(config, config.compared()):.0f}",
                ),
                timeout=6,
            )
        self._controls_changed()

    def on_dial_changed(self, event: Dial.Changed) -> None:
        self._controls_changed()

    def _controls_changed(self) -> None:
        if self.training and self.view == "compare":
            self.config = self.read_config()  # the plots stay the running comparison's
            return
        self.action_gradients()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "do-train": self.action_train,
            "do-compare": self.action_compare,
            "do-cancel": self.action_cancel,
        }
        if event.button.id in actions:
            actions[event.button.id]()

    def _set_view(self, view: str) -> None:
        self.view = view
        self.set_class(view == "compare", "comparing")

    # -- gradients at initialisation ---------------------------------------------------------------

    def action_gradients(self) -> None:
        if self.training and self.view == "compare":
            return
        self._set_view("single")
        self.config = self.read_config()
        self.compute_gradients(self.config)

    @work(thread=True, exclusive=True, group="lab-gradients", exit_on_error=False)
    def compute_gradients(self, config: LabConfig) -> None:
        from engine import diagnostics

        batch = task_batch(config)
        params = init_params(config, batch.input_size, batch.output_size)
        args = (params, batch.xs, batch.targets, batch.loss, "mean", config.truncate)
        with one_blas_thread():
            norms = diagnostics.dh_norms(*args, many_to_one=batch.many_to_one)
            dc = None
            if config.cell == "rnn":
                summary: dict[str, Any] = diagnostics.recurrent_summary(params)
            else:
                summary = {"cell": config.cell}
            if config.cell == "lstm":
                dc = [float(v) for v in diagnostics.dc_norms(*args, many_to_one=batch.many_to_one)]
                summary["forget_gate"] = float(
                    diagnostics.forget_gate_means(params, batch.xs).mean()
                )
        if not get_current_worker().is_cancelled:
            self.post_message(self.Gradients(config, [float(v) for v in norms], summary, dc))

    def on_lab_screen_gradients(self, message: Gradients) -> None:
        if self.view != "single":
            return
        series = gradient_series(message.config.cell, message.norms, message.dc, 0)
        self._draw_gradients(series, _("‖∂L/∂h_t‖ over t (log scale)"))
        s = message.summary
        if message.config.cell == "rnn":
            verdict = (
                _("vanishing guaranteed") if s.get("vanishing_guaranteed") else _("may explode")
            )
            text = (
                f"ρ(W_hh) = {s['spectral_radius']:.3g}, λ₁ = {s['largest_singular_value']:.3g}\n"
                f"γ = {s['gamma']:g}: {verdict}\n{ratio_line(message.norms)}"
            )
        elif message.config.cell == "lstm":
            text = (
                f"b_f = {message.config.forget_bias:g}: "
                + _("mean f_t = {f}").format(f=f"{s['forget_gate']:.2f}")
                + f"\n{ratio_line(message.norms)}\n{ratio_line(message.dc or [], 'c')}"
            )
        else:
            text = f"GRU: h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_t−1\n{ratio_line(message.norms)}"
        self.query_one("#lab-summary", Static).update(literal(text))

    def _draw_gradients(self, series: list[Series], title: str) -> None:
        plot = self.query_one("#grad-plot", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        log_plots(plt, series)
        self.plotted["grad-plot"] = series
        step_axis(plt, max((len(s.values) for s in series), default=0))
        plt.title(title)
        plt.xlabel(_("time step t"))
        plot.refresh()
        self.query_one("#lab-legend", Static).update(legend(series))

    # -- training with and without clipping -------------------------------------------------------

    def _start_run(self, view: str, total: int) -> LabConfig:
        self._set_view(view)
        self.config = self.run_config = config = self.read_config()
        self.run_id += 1
        self.training = True
        self.outcome = {}
        self.runs = {}
        self._set_training(True)
        self.query_one(ProgressBar).update(total=total, progress=0)
        return config

    def action_train(self) -> None:
        config = self._start_run("single", 2 * self.read_config().steps)
        self._draw_loss("plain", [])
        self._draw_loss("clipped", [])
        self.train(config, self.run_id)

    def _set_training(self, on: bool) -> None:
        self.query_one("#do-cancel", Button).disabled = not on
        self.query_one("#do-train", Button).disabled = on
        self.query_one("#do-compare", Button).disabled = on
        self.set_class(on, "training")
        self.refresh_bindings()
        if not on:
            self.query_one("#do-compare" if self.view == "compare" else "#do-train").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.training
        if action in ("train", "compare"):
            return not self.training
        return True

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "lab")
        self.training = False
        self._set_training(False)
        if self.view == "compare":
            self._show_comparison_summary()
        self.notify(_("Training cancelled."))

    @work(thread=True, exclusive=True, group="lab", exit_on_error=False)
    def train(self, config: LabConfig, run_id: int = 0) -> None:
        import engine

        worker = get_current_worker()
        every = max(1, config.steps // 40)
        for run, clip in (("plain", None), ("clipped", config.clip)):
            batch = task_batch(config)
            params = init_params(config, batch.input_size, batch.output_size)
            losses: list[float] = []
            offset = 0 if run == "plain" else config.steps

            def on_step(
                record: Any, losses: list[float] = losses, run: str = run, offset: int = offset
            ) -> None:
                losses.append(float(record.loss))
                if len(losses) % every == 0:
                    self.post_message(
                        self.Progress(
                            run, list(losses), offset + len(losses), 2 * config.steps, run_id
                        )
                    )

            with one_blas_thread():
                result = engine.train(
                    params,
                    task_sampler(config),
                    config.steps,
                    clip_norm=clip,
                    truncate=config.truncate,
                    seed=config.seed,
                    on_step=on_step,
                    should_stop=lambda: worker.is_cancelled,
                    **optimizer_kwargs(config),
                )
            if worker.is_cancelled:
                return
            self.post_message(self.Finished(run, losses, result.stopped, result.diverged, run_id))

    def on_lab_screen_progress(self, message: Progress) -> None:
        if not self.training or message.run_id != self.run_id:
            return
        self.query_one(ProgressBar).update(progress=message.done)
        self._draw_loss(message.run, message.losses)

    def on_lab_screen_finished(self, message: Finished) -> None:
        if not self.training or message.run_id != self.run_id:
            return
        self._draw_loss(message.run, message.losses, diverged=message.diverged)
        self.outcome[message.run] = _outcome(message.losses, message.diverged)
        if message.run == "clipped":
            self.query_one(ProgressBar).update(progress=2 * self.run_config.steps)
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
        self.plotted[f"loss-{run}"] = [Series(losses)]
        step_axis(plt, len(losses) if losses else self.run_config.steps)
        clip = self.run_config.clip
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

    # -- two cells side by side ---------------------------------------------------------------------

    def action_compare(self) -> None:
        config = self._start_run("compare", 2 * self.read_config().steps)
        self._draw_comparison()
        self._show_comparison_summary()
        self.compare(config, self.run_id)

    @work(thread=True, exclusive=True, group="lab", exit_on_error=False)
    def compare(self, config: LabConfig, run_id: int) -> None:
        """Train config.cell, then config.versus, on the same task, seed and sequence length."""
        worker = get_current_worker()
        every = max(1, config.steps // 40)
        with one_blas_thread():
            for index, cell in enumerate(config.compared()):

                def report(snapshot: RunSnapshot, index: int = index) -> None:
                    self.post_message(self.Compared(index, snapshot, run_id))

                train_cell(config, cell, report, lambda: worker.is_cancelled, every)
                if worker.is_cancelled:
                    return

    def on_lab_screen_compared(self, message: Compared) -> None:
        if not self.training or message.run_id != self.run_id:
            return
        snap = message.snapshot
        self.runs[message.index] = snap
        self.query_one(ProgressBar).update(progress=message.index * snap.total + snap.done)
        self._draw_comparison()
        if message.index == 1 and snap.finished:
            self.training = False
            self._set_training(False)
            seconds = sum(run.seconds for run in self.runs.values())
            self.notify(
                _("Comparison done in {seconds} s.").format(seconds=f"{seconds:.1f}"), timeout=6
            )
        self._show_comparison_summary()

    def _show_comparison_summary(self) -> None:
        """Each compared cell's outcome, or how far its run got and how long the rest takes."""
        lines = []
        cells = self.run_config.compared()
        for index, cell in enumerate(cells):
            run = self.runs.get(index)
            if run is not None and run.finished:
                lines.append(self._run_line(index))
            elif run is not None and self.training:
                lines.append(
                    _("Training {cell}…").format(cell=cell.upper()) + f" {run.done}/{run.total}"
                )
                lines.append(
                    _("about {seconds} s left").format(seconds=f"{self._seconds_left(run):.0f}")
                )
            elif run is not None:
                lines.append(
                    _("{cell}: stopped after {n} steps").format(cell=cell.upper(), n=run.done)
                )
            elif self.training and index == len(self.runs):
                lines.append(_("Training {cell}…").format(cell=cell.upper()))
                seconds = estimated_seconds(self.run_config, cells[index:])
                lines.append(_("about {seconds} s in all").format(seconds=f"{max(seconds, 1):.0f}"))
        self.query_one("#lab-summary", Static).update(literal("\n".join(lines)))

    def _seconds_left(self, run: RunSnapshot) -> float:
        """The rest of this run at its pace so far, and the other cell's run at the same pace
        relative to the estimate (so a busy machine is accounted for)."""
        per_step = run.seconds / max(run.done, 1)
        left = per_step * (run.total - run.done)
        cells = self.run_config.compared()
        if run.cell == cells[0] and 1 not in self.runs:
            expected = estimated_seconds(self.run_config, (cells[0],)) / max(
                self.run_config.steps, 1
            )
            pace = per_step / expected if expected > 0 else 1.0
            left += pace * estimated_seconds(self.run_config, (cells[1],))
        return left

    def _run_line(self, index: int) -> str:
        """'LSTM: final loss 0.0173' and '  solved at step 301' for a finished compared run."""
        run = self.runs[index]
        line = f"{run.cell.upper()}: {_outcome(run.losses, run.diverged)}"
        if self.run_config.task != "sine" and not run.diverged:
            solved = solved_step(run.losses)
            line += "\n  " + (
                _("solved at step {step}").format(step=solved)
                if solved is not None
                else _("not solved")
            )
        return line

    def _draw_comparison(self) -> None:
        """Both cells' ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) at their latest step, and both loss curves."""
        cells = self.run_config.compared()
        grads: list[Series] = []
        losses: list[Series] = []
        for index, run in sorted(self.runs.items()):
            grads += gradient_series(run.cell, run.dh_norms, run.dc_norms, index)
            losses.append(Series(run.losses, COLOURS[index][0], run.cell.upper()))
        if not grads:  # nothing trained yet: name the lines to come
            grads = [Series([], COLOURS[i][0], f"{c.upper()} h") for i, c in enumerate(cells)]
        steps = max((run.done for run in self.runs.values()), default=0)
        self._draw_gradients(
            grads, _("‖∂L/∂h_t‖ at the latest step (log)") if steps else _("‖∂L/∂h_t‖ (log)")
        )
        plot = self.query_one("#loss-compare", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        log_plots(plt, losses)
        self.plotted["loss-compare"] = losses
        step_axis(plt, max((len(s.values) for s in losses), default=0) or self.run_config.steps)
        plt.title(_("loss per step (log scale)"))
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
