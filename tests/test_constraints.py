"""constraints.txt pins what CI, scripts/bootstrap.sh and the image install: it must pin every requirement of
pyproject.toml inside the range pyproject allows, and the suite must be running on those versions."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    named = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    return [r for r in map(Requirement, named) if canonicalize_name(r.name) != canonicalize_name(project["name"])]


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            assert pinned, f"constraints.txt: {line!r} is not a name==version pin"
            pins[canonicalize_name(name)] = pinned.strip()
    return pins


REQUIREMENTS = _requirements()


@pytest.mark.parametrize("requirement", REQUIREMENTS, ids=str)
def test_each_requirement_is_pinned_inside_its_range_and_installed_at_the_pin(requirement: Requirement) -> None:
    if requirement.marker is not None and not requirement.marker.evaluate():
        pytest.skip(f"not for this platform: {requirement.marker}")
    pinned = _pins().get(canonicalize_name(requirement.name))
    assert pinned is not None, f"{requirement.name} is not in constraints.txt: run scripts/lock.sh"
    assert requirement.specifier.contains(pinned, prereleases=True), (
        f"{requirement.name}=={pinned} outside {requirement}"
    )
    try:
        installed = version(requirement.name)
    except PackageNotFoundError:
        pytest.fail(f"{requirement.name} is not installed: run scripts/bootstrap.sh dev")
    assert installed == pinned, (
        f"{requirement.name} {installed} installed, {pinned} pinned: run scripts/bootstrap.sh dev"
    )
