"""environment.yml (conda users) lists the same packages with the same bounds as pyproject.toml."""

from __future__ import annotations

import tomllib

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import REPO

#: conda-forge names that differ from PyPI names (none today)
CONDA_NAMES: dict[str, str] = {}
CONDA_ONLY = {"python", "pip"}


def pyproject() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return {canonicalize_name(r.name): str(r.specifier) for r in map(Requirement, requirements)}


def conda() -> dict[str, str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    listed = [d for d in env["dependencies"] if isinstance(d, str)]
    out = {}
    for spec in listed:
        requirement = Requirement(spec)  # conda's fuzzy "=" would not parse: only >=, <, ==, != are used
        name = canonicalize_name(CONDA_NAMES.get(requirement.name, requirement.name))
        if name not in CONDA_ONLY:
            out[name] = str(requirement.specifier)
    return out


def test_same_packages():
    assert set(conda()) == set(pyproject())


@pytest.mark.parametrize("name", sorted(pyproject()))
def test_same_bounds(name):
    assert conda().get(name) == pyproject()[name]


def test_environment_installs_the_package_itself():
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == ["-e . --no-deps"]
