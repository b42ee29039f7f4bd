"""The tool vocabulary: entry forms' spellings mapped onto the festival's tool names.

The festival is tool-agnostic; to check that the jury is too, tools must first be counted
as the same tool however they are spelled ("Veo 3", "veo", "VEO-3" are Veo). Anything not
recognised is ``other`` (its spelling is kept for the record).
"""

from __future__ import annotations

import re

import pandas as pd

from analytics.base.text import per_distinct, strip

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
    each festival tool counted once per entry (an ``other`` tool once per spelling), in the
    order of the entries and of their cells. Each distinct spelling is read once.

    >>> entries = pd.DataFrame({"entry_id": ["A", "B", "C"], "tools": ["Veo 3; veo; ComfyUI", None, " ;Sora"]})
    >>> tools_long(entries).values.tolist()
    [['A', 'Veo', 'Veo 3'], ['A', 'other', 'ComfyUI'], ['C', 'Sora', 'Sora']]
    """
    cells = entries[tools_column].reset_index(drop=True)  # labels are positions
    text = cells[cells.map(type).eq(str).to_numpy()] if len(cells) else cells  # text cells only, as written
    parts = text.astype(object).str.split(";").explode()
    parts = parts[parts.notna()]
    spelling = strip(parts.astype(object))
    spelling = spelling[spelling != ""]
    tool = per_distinct(spelling, lambda t: t.map(normalise_tool))
    out = pd.DataFrame({"entry_id": entries["entry_id"].to_numpy()[spelling.index.to_numpy(dtype=int)],
                        "tool": tool.to_numpy(), "spelling": spelling.to_numpy()})
    key = out["spelling"].where(out["tool"] == "other", "")
    return out[~pd.DataFrame({"e": out["entry_id"], "t": out["tool"], "k": key}).duplicated()].reset_index(drop=True)

