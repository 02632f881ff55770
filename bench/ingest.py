"""Ingest of one national snapshot into a copy of a benchmark store, as CSV and as Parquet, with --replace.

    python -m bench.ingest prepare DATA_DIR --work DIR --out FILE   writes the snapshots as CSV and Parquet
    python -m bench.ingest measure DATA_DIR --work DIR --repeats N --out FILE

The snapshot holds every unit of the level once, dated the store's latest report date (so --replace
swaps a whole day): each unit's latest generated figures in the 90 days up to that date (a few
regencies report with gaps of weeks). Levels:
kecamatan (7,285 rows) and desa (83,762 rows, the issue's target). Each ingest runs into a fresh copy
of the store (hard links, not timed), through `pantau.ingest.ingest_file`, the path of the CLI and
the upload page. There are no rollups yet, so nothing else is rebuilt. `check_only` is the same
call without publishing: reading, validating and the history checks.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from bench.measure import load_average, peak_rss_mb, summary_ms, write_json

LEVELS = ("kecamatan", "desa")
SNAPSHOT_DAYS = 90


def national_snapshot(level: str, day: date) -> pl.DataFrame:
    """Every unit's latest generated report in the 90 days up to `day`, dated `day`; one month in memory at a time."""
    from pantau import demo

    latest = None
    for chunk in demo.generate_rekam(level, start=day - timedelta(days=SNAPSHOT_DAYS), end=day):
        both = chunk if latest is None else pl.concat([latest, chunk.select(latest.columns)])
        latest = both.sort("tanggal").group_by("kode_wilayah", maintain_order=True).last()
    return latest.with_columns(tanggal=pl.lit(day)).sort("kode_wilayah")


def _latest_day(data_dir: Path) -> date:
    from pantau.store import Store, partition_day

    return max(partition_day(f) for f in Store(data_dir).relative_files("rekam"))


def _files(work_dir: Path, level: str) -> dict[str, Path]:
    return {"csv": work_dir / f"rekam_{level}.csv", "parquet": work_dir / f"rekam_{level}.parquet"}


def prepare(data_dir: str, work: str, levels: list[str]) -> dict:
    """Generate the national snapshots and write them as CSV and Parquet (not timed as ingest)."""
    work_dir = Path(work)
    work_dir.mkdir(parents=True, exist_ok=True)
    day = _latest_day(Path(data_dir))
    made = {}
    for level in levels:
        started = time.perf_counter()
        snapshot = national_snapshot(level, day)
        files = _files(work_dir, level)
        snapshot.write_csv(files["csv"])
        snapshot.write_parquet(files["parquet"])
        made[level] = {"rows": snapshot.height, "seconds": round(time.perf_counter() - started, 1)}
    return {"date": day.isoformat(), "snapshots": made}


def store_copy(source: Path, target: Path) -> Path:
    """A copy of the store's current version with hard links (files are immutable once published)."""
    from pantau.store import Store

    version = Store(source).current_version()
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(source / "ref", target / "ref", copy_function=os.link)
    shutil.copytree(source / "store" / version, target / "store" / version, copy_function=os.link)
    for name in ("CURRENT", "DEMO"):
        if (source / name).exists():
            shutil.copy2(source / name, target / name)
    return target


def measure(data_dir: str, work: str, repeats: int, levels: list[str]) -> dict:
    from pantau.ingest import ingest_file
    from pantau.store import Store

    load_before = load_average()
    source, work_dir = Path(data_dir), Path(work)
    day = _latest_day(source)
    results = []
    for level in levels:
        for fmt, path in _files(work_dir, level).items():
            full, report = [], None
            for _ in range(repeats):
                copy = store_copy(source, work_dir / "store")
                started = time.perf_counter()
                report = ingest_file(Store(copy), "rekam", path, replace=True)
                full.append(time.perf_counter() - started)
            copy = store_copy(source, work_dir / "store")
            started = time.perf_counter()
            ingest_file(Store(copy), "rekam", path, replace=True, check_only=True)
            check = time.perf_counter() - started
            shutil.rmtree(copy)
            results.append({
                "level": level,
                "format": fmt,
                "rows": report.rows,
                "file_mb": round(path.stat().st_size / 1e6, 2),
                "date": day.isoformat(),
                "ingest": summary_ms(full),
                "check_only_ms": round(check * 1000, 1),
                "warnings": report.warning_count,
            })
            print(f"  ingest {level:9s} {fmt:7s} {report.rows:6d} rows: p50 {results[-1]['ingest']['p50_ms']} ms",
                  file=sys.stderr, flush=True)
    return {"items": results, "peak_rss_mb": peak_rss_mb(), "load_average": [load_before, load_average()]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("prepare", "measure"))
    parser.add_argument("data_dir")
    parser.add_argument("--work", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--levels", default=",".join(LEVELS))
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    levels = args.levels.split(",")
    if args.what == "prepare":
        write_json(args.out, prepare(args.data_dir, args.work, levels))
    else:
        write_json(args.out, measure(args.data_dir, args.work, args.repeats, levels))


if __name__ == "__main__":
    main()
