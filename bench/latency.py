"""Query latency: every query in queries/ at each scope, warm (many runs in one process) and cold
(the first run in a fresh process, after imports and Database creation), with DuckDB's own profile.

    python -m bench.latency warm DATA_DIR --scopes JSON --runs N [--only Q1,Q2] --out FILE
    python -m bench.latency cold DATA_DIR --scopes JSON --mode spawn|fork [--only Q1,Q2] --out FILE
    python -m bench.latency one DATA_DIR --query NAME --wilayah CODE --tanggal DATE --out FILE  (one cold run)

Every query gets the parameters the dashboard gives it: `wilayah` and an explicit `tanggal` (the latest
report date); the runner fills in the rest as for the dashboard (`dari` = `sampai` - 365 days, but 14
days for `sasaran` and the newest day for the `peringatan` export, `banding` = `tanggal` - 7 days,
`tingkat` = the children's level, `jumlah` = 20). `(latest_date)` is the one query the frame runs outside the
cache on every rerun of every page (`Database.latest_date`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench.measure import REPO, Stopwatch, load_average, peak_rss_mb, write_json

LATEST_DATE = "(latest_date)"


def items(scopes: dict[str, str], only: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(query, scope name, region code) for every query (or those in `only`) and scope, and the frame's
    latest_date."""
    from pantau.queries import query_names

    names = [n for n in [*query_names(), LATEST_DATE] if not only or n in only]
    return [(name, scope, code) for name in names for scope, code in scopes.items()]


def execute(db, name: str, wilayah: str, tanggal: date):
    """Run one query as the dashboard does; returns the number of rows."""
    if name == LATEST_DATE:
        db.latest_date()
        return 1
    return db.run(name, {"wilayah": wilayah, "tanggal": tanggal}).rows.height


_PROFILERS: dict[str, object] = {}


def _profiler(db):
    """A Database over the same store with its configuration unlocked, so profiling can be switched
    on (the dashboard's is locked by the sandbox); one per store."""
    from pantau.queries import Database

    key = str(db.store.data_dir)
    if key not in _PROFILERS:
        _PROFILERS[key] = Database(db.store, sandboxed=False)
        _PROFILERS[key].wait_for_rollup()
    return _PROFILERS[key]


def profile(db, name: str, wilayah: str, tanggal: date) -> dict:
    """DuckDB's profile of one run: rows and row groups scanned, files, bytes read, peak buffer memory."""
    from pantau.queries import query_sql

    db = _profiler(db)
    if name == LATEST_DATE:  # from the newest report file's name, kept per version: nothing to profile
        sql, values = "SELECT 1", None
        cursor = db.cursor(reports=[])
    else:
        sql = query_sql(name)
        values = db.resolve(name, sql, {"wilayah": wilayah, "tanggal": tanggal})
        cursor = db.query_cursor(name, values)  # bound as Database.run binds it
    try:
        cursor.execute("SET enable_profiling = 'no_output'")
        cursor.sql(sql, params=values).fetchall()
        info = json.loads(cursor.get_profiling_information(format="json"))
    finally:
        cursor.close()
    query, scans = info.get("query", {}), []

    def walk(node):
        if node.get("type") == "TABLE_SCAN":
            scans.append(node)
        for child in node.get("children", []):
            walk(child)

    for node in info.get("operator", []):
        walk(node)
    files = [int(s.get("extra_info", {}).get("Total Files Read", 0) or 0) for s in scans]
    return {
        "rows_scanned": query.get("total_rows_scanned"),
        "row_groups_scanned": query.get("total_row_groups_scanned"),
        "row_groups_to_scan": query.get("total_row_groups_to_scan"),
        "scans": len(scans),
        "files_opened": sum(files),
        "bytes_read": info.get("io", {}).get("total_bytes_read"),
        "peak_buffer_mb": round(info.get("system", {}).get("peak_buffer_memory", 0) / 1e6, 1),
        "bind_ms": round(info.get("planner", {}).get("binding_time", 0) * 1000, 1),
        "plan_ms": round(
            (info.get("optimizer", {}).get("total_time", 0) + info.get("physical_planner", {}).get("total_time", 0))
            * 1000, 1),
        "duckdb_total_ms": round(query.get("total_time", 0) * 1000, 1),
    }


def warm(data_dir: str, scopes: dict[str, str], runs: int, only: list[str] | None = None) -> dict:
    from pantau.queries import Database
    from pantau.store import Store

    load_before = load_average()
    db = Database(Store(data_dir))
    db.wait_for_rollup()  # warm: the version's rollup in memory, as after the first seconds of a dashboard
    tanggal = db.latest_date()
    results = []
    for name, scope, code in items(scopes, only):
        entry: dict[str, object] = {"query": name, "scope": scope, "wilayah": code}
        try:
            entry["rows_out"] = execute(db, name, code, tanggal)  # warm-up, not timed
            watch = Stopwatch()
            for _ in range(runs):
                with watch:
                    execute(db, name, code, tanggal)
            entry["warm"] = watch.summary()
            entry["profile"] = profile(db, name, code, tanggal)
        except Exception as exc:  # a failing query is a finding, not the end of the benchmark
            entry["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        results.append(entry)
        print(f"  warm {name:22s} {scope:10s} {entry.get('warm', {}).get('p50_ms', '-')} ms", flush=True)
    return {"tanggal": tanggal.isoformat() if tanggal else None, "items": results, "peak_rss_mb": peak_rss_mb(),
            "load_average": [load_before, load_average()]}


def one(data_dir: str, name: str, wilayah: str, tanggal: date) -> dict:
    """A first run: Database creation, then the query once, in this (fresh) process."""
    from pantau.queries import Database
    from pantau.store import Store

    started = time.perf_counter()
    db = Database(Store(data_dir))
    created, cpu = time.perf_counter(), time.process_time()
    rows = execute(db, name, wilayah, tanggal)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    return {"database_ms": round((created - started) * 1000, 1), "first_run_ms": round((done - created) * 1000, 1),
            "first_run_cpu_ms": round(cpu * 1000, 1), "rows_out": rows, "peak_rss_mb": peak_rss_mb()}


def _latest(data_dir: str) -> date:
    from pantau.store import Store, partition_day

    files = Store(data_dir).relative_files("rekam")
    return max(partition_day(f) for f in files)


def cold(data_dir: str, scopes: dict[str, str], mode: str, only: list[str] | None = None) -> dict:
    """One fresh process per (query, scope). `spawn` starts a new interpreter for each (imports not
    timed); `fork` forks this process after its imports, which is cheaper and measures the same thing."""
    import pantau.queries  # noqa: F401  (imported before any fork, so children start with imports done)
    import pantau.store  # noqa: F401

    load_before = load_average()
    tanggal = _latest(data_dir)
    results = []
    for name, scope, code in items(scopes, only):
        entry: dict[str, object] = {"query": name, "scope": scope, "wilayah": code}
        try:
            probe = _spawn if mode == "spawn" else _fork
            entry.update(probe(data_dir, name, code, tanggal))
        except Exception as exc:
            entry["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        results.append(entry)
        print(f"  cold {name:22s} {scope:10s} {entry.get('first_run_ms', '-')} ms", flush=True)
    return {"mode": mode, "items": results, "load_average": [load_before, load_average()]}


def _spawn(data_dir: str, name: str, wilayah: str, tanggal: date) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="pantau-cold-") as tmp:
        out = Path(tmp) / "one.json"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bench.latency", "one", data_dir, "--query", name, "--wilayah", wilayah,
             "--tanggal", tanggal.isoformat(), "--out", str(out)],
            cwd=REPO, check=True, env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        result = json.loads(out.read_text(encoding="utf-8"))
    result["process_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _fork(data_dir: str, name: str, wilayah: str, tanggal: date) -> dict:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report through the pipe, leave without cleanup handlers
        os.close(read_end)
        code = 0
        try:
            payload = json.dumps(one(data_dir, name, wilayah, tanggal)).encode()
        except Exception as exc:
            payload, code = json.dumps({"error": f"{type(exc).__name__}: {str(exc)[:300]}"}).encode(), 1
        os.write(write_end, payload)
        os.close(write_end)
        os._exit(code)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    result = json.loads(b"".join(chunks))
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("warm", "cold", "one"))
    parser.add_argument("data_dir")
    parser.add_argument("--scopes", help="JSON object: scope name -> region code")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--mode", choices=("spawn", "fork"), default="spawn")
    parser.add_argument("--query")
    parser.add_argument("--only", default="", help="comma-separated query names (default: all)")
    parser.add_argument("--wilayah", default="")
    parser.add_argument("--tanggal")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.what == "warm":
        result = warm(args.data_dir, json.loads(args.scopes), args.runs, args.only.split(",") if args.only else None)
    elif args.what == "cold":
        result = cold(args.data_dir, json.loads(args.scopes), args.mode, args.only.split(",") if args.only else None)
    else:
        result = one(args.data_dir, args.query, args.wilayah, date.fromisoformat(args.tanggal))
    write_json(args.out, result)


if __name__ == "__main__":
    main()
