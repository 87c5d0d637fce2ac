"""Sharded runs from Python: parts merged give the unsharded run exactly (the CLI's sets are the
oracle), on their own and through a dask.distributed LocalCluster with 2 workers."""

from __future__ import annotations

import pandas as pd
import pytest

import periodize
from test_periodize import SCENARIO, cli, read

ATHLETES, SEED = 2100, 5


@pytest.fixture(scope="module")
def unsharded(tmp_path_factory):
    out = tmp_path_factory.mktemp("full") / "run"
    p = cli("run", str(SCENARIO), "--athletes", str(ATHLETES), "--seed", str(SEED), "--per-athlete", "--out", str(out))
    assert p.returncode == 0, p.stderr
    return out


def same_as_cli(r: periodize.Result, cli_set) -> None:
    for name in ["summary", "athletes"]:
        pd.testing.assert_frame_equal(getattr(r, name), read(cli_set / f"{name}.csv"), check_exact=True)
    assert r.verdicts_table.equals(read(cli_set / "verdicts.csv"))


def test_run_shard_and_merge_give_the_unsharded_result(unsharded, tmp_path):
    parts = []
    for i in (3, 1, 4, 2):
        out = tmp_path / f"p{i}"
        line = periodize.run_shard(SCENARIO, i, 4, out, athletes=ATHLETES, seed=SEED, per_athlete=True, threads=1)
        assert line.startswith(f"part {i}/4")
        parts.append(out)
    r = periodize.merge(parts)
    same_as_cli(r, unsharded)
    # The CLI merges the parts Python wrote into the same bytes.
    p = cli("merge", *map(str, parts), "--out", str(tmp_path / "merged"))
    assert p.returncode == 0, p.stderr
    for f in ["summary.csv", "verdicts.csv", "athletes.csv"]:
        assert (tmp_path / "merged" / f).read_bytes() == (unsharded / f).read_bytes(), f


def test_merge_names_a_missing_part(tmp_path):
    periodize.run_shard(SCENARIO, 1, 3, tmp_path / "a", athletes=ATHLETES, seed=SEED)
    periodize.run_shard(SCENARIO, 3, 3, tmp_path / "c", athletes=ATHLETES, seed=SEED)
    with pytest.raises(periodize.InputError, match="missing part 2/3"):
        periodize.merge([tmp_path / "a", tmp_path / "c"])
    with pytest.raises(periodize.InputError, match="I must be 1 to 3"):
        periodize.run_shard(SCENARIO, 4, 3, tmp_path / "d")


def test_dask_local_cluster_equals_the_local_run(unsharded, tmp_path):
    distributed = pytest.importorskip("distributed")
    import periodize.dask

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        r = periodize.dask.run(SCENARIO, client, shards=5, athletes=ATHLETES, seed=SEED, per_athlete=True, threads=1, parts_dir=tmp_path / "parts")
        assert len(client.scheduler_info()["workers"]) == 2
        # TOML text, default shards (the cluster's 2 threads) and a temporary parts folder.
        text = SCENARIO.read_text()
        r2 = periodize.dask.run(text, client, athletes=ATHLETES, seed=SEED, per_athlete=True)
    same_as_cli(r, unsharded)
    pd.testing.assert_frame_equal(r2.summary, r.summary, check_exact=True)
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == [f"part-{i}" for i in range(1, 6)]
    local = periodize.run(SCENARIO, athletes=ATHLETES, seed=SEED, per_athlete=True)
    pd.testing.assert_frame_equal(r.summary, local.summary, check_exact=True)
    assert r.verdicts == local.verdicts


def test_parquet_tables_read_back_equal_to_the_csv(tmp_path):
    out = tmp_path / "both"
    p = cli("run", str(SCENARIO), "--athletes", "1500", "--seed", "3", "--per-athlete", "--daily", "--parquet", "--out", str(out))
    assert p.returncode == 0, p.stderr
    for name in ["summary", "athletes", "daily"]:
        csv = read(out / f"{name}.csv")
        pq = pd.read_parquet(out / f"{name}.parquet")
        # The same columns, types (as pandas types the CSV) and values, exactly.
        assert list(pq.columns) == list(csv.columns)
        assert list(pq.dtypes.astype(str)) == list(csv.dtypes.astype(str)), name
        pd.testing.assert_frame_equal(pq, csv, check_exact=True)
    manifest = (out / "manifest.json").read_text()
    for f in ["summary.parquet", "athletes.parquet", "daily.parquet"]:
        assert f'"{f}"' in manifest
    # --output-format parquet: the big tables only as Parquet, summary.csv kept.
    only = tmp_path / "only"
    p = cli("run", str(SCENARIO), "--athletes", "1500", "--seed", "3", "--per-athlete", "--output-format", "parquet", "--out", str(only))
    assert p.returncode == 0, p.stderr
    assert sorted(f.name for f in only.iterdir() if not f.name.startswith(".")) == ["athletes.parquet", "manifest.json", "summary.csv", "summary.parquet", "verdicts.csv"]
    pd.testing.assert_frame_equal(pd.read_parquet(only / "athletes.parquet"), read(out / "athletes.csv"), check_exact=True)
