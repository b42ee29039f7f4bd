"""The jury command: exit codes, summaries, the problem list without a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

import analytics.load.festival as festival_module
from analytics.apps import cli

from .conftest import BROKEN, DEMO, REPO


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=300)


def test_check_demo_prints_the_summary_and_exits_1_with_its_planted_blockers(tmp_path):
    result = run("check", str(DEMO), "--out", str(tmp_path))
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "Hong Kong AI International Film Festival (synthetic demo) (SYNTHETIC DATA)" in out
    assert "Generative Cinema" in out and "scores per criterion" in out
    assert "juror JR06 has not scored GC-17 on ethics" in out
    assert "1 declared conflict scored anyway" in out
    assert pd.read_csv(tmp_path / "lanes.csv")["n_entries"].tolist() == [25, 12, 12, 11]
    assert len(pd.read_csv(tmp_path / "missing_scores.csv")) == 1
    assert "agreement (Krippendorff's alpha, interval" in out and "GATE: NOT PUBLISHABLE: 9 blockers open" in out
    assert "Generative Cinema: 24 of 25 entries eligible on their declarations (AI share band 51%+)" in out
    eligibility = pd.read_csv(tmp_path / "eligibility.csv")
    assert len(eligibility) == 60 and eligibility.loc[eligibility["entry_id"] == "GC-21", "eligible"].item() == False  # noqa: E712
    agreement = pd.read_csv(tmp_path / "agreement.csv")
    assert set(agreement["statistic"]) == {"alpha_interval", "alpha_ordinal", "icc_a1", "icc_ak", "kendall_w"}
    flags = pd.read_csv(tmp_path / "flags.csv")
    assert list(flags.columns) == ["flag_id", "check", "severity", "lane", "entity", "entity_id", "juror_id", "entry_id",
                                   "criterion", "round", "item", "message", "value", "threshold", "decision", "status"]
    assert "agreement_low:generative_cinema:weighted_total" in set(flags["flag_id"])
    rankings = pd.read_csv(tmp_path / "rankings.csv")
    assert rankings.groupby("lane").first().loc["generative_cinema", "entry_id"] == "GC-06"


def test_check_with_the_chairs_decisions_passes_the_gate(tmp_path):
    result = run("check", str(DEMO), "--decisions", str(REPO / "data/examples/demo-decisions.csv"), "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout[-2000:]
    assert "GATE: PUBLISHABLE: no blocker is open" in result.stdout
    assert "disqualify_entry ai_share_below_band:generative_cinema:GC-21  -> excluded" in result.stdout
    assert "GC-21" not in set(pd.read_csv(tmp_path / "rankings.csv")["entry_id"])


def test_unknown_flag_in_decisions_is_a_load_error(tmp_path):
    bad = tmp_path / "decisions.csv"
    bad.write_text("flag_id,action,reason,decided_by,decided_at\nnot_a_flag:x:y,accept,because,chair,\n", encoding="utf-8")
    result = run("check", str(DEMO), "--decisions", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "decisions.csv, row 2, column flag_id: found 'not_a_flag:x:y'; expected a flag_id of this festival" in result.stderr


def test_check_broken_folder_lists_problems_without_traceback_and_exits_2(tmp_path):
    result = run("check", str(BROKEN), "--out", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert "14 problems found" in result.stderr
    assert "scores.csv, row 3, column score: found '11'" in result.stderr
    assert len(pd.read_csv(tmp_path / "problems.csv")) == 14


def test_jury_entry_point_is_the_same_command():
    jury = REPO / ".venv" / "bin" / "jury"
    if not jury.exists():
        pytest.skip("the jury script is installed by `make install`")
    result = subprocess.run([str(jury), "check", str(BROKEN)], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr == run("check", str(BROKEN)).stderr


def test_demo_command_writes_the_demo(tmp_path):
    result = run("demo", "--out", str(tmp_path / "d"), "--seed", "2026")
    assert result.returncode == 0
    assert (tmp_path / "d" / "scores.csv").read_bytes() == (DEMO / "scores.csv").read_bytes()


def test_unexpected_errors_do_not_show_a_traceback(monkeypatch, capsys):
    def boom(_, **__):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(festival_module, "load_festival", boom)  # the cli imports it when a command runs
    monkeypatch.delenv("JURY_DEBUG", raising=False)
    assert cli.main(["check", str(DEMO)]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "unexpected error (RuntimeError: disk on fire)" in err and "Traceback" not in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["check"])
    assert caught.value.code == 2


def test_out_holds_exactly_this_runs_outputs(tmp_path, mini):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("the chair's own file", encoding="utf-8")
    assert run("check", str(mini), "--out", str(out)).returncode in (0, 1)
    assert (out / "flags.csv").is_file() and (out / "manifest.json").is_file()
    # a failed run: its problems, and nothing of the earlier run that is no longer this run's result
    (mini / "scores.csv").write_text("entry_id,juror_id,criterion,score\nGC-1,A1,story,eleven\n", encoding="utf-8")
    assert run("check", str(mini), "--out", str(out)).returncode == 2
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "problems.csv"]
    # a good run again: its results, no stale problems.csv, the chair's file untouched
    shutil.copy(REPO / "tests" / "fixtures" / "mini" / "scores.csv", mini / "scores.csv")
    assert run("check", str(mini), "--out", str(out)).returncode in (0, 1)
    names = {p.name for p in out.iterdir()}
    assert "problems.csv" not in names and {"flags.csv", "manifest.json", "notes.txt"} <= names
    assert (out / "notes.txt").read_text(encoding="utf-8") == "the chair's own file"


@pytest.mark.parametrize("kind", ["one-score", "wide-sheet"])
def test_demo_kinds_write_the_committed_examples(tmp_path, kind):
    result = run("demo", "--kind", kind, "--out", str(tmp_path / kind))
    assert result.returncode == 0, result.stderr
    committed = REPO / "data" / "examples" / kind
    assert sorted(p.name for p in (tmp_path / kind).iterdir()) == sorted(p.name for p in committed.iterdir())
    for path in committed.iterdir():
        assert (tmp_path / kind / path.name).read_bytes() == path.read_bytes(), path.name


def test_jury_check_imports_only_what_it_uses():
    """Start-up: `jury check` does not pay for the notebook, widget, chart or report machinery,
    nor for the writers of the synthetic festivals."""
    probe = ("import sys; import analytics.apps.cli as c; c.main(['check', sys.argv[1], '--quiet']); "
             "print('imported:', ' '.join(sorted(m for m in ('papermill', 'altair', 'ipywidgets', 'nbformat', 'jinja2', "
             "'analytics.synthetic.demo', 'analytics.synthetic.examples', 'analytics.apps.report', 'analytics.present.viz', 'analytics.present.sections') "
             "if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe, str(REPO / "tests" / "fixtures" / "mini")], capture_output=True,
                          text=True, timeout=300)
    assert done.stdout.strip().splitlines()[-1] == "imported:", done.stdout[-500:]


def test_the_default_seed_of_jury_demo_is_the_demos():
    from analytics.synthetic.demo import DEMO_SEED

    assert cli.DEMO_SEED == DEMO_SEED


@pytest.mark.parametrize("flags, appendix", [((), False), (("--appendix",), True)])
def test_report_runs_the_analysis_notebooks_only_with_appendix(tmp_path, monkeypatch, capsys, flags, appendix):
    import analytics.apps.report as report_module

    calls = []

    def build_report(folder, out, gate, **kwargs):
        calls.append(kwargs)
        return report_module.ReportOutcome(out, not gate.publishable, None)

    monkeypatch.setattr(report_module, "build_report", build_report)
    assert cli.main(["report", str(DEMO), "--out", str(tmp_path / "out"), "--no-pdf", "--draft", "--quiet", *flags]) == 0
    assert [call["appendix"] for call in calls] == [appendix] and calls[0]["pdf"] is False
    assert "--appendix" in cli._parser().format_help() or "--appendix" in run("report", "--help").stdout
