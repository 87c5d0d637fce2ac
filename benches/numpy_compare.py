#!/usr/bin/env python3
"""Time the issue-6 population job written the way a scientist would in numpy (a loop over days,
vectorised over athletes) beside `periodize run` on the same job, and print the ratio.

    python3 benches/numpy_compare.py [--athletes 500000] [--scenario benches/scenarios/population-365.toml]

Both compute, per athlete, race-day performance, peak performance and its day, and days below
baseline, over the same plan (read from `periodize plan`) and the same parameter distributions.
The draws differ (numpy's generator vs periodize's ChaCha streams), so the script checks that the
two mean race-day performances agree within 5 standard errors rather than byte for byte.
"""

import argparse
import io
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent


def periodize_bin() -> str:
    path = ROOT / "target" / "release" / "periodize"
    if not path.exists():
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return str(path)


def plan_loads(binary: str, scenario: pathlib.Path) -> np.ndarray:
    out = subprocess.run([binary, "plan", str(scenario)], capture_output=True, text=True, check=True).stdout
    return np.loadtxt(io.StringIO(out), delimiter=",", skiprows=1, usecols=5)


def numpy_job(w: np.ndarray, n: int, seed: int = 1):
    """The population-365 job in numpy: Banister, lagged, four distributed parameters."""
    rng = np.random.default_rng(seed)
    p0 = np.full(n, 100.0)
    k1 = 0.10 * np.exp(0.25 * rng.standard_normal(n))
    k2 = 0.20 * np.exp(0.25 * rng.standard_normal(n))
    tau1 = 42.0 + 5.0 * rng.standard_normal(n)
    bad = (tau1 < 20.0) | (tau1 > 70.0)
    while bad.any():  # truncated normal by resampling, as periodize does
        tau1[bad] = 42.0 + 5.0 * rng.standard_normal(bad.sum())
        bad = (tau1 < 20.0) | (tau1 > 70.0)
    tau2 = rng.uniform(5.0, 10.0, n)
    e1, e2 = np.exp(-1.0 / tau1), np.exp(-1.0 / tau2)
    g, h = np.zeros(n), np.zeros(n)
    peak, peak_day, below = np.full(n, -np.inf), np.zeros(n), np.zeros(n)
    pending = 0.0
    days = len(w)
    for d in range(days + 1):
        g = e1 * (g + pending)
        h = e2 * (h + pending)
        pending = w[d] if d < days else 0.0
        p = p0 + k1 * g - k2 * h
        better = p > peak
        peak = np.where(better, p, peak)
        peak_day = np.where(better, d, peak_day)
        if d < days:
            below += p < p0
    return p, peak, peak_day, below


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--athletes", type=int, default=500_000)
    ap.add_argument("--scenario", default=str(ROOT / "benches" / "scenarios" / "population-365.toml"))
    a = ap.parse_args()
    binary = periodize_bin()
    w = plan_loads(binary, pathlib.Path(a.scenario))
    athlete_days = a.athletes * (len(w) + 1)

    t0 = time.perf_counter()
    final, _, _, _ = numpy_job(w, a.athletes)
    t_numpy = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run([binary, "run", a.scenario, "--out", out, "--athletes", str(a.athletes)], check=True, capture_output=True)
        t_periodize = time.perf_counter() - t0
        summary = np.genfromtxt(os.path.join(out, "summary.csv"), delimiter=",", names=True, dtype=None, encoding=None)
    mean_p = float(summary["perf_final_mean"])
    se = final.std(ddof=1) / np.sqrt(a.athletes)
    agree = abs(final.mean() - mean_p) < 5 * se * np.sqrt(2)
    print(f"athletes {a.athletes}, days {len(w) + 1}, athlete-days {athlete_days:.3e}")
    print(f"numpy (loop over days, vectorised over athletes): {t_numpy:8.3f} s  {athlete_days / t_numpy:.3e} athlete-days/s")
    print(f"periodize run (whole process, all cores):        {t_periodize:8.3f} s  {athlete_days / t_periodize:.3e} athlete-days/s")
    print(f"ratio periodize / numpy: {t_numpy / t_periodize:.1f}x")
    print(f"mean race-day performance: numpy {final.mean():.3f}, periodize {mean_p:.3f} ({'agree' if agree else 'DISAGREE'} within 5 SE)")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
