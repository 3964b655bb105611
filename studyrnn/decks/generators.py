"""The seam between deck validation and the generator registry in ``engine.generators``.

Decks name generators; whether a name exists and its params are acceptable is the registry's
business. The registry is imported lazily (numpy and the generator modules are not needed to
load a deck without generated cards), and tests can inject their own with ``use_registry``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Registry:
    """What deck validation needs from a generator registry.

    ``names``: the known generator names. ``validate``: ``(name, params) -> None``, raising
    ``ValueError`` with a message a deck author can act on. ``lint``: ``(name, params, variants)
    -> list[str]`` (optional: only ``studyrnn validate`` runs it).
    """

    names: Mapping[str, Any]
    validate: Callable[[str, dict[str, Any]], None] | None = None
    lint: Callable[..., list[str]] | None = None


_override: Registry | None = None
_PARAM_NAME = re.compile(r"param '([^']+)'")


def known_generators() -> Registry | None:
    """The generator registry, or None when ``engine.generators`` cannot be imported."""
    if _override is not None:
        return _override
    try:
        from engine.generators import GENERATORS, lint_generator, validate_params
    except ImportError:
        return None
    return Registry(names=GENERATORS, validate=validate_params, lint=lint_generator)


@contextmanager
def use_registry(registry: Registry | None) -> Iterator[None]:
    """Validate against ``registry`` inside the block (tests); None restores the real one."""
    global _override
    previous = _override
    _override = registry
    try:
        yield
    finally:
        _override = previous


def generator_problem(name: str, params: dict[str, Any]) -> tuple[tuple[str, ...], str] | None:
    """``(where, message)`` when ``name`` or ``params`` is unacceptable, else None.

    ``where`` is the path in the card: ``("generator",)``, ``("params",)`` or, when the message
    names one of the card's params, ``("params", that_param)``. Without a registry every name is
    accepted (nothing to check against).
    """
    registry = known_generators()
    if registry is None:
        return None
    if name not in registry.names:
        close = difflib.get_close_matches(name, list(registry.names), n=1, cutoff=0.6)
        hint = (
            f"; did you mean '{close[0]}'?"
            if close
            else f" (known: {', '.join(sorted(registry.names))})"
        )
        return ("generator",), f"unknown generator '{name}'{hint}"
    if registry.validate is not None:
        try:
            registry.validate(name, dict(params))
        except ValueError as exc:
            message = str(exc)
            prefix = f"{name}: "
            if message.startswith(prefix):
                message = message[len(prefix) :]
            named = _PARAM_NAME.search(message)
            where = (
                ("params", named.group(1)) if named and named.group(1) in params else ("params",)
            )
            return where, f"bad params for generator '{name}': {message}"
    return None


def lint_problems(name: str, params: dict[str, Any], variants: int = 200) -> list[str]:
    """What ``lint_generator`` finds over ``variants`` seeds ([] without a registry or lint)."""
    registry = known_generators()
    if registry is None or registry.lint is None:
        return []
    try:
        return list(registry.lint(name, dict(params), variants=variants))
    except Exception as exc:  # noqa: BLE001 - a lint reports; it must not crash validate
        return [f"{name}: lint failed: {type(exc).__name__}: {exc}"]


def generator_languages(name: str) -> tuple[str, ...]:
    """The languages generator ``name`` can write (its ``language`` param's choices); () when it
    has none or is unknown."""
    registry = known_generators()
    spec = registry.names.get(name) if registry is not None else None
    param = getattr(spec, "params", {}).get("language") if spec is not None else None
    return tuple(getattr(param, "choices", None) or ())
