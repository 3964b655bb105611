"""Numeric question generators: a registry of named, seeded, parametrised questions.

    from engine.generators import generate, GENERATORS, validate_params, lint_generator
    q = generate("clip_by_norm", seed=3, params={"max_norm": 1.0})   # -> Question

Same name + seed + params → the same question, byte for byte. Shown numbers are rounded first
and the answer is computed from them. Live generators (``spec.live``) take their numbers from a
short training run of the engine unless the numbers are given (param ``source``: "live" by
default, or "random"). One module per family: losses, clipping, forward, backward, cost,
stability. This package never imports the app (studyrnn), Textual, SQLAlchemy or pydantic.

Each numeric question declares its typical wrong methods (``q.mistakes``: id, the number the
method gives from the same shown numbers, feedback naming it and the fix); drawn numbers are
redrawn until every declared mistake lies outside the tolerance, and ``lint_generator`` checks
that over seeds and the corners of every param's documented range. Generators with a
``language`` param write their prompt, solution and feedback in German for ``language="de"``.
"""

# Importing the family modules registers their generators (order = listing order).
from engine.generators import backward, clipping, cost, forward, gated, losses, stability  # noqa: E402,F401,I001
from engine.generators._registry import (
    GENERATORS,
    RANDOM,
    GeneratorParamError,
    GeneratorSpec,
    Mistake,
    Param,
    Question,
    format_answer,
    generate,
    get_spec,
    validate_params,
)
from engine.generators.lint import lint_generator, question_problems  # noqa: E402

__all__ = [
    "GENERATORS",
    "RANDOM",
    "GeneratorParamError",
    "GeneratorSpec",
    "Mistake",
    "Param",
    "Question",
    "format_answer",
    "generate",
    "get_spec",
    "lint_generator",
    "question_problems",
    "validate_params",
]
