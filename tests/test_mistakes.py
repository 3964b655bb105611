"""Mistake-aware numeric grading: every declared mistake of every numeric generator is named by
the plain-mode verdict, with the mistaken number computed here by an independent formula (never
by the generator's own mistake code); static numeric cards declare theirs in YAML; tolerances and
typed answers have bounds; generators write German for a German deck."""

from __future__ import annotations

import io
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.generators import GENERATORS, Mistake, generate, lint_generator
from engine.generators.lint import corner_cases
from studyrnn.cli import main

EPS = 1e-6  # PyTorch's clip_grad_norm_ adds it to the norm


def sig(a: float) -> float:
    return 1 / (1 + math.exp(-a))


# -- independent recomputations ------------------------------------------------------------------


def _scalar_rnn(W_x, W_s, xs, s0):
    s = [s0]
    for x in xs:
        s.append(math.tanh(W_x * x + W_s * s[-1]))
    return s


def _bptt_case(weight: str) -> dict[str, float]:
    W_x, W_s, W_y, xs, s0, d = 0.5, 0.8, 1.2, [0.5, -0.3, 0.8], 0.2, 0.4
    s = _scalar_rnn(W_x, W_s, xs, s0)
    dy = 2 * (W_y * s[3] - d)
    if weight == "W_y":
        full = dy * s[3]
        return {
            "summed_over_time": dy * (s[1] + s[2] + s[3]),
            "sign_flipped": -full,
            "factor_two_forgotten": full / 2,
        }
    direct = (lambda k: s[k - 1]) if weight == "W_s" else (lambda k: xs[k - 1])
    # ∂E_3/∂s_k by the chain rule written out, then the per-step terms
    ds3 = dy * W_y
    ds2 = ds3 * (1 - s[3] ** 2) * W_s
    ds1 = ds2 * (1 - s[2] ** 2) * W_s
    terms = [ds * (1 - s[k] ** 2) * direct(k) for k, ds in ((1, ds1), (2, ds2), (3, ds3))]
    full = sum(terms)
    linear = sum(dy * W_y * W_s ** (3 - k) * direct(k) for k in (1, 2, 3))
    return {
        "only_k3": terms[2],
        "sign_flipped": -full,
        "factor_two_forgotten": full / 2,
        "tanh_derivative_forgotten": linear,
    }


VEC = {
    "W_xh": [0.6, -0.4],
    "W_hh": [[0.5, -0.7], [0.3, 0.8]],
    "W_hy": [1.2, -0.9],
    "x": [0.9, 0.8],
    "d": 0.3,
}


def _vector_case(quantity: str, i: int, j: int = 0) -> dict[str, float]:
    A, u, v, xs, d = (np.array(VEC[k], dtype=float) for k in ("W_hh", "W_xh", "W_hy", "x", "d"))
    h1 = np.tanh(u * xs[0])
    h2 = np.tanh(u * xs[1] + A @ h1)
    g = 2 * (v @ h2 - d)
    delta2 = v * g
    r2 = delta2 * (1 - h2**2)
    if quantity == "delta":
        return {
            "not_transposed": float(sum(A[i, k] * r2[k] for k in range(2))),
            "tanh_derivative_forgotten": float(sum(A[k, i] * delta2[k] for k in range(2))),
        }
    if quantity == "W_hh":
        return {
            "outer_product_transposed": float(r2[j] * h1[i]),
            "tanh_derivative_forgotten": float(delta2[i] * h1[j]),
            "wrong_state": float(r2[i] * h2[j]),
        }
    wrong_delta1 = A @ r2
    return {
        "only_last_step": float(r2[i] * xs[1]),
        "not_transposed": float(wrong_delta1[i] * (1 - h1[i] ** 2) * xs[0] + r2[i] * xs[1]),
    }


def _norm(g):
    return math.sqrt(sum(v * v for v in g))


def _softmax(y):
    e = [math.exp(v) for v in y]
    return [x / sum(e) for x in e]


def _singular(W):
    return float(np.linalg.svd(np.array(W, dtype=float), compute_uv=False)[0])


HS = {"W_x": 0.5, "W_s": 0.8, "x": 1.2, "s_prev": 0.3}
OE = {**HS, "W_y": 1.5, "d": 0.2}
_a = 0.5 * 1.2 + 0.8 * 0.3
P = _softmax([1.0, 2.0, 0.5])
LOSS = -math.log(P[0])
G3 = [3.0, 4.0, 12.0]
CV = [2.5, -1.5, 0.3]
TRI = [[0.5, 1.0], [0.0, 0.5]]
TRI_S = [[2.0, 4.0], [0.0, 2.0]]

CASES: list[tuple[str, dict, dict[str, float]]] = [
    (
        "hidden_state_step",
        HS,
        {"tanh_forgotten": _a, "sigmoid_used": sig(_a), "recurrence_forgotten": math.tanh(0.6)},
    ),
    (
        "output_and_error",
        {**OE, "quantity": "output"},
        {
            "tanh_forgotten": 1.5 * _a,
            "output_weight_forgotten": math.tanh(_a),
            "sigmoid_used": 1.5 * sig(_a),
        },
    ),
    (
        "output_and_error",
        {**OE, "quantity": "error"},
        {
            "tanh_forgotten": (0.2 - 1.5 * _a) ** 2,
            "not_squared": 0.2 - 1.5 * math.tanh(_a),
            "output_weight_forgotten": (0.2 - math.tanh(_a)) ** 2,
        },
    ),
    *[
        (
            "bptt_scalar_gradient",
            {
                "W_x": 0.5,
                "W_s": 0.8,
                "W_y": 1.2,
                "x": [0.5, -0.3, 0.8],
                "s_0": 0.2,
                "d_3": 0.4,
                "weight": w,
            },
            _bptt_case(w),
        )
        for w in ("W_s", "W_x", "W_y")
    ],
    ("vector_bptt", {**VEC, "quantity": "delta", "i": 1}, _vector_case("delta", 1)),
    ("vector_bptt", {**VEC, "quantity": "W_hh", "i": 0, "j": 1}, _vector_case("W_hh", 0, 1)),
    ("vector_bptt", {**VEC, "quantity": "W_xh", "i": 0}, _vector_case("W_xh", 0)),
    (
        "total_sequence_loss",
        {"losses": [0.2, 0.5, 0.1, 0.4], "reduction": "sum"},
        {"mean_instead_of_sum": 0.3, "last_step_only": 0.4},
    ),
    (
        "total_sequence_loss",
        {"losses": [0.2, 0.5, 0.1, 0.4], "reduction": "mean"},
        {"sum_instead_of_mean": 1.2, "divided_by_t_minus_1": 0.4},
    ),
    (
        "softmax_cross_entropy",
        {"logits": [1.0, 2.0, 0.5], "target": 0, "quantity": "loss"},
        {
            "log10_used": -math.log10(P[0]),
            "minus_forgotten": math.log(P[0]),
            "probability_not_loss": P[0],
            "softmax_forgotten": -1.0,
        },
    ),
    (
        "softmax_cross_entropy",
        {"logits": [1.0, 2.0, 0.5], "target": 0, "quantity": "gradient", "component": 0},
        {"onehot_forgotten": P[0], "sign_flipped": 1 - P[0]},
    ),
    (
        "softmax_cross_entropy",
        {"logits": [1.0, 2.0, 0.5], "target": 0, "quantity": "gradient", "component": 1},
        {"one_subtracted": P[1] - 1, "sign_flipped": -P[1]},
    ),
    (
        "clip_by_norm",
        {"gradient": G3, "max_norm": 1.0, "component": 0, "source": "random"},
        {
            "clipping_ignored": 3.0,
            "clipped_per_element": 1.0,
            "norm_not_rooted": 3.0 / 169,
            "l1_norm": 3.0 / 19,
        },
    ),
    (
        "clip_by_norm",
        {"gradient": G3, "max_norm": 20.0, "component": 0, "source": "random"},
        {"clipped_under_threshold": 3.0 * 20 / 13},
    ),
    (
        "clip_by_value",
        {"gradient": CV, "clip_value": 1.0, "component": 1},
        {"clipping_ignored": -1.5, "clipped_by_norm": -1.5 / _norm(CV), "sign_lost": 1.0},
    ),
    (
        "sgd_update",
        {
            "w": [0.5, -0.2],
            "gradient": [3.0, 4.0],
            "learning_rate": 0.1,
            "clipping": "norm",
            "max_norm": 1.0,
            "component": 0,
        },
        {
            "no_update": 0.5,
            "wrong_sign": 0.5 + 0.1 * 3 / (5 + EPS),
            "clipping_ignored": 0.5 - 0.1 * 3,
            "learning_rate_forgotten": 0.5 - 3 / (5 + EPS),
            "clipped_per_element": 0.5 - 0.1 * 1.0,
            "norm_not_rooted": 0.5 - 0.1 * 3 / 25,
        },
    ),
    (
        "sgd_update",
        {
            "w": [0.5, -0.2],
            "gradient": [3.0, 4.0],
            "learning_rate": 0.1,
            "clipping": "norm",
            "max_norm": 10.0,
            "component": 0,
        },
        {
            "no_update": 0.5,
            "wrong_sign": 0.8,
            "learning_rate_forgotten": 0.5 - 3.0,
            "clipped_under_threshold": 0.5 - 0.1 * 3 * 10 / (5 + EPS),
        },
    ),
    (
        "parameter_count",
        {"input_size": 3, "hidden_size": 4, "output_size": 2},
        {"two_hidden_biases": 46, "biases_forgotten": 36, "recurrent_forgotten": 26},
    ),
    (
        "bptt_cost",
        {
            "seq_len": 10,
            "input_size": 3,
            "hidden_size": 4,
            "output_size": 2,
            "batch_size": 2,
            "quantity": "forward_macs",
        },
        {
            "output_layer_forgotten": 560,
            "one_step_only": 72,
            "one_sequence_only": 360,
            "forward_and_backward": 1920,
        },
    ),
    (
        "bptt_cost",
        {
            "seq_len": 10,
            "input_size": 3,
            "hidden_size": 4,
            "output_size": 2,
            "batch_size": 2,
            "quantity": "total_macs",
        },
        {"forward_only": 720, "one_sequence_only": 960, "backward_only": 1200},
    ),
    (
        "bptt_cost",
        {
            "seq_len": 10,
            "input_size": 3,
            "hidden_size": 4,
            "output_size": 2,
            "batch_size": 2,
            "quantity": "stored_values",
        },
        {
            "h0_counted": 88,
            "one_sequence_only": 40,
            "pre_activations_stored": 160,
            "weights_counted": 116,
        },
    ),
    (
        "truncated_bptt",
        {"seq_len": 20, "k1": 4, "k2": 8, "hidden_size": 10, "quantity": "updates"},
        {"divided_by_k2": 2, "one_update": 1},
    ),
    (
        "truncated_bptt",
        {"seq_len": 22, "k1": 4, "k2": 4, "hidden_size": 10, "quantity": "updates"},
        {"partial_chunk_counted": 6, "one_update": 1},
    ),
    (
        "truncated_bptt",
        {"seq_len": 20, "k1": 4, "k2": 8, "hidden_size": 10, "quantity": "backward_steps"},
        {"start_not_truncated": 40, "each_step_once": 20},
    ),
    (
        "truncated_bptt",
        {"seq_len": 22, "k1": 4, "k2": 8, "hidden_size": 10, "quantity": "backward_steps"},
        {"start_not_truncated": 40, "each_step_once": 20, "full_bptt": 22},
    ),
    (
        "truncated_bptt",
        {"seq_len": 20, "k1": 4, "k2": 8, "hidden_size": 10, "quantity": "stored_values"},
        {"full_sequence": 200, "k1_states": 40, "state_before_counted": 90},
    ),
    (
        "gradient_decay",
        {"w": 1.5, "activation_derivatives": [0.5, 0.8, 0.6]},
        {"w_forgotten": 0.24, "derivatives_forgotten": 3.375, "sum_not_product": 2.85},
    ),
    (
        "gradient_norm_bound",
        {"W_hh": TRI, "activation": "tanh", "steps": 4},
        {"eigenvalue_used": 0.5**4, "frobenius_norm": 1.5**2, "power_forgotten": _singular(TRI)},
    ),
    (
        "gradient_norm_bound",
        {"W_hh": TRI_S, "activation": "sigmoid", "steps": 3},
        {
            "eigenvalue_used": (0.25 * 2) ** 3,
            "gamma_forgotten": _singular(TRI_S) ** 3,
            "frobenius_norm": (0.25 * math.sqrt(24)) ** 3,
            "power_forgotten": 0.25 * _singular(TRI_S),
        },
    ),
]


def _deck(tmp_path: Path, card: dict, language: str = "en") -> Path:
    path = tmp_path / "deck.yaml"
    deck = {"id": "mistakes", "title": "Mistakes", "language": language, "cards": [card]}
    path.write_text(json.dumps(deck, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    return path


def _plain(path: Path, answers: str, monkeypatch: pytest.MonkeyPatch, capsys) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    assert main(["quiz", str(path), "--plain", "--in-order", "--seed", "3"]) == 0
    return capsys.readouterr().out


def _all_cases() -> list[tuple[str, dict, dict[str, float]]]:
    """These cases and the gated cells' (tests/test_mistakes_gated.py runs those)."""
    from test_mistakes_gated import CASES as GATED

    return CASES + GATED


def test_every_numeric_generator_has_cases_here() -> None:
    numeric = {n for n in GENERATORS if generate(n, 0).kind == "numeric"}
    assert numeric <= {name for name, _, _ in _all_cases()}


def test_every_mistake_any_generator_declares_is_tested_here() -> None:
    """Over many seeds and every value of each str param, no mistake id goes untested."""
    tested: dict[str, set[str]] = {}
    for name, _, expected in _all_cases():
        tested.setdefault(name, set()).update(expected)
    for name, spec in GENERATORS.items():
        choices = [{}] + [
            {key: c} for key, p in spec.params.items() if p.kind == "str" for c in p.choices or ()
        ]
        seen = {
            m.id
            for extra in choices
            for seed in range(40 if not spec.live else 8)
            for m in generate(name, seed, extra).mistakes
        }
        assert seen <= tested.get(name, set()), (name, seen - tested.get(name, set()))


@pytest.mark.parametrize(
    "name,params,expected", CASES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CASES)]
)
def test_plain_mode_names_each_declared_mistake(
    name: str, params: dict, expected: dict[str, float], tmp_path: Path, monkeypatch, capsys
) -> None:
    plain_mode_names_each_mistake(
        name, params, expected, tmp_path, monkeypatch, capsys, rel_tol=1e-6, abs_tol=1e-9
    )


def plain_mode_names_each_mistake(
    name: str,
    params: dict,
    expected: dict[str, float],
    tmp_path: Path,
    monkeypatch,
    capsys,
    rel_tol: float,
    abs_tol: float,
) -> Any:
    """The generator declares exactly the `expected` mistakes, with those values (to rel_tol /
    abs_tol); typing each in plain mode is graded incorrect with its feedback, and the right
    answer is still right. Returns the question."""
    q = generate(name, 0, params)
    declared = {m.id: m for m in q.mistakes}
    assert set(declared) == set(expected), f"{name}: declared {sorted(declared)}"
    path = _deck(tmp_path, {"id": "g", "type": "generated", "generator": name, "params": params})
    for mistake_id, value in expected.items():
        assert math.isclose(declared[mistake_id].value, value, rel_tol=rel_tol, abs_tol=abs_tol), (
            mistake_id,
            declared[mistake_id].value,
            value,
        )
        out = _plain(path, f"{value!r}\n", monkeypatch, capsys)
        verdict = [line for line in out.splitlines() if line.startswith(("correct", "incorrect"))]
        assert len(verdict) == 1 and verdict[0].startswith("incorrect: "), out
        assert declared[mistake_id].feedback in verdict[0], (mistake_id, verdict[0])
    # and the right answer is still right
    out = _plain(path, f"{q.answer!r}\n", monkeypatch, capsys)
    assert "\ncorrect" in out and "incorrect" not in out
    return q


def test_the_verdict_carries_the_mistake_id() -> None:
    from studyrnn.decks.models import GeneratedCard
    from studyrnn.quiz import present

    card = GeneratedCard(id="g", generator="hidden_state_step", params=HS)
    p = present(card, seed=1)
    v = p.grade_text(repr(_a))
    assert v.mistake == "tanh_forgotten" and not v.is_correct and "apply tanh" in v.message
    assert p.grade_text(repr(math.tanh(_a))).mistake is None
    assert p.grade_text("5").mistake is None  # wrong, but no declared mistake


# -- static numeric cards -------------------------------------------------------------------------


STATIC = """\
id: static
title: Static
cards:
  - id: mean
    type: numeric
    prompt: The per-step losses are 0.2, 0.5, 0.1 and 0.4. What is their mean?
    answer: 0.3
    mistakes:
      - answer: 1.2
        feedback: that is the sum; divide by T = 4
        id: summed
      - answer: 0.4
        feedback: that divides by T - 1; divide by T
"""


def test_static_mistakes_are_named_in_plain_mode(tmp_path: Path, monkeypatch, capsys) -> None:
    path = tmp_path / "static.yaml"
    path.write_text(STATIC, encoding="utf-8")
    out = _plain(path, "1.2\n", monkeypatch, capsys)
    assert "incorrect: you gave 1.2: that is the sum; divide by T = 4" in out
    out = _plain(path, "0.4\n", monkeypatch, capsys)
    assert "that divides by T - 1; divide by T" in out
    from studyrnn.decks import load_deck
    from studyrnn.grading import grade

    card = load_deck(path).cards[0]
    assert grade(card, "1.2").mistake == "summed" and grade(card, "0.4").mistake == "mistake-2"
    assert grade(card, "0.3").is_correct and grade(card, "0.3").mistake is None


def _validate(path: Path, capsys) -> tuple[int, str]:
    code = main(["validate", str(path), "--variants", "0"])
    return code, capsys.readouterr().err


def test_a_mistake_inside_the_tolerance_is_a_deck_error(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(STATIC.replace("answer: 0.4", "answer: 0.301"), encoding="utf-8")
    code, err = _validate(path, capsys)
    assert code == 1
    line = next(x for x in err.splitlines() if "inside the tolerance" in x)
    assert line.startswith(f"{path}:12:17: error: ") and "0.301" in line, line


@pytest.mark.parametrize(
    "tolerance,words",
    [
        ("{rtol: .inf}", "finite"),
        ("{rtol: .nan}", "finite"),
        ("{rtol: 0.6}", "0.5"),
        ("{atol: .inf}", "finite"),
        ("{rtol: 0, atol: 1000}", "too wide"),
    ],
)
def test_tolerances_must_be_finite_and_sensible(tmp_path: Path, capsys, tolerance, words) -> None:
    path = tmp_path / "tol.yaml"
    text = STATIC.replace("    answer: 0.3\n", f"    answer: 0.3\n    tolerance: {tolerance}\n")
    path.write_text(text, encoding="utf-8")
    code, err = _validate(path, capsys)
    assert code == 1 and words in err and "Traceback" not in err, err


# -- typed answers: bounds before any parsing ------------------------------------------------------


def test_huge_typed_answers_are_refused_not_crashing() -> None:
    from studyrnn.grading import ChoiceKey, MultiKey, OrderKey, numeric_key

    digits = "7" * 4301
    for key in (
        ChoiceKey(options=("a", "b"), answer=0),
        MultiKey(options=("a", "b"), answers=frozenset({0})),
        OrderKey(items=("a", "b")),
        numeric_key(0.3),
    ):
        v = key.grade_text(digits)
        assert v.outcome.value == "invalid", (key, v)
        assert v.message and len(v.message) < 200
    v = ChoiceKey(options=("a", "b"), answer=0).grade_text("1" * 50)
    assert v.outcome.value == "invalid" and "digits" in v.message


def test_lone_surrogates_do_not_crash_and_fuzzy_matching_is_bounded() -> None:
    from studyrnn.grading import TextKey, numeric_key

    bad = "tanh\udcff"
    for key in (TextKey(answers=("tanh",), match="fuzzy"), numeric_key(0.3)):
        v = key.grade_text(bad)
        v.message.encode("utf-8")  # printable
    key = TextKey(answers=("vanishing gradient",), match="fuzzy")
    start = time.perf_counter()
    for text in ("x" * 1999, "vanishing gradient" * 100, "a" * 1_000_000):
        assert not key.grade_text(text).is_correct
    assert time.perf_counter() - start < 0.5
    assert key.grade_text("vanishing gradeint").is_correct  # typos still forgiven


# -- the documented range: no overflow, lint over the corners -----------------------------------


def test_every_number_param_has_finite_bounds() -> None:
    for spec in GENERATORS.values():
        for p in spec.params.values():
            if p.kind in ("float", "int", "float_list", "float_matrix"):
                assert p.low is not None and p.high is not None, (spec.name, p.name)
                assert math.isfinite(p.low) and math.isfinite(p.high)


def test_the_issue_13_overflow_cases_now_work() -> None:
    q = generate(
        "gradient_norm_bound", 0, {"W_hh": [[10, 10], [10, 10]], "steps": 200, "activation": "tanh"}
    )
    assert math.isfinite(q.answer) and math.isclose(q.answer, 20.0**200, rel_tol=1e-9)
    q = generate("total_sequence_loss", 0, {"losses": [1e6] * 50, "reduction": "sum"})
    assert q.answer == 5e7
    from engine.generators import GeneratorParamError

    with pytest.raises(GeneratorParamError):
        generate("total_sequence_loss", 0, {"losses": [1e308, 1e308]})
    with pytest.raises(GeneratorParamError):
        generate("gradient_norm_bound", 0, {"W_hh": [[100, 100], [100, 100]], "steps": 200})


def test_corner_cases_cover_both_bounds_of_every_param() -> None:
    corners = corner_cases("gradient_norm_bound")
    fixed = [c for c, full in corners if full]
    assert {"steps": 1} in fixed and {"steps": 200} in fixed
    assert any(c.get("W_hh") == [[10.0, 10.0], [10.0, 10.0]] for c, _ in corners)
    assert any(not full and len(c) == 3 for c, full in corners)  # all params at once


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_lint_over_the_corners_alone_is_clean(name: str) -> None:
    assert lint_generator(name, None, variants=0) == []
    # with each choice of a str param fixed, as a deck card fixes it (no redraw may switch it)
    for key, param in GENERATORS[name].params.items():
        for choice in param.choices or ():
            assert lint_generator(name, {key: choice}, variants=0) == [], (key, choice)


def test_lint_reports_a_mistake_inside_the_tolerance(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.generators import Param, _registry

    def bad(ctx):
        ctx.take("n", lambda r: 3)
        return ctx.question(
            prompt="What is tanh(0.01)?",
            answer=math.tanh(0.01),
            solution=["tanh(0.01)"],
            mistakes=[Mistake("tanh_forgotten", 0.01, "apply tanh")],
        )

    spec = _registry.GeneratorSpec(
        "bad", "t", {"n": Param("n", "int", "n", low=1, high=5)}, False, bad, "t"
    )
    monkeypatch.setitem(GENERATORS, "bad", spec)
    problems = lint_generator("bad", None, variants=2)
    assert len(problems) == 1 and "mistake 'tanh_forgotten'" in problems[0]
    assert "inside the tolerance" in problems[0]


def test_softmax_gradient_tolerance_is_tight_for_tiny_components() -> None:
    for seed in range(200):
        q = generate("softmax_cross_entropy", seed, {"quantity": "gradient"})
        band = q.tolerance["atol"] + q.tolerance["rtol"] * abs(q.answer)
        assert band <= 0.02 * abs(q.answer), (seed, q.answer, q.tolerance)


def test_drawn_numbers_are_redrawn_until_the_mistakes_are_distinct() -> None:
    for seed in range(300):
        q = generate("hidden_state_step", seed)
        a = q.params["W_x"] * q.params["x"] + q.params["W_s"] * q.params["s_prev"]
        assert abs(a - math.tanh(a)) > 1e-4 + 1e-2 * abs(math.tanh(a)), (seed, q.params)
        q = generate("sgd_update", seed)
        assert not q.accepts(q.params["w"][q.params["component"]]), seed  # "no update" never passes


# -- German ---------------------------------------------------------------------------------------


GERMAN = {
    "hidden_state_step": "Wie groß ist s_t?",
    "output_and_error": "im Schritt t ist die Eingabe",
    "total_sequence_loss": "Wie groß ist der Verlust L",
    "clip_by_norm": "nach dem Clipping?",
    "gradient_decay": "Wie groß ist |∂h_",
    "bptt_scalar_gradient": "Backpropagation durch die Zeit",
}


@pytest.mark.parametrize("name,words", sorted(GERMAN.items()))
def test_german_prompts_solutions_and_feedback(name: str, words: str) -> None:
    de = generate(name, 4, {"language": "de"})
    en = generate(name, 4)
    assert words in de.prompt and words not in en.prompt
    assert de.answer == en.answer and de.params == en.params
    assert de.solution != en.solution
    assert [m.id for m in de.mistakes] == [m.id for m in en.mistakes]
    assert all(a.feedback != b.feedback for a, b in zip(de.mistakes, en.mistakes))


def test_a_german_deck_gets_german_generated_questions(tmp_path: Path, monkeypatch, capsys) -> None:
    card = {"id": "g", "type": "generated", "generator": "hidden_state_step", "params": HS}
    out = _plain(_deck(tmp_path, card, language="de"), f"{_a!r}\n", monkeypatch, capsys)
    assert "Wie groß ist s_t?" in out and "wenden Sie noch tanh darauf an" in out
    out = _plain(_deck(tmp_path, card, language="en"), "\n", monkeypatch, capsys)
    assert "what is s_t?" in out and "Wie groß" not in out
    # a card may still ask for English in a German deck, and a generator without German stays English
    card_en = {**card, "params": {**HS, "language": "en"}}
    out = _plain(_deck(tmp_path, card_en, language="de"), "\n", monkeypatch, capsys)
    assert "what is s_t?" in out
    other = {"id": "p", "type": "generated", "generator": "parameter_count"}
    out = _plain(_deck(tmp_path, other, language="de"), "\n", monkeypatch, capsys)
    assert "How many trainable parameters" in out


def test_a_deck_with_mistakes_loads_without_numpy_or_the_grader(tmp_path: Path) -> None:
    """The closeness rule lives in studyrnn.tolerance (stdlib only): deck validation uses it
    without importing the engine or studyrnn.grading (a sibling layer)."""
    import subprocess

    (tmp_path / "static.yaml").write_text(STATIC, encoding="utf-8")
    code = (
        "import sys\nfrom studyrnn.decks import load_decks\n"
        f"assert load_decks([{str(tmp_path)!r}])['static']\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'engine') "
        "or m.startswith('studyrnn.grading')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_question_mistake_for_matches_within_tolerance_and_only_when_wrong() -> None:
    q = generate("total_sequence_loss", 0, {"losses": [0.2, 0.5, 0.1, 0.4], "reduction": "mean"})
    assert q.mistake_for(1.2).id == "sum_instead_of_mean"
    assert q.mistake_for(1.2005).id == "sum_instead_of_mean"  # within rtol 1e-3 of 1.2
    assert q.mistake_for(1.25) is None and q.mistake_for(0.3) is None
    data = q.to_json()["mistakes"]
    assert data[0] == {
        "id": "sum_instead_of_mean",
        "answer": 1.2,
        "feedback": q.mistakes[0].feedback,
    }
