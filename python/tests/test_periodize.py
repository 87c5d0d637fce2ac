"""The Python package against the command line (the oracle for every table) and closed forms.

The CLI binary is PERIODIZE_BIN, else `periodize` on PATH, else the repository's
target/release/periodize (CARGO_TARGET_DIR honoured); .ci/run sets PERIODIZE_BIN.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import periodize

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "busso-spacing.toml"


def _binary() -> str:
    for cand in (os.environ.get("PERIODIZE_BIN"), shutil.which("periodize")):
        if cand:
            return cand
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    exe = target / "release" / "periodize"
    if exe.exists():
        return str(exe)
    pytest.fail("no periodize binary: build it (cargo build --release) or set PERIODIZE_BIN")


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([_binary(), *args], capture_output=True, text=True, cwd=cwd)


def read(text_or_path) -> pd.DataFrame:
    src = io.StringIO(text_or_path) if isinstance(text_or_path, str) else text_or_path
    return pd.read_csv(src, keep_default_na=False, na_values=[""], **periodize._EXACT)


@pytest.fixture(scope="module")
def cli_set(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "run"
    p = cli("run", str(SCENARIO), "--athletes", "300", "--seed", "11", "--per-athlete", "--daily", "--out", str(out))
    assert p.returncode == 0, p.stderr
    return out


@pytest.fixture(scope="module")
def result() -> periodize.Result:
    return periodize.run(SCENARIO, athletes=300, seed=11, per_athlete=True, daily=True)


@pytest.mark.parametrize("name", ["summary", "athletes", "daily"])
def test_frames_hold_the_cli_csv_values_exactly(result, cli_set, name):
    ours = getattr(result, name)
    theirs = read(cli_set / f"{name}.csv")
    assert list(ours.columns) == list(theirs.columns)
    assert ours.shape == theirs.shape
    # Exact: every float the same double, every text the same text.
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
    # And formatted back, the same bytes as the CLI's file.
    assert ours.to_csv(index=False, lineterminator="\n", float_format=None) == theirs.to_csv(index=False, lineterminator="\n")


def test_write_gives_the_cli_result_set_byte_for_byte(result, cli_set, tmp_path):
    files = result.write(tmp_path / "py")
    names = sorted(p.name for p in files)
    assert names == sorted(["summary.csv", "verdicts.csv", "athletes.csv", "daily.csv", "manifest.json"])
    for n in ["summary.csv", "verdicts.csv", "athletes.csv", "daily.csv"]:
        assert (tmp_path / "py" / n).read_bytes() == (cli_set / n).read_bytes(), n
    ours, theirs = (json.loads((d / "manifest.json").read_text()) for d in (tmp_path / "py", cli_set))
    for key in ["seed", "athletes", "rows", "scenario_sha256", "files", "sha256", "warnings", "load_mapping"]:
        assert ours[key] == theirs[key], key
    # A second write into the same folder replaces the set (a smaller one: no daily.csv left).
    small = periodize.run(SCENARIO, athletes=50, seed=11)
    small.write(tmp_path / "py")
    assert not (tmp_path / "py" / "daily.csv").exists()
    assert read(tmp_path / "py" / "summary.csv").equals(small.summary)


def test_verdicts_and_manifest(result, cli_set):
    p = cli("run", str(SCENARIO), "--athletes", "300", "--seed", "11", "--out", str(cli_set.parent / "again"))
    for line in result.verdicts:
        assert line in p.stdout + p.stderr
    assert result.manifest["seed"] == 11 and result.manifest["athletes"] == 300
    assert result.manifest["rows"] == len(result.summary)
    pd.testing.assert_frame_equal(result.verdicts_table, read(cli_set / "verdicts.csv"), check_exact=True)


def test_toml_text_and_thread_count_give_the_same_numbers(result):
    text = SCENARIO.read_text()
    cwd = os.getcwd()
    os.chdir(SCENARIO.parent)
    try:
        from_text = periodize.run(text, athletes=300, seed=11, threads=1)
    finally:
        os.chdir(cwd)
    pd.testing.assert_frame_equal(from_text.summary, result.summary, check_exact=True)


def test_a_bad_scenario_raises_scenario_error_with_the_cli_message(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('schema_version = 1\n[model]\npreset = "busso2003"\n[plan]\nweeks = 4\nkey_workouts = "three"\n')
    p = cli("validate", str(bad))
    assert p.returncode == 2
    with pytest.raises(periodize.ScenarioError) as e:
        periodize.run(bad)
    assert str(e.value).strip() == p.stderr.strip().removeprefix("error: ").strip()
    assert f"{bad}:6:" in str(e.value)
    # Both kinds are PeriodizeError.
    assert issubclass(periodize.ScenarioError, periodize.PeriodizeError)
    assert issubclass(periodize.InputError, periodize.PeriodizeError)


def test_a_missing_file_raises_input_error_with_the_cli_message(tmp_path):
    missing = tmp_path / "nope.toml"
    p = cli("run", str(missing), "--out", str(tmp_path / "o"))
    assert p.returncode == 2
    with pytest.raises(periodize.InputError) as e:
        periodize.run(missing)
    assert str(e.value) == p.stderr.strip().removeprefix("error: ")


def test_simulate_matches_the_closed_form_and_the_cli(tmp_path):
    params = {"p0": 100, "k1": 0.1, "k2": 0.2, "tau1": 42, "tau2": 7}
    loads = [100.0, 0, 0, 50, 0, 0, 0, 80.5]
    df = periodize.simulate("banister", loads, params)
    # Lagged convention: a day's load counts from the next day on.
    for t in range(len(loads)):
        fit = sum(w * math.exp(-(t - s) / 42) for s, w in enumerate(loads) if s < t)
        fat = sum(w * math.exp(-(t - s) / 7) for s, w in enumerate(loads) if s < t)
        assert df.performance[t] == pytest.approx(100 + 0.1 * fit - 0.2 * fat, rel=1e-12, abs=1e-9)
    f = tmp_path / "loads.csv"
    f.write_text("day,load\n" + "".join(f"{i},{w!r}\n" for i, w in enumerate(map(float, loads))))
    p = cli("simulate", "--model", "banister", "--loads", str(f), *[a for k, v in params.items() for a in ("--param", f"{k}={v}")])
    assert p.returncode == 0, p.stderr
    pd.testing.assert_frame_equal(df, read(p.stdout), check_exact=True)
    # Dated loads keep their dates; a bad parameter is the CLI's error.
    dated = periodize.simulate("pmc", pd.DataFrame({"date": pd.date_range("2026-12-01", periods=3), "load": [50.0, 60.0, 0.0]}), {})
    assert list(dated.date) == ["2026-12-01", "2026-12-02", "2026-12-03"]
    with pytest.raises(periodize.InputError, match="tau1"):
        periodize.simulate("banister", loads, {**params, "tau1": -1})


def test_plan_and_presets_match_the_cli(tmp_path):
    p = cli("plan", str(SCENARIO))
    assert p.returncode == 0, p.stderr
    pd.testing.assert_frame_equal(periodize.plan(SCENARIO), read(p.stdout), check_exact=True)
    presets = periodize.presets()
    listing = cli("presets").stdout
    assert all(f"{n} (" in listing for n in presets.name)
    for _, row in presets.iterrows():
        one = cli("presets", row["name"]).stdout
        assert f"calibrated at a mean daily load of {row.calibration_load:.1f}" in one
        for t in row.targets:
            assert f"published {t['published']}, reproduced {t['reproduced']}" in one


def test_the_engine_runs_without_the_gil():
    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    before = ticks
    periodize.run(SCENARIO, athletes=200_000)
    during = ticks - before
    done.set()
    t.join()
    # Holding the GIL for the run, the counter could not move until it returned.
    assert during >= 20, during


def test_ctrl_c_cancels_a_run():
    # A run of many seconds; SIGINT after 0.3 s must end it with KeyboardInterrupt. Python's own
    # handler is installed for the test: a process started in the background by a shell without
    # job control inherits SIGINT ignored, and Python then installs none.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            periodize.run(SCENARIO, athletes=3_000_000)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)


def test_only_what_was_asked_for_is_kept():
    r = periodize.run(SCENARIO, athletes=40, seed=3)
    assert r.athletes is None and r.daily is None
    assert len(r.summary) == 6 and (r.summary.athletes == 40).all()
    with pytest.raises(TypeError):
        periodize.run(42)


CYCLIST = REPO / "tests" / "data" / "clarke2013_cyclist.csv"


def test_fit_equals_the_cli_and_recovers_a_known_athlete(tmp_path):
    p = cli("fit", "--model", "banister", "--data", str(CYCLIST), "--bootstrap", "50", "--seed", "4")
    assert p.returncode == 0, p.stderr
    theirs = read(p.stdout)
    pd.testing.assert_frame_equal(periodize.fit("banister", CYCLIST, bootstrap=50, seed=4), theirs, check_exact=True)
    frame = read(str(CYCLIST.read_text()))
    pd.testing.assert_frame_equal(periodize.fit("banister", frame, bootstrap=50, seed=4), theirs, check_exact=True)
    # A synthetic athlete with known parameters, tested every third day: the fit finds them.
    truth = {"p0": 250.0, "k1": 0.8, "k2": 1.6, "tau1": 38.0, "tau2": 9.0}
    loads = [0.0 if d % 7 in (0, 4) else 60.0 + 25.0 * (d % 3) for d in range(200)]
    sim = periodize.simulate("banister", loads, truth)
    data = pd.DataFrame({"day": sim.day, "load": sim.load, "performance": [p if d % 3 == 0 else math.nan for d, p in zip(sim.day, sim.performance)]})
    got = periodize.fit("banister", data)
    est = dict(zip(got.iloc[:, 0], got.iloc[:, 1]))
    for k, v in truth.items():
        assert est[k] == pytest.approx(v, rel=1e-4), (k, est)
    with pytest.raises(periodize.InputError, match="performance"):
        periodize.fit("banister", pd.DataFrame({"day": [0, 1], "load": [1.0, 2.0]}))
