"""Eligibility and AI participation: the rules of ``festival.toml`` applied to each entry,
the tool vocabulary, resolutions as forms spell them, and whether scores follow AI share
or tools."""

from .participation import effect_flags, entry_tools, score_effects, tool_usage, tools_per_entry
from .resolution import resolution_lines
from .rules import (blend, configured_rules, disclosures_to_check, eligibility_flags, eligibility_table, near_the_line,
                    runtime_class)
from .tools import TOOLS, normalise_tool

__all__ = ["TOOLS", "blend", "configured_rules", "disclosures_to_check", "near_the_line", "effect_flags", "eligibility_flags", "eligibility_table", "entry_tools", "normalise_tool",
           "resolution_lines", "runtime_class", "score_effects", "tool_usage", "tools_per_entry"]
