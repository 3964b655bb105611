"""Training: it learns, exploding gradients need clipping, small W_hh makes gradients vanish
geometrically, runs are reproducible and can be cancelled; optimisers match torch.optim."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import tasks


def test_training_on_the_adding_problem_lowers_the_loss():
    p = engine.init_rnn(2, 16, 1, seed=0)
    result = engine.train(
        p,
        tasks.sampler("adding", seq_len=10, batch_size=32),
        steps=300,
        optimizer="adam",
        lr=0.01,
        clip_norm=1.0,
        seed=0,
    )
    losses = result.losses
    assert len(losses) == 300 and not result.diverged and not result.stopped
    # A constant guess of 1 scores 1/6; the trained net must beat it clearly.
    assert losses[-20:].mean() < 0.5 * losses[:10].mean()
    assert losses[-20:].mean() < 1 / 6 / 2


def exploding_setup():
    """IRNN with W_hh = 1.2·I and relu: h grows like 1.2^t, so over 50 steps the gradient is huge."""
    p = engine.init_rnn(2, 16, 1, activation="relu", init="identity", scale=1.2, seed=0)
    return p, tasks.adding_problem(seq_len=50, batch_size=8, seed=1)


def test_unclipped_training_blows_up_and_clipped_training_stays_finite():
    p, batch = exploding_setup()
    assert engine.largest_singular_value(p.W_hh) == pytest.approx(1.2)
    wild = engine.train(p, batch, steps=30, lr=0.01)
    assert wild.grad_norms[0] > 1e4
    assert wild.diverged or not np.all(np.isfinite(wild.losses)) or wild.losses.max() > 1e10
    tame = engine.train(p, batch, steps=30, lr=0.01, clip_norm=1.0)
    assert not tame.diverged
    assert np.all(np.isfinite(tame.losses)) and np.all(np.isfinite(tame.params.flat()))
    assert tame.clipped_norms.max() <= 1.0
    assert tame.history[0].clipped and tame.history[0].grad_norm == wild.history[0].grad_norm
    assert tame.losses[-1] < tame.losses[0]


def test_small_recurrent_weights_make_gradients_vanish_geometrically():
    # W_hh = 0.5·Q (Q orthogonal) and tiny inputs keep tanh' ≈ 1, so each step back multiplies
    # ‖∂L/∂h_t‖ by ≈ 0.5 (FACTS §2: λ₁ < 1/γ is sufficient for vanishing).
    p = engine.init_rnn(2, 16, 1, init="orthogonal", scale=0.5, seed=0)
    batch = tasks.adding_problem(seq_len=20, batch_size=4, seed=2)
    norms = engine.diagnostics.dh_norms(p, batch.xs * 0.01, batch.targets, many_to_one=True)
    ratios = norms[:-1] / norms[1:]
    assert np.all(ratios < 0.5 + 1e-9) and np.all(ratios > 0.45)
    assert ratios.std() < 0.01
    assert norms[0] / norms[-1] < 0.5**18
    jac = engine.diagnostics.jacobian_norms(p, batch.xs * 0.01)  # (T+1, B)
    np.testing.assert_allclose(jac[:, 0], 0.5 ** np.arange(21), rtol=1e-3)


def test_record_dh_reports_per_step_gradient_norms():
    p = engine.init_rnn(2, 8, 1, seed=0)
    r = engine.train(p, tasks.sampler("adding", seq_len=12, batch_size=4), steps=3, record_dh=True)
    assert all(rec.dh_norms.shape == (12,) for rec in r.history)
    assert engine.train(p, tasks.sampler("adding", seq_len=12), steps=1).history[0].dh_norms is None


def test_training_is_deterministic_for_a_seed():
    p = engine.init_rnn(1, 8, 1, seed=3)

    def run(seed):
        return engine.train(
            p,
            tasks.sampler("sine", seq_len=15, batch_size=4),
            steps=15,
            optimizer="momentum",
            lr=0.05,
            clip_norm=1.0,
            seed=seed,
        )

    a, b, c = run(1), run(1), run(2)
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(a.params.flat(), b.params.flat())
    assert not np.array_equal(a.losses, c.losses)
    assert engine.init_rnn(3, 4, 2, seed=5).allclose(engine.init_rnn(3, 4, 2, seed=5), rtol=0)


def test_should_stop_cancels_and_on_step_reports_progress():
    seen = []
    r = engine.train(
        engine.init_rnn(2, 8, 1),
        tasks.sampler("adding", seq_len=8),
        steps=100,
        on_step=seen.append,
        should_stop=lambda: len(seen) >= 5,
    )
    assert r.stopped and len(r.history) == 5 and [s.step for s in seen] == [0, 1, 2, 3, 4]


def test_tbptt_makes_one_update_every_k1_steps():
    p = engine.init_rnn(1, 8, 1, seed=0)
    r = engine.train(
        p,
        tasks.sampler("sine", seq_len=20, batch_size=4),
        steps=10,
        tbptt=(5, 8),
        optimizer="adam",
        lr=0.01,
        record_dh=True,
    )
    # 20 / 5 = 4 updates per sequence: steps 0-3 use batch 0, 4-7 batch 1, 8-9 batch 2.
    assert [rec.batch for rec in r.history] == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2]
    # Windows reach back k2 = 8 steps once 8 steps of the sequence exist.
    assert [len(rec.dh_norms) for rec in r.history[:4]] == [5, 8, 8, 8]
    with pytest.raises(ValueError, match="k1"):
        engine.train(p, tasks.sampler("sine"), steps=1, tbptt=(5, 2))


def test_tbptt_first_window_equals_plain_bptt_on_that_window():
    # The first update sees steps 1..k1 from h_0 = 0: exactly loss_and_grads on that slice.
    p = engine.init_rnn(1, 6, 1, seed=2)
    batch = tasks.sine_prediction(seq_len=12, batch_size=3, seed=4)
    got = []
    engine.train(p, batch, steps=1, tbptt=(4, 6), optimizer=_Recorder(got))
    loss, grads = engine.loss_and_grads(p, batch.xs[:4], batch.targets[:4])
    assert got[0].allclose(grads, rtol=1e-12)


class _Recorder(engine.SGD):
    def __init__(self, out):
        super().__init__(lr=0.0)
        self.out = out

    def step(self, params, grads):
        self.out.append(grads)
        return params


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_optimisers_match_torch(name):
    torch = pytest.importorskip("torch")
    p = engine.init_rnn(2, 3, 2, seed=1)
    rng = np.random.default_rng(0)
    grads = [p.map(lambda a: rng.normal(size=a.shape)) for _ in range(4)]
    ws = [torch.tensor(a, requires_grad=True) for a in p.arrays()]
    topt = {
        "sgd": lambda: torch.optim.SGD(ws, lr=0.1),
        "momentum": lambda: torch.optim.SGD(ws, lr=0.1, momentum=0.9),
        "adam": lambda: torch.optim.Adam(ws, lr=0.01),
    }[name]()
    opt = {
        "sgd": engine.SGD(0.1),
        "momentum": engine.Momentum(0.1, 0.9),
        "adam": engine.Adam(0.01),
    }[name]
    for g in grads:
        for w, a in zip(ws, g.arrays()):
            w.grad = torch.tensor(a)
        topt.step()
        p = opt.step(p, g)
    for w, a in zip(ws, p.arrays()):
        np.testing.assert_allclose(a, w.detach().numpy(), rtol=1e-12, atol=1e-15)
