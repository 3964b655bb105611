"""Pilot tests of the gradient lab's cells and comparison (issue 15) at 80x24.

What the lab plots is checked against the engine called here directly with the arguments the
lab documents (and, for the forget gate, against an LSTM forward pass written out in NumPy), so
a lab that passed the wrong cell, seed, bias or task to the engine would fail.
"""

from __future__ import annotations

import sys
import threading
import types

import numpy as np
from tui_helpers import build_app, pilot_test, record_notifications, settle

SMALL = (80, 24)


async def open_lab(pilot, app, **dials):
    """The lab at 80x24 with the given dials set (a value a dial lacks is added to it)."""
    from studyrnn.tui.screens.lab import Dial

    await settle(pilot, app)
    screen = app.screen
    assert type(screen).__name__ == "LabScreen"
    task = dials.pop("task", None)
    if task is not None:
        screen.query_one("#task").value = task
        await settle(pilot, app)
    for key, value in dials.items():
        dial = screen.query_one(f"#{key}", Dial)
        if value not in dial.values:
            dial.values = [*dial.values, value]
        dial.set_value(value)
    screen.read_config()
    return screen


def engine_run(cell: str, *, seq_len: int, steps: int, hidden: int = 16, seed: int = 0):
    """The long-range comparison's run of one cell, straight from the engine: init seed s,
    batches from seed s + 1, the LONG_RANGE recipe's Adam, batch 32 and clip 1; the RNN with the
    spectral-radius dial's default 1, the LSTM with the forget-bias dial's default 1."""
    import engine
    from engine import tasks

    extra = {"rnn": {"spectral_radius": 1.0}, "lstm": {"forget_bias": 1.0}}[cell]
    params = engine.init_rnn(2, hidden, 1, cell=cell, seed=seed, **extra)
    return engine.train(
        params,
        tasks.sampler("adding", seq_len=seq_len, batch_size=32),
        steps,
        optimizer="adam",
        lr=0.01,
        clip_norm=1.0,
        seed=seed + 1,
        record_dh=True,
    )


def sigmoid(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def mean_forget_gate_by_hand(p, xs: np.ndarray) -> float:
    """Mean f_t over t, batch and units of an LSTM in torch's gate order (i, f, g, o)."""
    T, B, _ = xs.shape
    H = p.W_hh.shape[1]
    h, c = np.zeros((B, H)), np.zeros((B, H))
    fs = []
    for t in range(T):
        a = xs[t] @ p.W_ih.T + p.b_ih + h @ p.W_hh.T + p.b_hh
        i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
        g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
        c = f * c + i * g
        h = o * np.tanh(c)
        fs.append(f)
    return float(np.mean(fs))


@pilot_test
async def test_the_dials_change_the_cell_and_the_lstm_forget_bias(tmp_path) -> None:
    import engine
    from engine import tasks
    from studyrnn.tui.screens.lab import Dial

    app = build_app(tmp_path, start=("lab", None))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_lab(pilot, app)
        assert screen.config.cell == "rnn"
        assert [s.name for s in screen.plotted["grad-plot"]] == ["RNN h"]
        cell = screen.query_one("#cell", Dial)
        cell.focus()
        await pilot.press("right")
        await settle(pilot, app)
        assert screen.config.cell == "lstm" and str(cell.render()).strip() == "◀  LSTM ▶"
        assert [s.name for s in screen.plotted["grad-plot"]] == ["LSTM h", "LSTM c"]
        assert "b_f = 1" in str(screen.query_one("#lab-summary").render())

        bias = screen.query_one("#forget_bias", Dial)
        bias.focus()
        for _ in range(5):  # 1 → 0.5 → 0 → −1 → −2 → −3
            await pilot.press("left")
        await settle(pilot, app)
        assert screen.config.forget_bias == -3.0
        summary = str(screen.query_one("#lab-summary").render())

        batch = tasks.adding_problem(seq_len=30, batch_size=8, seed=0)
        p = engine.init_rnn(2, 16, 1, cell="lstm", seed=0, forget_bias=-3.0)
        f_mean = mean_forget_gate_by_hand(p, batch.xs)
        assert f_mean < 0.1  # σ(−3) ≈ 0.047: the cell forgets at once
        assert f"b_f = -3: mean f_t = {f_mean:.2f}" in summary
        # the gradients plotted are this LSTM's, by BPTT from the engine
        res = engine.bptt(p, batch.xs, batch.targets, "squared_error", many_to_one=True)
        h_line, c_line = screen.plotted["grad-plot"]
        assert np.allclose(h_line.values, res.dh_norms, rtol=1e-12, atol=0)
        assert np.allclose(c_line.values, res.dc_norms, rtol=1e-12, atol=0)
        # ‖∂L/∂c_t‖ decays geometrically back from T when f ≈ 0.05
        assert c_line.values[0] < 1e-10 * c_line.values[-1]

        cell.focus()
        await pilot.press("right")
        await settle(pilot, app)
        assert screen.config.cell == "gru"
        assert [s.name for s in screen.plotted["grad-plot"]] == ["GRU h"]
        assert screen.query_one("#forget_bias").has_class("unused")  # no forget gate in a GRU


@pilot_test
async def test_the_long_range_task_sets_the_recipe_and_says_how_long_it_takes(tmp_path) -> None:
    from engine.tasks import LONG_RANGE

    app = build_app(tmp_path, start=("lab", None))
    shown = record_notifications(app)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_lab(pilot, app, task="long-range")
        c = screen.config
        assert (c.task, c.hidden, c.seq_len, c.steps, c.clip) == (
            "long-range",
            LONG_RANGE.hidden_size,
            LONG_RANGE.seq_len,
            LONG_RANGE.steps,
            LONG_RANGE.clip_norm,
        )
        assert c.compared() == ("rnn", "lstm")
        said = [n.message for n in shown]
        assert any("press c to train RNN and LSTM (about" in m for m in said), said
        assert "c: RNN vs LSTM, about" in str(screen.query_one("#lab-eta").render())


@pilot_test
async def test_the_comparison_plots_what_the_engine_computes(tmp_path) -> None:
    app = build_app(tmp_path, start=("lab", None))
    shown = record_notifications(app)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_lab(pilot, app, task="long-range", steps=30)
        await pilot.press("c")
        await settle(pilot, app)
        await settle(pilot, app)
        assert not screen.training and screen.view == "compare"
        assert screen.has_class("comparing")
        assert screen.query_one("#loss-compare").display
        assert not screen.query_one("#loss-plots").display

        rnn = engine_run("rnn", seq_len=50, steps=30)
        lstm = engine_run("lstm", seq_len=50, steps=30)
        lines = {s.name: s.values for s in screen.plotted["grad-plot"]}
        assert set(lines) == {"RNN h", "LSTM h", "LSTM c"}
        assert np.array_equal(lines["RNN h"], rnn.history[-1].dh_norms)
        assert np.array_equal(lines["LSTM h"], lstm.history[-1].dh_norms)
        assert np.array_equal(lines["LSTM c"], lstm.history[-1].dc_norms)
        losses = {s.name: s.values for s in screen.plotted["loss-compare"]}
        assert np.array_equal(losses["RNN"], rnn.losses)
        assert np.array_equal(losses["LSTM"], lstm.losses)
        summary = str(screen.query_one("#lab-summary").render())
        assert f"RNN: final loss {rnn.losses[-1]:.3g}" in summary
        assert f"LSTM: final loss {lstm.losses[-1]:.3g}" in summary
        assert any("Comparison done in" in n.message for n in shown)
        # over 50 steps the RNN's ‖∂L/∂h_t‖ all but vanishes; the LSTM's cell path keeps far more
        rnn_ratio = lines["RNN h"][0] / lines["RNN h"][-1]
        lstm_ratio = lines["LSTM c"][0] / lines["LSTM c"][-1]
        assert rnn_ratio < 1e-8 and lstm_ratio > 1e4 * rnn_ratio


@pilot_test
async def test_the_comparison_runs_in_a_worker_and_stops_on_x(tmp_path, monkeypatch) -> None:
    from textual.worker import WorkerState

    from studyrnn.tui.screens.lab import Dial

    # a stand-in threadpoolctl: the worker limits BLAS to one thread while it trains
    limits: list[tuple[int, str, str]] = []

    class Limits:
        def __init__(self, limits: int, user_api: str) -> None:
            self.args = (limits, user_api)

        def __enter__(self) -> None:
            limits.append((*self.args, threading.current_thread().name))

        def __exit__(self, *exc: object) -> None:
            pass

    fake = types.ModuleType("threadpoolctl")
    fake.threadpool_limits = Limits  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "threadpoolctl", fake)

    seen = []
    app = build_app(tmp_path, start=("lab", None))
    shown = record_notifications(app)
    async with app.run_test(size=SMALL, message_hook=seen.append) as pilot:
        screen = await open_lab(pilot, app, task="long-range", steps=1_000_000)
        await pilot.press("c")
        await pilot.pause(0.5)
        assert screen.training
        (worker,) = [w for w in app.workers if w.group == "lab"]
        assert worker.state is WorkerState.RUNNING and worker._thread_worker
        assert limits and limits[-1][:2] == (1, "blas")
        assert limits[-1][2] != threading.main_thread().name
        assert "s left" in str(screen.query_one("#lab-summary").render())
        # the screen still takes keys while the worker trains
        hidden = screen.query_one("#hidden", Dial)
        hidden.focus()
        await pilot.press("right")
        await pilot.pause()
        assert hidden.value == 32
        cell = screen.query_one("#cell", Dial)
        cell.focus()
        await pilot.press("right")  # the next run's cell: the running comparison keeps its own
        await pilot.pause()
        assert screen.config.cell == "lstm" and screen.run_config.cell == "rnn"
        await pilot.press("x")
        await settle(pilot, app)
        assert worker.state is WorkerState.CANCELLED
        assert not screen.training
        assert any("cancelled" in n.message for n in shown)
        assert not screen.query_one("#do-compare").disabled
        summary = str(screen.query_one("#lab-summary").render())
        assert "RNN: stopped after" in summary and "Training" not in summary
        done = [m for m in seen if type(m).__name__ == "Compared"]
        assert done and all(m.snapshot.done < 1_000_000 for m in done)
        await pilot.pause(0.3)
        assert [m for m in seen if type(m).__name__ == "Compared"] == done  # it has stopped


@pilot_test
async def test_training_a_gru_with_and_without_clipping_is_the_engines_run(tmp_path) -> None:
    import engine
    from engine import tasks

    app = build_app(tmp_path, start=("lab", None))
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_lab(pilot, app, cell="gru", steps=30, seq_len=10, hidden=8)
        await pilot.press("t")
        await settle(pilot, app)
        await settle(pilot, app)
        assert not screen.training and set(screen.outcome) == {"plain", "clipped"}
        for run, clip in (("plain", None), ("clipped", 1.0)):
            # the demo tasks: SGD at lr 0.1, batch 8, init and batches from the same seed 0
            expected = engine.train(
                engine.init_rnn(2, 8, 1, cell="gru", seed=0),
                tasks.sampler("adding", seq_len=10, batch_size=8),
                30,
                optimizer="sgd",
                lr=0.1,
                clip_norm=clip,
                seed=0,
            )
            (line,) = screen.plotted[f"loss-{run}"]
            assert np.array_equal(line.values, expected.losses), run
