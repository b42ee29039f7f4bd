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


@pytest.mark.parametrize("text, lines", [
    ("3840x2160", 2160), ("3840 × 2160", 2160), ("3840 x 2160", 2160), ("4K", 2160), ("UHD", 2160), ("2160p", 2160),
    ("1080p", 1080), ("1920x1080", 1080), ("2K", 1080), ("4096x2160", 2160), ("1080x1920", 1080), ("8K", 4320),
    ("1080i", 1080), ("Full HD", 1080), ("720p", 720), ("4K-ish", None), ("1920", None), (None, None)])
def test_resolution_spellings(text, lines):
    assert resolution_lines(text) == lines
