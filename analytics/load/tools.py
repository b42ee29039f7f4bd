"""The tool vocabulary: entry forms' spellings mapped onto the festival's tool names.

The festival is tool-agnostic; to check that the jury is too, tools must first be counted
as the same tool however they are spelled ("Veo 3", "veo", "VEO-3" are Veo). Anything not
recognised is ``other`` (its spelling is kept for the record).
"""

from __future__ import annotations

import re

import pandas as pd

TOOLS = ("Sora", "Veo", "Runway", "Kling", "Pika", "Luma", "Seedance", "in-house", "other")
#: prefixes (lower case, without spaces or punctuation) that identify each tool
_PREFIXES = {"sora": "Sora", "veo": "Veo", "runway": "Runway", "kling": "Kling", "pika": "Pika", "luma": "Luma",
             "dreammachine": "Luma", "seedance": "Seedance", "inhouse": "in-house", "proprietary": "in-house",
             "custom": "in-house", "internal": "in-house"}


def normalise_tool(spelling: str) -> str:
    """The festival's name for one tool as written on a form.

    >>> [normalise_tool(t) for t in ("Veo 3", "runway gen-4", "KLING 2.1", "Luma Dream Machine", "In-house pipeline")]
    ['Veo', 'Runway', 'Kling', 'Luma', 'in-house']
    >>> normalise_tool("ComfyUI"), normalise_tool("sora2")
    ('other', 'Sora')
    """
    key = re.sub(r"[^a-z0-9]", "", spelling.lower())
    return next((name for prefix, name in _PREFIXES.items() if key.startswith(prefix)), "other")


def tools_long(entries: pd.DataFrame, tools_column: str = "tools") -> pd.DataFrame:
    """One row per entry × tool named: ``entry_id, tool (festival name), spelling``;
    each festival tool counted once per entry."""
    rows = []
    for entry, cell in zip(entries["entry_id"], entries[tools_column]):
        if isinstance(cell, str):
            seen = set()
            for spelling in (part.strip() for part in cell.split(";")):
                tool = normalise_tool(spelling) if spelling else None
                if tool and (tool, spelling if tool == "other" else "") not in seen:
                    seen.add((tool, spelling if tool == "other" else ""))
                    rows.append((entry, tool, spelling))
    return pd.DataFrame(rows, columns=["entry_id", "tool", "spelling"])
