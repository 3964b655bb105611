"""The generator registry's contract: determinism, parameter validation, lint, the
``studyrnn generate`` command, and the engine's import boundary."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from engine.generators import (
    GENERATORS,
    GeneratorParamError,
    Param,
    Question,
    generate,
    lint_generator,
    validate_params,
)
from studyrnn.cli import main

PINNED = {
    "total_sequence_loss": {"losses", "reduction"},
    "clip_by_norm": {"gradient", "max_norm", "component"},
    "clip_by_value": {"gradient", "clip_value", "component"},
    "hidden_state_step": {"W_x", "W_s", "x", "s_prev"},
    "parameter_count": {"input_size", "hidden_size", "output_size"},
    "gradient_decay": {"w", "activation_derivatives"},
}
JSON_KEYS = {
    "generator",
    "seed",
    "params",
    "prompt",
    "answer",
    "tolerance",
    "solution",
    "kind",
    "options",
    "unit",
}


# -- registry -----------------------------------------------------------------------------------


def test_registry_has_at_least_14_generators_with_the_pinned_names_and_keys() -> None:
    assert len(GENERATORS) >= 14
    for name, keys in PINNED.items():
        spec = GENERATORS[name]
        assert keys <= set(spec.params), name
        assert spec.name == name and spec.summary and callable(spec.fn)
    assert {n for n, s in GENERATORS.items() if s.live} >= {
        "total_sequence_loss",
        "clip_by_norm",
        "vanishing_or_exploding",
    }


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_question_shape(name: str) -> None:
    q = generate(name, 7)
    assert isinstance(q, Question)
    assert q.generator == name and q.seed == 7
    assert q.kind in ("numeric", "choice")
    assert set(q.tolerance) == {"rtol", "atol"}
    assert q.solution and all(isinstance(s, str) and s for s in q.solution)
    data = q.to_json()
    assert JSON_KEYS <= set(data)
    json.dumps(data, allow_nan=False)
    with pytest.raises(AttributeError):
        q.answer = 1.0  # type: ignore[misc]  # frozen
    if q.kind == "choice":
        assert isinstance(q.answer, int) and 0 <= q.answer < len(q.options)
    else:
        assert isinstance(q.answer, float) and q.options == []


# -- determinism --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_inputs_give_the_same_question_byte_for_byte(name: str) -> None:
    for seed in (0, 1, 12345):
        a, b = generate(name, seed), generate(name, seed)
        assert json.dumps(a.to_json()) == json.dumps(b.to_json())


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_different_seeds_give_mostly_different_questions(name: str) -> None:
    prompts = {generate(name, seed).prompt for seed in range(30)}
    assert len(prompts) >= 25, f"{name}: only {len(prompts)} distinct prompts in 30 seeds"


def test_determinism_survives_a_fresh_interpreter() -> None:
    """No hidden state (global RNG, caches, dict order): another process gives the same JSON."""
    code = (
        "import json; from engine.generators import GENERATORS, generate;"
        "print(json.dumps([generate(n, 3).to_json() for n in sorted(GENERATORS)]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    here = [generate(n, 3).to_json() for n in sorted(GENERATORS)]
    assert json.loads(out) == json.loads(json.dumps(here))


def test_global_numpy_random_state_is_neither_used_nor_changed() -> None:
    import numpy as np

    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    a = generate("clip_by_norm", 4).to_json()
    assert (np.random.get_state()[1] == before).all()
    np.random.seed(99)
    assert generate("clip_by_norm", 4).to_json() == a


def test_fixing_one_param_keeps_the_other_draws() -> None:
    free = generate("total_sequence_loss", 11, {"source": "random"})
    other = "sum" if free.params["reduction"] == "mean" else "mean"
    fixed = generate("total_sequence_loss", 11, {"source": "random", "reduction": other})
    assert fixed.params["losses"] == free.params["losses"]
    q = generate("hidden_state_step", 5)
    q2 = generate("hidden_state_step", 5, {"x": 0.5})
    assert {k: v for k, v in q2.params.items() if k != "x"} == {
        k: v for k, v in q.params.items() if k != "x"
    }


def test_given_params_are_used_and_shown() -> None:
    q = generate("clip_by_norm", 0, {"gradient": [3, 4, 12], "max_norm": 1, "component": 2})
    assert q.params == {"gradient": [3.0, 4.0, 12.0], "max_norm": 1.0, "component": 2}
    assert "g = [3, 4, 12]" in q.prompt and "max_norm = 1" in q.prompt and "g[2]" in q.prompt
    assert "1e-6" in q.prompt  # the rule is stated


def test_shown_numbers_are_rounded() -> None:
    for seed in range(20):
        for x in generate("hidden_state_step", seed).params.values():
            assert x == round(x, 2)
        for x in generate("clip_by_norm", seed).params["gradient"]:
            assert float(f"{x:.3g}") == x


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("clip_by_nrm", {}, "unknown generator 'clip_by_nrm'; did you mean 'clip_by_norm'?"),
        ("clip_by_norm", {"max_nrom": 1.0}, "unknown param 'max_nrom'; did you mean 'max_norm'?"),
        ("clip_by_norm", {"max_norm": 0}, "param 'max_norm' must be >= 1e-06"),
        ("clip_by_norm", {"max_norm": "big"}, "param 'max_norm' must be a number, not str"),
        ("clip_by_norm", {"max_norm": float("nan")}, "must be a finite number"),
        ("clip_by_norm", {"gradient": [1, 2], "component": 5}, "only 2 components"),
        ("clip_by_norm", {"gradient": [1, "x"]}, "param 'gradient'[1] must be a number"),
        ("clip_by_norm", {"gradient": 3}, "must be a list of numbers"),
        ("total_sequence_loss", {"reduction": "summ"}, "did you mean 'sum'?"),
        ("total_sequence_loss", {"losses": [1.0]}, "must have 2 to 50 numbers, not 1"),
        ("total_sequence_loss", {"losses": [0.1, -0.2]}, "must be >= 0"),
        ("parameter_count", {"hidden_size": 2.5}, "must be an integer"),
        ("parameter_count", {"hidden_size": True}, "must be an integer"),
        ("parameter_count", {"hidden_size": 0}, "must be >= 1"),
        ("hidden_state_step", {"s_prev": 1.5}, "must be <= 1"),
        ("gradient_decay", {"activation_derivatives": [0.5, 1.2]}, "must be <= 1"),
        ("vanishing_condition", {"W_hh": [1, 2, 3, 4]}, "2x2 matrix"),
        (
            "vanishing_condition",
            {"W_hh": [[1, 0], [0, 0.5]], "activation": "tanh"},
            "equals 1/γ exactly",
        ),
        ("truncated_bptt", {"k1": 5, "k2": 3}, "k2 = 3 is shorter than k1 = 5"),
        ("sgd_update", {"w": [1, 2], "gradient": [1, 2, 3]}, "same length"),
        ("sgd_update", {"clipping": "none", "max_norm": 1}, "only used with clipping 'norm'"),
        ("softmax_cross_entropy", {"logits": [1, 2], "target": 2}, "only 2 logits"),
        ("total_sequence_loss", [0.2], "params must be a mapping"),
    ],
)
def test_validate_params_errors(name: str, params, message: str) -> None:
    with pytest.raises(GeneratorParamError) as info:
        validate_params(name, params)
    assert message in str(info.value)
    with pytest.raises(GeneratorParamError):
        generate(name, 0, params)


def test_param_error_is_a_value_error_and_valid_params_pass() -> None:
    assert issubclass(GeneratorParamError, ValueError)
    validate_params("clip_by_norm", {"gradient": [3, 4, 12], "max_norm": 1, "component": 0})
    validate_params("clip_by_norm", None)
    validate_params("vanishing_or_exploding", {"source": "random"})


@pytest.mark.parametrize("seed", [-1, 1.5, "3", True])
def test_bad_seeds(seed) -> None:
    with pytest.raises(GeneratorParamError, match="seed"):
        generate("parameter_count", seed)


def test_component_given_with_a_random_gradient_is_always_in_range() -> None:
    for seed in range(20):
        assert generate("clip_by_norm", seed, {"component": 7}).params["component"] == 7
        assert (
            len(
                generate("clip_by_norm", seed, {"component": 7, "source": "random"}).params[
                    "gradient"
                ]
            )
            >= 8
        )
        assert len(generate("clip_by_value", seed, {"component": 6}).params["gradient"]) >= 7


def test_param_specs_describe_themselves() -> None:
    for spec in GENERATORS.values():
        text = spec.describe()
        for key in spec.params:
            assert key in text
    assert "default 'live'" in GENERATORS["clip_by_norm"].describe()


# -- lint ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_lint_passes_for_every_generator_with_default_params(name: str) -> None:
    assert lint_generator(name, None, variants=200 if not GENERATORS[name].live else 100) == []


def test_lint_passes_with_pinned_params() -> None:
    assert (
        lint_generator("total_sequence_loss", {"losses": [0.2, 0.5, 0.1, 0.4]}, variants=20) == []
    )
    assert lint_generator("clip_by_norm", {"max_norm": 1.0, "source": "random"}, variants=50) == []


def test_lint_reports_bad_params_and_impossible_combinations() -> None:
    assert lint_generator("clip_by_norm", {"max_nrom": 1}) == [
        "clip_by_norm: unknown param 'max_nrom'; did you mean 'max_norm'? (allowed: gradient, max_norm, component, source, language)"
    ]
    assert "unknown generator" in lint_generator("nope", None)[0]


def test_lint_catches_an_answer_outside_its_own_tolerance(monkeypatch: pytest.MonkeyPatch) -> None:
    """Moodle's "outside limits": 1/3 shown as 0.3333 is not within rtol 1e-6 of 1/3."""
    from engine.generators import _registry

    def third(ctx):
        ctx.take("n", lambda r: 3)
        return ctx.question(
            prompt="What is 1/3?",
            answer=1 / 3,
            solution=["1/3"],
            tolerance={"rtol": 1e-11, "atol": 0},
        )

    def broken(ctx):
        return ctx.question(prompt=" ", answer=float("inf"), solution=[], kind="numeric")

    spec = _registry.GeneratorSpec(
        "third", "test", {"n": Param("n", "int", "n")}, False, third, "test"
    )
    monkeypatch.setitem(GENERATORS, "third", spec)
    problems = lint_generator("third", None, variants=3)
    assert (
        len(problems) == 1
        and "outside its own tolerance" in problems[0]
        and "0.3333" in problems[0]
    )
    monkeypatch.setitem(
        GENERATORS, "broken", _registry.GeneratorSpec("broken", "t", {}, False, broken, "t")
    )
    problems = " | ".join(lint_generator("broken", None, variants=2))
    assert (
        "prompt is empty" in problems
        and "solution is empty" in problems
        and "not a finite number" in problems
    )


# -- the command --------------------------------------------------------------------------------


def test_cli_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(GENERATORS)
    by_name = {line.split()[0]: line for line in out}
    assert set(by_name) == set(GENERATORS)
    assert " live " in by_name["clip_by_norm"] and " live " not in by_name["parameter_count"]


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "generate",
        "total_sequence_loss",
        "--seed",
        "4",
        "--param",
        "losses=[0.2,0.5,0.1,0.4]",
        "--param",
        "reduction=mean",
        "--json",
    ]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert JSON_KEYS <= set(data)
    assert data["generator"] == "total_sequence_loss" and data["seed"] == 4
    assert data["params"] == {"losses": [0.2, 0.5, 0.1, 0.4], "reduction": "mean"}
    assert data["answer"] == 0.3 and data["tolerance"]["rtol"] > 0
    assert data["kind"] == "numeric" and data["solution"]
    assert data == json.loads(
        json.dumps(generate("total_sequence_loss", 4, data["params"]).to_json())
    )


def test_cli_json_choice_and_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "vanishing_condition", "--seed", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (
        data["kind"] == "choice" and len(data["options"]) == 4 and isinstance(data["answer"], int)
    )
    assert (
        main(
            [
                "generate",
                "clip_by_norm",
                "--seed",
                "1",
                "--param",
                "gradient=[3,4,12]",
                "--param",
                "max_norm=1",
                "--param",
                "component=0",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Answer: 0.2308" in out and "Solution:" in out


def test_cli_random_seed_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "parameter_count"]) == 0
    out = capsys.readouterr().out
    seed = int(out.split("--seed ")[1].split()[0])
    assert main(["generate", "parameter_count", "--seed", str(seed)]) == 0
    again = capsys.readouterr().out
    assert out.split("\n", 1)[1] == again.split("\n", 1)[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["generate", "clip_by_nrm", "--seed", "1"], "did you mean 'clip_by_norm'?"),
        (["generate", "clip_by_norm", "--param", "max_nrom=1"], "did you mean 'max_norm'?"),
        (["generate", "clip_by_norm", "--param", "max_norm=-1"], "must be >= 1e-06"),
        (["generate", "clip_by_norm", "--param", "max_norm"], "KEY=VALUE"),
        (
            ["generate", "clip_by_norm", "--param", "max_norm=1", "--param", "max_norm=2"],
            "given twice",
        ),
        (
            ["generate", "total_sequence_loss", "--param", "losses=[0.2,"],
            "must be a list of numbers",
        ),
        (["generate"], "--list"),
    ],
)
def test_cli_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("studyrnn: error: ") and message in err and "Traceback" not in err


def test_cli_negative_seed_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["generate", "parameter_count", "--seed", "-3"])
    assert info.value.code == 2


# -- boundary -----------------------------------------------------------------------------------


def test_generators_never_import_the_app() -> None:
    code = (
        "import sys; from engine.generators import GENERATORS, generate, lint_generator\n"
        "for n in GENERATORS: generate(n, 0); lint_generator(n, None, variants=2)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'studyrnn', 'textual', 'sqlalchemy', 'pydantic'})\n"
        "print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"
