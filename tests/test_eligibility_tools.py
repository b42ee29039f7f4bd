"""The tool vocabulary and resolution spellings."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.load.tools import normalise_tool
from analytics.load.resolution import resolution_lines
from analytics.load.tools import tools_long


@pytest.mark.parametrize("spelling, tool", [
    ("Sora", "Sora"), ("sora 2", "Sora"), ("Veo 3", "Veo"), ("VEO-3", "Veo"), ("veo", "Veo"), ("Runway Gen-4", "Runway"),
    ("runway gen-4", "Runway"), ("KLING 2.1", "Kling"), ("Pika 2.2", "Pika"), ("Luma Ray2", "Luma"),
    ("Luma Dream Machine", "Luma"), ("Seedance 1.0", "Seedance"), ("in-house", "in-house"), ("In House", "in-house"),
    ("In-house pipeline", "in-house"), ("ComfyUI", "other"), ("Stable Audio", "other")])
def test_spellings_map_to_the_festival_vocabulary(spelling, tool):
    assert normalise_tool(spelling) == tool


def test_tools_counted_once_per_entry_and_other_tools_kept_apart():
    entries = pd.DataFrame({"entry_id": ["a", "b"], "tools": ["Veo 3; veo ;ComfyUI;Stable Audio", None]})
    long = tools_long(entries)
    assert long.values.tolist() == [["a", "Veo", "Veo 3"], ["a", "other", "ComfyUI"], ["a", "other", "Stable Audio"]]


def _tools_one_cell_at_a_time(entries: pd.DataFrame) -> list[list[str]]:
    """The contract read literally: each text cell split on ';', each part stripped, each festival
    tool once per entry and each 'other' spelling once (the reference for the vectorised reading)."""
    rows = []
    for entry, cell in zip(entries["entry_id"], entries["tools"]):
        if isinstance(cell, str):
            seen = set()
            for spelling in (part.strip() for part in cell.split(";")):
                tool = normalise_tool(spelling) if spelling else None
                if tool and (tool, spelling if tool == "other" else "") not in seen:
                    seen.add((tool, spelling if tool == "other" else ""))
                    rows.append([entry, tool, spelling])
    return rows


@pytest.mark.parametrize("seed", range(20))
def test_tools_read_in_one_pass_are_those_read_one_cell_at_a_time(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    words = ["Veo 3", " veo", "ComfyUI", "comfyui ", " ", "Sora", "in-house", "In House", "Kling 2", "Stable Audio"]
    cells = [None if rng.random() < 0.2 else ";".join(rng.choice(words, rng.integers(0, 5))) for _ in range(rng.integers(0, 12))]
    entries = pd.DataFrame({"entry_id": [f"E{i}" for i in range(len(cells))], "tools": pd.Series(cells, dtype=object)},
                           index=rng.permutation(len(cells)))  # an index that is not 0..n-1
    assert tools_long(entries).values.tolist() == _tools_one_cell_at_a_time(entries)


@pytest.mark.parametrize("text, lines", [
    ("3840x2160", 2160), ("3840 × 2160", 2160), ("3840 x 2160", 2160), ("4K", 2160), ("UHD", 2160), ("2160p", 2160),
    ("1080p", 1080), ("1920x1080", 1080), ("2K", 1080), ("4096x2160", 2160), ("1080x1920", 1080), ("8K", 4320),
    ("1080i", 1080), ("Full HD", 1080), ("720p", 720), ("4K-ish", None), ("1920", None), (None, None)])
def test_resolution_spellings(text, lines):
    assert resolution_lines(text) == lines
