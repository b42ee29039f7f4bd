"""The declared input tables: configuration-dependent columns, and the README's contract table."""

from __future__ import annotations

import re

from analytics.load.config import parse_config
from analytics.base.problems import ProblemLog
from analytics.load.schema import TABLE_NAMES, table_specs

from .conftest import MINI, REPO


def test_entries_columns_follow_the_configured_dimensions_and_appendix():
    text = (MINI / "festival.toml").read_text(encoding="utf-8").replace(
        "weights = { writing = 20, direction = 20, generation = 20, editing = 15, sound = 15, finishing = 10 }",
        "weights = { visuals = 60, music = 40 }").replace('appendix = ["tools", "seeds", "prompts", "checkpoints"]',
                                                          'appendix = ["prompts"]')
    config = parse_config(text, ProblemLog())
    names = [c.name for c in table_specs(config)["entries"].columns]
    assert [n for n in names if n.startswith(("share_", "appendix_"))] == ["share_visuals", "share_music", "appendix_prompts"]


def test_a_rule_column_is_required_only_when_its_rule_is_configured():
    film = table_specs(parse_config((MINI / "festival.toml").read_text(encoding="utf-8"), ProblemLog()))["entries"]
    assert {"runtime_min", "ai_share", "resolution", "authorship_proof"} <= set(film.required_columns)
    assert "tools" not in film.required_columns and "country" not in film.required_columns
    runtime = film.column("runtime_min")
    assert runtime.needed_by == "the runtime rule ([requirements] feature_min_runtime / short_min_runtime in festival.toml)"
    core = table_specs(None)["entries"]
    assert core.required_columns == ("entry_id", "title", "category")


def test_readme_documents_every_table_and_column():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for spec in table_specs(None).values():
        assert f"`{spec.file}`" in readme, spec.file
        for column in spec.columns:
            assert re.search(rf"`{column.name}`", readme), f"{spec.file}: {column.name}"
    assert TABLE_NAMES == ("entries", "jurors", "scores", "assignments", "performances", "conflicts", "decisions",
                           "participation_assessments")


def test_readme_quick_start_is_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^make \w+", quick, re.M) == ["make report", "make test"]
