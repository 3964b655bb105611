"""The gated-cell generators' declared mistakes: each is named by the plain-mode verdict, with the
mistaken number computed here by an independent formula from the same numbers (never by the
generator's mistake code); drawn numbers keep every mistake outside the tolerance; and a mistake
that coincides with the answer by construction (f_t = 1 given) is dropped, not graded right."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from test_mistakes import plain_mode_names_each_mistake

from engine.generators import generate


def sig(a: float) -> float:
    return 1 / (1 + math.exp(-a))


GATE = {"w_x": 0.8, "w_h": -0.5, "b": 0.2, "x": 1.5, "h_prev": 0.4}
A = 0.8 * 1.5 - 0.5 * 0.4 + 0.2  # 1.2
CELL = {"quantity": "cell", "f": 0.8, "i": 0.3, "g": -0.6, "c_prev": 1.5}
HIDDEN = {"quantity": "hidden", "o": 0.6, "c": 1.2}
FS, IS, OS = [0.9, 0.8, 0.95, 0.7], [0.2, 0.6, 0.5, 0.4], [0.5, 0.7, 0.9, 0.3]
GRU_STATE = {"quantity": "state", "z": 0.8, "n": 0.5, "h_prev": -0.4}
GRU_CAND = {
    "quantity": "candidate",
    "r": 0.3,
    "w_in": 0.7,
    "b_in": 0.1,
    "w_hn": 1.1,
    "b_hn": 0.5,
    "x": 0.5,
    "h_prev": 0.6,
}


def _product(values: list[float]) -> float:
    out = 1.0
    for v in values:
        out *= v
    return out


PAIR = {
    "ask": "ratio",
    "seq_len": 20,
    "rnn_norms": [2e-6, 1e-4, 0.003, 0.05, 0.4],
    "lstm_norms": [0.05, 0.12, 0.15, 0.18, 0.2],
}

CASES: list[tuple[str, dict, dict[str, float]]] = [
    (
        "lstm_cell_step",
        {**GATE, "quantity": "forget_gate"},
        {"activation_forgotten": A, "tanh_used": math.tanh(A)},
    ),
    (
        "lstm_cell_step",
        {**GATE, "quantity": "candidate"},
        {"activation_forgotten": A, "sigmoid_used": sig(A)},
    ),
    (
        "lstm_cell_step",
        CELL,
        {
            "gates_swapped": 0.3 * 1.5 + 0.8 * -0.6,
            "forget_gate_ignored": 1.5 + 0.3 * -0.6,
            "input_gate_ignored": 0.8 * 1.5 - 0.6,
        },
    ),
    (
        "lstm_cell_step",
        HIDDEN,
        {"tanh_forgotten": 0.6 * 1.2, "output_gate_forgotten": math.tanh(1.2)},
    ),
    (
        "lstm_cell_gradient",
        {"forget_gates": FS, "input_gates": IS, "output_gates": OS},
        {
            "sum_not_product": 0.9 + 0.8 + 0.95 + 0.7,
            "output_gate_included": _product([f * o for f, o in zip(FS, OS)]),
            "input_gate_included": _product([f * i for f, i in zip(FS, IS)]),
            "last_gate_only": 0.7,
        },
    ),
    (
        "gated_vs_vanilla_gradient",
        {**PAIR, "network": "lstm"},
        {"other_network": 2e-6 / 0.4, "ratio_inverted": 0.2 / 0.05},
    ),
    (
        "gated_vs_vanilla_gradient",
        {**PAIR, "network": "rnn"},
        {"other_network": 0.05 / 0.2, "ratio_inverted": 0.4 / 2e-6},
    ),
    (
        "gru_update",
        GRU_STATE,
        {"z_swapped": 0.8 * 0.5 + 0.2 * -0.4, "old_state_dropped": 0.2 * 0.5},
    ),
    (
        "gru_update",
        GRU_CAND,
        {
            "reset_outside": math.tanh(0.7 * 0.5 + 0.1 + 1.1 * 0.3 * 0.6 + 0.5),
            "reset_forgotten": math.tanh(0.7 * 0.5 + 0.1 + 1.1 * 0.6 + 0.5),
            "tanh_forgotten": 0.7 * 0.5 + 0.1 + 0.3 * (1.1 * 0.6 + 0.5),
        },
    ),
]


@pytest.mark.parametrize(
    "name,params,expected", CASES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CASES)]
)
def test_plain_mode_names_each_declared_mistake(
    name: str, params: dict, expected: dict[str, float], tmp_path: Path, monkeypatch, capsys
) -> None:
    q = plain_mode_names_each_mistake(
        name, params, expected, tmp_path, monkeypatch, capsys, rel_tol=1e-9, abs_tol=1e-12
    )
    for mistake_id, value in expected.items():
        assert not q.accepts(value), mistake_id


def test_the_swapped_gru_convention_is_named_by_its_source() -> None:
    q = generate("gru_update", 0, GRU_STATE)
    m = q.mistake_for(0.8 * 0.5 + 0.2 * -0.4)
    assert m is not None and m.id == "z_swapped" and "Chung et al. 2014" in m.feedback


@pytest.mark.parametrize(
    "params,dropped",
    [
        ({"quantity": "cell", "f": 1.0}, "forget_gate_ignored"),  # c + i·g is then right
        ({"quantity": "cell", "i": 1.0}, "input_gate_ignored"),
        ({"quantity": "hidden", "o": 1.0}, "output_gate_forgotten"),
        ({"quantity": "hidden", "o": 0.0}, "tanh_forgotten"),
    ],
)
def test_a_mistake_right_by_construction_is_dropped(params: dict, dropped: str) -> None:
    for seed in range(20):
        q = generate("lstm_cell_step", seed, params)
        assert dropped not in {m.id for m in q.mistakes}, (seed, params)
        assert q.mistakes  # the others stay


def test_gru_update_drops_the_swap_at_one_half() -> None:
    q = generate("gru_update", 0, {"quantity": "state", "z": 0.5})
    assert "z_swapped" not in {m.id for m in q.mistakes}
    q = generate("lstm_cell_gradient", 0, {"forget_gates": [0.9]})
    ids = {m.id for m in q.mistakes}
    assert "sum_not_product" not in ids and "last_gate_only" not in ids  # Σ = Π = f_T for T = 1


@pytest.mark.parametrize("name", ["lstm_cell_step", "lstm_cell_gradient", "gru_update"])
def test_drawn_numbers_keep_every_mistake_outside_the_tolerance(name: str) -> None:
    """Checked with the tolerance rule written out here, not the question's own accepts()."""
    for seed in range(300):
        q = generate(name, seed)
        band = q.tolerance["atol"] + q.tolerance["rtol"] * abs(q.answer)
        assert q.mistakes, (seed, q.params)
        for m in q.mistakes:
            assert abs(m.value - q.answer) > band, (seed, m.id, m.value, q.answer)


def test_drawn_gate_lists_declare_all_four_with_the_shown_numbers() -> None:
    for seed in range(40):
        q = generate("lstm_cell_gradient", seed)
        fs, ins, outs = (q.params[k] for k in ("forget_gates", "input_gates", "output_gates"))
        expected = {
            "sum_not_product": sum(fs),
            "output_gate_included": _product([f * o for f, o in zip(fs, outs)]),
            "input_gate_included": _product([f * i for f, i in zip(fs, ins)]),
            "last_gate_only": fs[-1],
        }
        got = {m.id: m.value for m in q.mistakes}
        assert set(got) == set(expected), seed
        for key, value in expected.items():
            assert math.isclose(got[key], value, rel_tol=1e-9), (seed, key)
