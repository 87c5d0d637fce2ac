"""Helpers shared by the notebooks: runs through the `periodize` Python package (`pip install
./python`), and the binary for the commands the package does not have (optimize, sensitivity,
fit's extra outputs)."""

import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "notebooks"


def binary() -> str:
    """The periodize binary: $PERIODIZE, else $CARGO_TARGET_DIR (or target)/release/periodize,
    built if missing."""
    env = os.environ.get("PERIODIZE")
    if env:
        return env
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    path = (target if target.is_absolute() else ROOT / target) / "release" / "periodize"
    if not path.exists():
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return str(path)


def periodize(*args) -> subprocess.CompletedProcess:
    """Run periodize with the repository as working directory; raise with its stderr on failure."""
    r = subprocess.run([binary(), *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"periodize {' '.join(map(str, args))} failed:\n{r.stderr}")
    return r


def run(scenario, out, athletes=None, seed=None, per_athlete=False, daily=False):
    """periodize.run on a scenario (relative to the repository), its result set written into
    `out` as `periodize run --out` writes it; returns the Result (frames, verdicts, warnings)."""
    import periodize as pz

    path = pathlib.Path(scenario)
    r = pz.run(path if path.is_absolute() else ROOT / path, athletes=athletes, seed=seed, per_athlete=per_athlete, daily=daily)
    r.write(out)
    return r


def out_dir(name: str) -> pathlib.Path:
    """A fresh output folder under target/notebooks (not tracked by git)."""
    d = OUT / name
    d.mkdir(parents=True, exist_ok=True)
    return d
