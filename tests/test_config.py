"""festival.toml: parsing, normalised weights, and every kind of invalid rule reported at once."""

from __future__ import annotations

import pytest

from analytics.load.config import parse_config
from analytics.synthetic.demo import CONFIG_TEXT
from analytics.base.problems import ProblemLog

from .conftest import MINI


def parse(text: str):
    log = ProblemLog()
    return parse_config(text, log), log.problems


def mini_text() -> str:
    return (MINI / "festival.toml").read_text(encoding="utf-8")


def by_key(found) -> dict:
    return {p.column: p for p in found}


def test_demo_config_encodes_the_generative_cinema_rules():
    config, found = parse(CONFIG_TEXT)
    assert found == []
    # design.md section 2: the published 51% standard weights the six dimensions 20/20/20/15/15/10
    assert dict(config.participation.weights) == pytest.approx(
        {"writing": 0.20, "direction": 0.20, "generation": 0.20, "editing": 0.15, "sound": 0.15, "finishing": 0.10})
    gc = config.lane("generative_cinema")
    assert (gc.ai_share_min, gc.ai_share_typical_max, gc.honour) == (51.0, 70.0, "Best Generative Cinema")
    assert len(config.lanes) == 4 and len(config.criteria) == 6
    assert sum(config.criterion_weights().values()) == pytest.approx(1.0)  # weighted_mean: the weights as shares
    assert config.scale.describe() == "a number from 1 to 10 in steps of 1"
    assert (config.requirements.feature_min_runtime, config.requirements.short_min_runtime) == (30.0, 5.0)
    assert config.aggregation.jurors == "mean" and config.synthetic is True


def test_weights_as_fractions_or_percentages_mean_the_same():
    percent, _ = parse(mini_text().replace("weight = 0.5", "weight = 50").replace("weight = 0.3", "weight = 30")
                       .replace("weight = 0.2", "weight = 20"))
    fraction, _ = parse(mini_text())
    assert percent.criterion_weights() == pytest.approx(fraction.criterion_weights())


def test_weights_are_any_positive_numbers_shares_or_factors():
    # a federation's factors: 0.8 and 1.6 sum to nothing in particular
    text = (mini_text().replace("weight = 0.5", "weight = 0.8").replace("weight = 0.3", "weight = 1.6")
            .replace("weight = 0.2", "weight = 1.6"))
    mean, found = parse(text)
    assert found == [] and mean.criterion_weights() == pytest.approx({"story": 0.2, "craft": 0.4, "ethics": 0.4})
    total, _ = parse(text.replace("[participation]", '[aggregation]\ncriteria = "weighted_sum"\n\n[participation]'))
    assert total.criterion_weights() == pytest.approx({"story": 0.8, "craft": 1.6, "ethics": 1.6})


def test_a_lane_may_use_its_own_criteria_and_weights():
    config, found = parse(mini_text().replace('name = "Digital Being"', 'name = "Digital Being"\nweights = { story = 2, craft = 1 }'))
    assert found == []
    assert config.lane_criteria("digital_being") == ("story", "craft")
    assert config.criterion_weights("digital_being") == pytest.approx({"story": 2 / 3, "craft": 1 / 3})
    assert config.criterion_weights("generative_cinema") == pytest.approx({"story": 0.5, "craft": 0.3, "ethics": 0.2})


def test_thresholds_in_points_follow_the_scale():
    ten, _ = parse(mini_text().replace("step = 0.5", "step = 1"))
    wide, _ = parse(mini_text().replace("max = 10", "max = 25").replace("step = 0.5", "step = 1"))
    # left out, straight-lining and severity are fractions of the range: 0.5 and 1 point on 1-10
    assert (ten.checks.straightline_max_sd, ten.checks.severity_max) == pytest.approx((0.5, 1.0))
    assert (wide.checks.straightline_max_sd, wide.checks.severity_max) == pytest.approx((0.5 * 24 / 9, 24 / 9))
    fixed, _ = parse(mini_text().replace("[participation]", "[checks]\nseverity_max = 2\n\n[participation]"))
    assert fixed.checks.severity_max == 2.0


def test_defaults_fill_optional_sections():
    config, found = parse(mini_text())
    assert found == []
    assert config.checks.agreement_min_alpha == 0.667  # Krippendorff (2004) lowest acceptable alpha
    assert config.requirements.appendix == ("tools", "seeds", "prompts", "checkpoints")  # as the fixture sets them
    assert config.factions == () and config.column_mapping == {} and config.layout.scores == "long"


def test_the_core_is_all_a_festival_needs():
    core = '[festival]\nname = "Piano"\n[scale]\nmin = 1\nmax = 25\n[[criteria]]\nid = "overall"\nlabel = "Overall"\n' \
           '[[lanes]]\nid = "final"\nname = "Final"\n'
    config, found = parse(core)
    assert found == [] and config.participation is None
    from analytics.load.rule_families import configured
    assert configured(config) == ()  # no film rule is configured, so none runs


def test_malformed_toml_names_the_line():
    _, found = parse(mini_text().replace('label = "Story"', 'label = "Story'))
    (problem,) = found
    assert problem.file == "festival.toml" and problem.row is not None
    assert "not valid TOML" in problem.expected


@pytest.mark.parametrize("old, new, key, expected", [
    ("[scale]\nmin = 1", "[scale]\nmin = 1\ncolour = \"red\"", "scale.colour", "unknown key; the keys of [scale] are: kind, max, min, step"),
    ("max = 10", 'max = "ten"', "scale.max", "expected a number"),
    ("step = 0.5", "step = 0.7", "scale.step", "expected a step that divides the range 1 to 10 into whole steps"),
    ("max = 10", "max = 1", "scale", "expected min below max"),
    ('name = "Digital Being"', 'name = "Digital Being"\nweights = { story = 1, sound = 2 }', "lanes[2].weights",
     "expected criteria of [[criteria]]: story, craft, ethics"),
    ("[festival]", '[layout]\nscores = "sideways"\n\n[festival]', "layout.scores",
     "expected one of 'long', 'wide_jurors', 'wide_criteria'"),
    ("[festival]", '[aggregation]\ncriteria = "product"\n\n[festival]', "aggregation.criteria",
     "expected one of 'weighted_mean', 'weighted_sum'"),
    ("weight = 0.2", "weight = -0.2", "criteria[3].weight", "expected a number above 0"),
    ("ai_share_min = 51", "ai_share_min = 80", "lanes[1]", "expected ai_share_min at or below ai_share_typical_max"),
    ("ai_share_typical_max = 70", "ai_share_typical_max = 170", "lanes[1].ai_share_typical_max", "expected a number from 0 to 100"),
    ("finishing = 10", "finishing = 20", "participation.weights", "expected weights that sum to 1 (or to 100 when written as percentages)"),
    ('id = "ethics"', 'id = "story"', "criteria.id", "expected each criterion id once; this id appears 2 times"),
    ('id = "ethics"', 'id = "Ethics Score"', "criteria[3].id",
     "expected an identifier: lower-case letters, digits and _, starting with a letter"),
    ('synthetic = true', 'synthetic = "yes"', "festival.synthetic", "expected true or false"),
])
def test_each_invalid_rule_is_reported_with_its_key(old, new, key, expected):
    _, found = parse(mini_text().replace(old, new, 1))
    assert key in by_key(found), [p.sentence() for p in found]
    assert by_key(found)[key].expected == expected


def test_a_lane_called_all_is_refused_all_marks_the_rows_across_lanes():
    # design section 12: affiliation.csv's festival-wide rows (and each juror's line across lanes in
    # juror_severity.csv and drift.csv) have lane = all, so a lane of that id could not be told apart
    _, found = parse(mini_text().replace('id = "digital_being"', 'id = "all"'))
    assert [(p.file, p.column, p.value) for p in found] == [("festival.toml", "lanes[2].id", "'all'")]
    assert found[0].expected == ("expected a lane id other than 'all': the outputs write lane = all on the rows "
                                 "across lanes (festival-wide, and a juror's line across the lanes they judge); "
                                 "rename the lane, e.g. all_entries")
    assert parse(mini_text().replace('id = "digital_being"', 'id = "all_entries"'))[1] == []  # only the marker itself


def test_every_problem_is_reported_at_once():
    text = (mini_text().replace("max = 10", 'max = "ten"').replace("weight = 0.2", "weight = -0.9")
            .replace("ai_share_min = 51", "ai_share_min = 80") + '\n[extras]\nx = 1\n')
    config, found = parse(text)
    assert config is None
    assert {"scale.max", "criteria[3].weight", "lanes[1]", "extras"} <= set(by_key(found))


def test_missing_sections_and_keys():
    _, found = parse('[festival]\nname = "x"\n[scale]\nmin = 1\n')
    keys = by_key(found)
    assert keys["scale.max"].expected == "this key is missing; expected a number"
    assert keys["criteria"].expected == "the section [criteria] is missing; add at least one [[criteria]] table"
    assert "lanes" in keys and "participation" not in keys  # [participation] is optional (design section 9)


def test_requirements_must_be_possible():
    text = (mini_text().replace("short_min_runtime = 5", "short_min_runtime = 40")
            .replace("min_resolution_lines = 1080", "min_resolution_lines = 2160")
            .replace("preferred_resolution_lines = 2160", "preferred_resolution_lines = 1080"))
    _, found = parse(text)
    assert [p.expected for p in found] == [
        "expected the shortest short to run less than the feature threshold",
        "expected the minimum resolution at or below the preferred one"]


def test_column_mapping_is_inverted_per_table():
    config, found = parse(mini_text() + '\n[columns.scores]\njuror_id = "Judge ID"\nscore = "Points"\n')
    assert found == []
    assert dict(config.column_mapping["scores"]) == {"Judge ID": "juror_id", "Points": "score"}


def test_the_readme_lists_every_key_of_every_section():
    """One declaration per key: the README's festival.toml table is checked against the models."""
    import re

    from analytics.load.config import FestivalConfig

    from .conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for section, field in FestivalConfig.model_fields.items():
        if section == "columns":
            continue
        model = typing_model(field.annotation)
        row = next(line for line in readme.splitlines() if re.match(rf"\| `\[+{section}\]+`", line))
        listed = re.findall(r"`([a-z_]+)`", row.split("|")[2])
        keys = [f.alias or name for name, f in model.model_fields.items()]
        assert [k for k in listed if k in keys] == keys, section


def typing_model(annotation):
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(a for a in typing.get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel))


def test_values_are_not_coerced_and_defaults_are_declared_once():
    from analytics.load.config import Checks, Requirements

    _, found = parse(mini_text().replace("max = 10", 'max = "10"'))
    assert by_key(found)["scale.max"].expected == "expected a number"  # a quoted number is text, not coerced
    assert Checks().bootstrap_resamples == 1000 and Requirements().appendix == ()  # left out: no appendix rule
    config, _ = parse(mini_text())
    assert config.checks == Checks().on_range(9.0)  # every default comes from the one declaration
