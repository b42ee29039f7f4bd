"""environment.yml (conda users) lists the same packages with the same bounds as pyproject.toml, and
every package that analytics/ imports is one of its declared dependencies."""

from __future__ import annotations

import ast
import importlib.metadata
import sys
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


def imported_modules() -> dict[str, list[str]]:
    """Every top-level module that analytics/ imports (absolute imports, at any depth of the code:
    the lazy imports inside functions too), with the files that import it."""
    found: dict[str, list[str]] = {}
    for path in sorted((REPO / "analytics").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                found.setdefault(module.partition(".")[0], []).append(str(path.relative_to(REPO)))
    return found


def test_the_scan_finds_the_package_imports_at_any_depth():
    found = imported_modules()
    assert {"numpy", "pandas", "scipy", "papermill", "nbconvert", "tomllib"} <= set(found)
    assert "analytics/stats/agreement/ranks.py" in found["scipy"]  # imported inside a function, too


def test_every_package_that_analytics_imports_is_a_declared_dependency():
    """A third-party module imported by the package must come from a distribution in
    ``[project] dependencies`` (the ``test`` extra is not installed by users)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    providers = importlib.metadata.packages_distributions()
    problems = []
    for module, files in sorted(imported_modules().items()):
        if module in sys.stdlib_module_names or module == "analytics":
            continue
        distributions = {canonicalize_name(d) for d in providers.get(module, [])}
        if not distributions:
            problems.append(f"{module} (imported by {files[0]}): installed by no distribution")
        elif not distributions & declared:
            problems.append(f"{module} (imported by {files[0]}): add {' or '.join(sorted(distributions))} to "
                            "[project] dependencies in pyproject.toml and environment.yml")
    assert not problems, "undeclared imports:\n" + "\n".join(problems)
