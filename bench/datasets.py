"""Benchmark datasets: generated once through the ordinary ingest path and cached outside the repository.

Each scale lives in `<cache>/<scale>/data` (a normal PANTAU_DATA_DIR) with `dataset.json` beside it,
written last, so a dataset without it is incomplete and is rebuilt. The cache root is
`PANTAU_BENCH_CACHE`, default `~/.cache/pantau-bench`.

    python -m bench.datasets SCALE [--cache-dir DIR] --out FILE   builds (or reuses) one scale
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from bench.measure import load_average, peak_rss_mb, write_json

CACHE_ENV = "PANTAU_BENCH_CACHE"
DEFAULT_CACHE = Path.home() / ".cache" / "pantau-bench"
FORMAT = 4  # bump when the way a scale is built changes, so old caches are rebuilt (see git log)
THREE_YEARS = 3 * 365


@dataclass(frozen=True)
class Scale:
    """How a benchmark dataset is made: what `pantau.demo` generates and how it reaches the store."""

    name: str
    level: str  # reporting unit of the rekam snapshots: kecamatan or desa
    provinces: tuple[str, ...] | None  # None = all 38
    start: date
    end: date
    method: str  # build: demo.build; stream: month by month through ingest_frame; replicate: see below
    province: str  # the province used for the province scope of the queries
    replicas: int = 1  # replicate: the kecamatan demo's dates repeated this many times, shifted back
    every_day: bool = False  # every regency reports every calendar day (demo.generate_rekam's every_day)
    description: str = ""


def _scales() -> dict[str, Scale]:
    from pantau.demo import DEMO_END, DEMO_START

    three_years = DEMO_END - timedelta(days=THREE_YEARS - 1)
    scales = [
        Scale("smoke", "kecamatan", ("34",), date(2024, 9, 1), DEMO_END, "build", "34",
              description="DI Yogyakarta, kecamatan level, 81 days (CI smoke test)"),
        Scale("kecamatan", "kecamatan", None, DEMO_START, DEMO_END, "build", "33",
              description="the national district-level demo (all 7,285 kecamatan, 2023-01-02 to 2024-11-20)"),
        Scale("kecamatan-x4", "kecamatan", None, DEMO_START, DEMO_END, "replicate", "33", replicas=4,
              description="the kecamatan demo's 689 days repeated 4 times back in time (4x rows and files)"),
        Scale("kecamatan-x16", "kecamatan", None, DEMO_START, DEMO_END, "replicate", "33", replicas=16,
              description="the kecamatan demo's 689 days repeated 16 times back in time (16x rows and files)"),
        Scale("desa-1prov", "desa", ("33",), three_years, DEMO_END, "stream", "33",
              description="Jawa Tengah (8,563 desa, 10.2% of the nation), desa level, 3 years, streamed by month"),
        Scale("desa", "desa", None, three_years, DEMO_END, "stream", "33", every_day=True,
              description="all 83,762 desa, a snapshot every day for 3 years (1,095 days: 91.7 M rows), "
                          "streamed by month"),
    ]
    return {s.name: s for s in scales}


SCALE_NAMES = ("smoke", "kecamatan", "kecamatan-x4", "kecamatan-x16", "desa-1prov", "desa")


def scale(name: str) -> Scale:
    return _scales()[name]


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    return Path(cache_dir or os.environ.get(CACHE_ENV) or DEFAULT_CACHE).expanduser()


def dataset_dir(name: str, cache_dir: str | os.PathLike | None = None) -> Path:
    return cache_root(cache_dir) / name


def data_dir(name: str, cache_dir: str | os.PathLike | None = None) -> Path:
    return dataset_dir(name, cache_dir) / "data"


def cached(name: str, cache_dir: str | os.PathLike | None = None) -> dict | None:
    """The metadata of a complete cached dataset of this format, or None."""
    import json

    meta = dataset_dir(name, cache_dir) / "dataset.json"
    if not meta.exists():
        return None
    info = json.loads(meta.read_text(encoding="utf-8"))
    return info if info.get("format") == FORMAT and info.get("scale", {}).get("name") == name else None


def describe(data: Path) -> dict:
    """Rows, files, bytes and dates of the current version of a store."""
    from pantau.store import Store

    snapshot = Store(data).snapshot()
    facts: dict[str, object] = {"version": snapshot.version}
    for kind in ("rekam", "cetak", "peringatan"):
        files = list(snapshot.files[kind])
        rows = pl.scan_parquet(files).select(pl.len()).collect().item() if files else 0
        facts[kind] = {
            "files": len(files),
            "rows": rows,
            "mb": round(sum(os.path.getsize(f) for f in files) / 1e6, 1),
        }
    rekam = list(snapshot.files["rekam"])
    if rekam:
        days = pl.scan_parquet(rekam).select(pl.col("tanggal").min().alias("a"), pl.col("tanggal").max().alias("b"))
        first, last = days.collect().row(0)
        facts["first_date"], facts["last_date"] = first.isoformat(), last.isoformat()
    return facts


def _build_demo(spec: Scale, data: Path, log) -> dict:
    from pantau import demo
    from pantau.store import Store

    log(demo.build(Store(data), level=spec.level, provinces=list(spec.provinces) if spec.provinces else None,
                   start=spec.start, end=spec.end, progress=log))
    return {}


def _build_stream(spec: Scale, data: Path, log) -> dict:
    """Month by month: generate one month of rekam rows, ingest it, forget it (memory stays bounded)."""
    from pantau import demo
    from pantau.ingest import ingest_frame
    from pantau.store import Store

    store = Store(data)
    provinces = list(spec.provinces) if spec.provinces else None
    months = []
    started = time.perf_counter()
    chunks = demo.generate_rekam(spec.level, start=spec.start, end=spec.end, provinces=provinces,
                                 every_day=spec.every_day)
    generate_s = 0.0
    while True:
        t0 = time.perf_counter()
        chunk = next(chunks, None)
        t1 = time.perf_counter()
        if chunk is None:
            break
        month = chunk["tanggal"].min().strftime("%Y-%m")
        ingest_frame(store, "rekam", chunk, f"demo-rekam-{month}", replace=True)
        t2 = time.perf_counter()
        generate_s += t1 - t0
        months.append({"month": month, "rows": chunk.height, "generate_s": round(t1 - t0, 2),
                       "ingest_s": round(t2 - t1, 2)})
        log(f"rekam {month}: {chunk.height:,} rows, generated {t1 - t0:.1f} s, ingested {t2 - t1:.1f} s, "
            f"peak RSS {peak_rss_mb():.0f} MB")
        del chunk
    rekam_s = time.perf_counter() - started
    t0 = time.perf_counter()
    for chunk in demo.generate_cetak(start=spec.start, end=spec.end, provinces=provinces):
        ingest_frame(store, "cetak", chunk, f"demo-cetak-{chunk['tanggal'].min():%Y-%m}", replace=True)
    cetak_s = time.perf_counter() - t0
    (data / "DEMO").write_text(f"Data demo Pantau e-KTP (benchmark {spec.name}).\n", encoding="utf-8")
    rows = sum(m["rows"] for m in months)
    return {
        "months": months,
        "rekam_seconds": round(rekam_s, 1),
        "rekam_generate_seconds": round(generate_s, 1),
        "rekam_ingest_seconds": round(rekam_s - generate_s, 1),
        "rekam_rows_per_second": round(rows / rekam_s) if rekam_s else None,
        "cetak_seconds": round(cetak_s, 1),
    }


def _build_replicate(spec: Scale, data: Path, log, cache_dir) -> dict:
    """The kecamatan demo's stored files, repeated `replicas` times with their dates shifted back by
    whole spans (689 days), written straight into one new version: exactly replicas x the rows and the
    files of the 1x store, same values, same file sizes. Not through ingest: the rows were validated
    when the 1x store was built, and only dates change."""
    from pantau import agregat
    from pantau.store import Store, partition_path, write_parquet

    source = data_dir("kecamatan", cache_dir)
    if cached("kecamatan", cache_dir) is None:
        raise RuntimeError("build the kecamatan scale first: python -m bench.run --scale kecamatan")
    snapshot = Store(source).snapshot()
    rekam = snapshot.files["rekam"]
    days = pl.scan_parquet(list(rekam)).select(pl.col("tanggal").min().alias("a"), pl.col("tanggal").max().alias("b"))
    first, last = days.collect().row(0)
    span = (last - first).days + 1
    target = Store(data)
    target.reference_files()
    root = data / "store" / "v000001"
    for path in snapshot.files["rekam"]:
        frame = pl.read_parquet(path)
        day = frame["tanggal"][0] if frame.height else None
        for k in range(spec.replicas):
            if day is None:
                continue
            shifted = frame.with_columns(pl.col("tanggal") - pl.duration(days=k * span))
            rel = partition_path("rekam", day - timedelta(days=k * span))
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            write_parquet(shifted, root / rel)
    log(f"rekam: {len(snapshot.files['rekam'])} files x {spec.replicas}")
    for kind in ("cetak", "peringatan"):  # monthly files: shift the rows, then split by month again
        rows = pl.concat([pl.read_parquet(p) for p in snapshot.files[kind]], how="vertical_relaxed")
        rows = pl.concat(
            [rows.with_columns(pl.col("tanggal") - pl.duration(days=k * span)) for k in range(spec.replicas)]
        )
        for (month,), part in rows.with_columns(bulan=pl.col("tanggal").dt.truncate("1mo")).partition_by(
            "bulan", as_dict=True
        ).items():
            rel = partition_path(kind, month)
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            write_parquet(part.drop("bulan").sort("tanggal", "kode_wilayah"), root / rel)
        log(f"{kind}: {rows.height:,} rows")
    for path in snapshot.files["pemilu"]:
        shutil.copy2(path, root / "pemilu.parquet")
    (data / "CURRENT").write_text("v000001", encoding="ascii")
    (data / "DEMO").write_text(f"Data demo Pantau e-KTP (benchmark {spec.name}).\n", encoding="utf-8")
    t0 = time.perf_counter()
    agregat.rebuild(target)  # the rollup, from every report, as `python -m pantau agregat` does
    log(f"agregat rebuilt in {time.perf_counter() - t0:.1f} s")
    return {"span_days": span, "replicas": spec.replicas, "source": str(source),
            "agregat_seconds": round(time.perf_counter() - t0, 1)}


def build(name: str, cache_dir: str | os.PathLike | None = None, log=print) -> dict:
    """Build a scale into the cache (replacing an incomplete one) and return its metadata."""
    spec = scale(name)
    folder = dataset_dir(name, cache_dir)
    if folder.exists():
        shutil.rmtree(folder)
    data = folder / "data"
    data.mkdir(parents=True)
    load_before = load_average()
    started = time.perf_counter()
    if spec.method == "build":
        details = _build_demo(spec, data, log)
    elif spec.method == "stream":
        details = _build_stream(spec, data, log)
    else:
        details = _build_replicate(spec, data, log, cache_dir)
    seconds = time.perf_counter() - started
    from pantau.store import Store

    Store(data).cleanup(retire_after=0)  # drop the intermediate versions a streamed build leaves (no reader yet)
    info = {
        "format": FORMAT,
        "scale": {**asdict(spec), "start": spec.start.isoformat(), "end": spec.end.isoformat()},
        "data_dir": str(data),
        "build_seconds": round(seconds, 1),
        "build_peak_rss_mb": peak_rss_mb(),
        "build_load_average": [load_before, load_average()],
        "built_on": date.today().isoformat(),
        "build": details,
        "store": describe(data),
    }
    write_json(folder / "dataset.json", info)
    return info


def ensure(name: str, cache_dir: str | os.PathLike | None = None, log=print) -> tuple[dict, bool]:
    """(metadata, reused) of a scale: the cached dataset when complete, else a fresh build."""
    info = cached(name, cache_dir)
    if info is not None:
        return info, True
    return build(name, cache_dir, log), False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", choices=SCALE_NAMES)
    parser.add_argument("--cache-dir")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    info, reused = ensure(args.scale, args.cache_dir, log=lambda m: print(f"  [{args.scale}] {m}", flush=True))
    write_json(args.out, {**info, "reused": reused})


if __name__ == "__main__":
    main()
