"""periodize: fitness-fatigue models and Monte Carlo scenario runs, as pandas DataFrames.

The Rust engine of the ``periodize`` command line, in-process::

    import periodize
    r = periodize.run("scenarios/busso-spacing.toml", athletes=2000, seed=7)
    r.summary            # summary.csv as a DataFrame, the CLI's values exactly
    r.verdicts           # the verdict lines
    r.write("out/spacing")  # the result set `periodize run` writes

Every frame holds the values the command line writes to its CSV files: the engine writes each
number as the shortest text that reads back to the same double, and the frames are read back
exactly (pandas 3 does so by default, pandas 2 with ``float_precision="round_trip"``).
The engine runs without holding the GIL; Ctrl-C cancels a
run (``KeyboardInterrupt``). Errors are :class:`ScenarioError` (a bad scenario, with every
problem's ``file:line:column``) or :class:`InputError` (a bad file or value), with the message
the command line prints.
"""

from __future__ import annotations

import io
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence, Union

import pandas as pd

from . import _periodize
from ._periodize import InputError, PeriodizeError, ScenarioError

__all__ = ["run", "run_shard", "merge", "simulate", "fit", "plan", "presets", "Result", "PeriodizeError", "ScenarioError", "InputError", "__version__"]
__version__: str = _periodize.__version__

ScenarioLike = Union[str, "os.PathLike[str]"]


def _source(scenario: ScenarioLike) -> tuple[str, bool]:
    """(text or path, is_text): a path-like or a one-line string is a file, anything else TOML."""
    if isinstance(scenario, os.PathLike):
        return os.fspath(scenario), False
    if not isinstance(scenario, str):
        raise TypeError(f"scenario: expected a path or TOML text, got {type(scenario).__name__}")
    if "\n" in scenario or "=" in scenario:
        return scenario, True
    return scenario, False


# pandas 3 parses every float exactly by default (and deprecates float_precision); pandas 2 needs
# the round-trip parser for that.
_EXACT: dict[str, str] = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def _frame(text: str | None) -> pd.DataFrame | None:
    if text is None:
        return None
    # keep_default_na=False plus na_values=[""]: only empty cells are missing ("NA" is a name).
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""], **_EXACT)


@dataclass(frozen=True)
class Result:
    """A scenario run held in memory: the figures ``periodize run`` writes.

    Attributes:
        summary: summary.csv, one row per scenario row.
        athletes: athletes.csv (every athlete's metrics and parameters), with ``per_athlete=True``.
        daily: daily.csv (per-day means and quantiles), with ``daily=True``.
        verdicts: the verdict lines ``periodize run`` prints, one per compared row.
        warnings: where the numbers should not be read at face value, one line each.
        manifest: what was run and how (seed, athletes, scenario, load mapping, warnings).
    """

    summary: pd.DataFrame
    athletes: pd.DataFrame | None
    daily: pd.DataFrame | None
    verdicts: list[str]
    warnings: list[str]
    manifest: dict[str, Any]
    _output: Any = field(repr=False, compare=False)

    @property
    def verdicts_table(self) -> pd.DataFrame:
        """verdicts.csv: one row per comparison and model."""
        return _frame(self._output.verdicts_csv())

    def write(self, out_dir: str | os.PathLike[str]) -> list[Path]:
        """Write the result set ``periodize run`` writes (summary.csv, verdicts.csv, athletes.csv
        and daily.csv when kept, manifest.json) into ``out_dir``, atomically as a set. Returns the
        files' paths."""
        return [Path(p) for p in self._output.write(os.fspath(out_dir))]

    def __repr__(self) -> str:
        return f"periodize.Result({len(self.summary)} rows x {self.manifest.get('athletes')} athletes, seed {self.manifest.get('seed')})"


def run(
    scenario: ScenarioLike,
    athletes: int | None = None,
    seed: int | None = None,
    threads: int | None = None,
    per_athlete: bool = False,
    daily: bool = False,
) -> Result:
    """Run a scenario (a path, or TOML text) and return its :class:`Result`.

    Args:
        scenario: a scenario file's path, or the scenario's TOML text (relative paths inside
            it are read from the working directory).
        athletes: athletes per row (overrides ``[run] athletes``).
        seed: the seed (overrides ``[run] seed``); a seed gives the same numbers every time.
        threads: worker threads (default: one per core); results do not depend on it.
        per_athlete: keep every athlete (``Result.athletes``, athletes.csv).
        daily: keep the per-day aggregates (``Result.daily``, daily.csv).

    Raises:
        ScenarioError: the scenario is invalid (every problem, with file:line:column).
        InputError: a file it reads is bad, or a value is out of range.
        KeyboardInterrupt: Ctrl-C during the run.
    """
    text, is_text = _source(scenario)
    return _result(_periodize.run(text, is_text, athletes, seed, threads, per_athlete, daily))


def _result(out: Any) -> Result:
    """A Result from the core's RunOutput."""
    return Result(
        summary=_frame(out.summary_csv()),
        athletes=_frame(out.athletes_csv()),
        daily=_frame(out.daily_csv()),
        verdicts=list(out.verdicts()),
        warnings=list(out.warnings()),
        manifest=json.loads(out.manifest_json()),
        _output=out,
    )


def run_shard(
    scenario: str | os.PathLike[str],
    index: int,
    count: int,
    out: str | os.PathLike[str],
    athletes: int | None = None,
    seed: int | None = None,
    threads: int | None = None,
    per_athlete: bool = False,
) -> str:
    """Run part ``index`` (from 1) of ``count`` of a scenario file's work and write it into the
    folder ``out``, as ``periodize run SCENARIO --shard INDEX/COUNT --out OUT`` does. Every
    athlete's numbers depend only on the seed and its index, so the parts may run anywhere, in any
    order. Returns the part's closing line; :func:`merge` combines the parts.

    Raises:
        ScenarioError, InputError: as :func:`run`.
    """
    return _periodize.run_shard(os.fspath(scenario), index, count, os.fspath(out), athletes, seed, threads, per_athlete)


def merge(
    parts: Sequence[str | os.PathLike[str]],
    scenario: str | os.PathLike[str] | None = None,
    threads: int | None = None,
) -> Result:
    """Merge the parts of a sharded run (:func:`run_shard`, ``periodize run --shard``) into the
    :class:`Result` of the unsharded run: the same frames, verdicts and warnings, exactly.

    Args:
        parts: every part's folder, in any order.
        scenario: the scenario file, when it is no longer at the path the parts recorded (its
            SHA-256 must match).
        threads: worker threads for the summaries.

    Raises:
        InputError: a part is missing, given twice, damaged, or of another run (the message
            names it), or the scenario changed.
    """
    return _result(_periodize.merge([os.fspath(p) for p in parts], None if scenario is None else os.fspath(scenario), threads))


def plan(scenario: ScenarioLike) -> pd.DataFrame:
    """The planned days of every row (``periodize plan SCENARIO``'s plan.csv)."""
    text, is_text = _source(scenario)
    return _frame(_periodize.plan_csv(text, is_text))


def _cell(v: Any) -> str:
    x = float(v)
    return "" if math.isnan(x) else repr(x)


def _loads_csv(loads: Any, columns: Sequence[str] = ("load",)) -> str:
    """A daily CSV's text from a DataFrame (``day`` or ``date``, and ``columns``) or a sequence of
    daily loads (day 0, 1, ...). Numbers are written with repr, which reads back exactly."""
    if isinstance(loads, (str, os.PathLike)):
        return Path(loads).read_text()
    if isinstance(loads, pd.DataFrame):
        key = "day" if "day" in loads.columns else "date" if "date" in loads.columns else None
        missing = [c for c in columns if c not in loads.columns]
        if key is None or missing:
            want = ", ".join(f"`{c}`" for c in columns)
            raise InputError(f"expected a DataFrame with a `day` or `date` column and {want}, found {list(loads.columns)}")
        keys = [str(pd.Timestamp(d).date()) if key == "date" else str(int(d)) for d in loads[key]]
        cells = [[_cell(v) for v in loads[c].tolist()] for c in columns]
    else:
        if tuple(columns) != ("load",):
            raise InputError(f"expected a DataFrame with {', '.join(columns)}")
        values = list(loads)
        key, keys, cells = "day", [str(i) for i in range(len(values))], [[_cell(v) for v in values]]
    lines = [",".join([key, *columns])]
    for i, k in enumerate(keys):
        lines.append(",".join([k, *(col[i] for col in cells)]))
    return "\n".join(lines) + "\n"


def simulate(model: str, loads: Any, params: Mapping[str, float | str], convention: str | None = None) -> pd.DataFrame:
    """One athlete's model run over daily loads (``periodize simulate``): a DataFrame with
    ``day``, ``load``, the model's columns (``performance``, ``fitness``, ``fatigue``, ...) and
    ``date`` when the loads are dated.

    Args:
        model: ``banister``, ``fitness-delay``, ``busso``, ``perpot``, ``pmc``, ...
        loads: a DataFrame with ``day`` (or ``date``) and ``load``, a sequence of daily loads, or
            a CSV file's path (read as ``periodize simulate --loads`` reads it).
        params: the model's parameters (``{"p0": 100, "k1": 0.1, ...}``).
        convention: ``lagged`` (default for the models that have one) or ``same-day``.
    """
    pairs = [(str(k), repr(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)) for k, v in params.items()]
    return _frame(_periodize.simulate_csv(model, _loads_csv(loads), pairs, convention))


def fit(
    model: str,
    data: Any,
    convention: str = "lagged",
    bootstrap: int = 0,
    seed: int = 1,
    interval: str = "studentized",
) -> pd.DataFrame:
    """Fit a model to an athlete's history (``periodize fit``): fit.csv as a DataFrame (each
    parameter's estimate and, with ``bootstrap``, its 95% interval).

    Args:
        model: ``banister``, ``busso``, ``fitness-delay`` or ``two-channel``.
        data: a DataFrame with ``day`` (or ``date``), ``load`` and ``performance`` (empty or NaN
            on days without a test), or a CSV file's path.
        convention: ``lagged`` or ``same-day``.
        bootstrap: residual-bootstrap replicates (0: none; 999 or more for intervals that cover).
        seed: the bootstrap's seed.
        interval: ``studentized`` (bootstrap-t) or ``percentile``.
    """
    return _frame(_periodize.fit_csv(model, _loads_csv(data, ("load", "performance")), convention, bootstrap, seed, interval))


def presets() -> pd.DataFrame:
    """The shipped presets (``periodize presets``): one row per preset with its source, units,
    calibration, the daily load it was calibrated at, its published targets (a list of dicts:
    what, published, reproduced, source, protocol) and its ``[model]`` table."""
    return pd.DataFrame(json.loads(_periodize.presets_json()))
