"""The benchmark, one command: dataset, query latency, ingest, pages, and the pandas baseline.

    python -m bench.run --scale {smoke,kecamatan,kecamatan-x4,kecamatan-x16,desa-1prov,desa} [--runs 20]
                        [--page-runs 10] [--out bench/results] [--cache-dir DIR] [--parts ...]

Writes `<out>/<scale>-<timestamp>.json` and `.md` and prints the Markdown. Every measured part runs in
its own process (`bench.latency`, `bench.ingest`, `bench.pages`, `bench.pandas_baseline`), so each
peak resident memory is that part's alone. Datasets are cached outside the repository
(`~/.cache/pantau-bench/<scale>`, or PANTAU_BENCH_CACHE); see docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path

import polars as pl

from bench import datasets, report
from bench.measure import REPO, PartFailed, load_average, run_module, write_json
from bench.pandas_baseline import QUESTIONS

PARTS = ("queries", "cold", "ingest", "pages", "pandas")
SCOPES = ("nasional", "provinsi", "kabkota", "kecamatan")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def choose_scopes(data_dir: Path, province: str) -> dict[str, str]:
    """Indonesia, the scale's province, its regency with the most reporting units on the latest report
    date, and that regency's kecamatan with the most units."""
    from pantau.store import Store

    files = Store(data_dir).snapshot().files["rekam"]
    latest = pl.read_parquet(files[-1]).filter(pl.col("kode_wilayah").str.starts_with(province + "."))
    if latest.is_empty():
        latest = pl.read_parquet(list(files[-10:])).filter(pl.col("kode_wilayah").str.starts_with(province + "."))
    regency = (latest.group_by(pl.col("kode_wilayah").str.slice(0, 5).alias("k")).len()
               .sort(["len", "k"], descending=[True, False])["k"][0])
    district = (latest.filter(pl.col("kode_kecamatan").str.starts_with(regency + "."))
                .group_by("kode_kecamatan").len().sort(["len", "kode_kecamatan"], descending=[True, False])
                ["kode_kecamatan"][0])
    return {"nasional": "", "provinsi": province, "kabkota": regency, "kecamatan": district}


def compare(data_dir: Path, scopes: dict[str, str], answers: Path, tanggal: str) -> list[dict]:
    """Check the pandas answers against the DuckDB queries, column by column."""
    from pantau.queries import Database
    from pantau.store import Store

    # answers from the files (no in-memory tables, no loading thread in this short-lived process);
    # tests/test_queries_memori.py checks they equal the answers from memory
    db = Database(Store(data_dir), memory_days=None)
    columns = {
        "ringkasan": ["kode_wilayah", "tanggal_laporan", "wajib_ktp", "sudah_rekam", "belum_rekam", "persen_rekam",
                      "prr", "sudah_cetak", "unit_melapor", "unit_tertinggal", "kabkota_tertinggal",
                      "tanggal_sebelumnya", "wajib_ktp_sebelumnya", "sudah_rekam_sebelumnya",
                      "belum_rekam_sebelumnya", "persen_rekam_sebelumnya", "prr_sebelumnya", "sudah_cetak_sebelumnya"],
        "peringkat": ["kode_wilayah", "tanggal_laporan", "wajib_ktp", "sudah_rekam", "belum_rekam", "persen_rekam",
                      "prr", "sudah_cetak", "unit_melapor", "unit_tertinggal", "peringkat", "persen_rekam_banding",
                      "peringkat_banding", "perubahan_peringkat"],
        "tren": ["kode_wilayah", "tanggal", "wajib_ktp", "sudah_rekam", "belum_rekam", "persen_rekam", "prr",
                 "sudah_cetak"],
    }
    order = {"ringkasan": ["kode_wilayah"], "peringkat": ["kode_wilayah"], "tren": ["tanggal"]}
    found = []
    for question in QUESTIONS:
        for scope, code in scopes.items():
            duck = db.run(question, {"wilayah": code, "tanggal": tanggal}).rows
            if question == "peringkat":
                duck = duck.filter(pl.col("peringkat").is_not_null())
            theirs = pl.read_parquet(answers / f"{question}__{scope}.parquet")
            ours, theirs = (_normalise(f, columns[question]).sort(order[question]) for f in (duck, theirs))
            differences = []
            if ours.height != theirs.height:
                differences.append(f"rows {ours.height} vs {theirs.height}")
            else:
                for column in columns[question]:
                    a, b = ours[column], theirs[column]
                    if a.dtype == pl.Float64:
                        same = ((a - b).abs() <= 1e-9) | (a.is_null() & b.is_null())
                    else:
                        same = (a == b) | (a.is_null() & b.is_null())
                    if not same.fill_null(False).all():
                        differences.append(f"{column} ({(~same.fill_null(False)).sum()} rows)")
            found.append({"query": question, "scope": scope, "equal": not differences,
                          "differences": "; ".join(differences)})
    return found


def _normalise(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    out = []
    for column in columns:
        series = frame[column] if column in frame.columns else pl.Series(column, [None] * frame.height)
        if column == "kode_wilayah":
            series = series.cast(pl.String)
        elif column.startswith("tanggal"):
            series = series.cast(pl.Datetime).dt.date() if series.dtype != pl.Date else series
        elif column.startswith("persen"):
            series = series.cast(pl.Float64)
        else:
            series = series.cast(pl.Float64).cast(pl.Int64)
        out.append(series.alias(column))
    return pl.DataFrame(out)


def _versions() -> dict[str, str]:
    names = ("duckdb", "polars", "pyarrow", "streamlit", "plotly", "pandas")
    return {"python": platform.python_version(), **{n: metadata.version(n) for n in names}}


def run(args: argparse.Namespace, save=lambda result: None) -> dict:
    """Every part asked for, each in its own process. A part that fails (a process killed for lack
    of memory, say) is recorded under `failed` and the others still run; `save` gets the result so
    far after each part, so a run cut short keeps what it measured."""
    parts = [p for p in args.parts.split(",") if p]
    meta = {
        "scale": args.scale,
        "timestamp": datetime.now().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average_start": load_average(),
        "runs": args.runs,
        "page_runs": args.page_runs,
        "pandas_runs": args.pandas_runs,
        "cold_mode": args.cold_mode,
        "scopes": args.scopes,
        "queries": args.queries or "all",
        "parts": parts,
        "versions": _versions(),
        "machine": platform.platform(),
    }
    result: dict = {"meta": meta}
    log(f"dataset {args.scale}")
    cache_args = ["--cache-dir", args.cache_dir] if args.cache_dir else []
    dataset = run_module("bench.datasets", [args.scale, *cache_args])
    if not dataset["reused"]:
        dataset["build_peak_rss_mb"] = dataset["process_peak_rss_mb"]
    result["dataset"] = dataset
    data = Path(dataset["data_dir"])
    scopes = choose_scopes(data, dataset["scale"]["province"])
    scopes = {name: code for name, code in scopes.items() if name in args.scopes.split(",")}
    result["scopes"] = scopes
    scopes_json = json.dumps(scopes)
    save(result)

    def measured(part: str, module: str, module_args: list[str]) -> dict | None:
        try:
            return run_module(module, module_args)
        except PartFailed as exc:
            log(f"{part}: {exc}")
            result.setdefault("failed", {})[part] = exc.summary
            return None

    if "queries" in parts:
        log("queries, warm")
        found = measured("queries", "bench.latency", ["warm", str(data), "--scopes", scopes_json,
                                                      "--runs", str(args.runs), "--only", args.queries])
        if found:
            result["queries"] = found
        save(result)
    if "cold" in parts:
        log(f"queries, cold ({args.cold_mode})")
        found = measured("cold", "bench.latency", ["cold", str(data), "--scopes", scopes_json,
                                                   "--mode", args.cold_mode, "--only", args.queries])
        if found:
            result["cold"] = found
        save(result)
    with tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmp:
        if "ingest" in parts:
            log("ingest")
            work = ["--work", str(Path(tmp) / "ingest"), "--levels", args.ingest_levels]
            prepared = measured("ingest", "bench.ingest", ["prepare", str(data), *work])
            found = prepared and measured("ingest", "bench.ingest", ["measure", str(data), *work,
                                                                     "--repeats", str(args.ingest_repeats)])
            if found:
                result["ingest"] = {**found, "prepared": prepared}
            save(result)
        if "pages" in parts:
            log("pages")
            found = measured("pages", "bench.pages", [str(data), "--runs", str(args.page_runs)])
            if found:
                result["pages"] = found
            save(result)
        if "pandas" in parts:
            log("pandas baseline")
            answers = Path(tmp) / "answers"
            pandas = measured("pandas", "bench.pandas_baseline", [str(data), "--scopes", scopes_json, "--runs",
                                                                 str(args.pandas_runs), "--answers", str(answers)])
        if "pandas" in parts and pandas:
            comparison = compare(data, scopes, answers, pandas["tanggal"])
            warm = {(i["query"], i["scope"]): i.get("warm", {}) for i in result.get("queries", {}).get("items", [])}
            for item, check in zip(pandas["items"], comparison):
                duck = warm.get((item["query"], item["scope"]), {}).get("p50_ms")
                check["pandas_p50_ms"] = item["interaction"]["p50_ms"]
                check["pandas_p95_ms"] = item["interaction"]["p95_ms"]
                check["duckdb_p50_ms"] = duck
                check["speedup"] = round(item["interaction"]["p50_ms"] / duck, 3) if duck else None
                duck_cpu = warm.get((item["query"], item["scope"]), {}).get("cpu_p50_ms")
                check["pandas_cpu_p50_ms"] = item["interaction"].get("cpu_p50_ms")
                check["duckdb_cpu_p50_ms"] = duck_cpu
                check["speedup_cpu"] = round(check["pandas_cpu_p50_ms"] / duck_cpu, 3) if duck_cpu else None
            pandas["comparison"] = comparison
            result["pandas"] = pandas
    meta["load_average_end"] = load_average()
    result["targets"] = report.targets(result)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=datasets.SCALE_NAMES, required=True)
    parser.add_argument("--runs", type=int, default=20, help="warm runs per query and pandas runs per question")
    parser.add_argument("--page-runs", type=int, default=None, help="reruns per page (default: --runs, at most 10)")
    parser.add_argument("--ingest-repeats", type=int, default=3)
    parser.add_argument("--ingest-levels", default="kecamatan,desa", help="national snapshots to ingest")
    parser.add_argument("--scopes", default=",".join(SCOPES), help=f"subset of {','.join(SCOPES)}")
    parser.add_argument("--queries", default="", help="comma-separated query names (default: all, and latest_date)")
    parser.add_argument("--cold-mode", choices=("spawn", "fork"), default="spawn",
                        help="spawn: a new interpreter per query and scope; fork: forked after imports (faster)")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    parser.add_argument("--out", default=str(REPO / "bench" / "results"))
    parser.add_argument("--cache-dir", default=None, help="dataset cache (default PANTAU_BENCH_CACHE or "
                                                           "~/.cache/pantau-bench)")
    parser.add_argument("--pandas-runs", type=int, default=None,
                        help="runs per question of the pandas baseline (default: --runs; 3 at the desa scale, "
                             "where one national interaction takes pandas tens of seconds)")
    args = parser.parse_args(argv)
    if args.page_runs is None:
        args.page_runs = min(args.runs, 10)
    if args.pandas_runs is None:
        args.pandas_runs = min(args.runs, 3) if args.scale == "desa" else args.runs
    started = datetime.now()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{args.scale}-{started:%Y%m%dT%H%M%S}"
    partial = out / f"{stem}.partial.json"
    result = run(args, save=lambda so_far: write_json(partial, so_far))
    result["meta"]["seconds"] = round((datetime.now() - started) / timedelta(seconds=1), 1)
    write_json(out / f"{stem}.json", result)
    partial.unlink(missing_ok=True)
    text = report.markdown(result)
    (out / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {out / stem}.json and .md in {result['meta']['seconds']:,.0f} s")


if __name__ == "__main__":
    main()
