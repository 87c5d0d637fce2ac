"""Sharded periodize runs on a ``dask.distributed`` cluster.

::

    from dask.distributed import Client
    import periodize.dask
    client = Client("tcp://scheduler:8786")
    r = periodize.dask.run("scenarios/busso-spacing.toml", client, shards=64,
                           athletes=10_000_000, parts_dir="/shared/scratch/parts")
    r.summary   # the unsharded run's summary, exactly

Each shard is a task that runs :func:`periodize.run_shard` on a worker and writes its part into
``parts_dir``; the parts are then merged on the client (:func:`periodize.merge`). An athlete's
numbers depend only on the seed and its index, so the result is the same for any number of
shards, workers or threads. ``parts_dir`` and the scenario must be on a filesystem every worker
and the client see (any folder will do on a ``LocalCluster``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import Result, merge, run_shard

__all__ = ["run"]


def _shard(scenario: str, index: int, count: int, out: str, athletes: int | None, seed: int | None, threads: int | None, per_athlete: bool) -> str:
    # Runs on a worker: the engine releases the GIL, so the worker's other tasks keep running.
    run_shard(scenario, index, count, out, athletes=athletes, seed=seed, threads=threads, per_athlete=per_athlete)
    return out


def run(
    scenario: str | os.PathLike[str],
    client: Any,
    shards: int | None = None,
    athletes: int | None = None,
    seed: int | None = None,
    per_athlete: bool = False,
    threads: int | None = None,
    parts_dir: str | os.PathLike[str] | None = None,
) -> Result:
    """Run a scenario in ``shards`` parts on the ``dask.distributed`` client's cluster and merge
    them: the :class:`periodize.Result` that :func:`periodize.run` gives, exactly.

    Args:
        scenario: the scenario file (on a filesystem the workers see), or its TOML text, which is
            written into ``parts_dir`` (relative paths inside it are then read from there).
        client: a ``dask.distributed.Client``.
        shards: how many parts (default: the cluster's worker threads).
        athletes, seed, per_athlete: as :func:`periodize.run`.
        threads: engine threads per shard (default: every core of its worker's machine).
        parts_dir: where the workers write the parts (default: a temporary folder, removed after
            the merge; it must be shared between the workers and the client).

    Raises:
        ScenarioError, InputError: as :func:`periodize.run`; a failed task's error is raised here.
    """
    if shards is None:
        shards = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
    if not isinstance(shards, int) or shards < 1:
        raise ValueError(f"shards: expected a whole number of at least 1, got {shards!r}")
    made = parts_dir is None
    root = Path(tempfile.mkdtemp(prefix="periodize-parts-") if made else parts_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        text = os.fspath(scenario) if isinstance(scenario, (str, os.PathLike)) else None
        if text is None:
            raise TypeError(f"scenario: expected a path or TOML text, got {type(scenario).__name__}")
        if isinstance(scenario, str) and ("\n" in scenario or "=" in scenario):
            path = root / "scenario.toml"
            path.write_text(scenario)
        else:
            path = Path(text).resolve()
        parts = [str(root / f"part-{i}") for i in range(1, shards + 1)]
        futures = [
            client.submit(_shard, str(path), i, shards, parts[i - 1], athletes, seed, threads, per_athlete, pure=False, key=f"periodize-shard-{i}-of-{shards}-{os.getpid()}-{id(root)}")
            for i in range(1, shards + 1)
        ]
        client.gather(futures)
        return merge(parts, scenario=path)
    finally:
        if made:
            shutil.rmtree(root, ignore_errors=True)
