"""Shared fixtures: a fresh copy of the small valid festival, and helpers to break it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analytics import FestivalDataError, load_festival

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini"
DEMO = REPO / "data" / "demo"
BROKEN = REPO / "data" / "examples" / "broken"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/mini: 4 entries, 4 jurors, 3 criteria, 2 lanes."""
    return Path(shutil.copytree(MINI, tmp_path / "mini"))


def replace(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a text file, insisting that ``old`` is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def problems(folder: Path) -> list:
    """The problems that loading ``folder`` reports (the load must fail)."""
    with pytest.raises(FestivalDataError) as caught:
        load_festival(folder)
    return caught.value.problems


def only_problem(folder: Path):
    found = problems(folder)
    assert len(found) == 1, "\n".join(p.sentence() for p in found)
    return found[0]
