"""Every generator's answer, recomputed from the numbers it shows (``q.params``) by formulas
written here, independently of the generator code, over many seeds.

Where the maths allows a second route it is used too: ∂E_3/∂W_s by centred finite differences,
norm clipping against FACTS §3's worked example and the engine's clip_grad_norm, the singular
value with NumPy's SVD, truncated BPTT by walking the sequence step by step.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.generators import GENERATORS, generate

SEEDS = range(50)


def close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def questions(name: str, params: dict | None = None):
    return [generate(name, seed, params) for seed in SEEDS]


# -- the numbers shown --------------------------------------------------------------------------


def _flat(value) -> list[float]:
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _flat(v)]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value]
    return []


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_every_shown_number_is_in_the_prompt(name: str) -> None:
    for seed in range(10):
        q = generate(name, seed)
        for x in _flat(list(q.params.values())):
            text = str(x) if isinstance(x, int) else format(x, "g")
            assert text in q.prompt, f"{name} seed {seed}: {text} not in prompt"


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_shown_params_regenerate_the_same_answer(name: str) -> None:
    """q.params are everything needed: given back, they give the same answer (and options)."""
    import json

    for seed in range(20):
        q = generate(name, seed)
        again = generate(name, seed + 1000, json.loads(json.dumps(q.params)))
        assert again.params == q.params
        if name == "vanishing_condition":  # the seed picks the wording; the side decides truth
            side = q.options[q.answer].split(",")[0]
            assert again.options[again.answer].split(",")[0] == side
        elif q.kind == "choice":  # the options may be shuffled by the seed
            assert again.options[again.answer] == q.options[q.answer]
        else:
            assert again.answer == q.answer


# -- pinned generators --------------------------------------------------------------------------


def test_total_sequence_loss() -> None:
    for q in questions("total_sequence_loss") + questions(
        "total_sequence_loss", {"source": "random"}
    ):
        losses = np.array(q.params["losses"])
        expected = losses.sum() if q.params["reduction"] == "sum" else losses.mean()
        assert close(q.answer, float(expected)), q.params
        assert set(q.params) == {"losses", "reduction"}


def test_total_sequence_loss_pinned_keys() -> None:
    assert (
        generate(
            "total_sequence_loss", 0, {"losses": [0.2, 0.5, 0.1, 0.4], "reduction": "mean"}
        ).answer
        == 0.3
    )
    assert (
        generate(
            "total_sequence_loss", 0, {"losses": [0.2, 0.5, 0.1, 0.4], "reduction": "sum"}
        ).answer
        == 1.2
    )


def test_total_sequence_loss_live_numbers_come_from_a_training_run() -> None:
    qs = questions("total_sequence_loss")
    for q in qs:
        assert "live run" in q.prompt and "training" in q.prompt
        assert all(v >= 0 and math.isfinite(v) for v in q.params["losses"])
    assert len({tuple(q.params["losses"]) for q in qs}) == len(qs)
    random = generate("total_sequence_loss", 0, {"source": "random"})
    assert "live run" not in random.prompt


def _clip_norm(g: list[float], max_norm: float) -> np.ndarray:
    g = np.asarray(g, dtype=float)
    total = np.sqrt(np.sum(g**2))
    return g * min(1.0, max_norm / (total + 1e-6))


def test_clip_by_norm() -> None:
    triggered = untouched = 0
    for q in questions("clip_by_norm") + questions("clip_by_norm", {"source": "random"}):
        p = q.params
        assert set(p) == {"gradient", "max_norm", "component"}
        expected = _clip_norm(p["gradient"], p["max_norm"])[p["component"]]
        assert close(q.answer, float(expected)), p
        if np.linalg.norm(p["gradient"]) > p["max_norm"]:
            triggered += 1
        else:
            untouched += 1
    assert triggered > 50 and untouched > 0  # most variants clip, some must not


def test_clip_by_norm_facts_worked_example() -> None:
    g = [3.0, 4.0, 12.0]
    got = [
        generate("clip_by_norm", 0, {"gradient": g, "max_norm": 1.0, "component": i}).answer
        for i in range(3)
    ]
    assert [round(v, 4) for v in got] == [0.2308, 0.3077, 0.9231]
    same = [
        generate("clip_by_norm", 0, {"gradient": g, "max_norm": 20, "component": i}).answer
        for i in range(3)
    ]
    assert same == g


def test_clip_by_norm_agrees_with_the_engine() -> None:
    import engine

    for seed in range(10):
        q = generate("clip_by_norm", seed, {"source": "random"})
        g = np.array(q.params["gradient"])
        n = len(g)
        # Pack g into the biases of an RNN's gradient (H = n - 1 hidden biases, one output bias).
        grads = engine.RNNParams(
            np.zeros((n - 1, 1)), np.zeros((n - 1, n - 1)), g[:-1], np.zeros((1, n - 1)), g[-1:]
        )
        clipped, total = engine.clip_grad_norm(grads, q.params["max_norm"])
        flat = np.concatenate([clipped.b_h, clipped.b_y])
        assert close(total, float(np.linalg.norm(g)))
        assert close(q.answer, float(flat[q.params["component"]]), rel=1e-10)


def test_clip_by_value() -> None:
    for q in questions("clip_by_value"):
        p = q.params
        assert set(p) == {"gradient", "clip_value", "component"}
        expected = np.clip(p["gradient"], -p["clip_value"], p["clip_value"])[p["component"]]
        assert close(q.answer, float(expected)), p
    facts = [
        generate(
            "clip_by_value", 0, {"gradient": [3, 4, 12], "clip_value": 0.5, "component": i}
        ).answer
        for i in range(3)
    ]
    assert facts == [0.5, 0.5, 0.5]
    assert (
        generate(
            "clip_by_value", 0, {"gradient": [-3, 0.2], "clip_value": 1, "component": 0}
        ).answer
        == -1.0
    )


def test_hidden_state_step() -> None:
    for q in questions("hidden_state_step"):
        p = q.params
        assert set(p) == {"W_x", "W_s", "x", "s_prev"}
        assert close(
            q.answer, float(np.tanh(p["W_x"] * p["x"] + p["W_s"] * p["s_prev"])), rel=1e-11
        )
    q = generate("hidden_state_step", 0, {"W_x": 0.5, "W_s": -1.0, "x": 1.0, "s_prev": 0.2})
    assert close(q.answer, math.tanh(0.3), rel=1e-11)


def test_parameter_count() -> None:
    for q in questions("parameter_count"):
        D, H, O = q.params["input_size"], q.params["hidden_size"], q.params["output_size"]
        shapes = [(H, D), (H, H), (H,), (O, H), (O,)]
        assert q.answer == sum(int(np.prod(s)) for s in shapes)
    assert (
        generate("parameter_count", 0, {"input_size": 3, "hidden_size": 4, "output_size": 2}).answer
        == 42
    )


def test_parameter_count_matches_the_engine() -> None:
    import engine

    q = generate("parameter_count", 5)
    p = engine.init_rnn(q.params["input_size"], q.params["hidden_size"], q.params["output_size"])
    assert q.answer == sum(a.size for a in (p.W_xh, p.W_hh, p.b_h, p.W_hy, p.b_y))


def test_gradient_decay() -> None:
    for q in questions("gradient_decay"):
        w, ds = q.params["w"], q.params["activation_derivatives"]
        assert close(q.answer, float(np.prod(np.abs(w * np.array(ds)))), rel=1e-11)
    # FACTS §2: |w f'| = 0.5 for ten steps gives 0.5**10 ≈ 9.8e-4.
    q = generate("gradient_decay", 0, {"w": -0.5, "activation_derivatives": [1.0] * 10})
    assert close(q.answer, 0.5**10)
    assert q.answer_text == "0.0009766"


# -- the other generators -----------------------------------------------------------------------


def test_softmax_cross_entropy() -> None:
    kinds = set()
    for q in questions("softmax_cross_entropy"):
        y = np.array(q.params["logits"])
        p = np.exp(y) / np.exp(y).sum()
        t = q.params["target"]
        kinds.add(q.params["quantity"])
        if q.params["quantity"] == "loss":
            assert close(q.answer, float(-np.log(p[t])), rel=1e-10)
        else:
            j = q.params["component"]
            assert close(q.answer, float(p[j] - (j == t)), rel=1e-10, abs_=1e-12)
    assert kinds == {"loss", "gradient"}


def test_sgd_update() -> None:
    modes = set()
    for q in questions("sgd_update"):
        p = q.params
        g = np.array(p["gradient"])
        modes.add(p["clipping"])
        if p["clipping"] == "norm":
            g = _clip_norm(g, p["max_norm"])
        else:
            assert "max_norm" not in p
        expected = p["w"][p["component"]] - p["learning_rate"] * g[p["component"]]
        assert close(q.answer, float(expected), rel=1e-10, abs_=1e-12), p
    assert modes == {"none", "norm"}


def _rnn_scalar(W_x: float, W_s: float, xs, s0: float) -> list[float]:
    s = [s0]
    for x in xs:
        s.append(np.tanh(W_x * x + W_s * s[-1]))
    return s


def test_output_and_error() -> None:
    for q in questions("output_and_error"):
        p = q.params
        s = _rnn_scalar(p["W_x"], p["W_s"], [p["x"]], p["s_prev"])[1]
        y = p["W_y"] * s
        expected = y if p["quantity"] == "output" else (p["d"] - y) ** 2
        assert close(q.answer, float(expected), rel=1e-10, abs_=1e-12), p


def test_bptt_scalar_gradient_by_finite_differences() -> None:
    for q in questions("bptt_scalar_gradient"):
        p = q.params

        def E3(W_s: float, p: dict = p) -> float:
            s3 = _rnn_scalar(p["W_x"], W_s, p["x"], p["s_0"])[3]
            return (p["d_3"] - p["W_y"] * s3) ** 2

        h = 1e-6
        numeric = (E3(p["W_s"] + h) - E3(p["W_s"] - h)) / (2 * h)
        assert math.isclose(q.answer, numeric, rel_tol=1e-6, abs_tol=1e-8), (p, q.answer, numeric)


def test_bptt_scalar_gradient_solution_has_three_terms() -> None:
    q = generate("bptt_scalar_gradient", 1, {"s_0": 0.5})
    assert sum(step.startswith("Term k=") for step in q.solution) == 3


def test_bptt_cost() -> None:
    seen = set()
    for q in questions("bptt_cost"):
        p = q.params
        T, D, H, O, B = (
            p["seq_len"],
            p["input_size"],
            p["hidden_size"],
            p["output_size"],
            p["batch_size"],
        )
        seen.add(p["quantity"])
        forward = H * D + H * H + O * H
        backward = H * D + 2 * H * H + 2 * O * H  # dW_xh; dW_hh and W_hhᵀ r; dW_hy and W_hyᵀ g
        expected = {
            "forward_macs": B * T * forward,
            "total_macs": B * T * (forward + backward),
            "stored_values": B * T * H,
        }[p["quantity"]]
        assert q.answer == expected, p
    assert seen == {"forward_macs", "total_macs", "stored_values"}


def test_truncated_bptt_by_walking_the_sequence() -> None:
    seen = set()
    for q in questions("truncated_bptt"):
        p = q.params
        T, k1, k2, H = p["seq_len"], p["k1"], p["k2"], p["hidden_size"]
        seen.add(p["quantity"])
        updates = visited = 0
        for t in range(1, T + 1):
            if t % k1 == 0:
                updates += 1
                visited += len(range(max(1, t - k2 + 1), t + 1))
        expected = {"updates": updates, "backward_steps": visited, "stored_values": k2 * H}[
            p["quantity"]
        ]
        assert q.answer == expected, p
        assert 1 <= k1 <= k2 <= T
    assert seen == {"updates", "backward_steps", "stored_values"}


def test_gradient_norm_bound() -> None:
    for q in questions("gradient_norm_bound"):
        p = q.params
        gamma = {"tanh": 1.0, "sigmoid": 0.25}[p["activation"]]
        lam = np.linalg.svd(np.array(p["W_hh"]), compute_uv=False)[0]
        assert close(q.answer, float((gamma * lam) ** p["steps"]), rel=1e-9), p


def test_gradient_norm_bound_really_bounds_the_jacobian() -> None:
    rng = np.random.default_rng(0)
    q = generate("gradient_norm_bound", 3, {"activation": "tanh"})
    W = np.array(q.params["W_hh"])
    J, h = np.eye(2), rng.normal(size=2)
    for _ in range(q.params["steps"]):
        h = np.tanh(W @ h + rng.normal(size=2))
        J = np.diag(1 - h**2) @ W @ J
    assert np.linalg.norm(J, 2) <= q.answer * (1 + 1e-9)


def test_vanishing_condition_respects_sufficient_vs_necessary() -> None:
    from collections import Counter

    sides, positions, rights = Counter(), Counter(), Counter()
    n = 200
    for seed in range(n):
        q = generate("vanishing_condition", seed)
        p = q.params
        gamma = {"tanh": 1.0, "sigmoid": 0.25}[p["activation"]]
        lam = np.linalg.svd(np.array(p["W_hh"]), compute_uv=False)[0]
        right = q.options[q.answer]
        below = lam < 1 / gamma
        assert right.startswith("Here λ₁ < 1/γ" if below else "Here λ₁ > 1/γ"), (seed, right)
        if below:
            assert "guaranteed" in right and "explode" not in right
        else:
            assert "not guaranteed" in right or "may still vanish" in right
        # Two statements per side: the side named in an option does not give the answer away.
        assert sum(o.startswith("Here λ₁ < 1/γ") for o in q.options) == 2
        # one true-sounding statement per side (taken from the other side's true wordings)
        from engine.generators.stability import CONDITION_STATEMENTS as CS

        sounding = [o for o in q.options if o in CS["below"]["true"] + CS["above"]["true"]]
        assert len(sounding) == 2 and sounding[0].split(",")[0] != sounding[1].split(",")[0]
        assert q.kind == "choice" and len(set(q.options)) == 4
        sides[below] += 1
        positions[q.answer] += 1
        rights[right] += 1
    assert min(sides.values()) >= 0.35 * n  # both sides, roughly balanced
    assert max(positions.values()) <= 0.4 * n and len(positions) == 4
    assert max(rights.values()) <= 0.6 * n and len(rights) >= 4  # no option right in > 60%


def test_vanishing_or_exploding() -> None:
    answers = []
    for q in questions("vanishing_or_exploding") + questions(
        "vanishing_or_exploding", {"source": "random"}
    ):
        norms = q.params["norms"]
        ratio = norms[0] / norms[-1]
        expected = (
            "vanishing" if ratio < 0.1 else "exploding" if ratio > 10 else "neither: roughly stable"
        )
        assert q.options[q.answer] == expected, norms
        answers.append(expected)
    assert set(answers) == {"vanishing", "exploding", "neither: roughly stable"}


def test_vanishing_or_exploding_live_runs_show_every_regime() -> None:
    qs = questions("vanishing_or_exploding")
    assert all("live run" in q.prompt for q in qs)
    assert {q.options[q.answer] for q in qs} == {
        "vanishing",
        "exploding",
        "neither: roughly stable",
    }


@pytest.mark.parametrize("weight", ["W_x", "W_y"])
def test_bptt_scalar_gradient_w_x_and_w_y_by_finite_differences(weight: str) -> None:
    for q in questions("bptt_scalar_gradient", {"weight": weight}):
        p = q.params

        def E3(value: float, p: dict = p) -> float:
            w = {"W_x": p["W_x"], "W_y": p["W_y"], weight: value}
            s3 = _rnn_scalar(w["W_x"], p["W_s"], p["x"], p["s_0"])[3]
            return (p["d_3"] - w["W_y"] * s3) ** 2

        h = 1e-6
        numeric = (E3(p[weight] + h) - E3(p[weight] - h)) / (2 * h)
        assert math.isclose(q.answer, numeric, rel_tol=1e-6, abs_tol=1e-8), (p, q.answer, numeric)
    assert "no sum over time" in generate("bptt_scalar_gradient", 1, {"weight": "W_y"}).solution[-1]


def _vector_loss(p: dict, name: str | None = None, index: tuple = (), delta: float = 0.0) -> float:
    """L = (y_2 - d)² of the 2-unit RNN, with one weight entry nudged by ``delta``."""
    W = {k: np.array(p[k], dtype=float) for k in ("W_xh", "W_hh", "W_hy")}
    if name is not None:
        W[name][index] += delta
    h = np.zeros(2)
    for x in p["x"]:
        h = np.tanh(W["W_xh"] * x + W["W_hh"] @ h)
    return float((W["W_hy"] @ h - p["d"]) ** 2)


def test_vector_bptt_by_finite_differences() -> None:
    seen = set()
    for seed in range(60):
        q = generate("vector_bptt", seed)
        p, h = q.params, 1e-6
        if p["quantity"] == "W_hh":
            idx = (p["i"], p["j"])
            numeric = (_vector_loss(p, "W_hh", idx, h) - _vector_loss(p, "W_hh", idx, -h)) / (2 * h)
        elif p["quantity"] == "W_xh":
            idx = (p["i"],)
            numeric = (_vector_loss(p, "W_xh", idx, h) - _vector_loss(p, "W_xh", idx, -h)) / (2 * h)
        else:
            # δ_1[i] = ∂L/∂h_1[i]: nudge h_1 directly and run step 2 by hand
            A, u, v = (np.array(p[k], dtype=float) for k in ("W_hh", "W_xh", "W_hy"))
            h1 = np.tanh(u * p["x"][0])

            losses = []
            for dh in (h, -h):
                h1n = h1.copy()
                h1n[p["i"]] += dh
                losses.append(float((v @ np.tanh(u * p["x"][1] + A @ h1n) - p["d"]) ** 2))
            numeric = (losses[0] - losses[1]) / (2 * h)
        assert math.isclose(q.answer, numeric, rel_tol=1e-5, abs_tol=1e-8), (p, q.answer, numeric)
        seen.add(p["quantity"])
    assert seen == {"delta", "W_hh", "W_xh"}
    q = generate("vector_bptt", 0, {"quantity": "delta"})
    assert "W_hhᵀ" in q.solution[-1]
    q = generate("vector_bptt", 0, {"quantity": "W_hh"})
    assert "outer product" in q.solution[-1]


def test_vanishing_or_exploding_answers_are_balanced() -> None:
    from collections import Counter

    for params, n in ((None, 60), ({"source": "random"}, 200)):
        counts = Counter(generate("vanishing_or_exploding", s, params).answer for s in range(n))
        assert len(counts) == 3 and max(counts.values()) <= 0.6 * n, counts
