"""``manifest.json``: which inputs an output folder came from, and ``jury verify``.

The manifest records the SHA-256 of every input file of the festival folder and of every
output file written beside it, the package versions, the seed, the gate status and the time
of the run. :func:`verify` hashes them again and lists every file that changed, appeared or
disappeared, so anyone can check which inputs a published result came from.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

MANIFEST = "manifest.json"
PACKAGES = ("jury-analytics", "numpy", "pandas", "scipy", "altair", "vl-convert-python", "openpyxl")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_fingerprint(festival_dir: str | Path, decisions_file: str | Path | None = None) -> str:
    """The first 16 hex digits of a SHA-256 over the names and SHA-256 of the folder's files
    (and of the decisions file used instead of the folder's own, if any)."""
    folder = Path(festival_dir)
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.relative_to(folder).parts)):
        digest.update(f"{path.relative_to(folder).as_posix()}\0{sha256(path)}\n".encode())
    if decisions_file:
        digest.update(f"decisions\0{sha256(Path(decisions_file))}\n".encode())
    return digest.hexdigest()[:16]


def _hashes(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha256(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in skip and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def _outputs(out: Path, written: list[str] | None) -> dict[str, str]:
    """The hashes of this run's outputs in ``out``: the files it wrote (every file but the manifest where it does not
    say), never the user's own files beside them."""
    hashes = _hashes(out, (MANIFEST,))
    return hashes if written is None else {name: h for name, h in hashes.items() if name in set(written)}


def build_manifest(festival_dir: str | Path, out: str | Path, *, seed: int, gate: str,
                   decisions_file: str | Path | None = None, written: list[str] | None = None) -> str:
    """The manifest text for the outputs already in ``out`` (the manifest itself excluded);
    ``decisions_file``: a decisions file used instead of the folder's own, hashed too;
    ``written``: the files this run wrote (default: every output), which the next run into
    the same folder removes once it has written its own (:func:`analytics.present.exports.written_before`)."""
    festival_dir, out = Path(festival_dir).resolve(), Path(out)
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return json.dumps({
        "festival_dir": str(festival_dir), "inputs": _hashes(festival_dir), "outputs": (outputs := _outputs(out, written)),
        "beside": sorted(set(_hashes(out, (MANIFEST,))) - set(outputs)),
        "written": sorted(written) if written is not None else sorted(outputs),
        "decisions_file": None if decisions_file is None else {
            "path": str(Path(decisions_file).resolve()), "sha256": sha256(Path(decisions_file))},
        "seed": seed, "gate": gate, "versions": versions,
        "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }, indent=2, ensure_ascii=False) + "\n"


def verify(out: str | Path) -> list[str]:
    """Every difference between the files now and the manifest of ``out`` (the inputs, and the outputs it lists);
    empty when nothing changed.

    Raises FileNotFoundError when there is no manifest.
    """
    out = Path(out)
    recorded = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    problems = []
    decisions = recorded.get("decisions_file")
    if decisions:
        path = Path(decisions["path"])
        if not path.is_file():
            problems.append(f"decisions file {path}: missing (it was in the manifest)")
        elif sha256(path) != decisions["sha256"]:
            problems.append(f"decisions file {path}: changed since the manifest (SHA-256 differs)")
    for kind, folder, skip in (("input", Path(recorded["festival_dir"]), ()), ("output", out, (MANIFEST,))):
        then = recorded[f"{kind}s"]
        now = _hashes(folder, skip) if folder.is_dir() else {}
        # in the output folder a user's own files beside the outputs are theirs (``beside``: present when the run
        # wrote its outputs; their content is not recorded): a file added since is reported, theirs are not
        beside = set(recorded.get("beside", [])) if kind == "output" else set()
        for name in sorted(then.keys() | (now.keys() - beside)):
            if name not in now:
                problems.append(f"{kind} {name}: missing (it was in the manifest)")
            elif name not in then:
                problems.append(f"{kind} {name}: not in the manifest (added since)")
            elif then[name] != now[name]:
                problems.append(f"{kind} {name}: changed since the manifest (SHA-256 differs)")
    return problems
