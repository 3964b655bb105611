"""Training gated cells: the long-range task (LSTM learns, RNN does not), the forget-gate bias
and the cell-state gradient, train()'s history, truncation, clipping and optimisers."""

from __future__ import annotations

import math

import numpy as np
import pytest

import engine
from engine import tasks

CELLS = ("lstm", "gru")


def sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def test_lstm_learns_the_long_range_task_where_the_rnn_does_not():
    recipe = tasks.LONG_RANGE
    assert recipe.task == "adding" and 50 <= recipe.seq_len <= 200
    final = {}
    for cell in ("lstm", "rnn"):
        p = engine.init_rnn(2, recipe.hidden_size, 1, cell=cell, seed=0)
        losses: list[float] = []

        def solved(losses=losses) -> bool:
            # Stop as soon as the run has solved the task (saves the LSTM's last ~100 steps).
            w = recipe.window
            return len(losses) >= w and sum(losses[-w:]) / w < recipe.solved_below

        run = engine.train(
            p,
            recipe.sampler(),
            seed=1,
            on_step=lambda r, losses=losses: losses.append(r.loss),
            should_stop=solved,
            **recipe.train_kwargs(),
        )
        assert not run.diverged
        final[cell] = run.losses[-recipe.window :].mean()
        if cell == "lstm":
            assert run.stopped and len(run.history) <= recipe.steps
            step = tasks.first_solved_step(run.losses, recipe.solved_below, recipe.window)
            assert step == len(run.history)
        else:
            assert not run.stopped and len(run.history) == recipe.steps
    # The constant guess 1 scores 1/6 (Var U(0,1) + Var U(0,1) = 1/12 + 1/12): the RNN stays
    # there, the LSTM goes far below it.
    assert final["lstm"] < recipe.solved_below
    assert final["rnn"] > 0.7 * (1 / 6)


def test_first_solved_step_counts_the_window():
    losses = np.array([1.0] * 10 + [0.0] * 10)
    # Means over 4 steps: the first below 0.3 is the window ending at step 13 (one 1.0 left).
    assert tasks.first_solved_step(losses, 0.3, window=4) == 13
    assert tasks.first_solved_step(losses, -1.0, window=4) is None
    assert tasks.first_solved_step(losses[:3], 0.3, window=4) is None


def small_weight_lstm(forget_bias: float, D=2, H=8, seed=0) -> engine.LSTMParams:
    """An LSTM whose gates are set by their biases: weights ~ N(0, 0.05²)."""
    return engine.init_rnn(
        D, H, 1, cell="lstm", init="normal", scale=0.05, forget_bias=forget_bias, seed=seed
    )


@pytest.mark.parametrize("forget_bias", [1.0, 3.0, -3.0])
def test_forget_bias_sets_how_fast_the_cell_gradient_decays(forget_bias):
    """Many-to-one over T = 30 steps: the error enters at c_T, and each step back along the
    cell path multiplies it by the forget gate ≈ σ(b_f). So ‖∂L/∂c_{t-1}‖ / ‖∂L/∂c_t‖ ≈ σ(b_f)
    near T: 0.73 for b_f = 1, 0.95 for 3, 0.047 for -3. Further back, at b_f = -3 the cell path
    has died and the small h path (through W_hh) sets the pace, still ≤ 0.11 a step."""
    T = 30
    batch = tasks.adding_problem(seq_len=T, batch_size=4, seed=3)
    p = small_weight_lstm(forget_bias)
    res = engine.bptt(p, batch.xs, batch.targets, many_to_one=True)
    norms = res.dc_norms
    ratios = norms[:-1] / norms[1:]
    assert np.allclose(ratios[-3:], sigmoid(forget_bias), atol=0.01)
    if forget_bias > 0:
        assert np.allclose(ratios, sigmoid(forget_bias), atol=0.03)
    else:
        assert ratios.max() < 0.11  # geometric collapse: at least 9× smaller every step
    assert np.allclose(
        engine.diagnostics.forget_gate_means(p, batch.xs), sigmoid(forget_bias), atol=0.03
    )


def test_forget_bias_one_keeps_the_cell_gradient_where_minus_three_loses_it():
    T = 30
    batch = tasks.adding_problem(seq_len=T, batch_size=4, seed=3)
    kept = {}
    for bf in (1.0, -3.0):
        dc = engine.bptt(small_weight_lstm(bf), batch.xs, batch.targets, many_to_one=True).dc_norms
        kept[bf] = dc[0] / dc[-1]  # what is left at c_1 of the error entering at c_T
    # σ(1)^29 ≈ 1e-4 of the signal survives 29 steps back; at b_f = -3 (≤ 0.1 a step, see
    # above) at most 1e-29: gone.
    assert kept[1.0] > 1e-5
    assert kept[-3.0] < 1e-25
    assert kept[1.0] / kept[-3.0] > 1e20


@pytest.mark.parametrize("cell", CELLS)
def test_train_history_records_dh_and_dc_norms(cell):
    draw = tasks.sampler("sine", seq_len=12, batch_size=4)
    p = engine.init_rnn(1, 6, 1, cell=cell, seed=2)
    run = engine.train(p, draw, 5, optimizer="adam", lr=0.01, seed=7, record_dh=True)
    assert len(run.history) == 5
    assert isinstance(run.params, type(p))
    first = run.history[0]
    # Step 0 sees the initial params and the first batch of an rng seeded with `seed`.
    batch = draw(np.random.default_rng(7))
    res = engine.bptt(p, batch.xs, batch.targets, batch.loss)
    assert first.loss == res.loss
    np.testing.assert_allclose(first.dh_norms, np.sqrt((res.dh**2).sum(axis=(1, 2))), rtol=1e-13)
    manual = math.sqrt(sum(float((g**2).sum()) for g in res.grads.arrays()))
    assert first.grad_norm == pytest.approx(manual, rel=1e-13)
    if cell == "lstm":
        np.testing.assert_allclose(
            first.dc_norms, np.sqrt((res.dc**2).sum(axis=(1, 2))), rtol=1e-13
        )
        assert all(r.dc_norms.shape == (12,) for r in run.history)
    else:
        assert all(r.dc_norms is None for r in run.history)
    again = engine.train(p, draw, 5, optimizer="adam", lr=0.01, seed=7, record_dh=True)
    np.testing.assert_array_equal(again.losses, run.losses)


@pytest.mark.parametrize("cell", CELLS)
def test_clipping_in_train_and_on_gated_gradients(cell):
    batch = tasks.sine_prediction(seq_len=10, batch_size=3, seed=1)
    p = engine.init_rnn(1, 5, 1, cell=cell, seed=3)
    run = engine.train(p, batch, 3, optimizer="sgd", lr=0.1, clip_norm=1e-3)
    for r in run.history:
        # PyTorch's coefficient max_norm / (‖g‖ + 1e-6) leaves the norm a hair under 1e-3.
        expected = 1e-3 * r.grad_norm / (r.grad_norm + 1e-6)
        assert r.clipped and r.clipped_norm == pytest.approx(expected, rel=1e-12)
        assert r.grad_norm > 1e-3
    # The first update is exactly p - lr · g · 1e-3 / (‖g‖ + 1e-6) (PyTorch's rule).
    _, g = engine.loss_and_grads(p, batch.xs, batch.targets)
    norm = math.sqrt(sum(float((a**2).sum()) for a in g.arrays()))
    clipped, total = engine.clip_grad_norm(g, 1e-3)
    assert total == pytest.approx(norm, rel=1e-13)
    assert isinstance(clipped, type(p))
    for a, c in zip(g.arrays(), clipped.arrays()):
        np.testing.assert_allclose(c, a * (1e-3 / (norm + 1e-6)), rtol=1e-13)
    one_step = engine.train(p, batch, 1, optimizer="sgd", lr=0.1, clip_norm=1e-3).params
    for a, w, c in zip(p.arrays(), one_step.arrays(), clipped.arrays()):
        np.testing.assert_allclose(w, a - 0.1 * c, rtol=1e-13, atol=1e-16)
    valued = engine.clip_grad_value(g, 1e-4)
    assert isinstance(valued, type(p))
    assert max(np.abs(a).max() for a in valued.arrays()) <= 1e-4


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_optimisers_keep_the_params_type_and_lower_the_loss(cell, optimizer):
    batch = tasks.sine_prediction(seq_len=15, batch_size=4, seed=2)
    p = engine.init_rnn(1, 8, 1, cell=cell, seed=4)
    lr = {"sgd": 0.3, "momentum": 0.05, "adam": 0.02}[optimizer]
    run = engine.train(p, batch, 40, optimizer=optimizer, lr=lr)
    assert isinstance(run.params, type(p))
    assert run.losses[-1] < 0.5 * run.losses[0]


@pytest.mark.parametrize("cell", CELLS)
def test_truncated_training_and_tbptt_pass_the_state_on(cell):
    batch = tasks.sine_prediction(seq_len=8, batch_size=2, seed=5)
    p = engine.init_rnn(1, 4, 1, cell=cell, seed=6)
    # lr = 0: the params never change, so every window's loss can be recomputed by hand.
    run = engine.train(p, batch, 4, optimizer="sgd", lr=0.0, tbptt=(2, 4))
    assert [r.batch for r in run.history] == [0, 0, 0, 0]
    ys, _ = engine.predict(p, batch.xs)
    for r, end in zip(run.history, (2, 4, 6, 8)):
        want = float(((ys[end - 2 : end] - batch.targets[end - 2 : end]) ** 2).mean())
        assert r.loss == pytest.approx(want, rel=1e-12)
    chunked = engine.train(p, batch, 2, optimizer="sgd", lr=0.1, truncate=3, record_dh=True)
    assert np.all(np.isfinite(chunked.losses))
    # truncate=3 cuts the path into steps 1..3: δ at step 3 has no carry from step 4 and on.
    res = engine.bptt(p, batch.xs, batch.targets, truncate=3)
    np.testing.assert_allclose(chunked.history[0].dh_norms, res.dh_norms, rtol=1e-13)


@pytest.mark.parametrize("cell", CELLS)
def test_params_arithmetic_flat_and_copy(cell):
    p = engine.init_rnn(2, 3, 2, cell=cell, seed=0)
    q = engine.init_rnn(2, 3, 2, cell=cell, seed=1)
    s = p + q
    assert isinstance(s, type(p))
    np.testing.assert_array_equal(s.W_hh, p.W_hh + q.W_hh)
    np.testing.assert_array_equal((2 * p - q).b_ih, 2 * p.b_ih - q.b_ih)
    np.testing.assert_array_equal((p / 2).W_ih, p.W_ih / 2)
    v = p.flat()
    assert v.shape == (p.size,)
    back = p.unflat(v)
    assert back.allclose(p, rtol=0.0)
    c = p.copy()
    c.W_hh[0, 0] += 1.0
    assert p.W_hh[0, 0] != c.W_hh[0, 0]
    assert p.zeros_like().norm() == 0.0
    assert repr(p).startswith(("LSTMParams(D=2, H=3, O=2", "GRUParams(D=2, H=3, O=2"))
