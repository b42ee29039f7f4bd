"""manifest.json and jury verify; two runs on the same inputs give identical exports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from analytics.present.manifest import MANIFEST, verify

from .conftest import DEMO, REPO


def jury(*args):
    return subprocess.run([sys.executable, "-m", "analytics", *args], capture_output=True, text=True, cwd=REPO, timeout=300)


def test_manifest_records_and_verify_detects_every_change(tmp_path):
    festival = shutil.copytree(DEMO, tmp_path / "festival")
    out = tmp_path / "out"
    assert jury("check", str(festival), "--out", str(out)).returncode == 1  # the demo's planted blockers
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["inputs"]) == {p.name for p in festival.iterdir()}
    assert {"flags.csv", "rankings.csv", "agreement.csv"} <= set(manifest["outputs"])
    assert manifest["seed"] == 2026 and manifest["gate"] == "blockers open" and manifest["versions"]["pandas"]
    assert all(len(h) == 64 for h in manifest["inputs"].values())
    assert verify(out) == []
    assert jury("verify", str(out)).returncode == 0
    (festival / "scores.csv").write_text((festival / "scores.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (out / "rankings.csv").unlink()
    (out / "extra.csv").write_text("x\n", encoding="utf-8")
    assert verify(out) == ["input scores.csv: changed since the manifest (SHA-256 differs)",
                           "output extra.csv: not in the manifest (added since)",
                           "output rankings.csv: missing (it was in the manifest)"]
    result = jury("verify", str(out))
    assert result.returncode == 1 and "3 differences" in result.stdout


def test_two_runs_give_identical_exports(tmp_path):
    for name in ("a", "b"):
        jury("check", str(DEMO), "--out", str(tmp_path / name))
    a, b = (json.loads((tmp_path / n / MANIFEST).read_text(encoding="utf-8"))["outputs"] for n in ("a", "b"))
    assert a == b and len(a) >= 9  # every export byte for byte the same (SHA-256)


def test_verify_without_a_manifest_exits_2(tmp_path):
    result = jury("verify", str(tmp_path))
    assert result.returncode == 2 and "no readable manifest.json" in result.stderr and "Traceback" not in result.stderr
