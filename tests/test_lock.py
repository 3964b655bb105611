"""The committed lock (.ci/constraints.txt) pins every dependency within pyproject's ranges."""

from __future__ import annotations

import tomllib

from conftest import REPO
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (REPO / ".ci" / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, version = line.partition("==")
        assert version, f"not an exact pin: {line!r}"
        pins[canonicalize_name(name)] = Version(version)
    return pins


def _requirements(*extras: str) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return reqs


def test_every_runtime_test_and_ci_dependency_is_pinned_within_its_range() -> None:
    pins = _pins()
    for req in _requirements("test", "dev", "bench"):
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in .ci/constraints.txt: run bash .ci/lock"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"{req.name}=={pins[name]} in .ci/constraints.txt is outside pyproject's "
            f"'{req.specifier}': run bash .ci/lock"
        )


def test_the_readme_test_command_installs_against_the_lock() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "-c .ci/constraints.txt '.[test]'" in readme
