"""The approach a typical Streamlit app takes, for comparison: pandas reads every Parquet file of the
store once, then answers each interaction by filtering and grouping in memory.

    python -m bench.pandas_baseline DATA_DIR --scopes JSON --runs N --answers DIR --out FILE

It answers the questions of `ringkasan` (one region as of a date, beside its previous report),
`peringkat` (the children ranked by coverage, with the rank a week earlier) and `tren` (coverage per
day over the last 365 days), with the same rules as the SQL: each kecamatan counts with its latest
report at or before the date; coverage rounded to 2 decimals half away from zero, as DuckDB's
round(); ranks on the rounded coverage with ties sharing the lower rank. Scopes are whole regions
(nation, province, regency, kecamatan), so a unit's kecamatan lies inside the scope whenever the unit
does. The answers are written to DIR for `bench.run` to check against the DuckDB queries.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from bench.measure import Stopwatch, load_average, peak_rss_mb, write_json

QUESTIONS = ("ringkasan", "peringkat", "tren")
CODE_LENGTH = {"nasional": 0, "provinsi": 2, "kabkota": 5, "kecamatan": 8, "desa": 13}
LEVELS = list(CODE_LENGTH)
SUMS = ["wajib_ktp", "sudah_rekam", "belum_rekam", "prr", "sudah_cetak"]
TREN_DAYS = 365
RANK_WEEK = 7
STALE_DAYS = 7


REKAM_COLUMNS = ["tanggal", "kode_wilayah", "kode_kecamatan", "wajib_ktp", "sudah_rekam", "prr", "sudah_cetak"]
CODE_COLUMNS = ("kode_wilayah", "kode_kecamatan")


def load(data_dir: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every rekam and cetak file of the current version, read once (what an app caches at start).

    The columns the questions use, with region codes as one categorical type (the region master's
    codes): read as strings, the national village data (92 M rows) did not fit in 24 GB, and the
    process was killed while loading. So this baseline is leaner than a typical app's."""
    from pantau.regions import region_table
    from pantau.store import Store

    files = Store(data_dir).snapshot().files
    codes = pd.CategoricalDtype(sorted(region_table()["kode_wilayah"].to_list()))

    def read(path: str) -> pd.DataFrame:
        frame = pd.read_parquet(path, columns=REKAM_COLUMNS)
        return frame.astype({column: codes for column in CODE_COLUMNS})

    rekam = pd.concat([read(f) for f in files["rekam"]], ignore_index=True)
    cetak = pd.concat([pd.read_parquet(f) for f in files["cetak"]], ignore_index=True)
    for frame in (rekam, cetak):
        frame["tanggal"] = pd.to_datetime(frame["tanggal"])  # Parquet dates arrive as Python objects
    return rekam, cetak


def round2(values):
    """DuckDB's round(x, 2) on doubles: half away from zero."""
    return np.sign(values) * np.floor(np.abs(values) * 100 + 0.5) / 100


def persen(bagian, keseluruhan):
    keseluruhan = keseluruhan.astype("float64").where(keseluruhan != 0)
    return round2(100.0 * bagian.astype("float64") / keseluruhan)


def inside(codes: pd.Series, wilayah: str) -> pd.Series:
    if wilayah == "":
        return pd.Series(True, index=codes.index)
    return (codes == wilayah) | codes.str.startswith(wilayah + ".")


def level_of(code: str) -> str:
    return LEVELS[code.count(".") + 1] if code else "nasional"


def child_level(code: str) -> str:
    return LEVELS[min(LEVELS.index(level_of(code)) + 1, len(LEVELS) - 1)]


def as_of(rekam: pd.DataFrame, wilayah: str, day: pd.Timestamp) -> pd.DataFrame:
    """The rows of each kecamatan's latest report at or before `day`, inside the region."""
    rows = rekam[(rekam["tanggal"] <= day) & inside(rekam["kode_kecamatan"], wilayah)]
    latest = rows.groupby("kode_kecamatan", observed=True)["tanggal"].transform("max")
    rows = rows[rows["tanggal"] == latest]
    return rows[inside(rows["kode_wilayah"], wilayah)].astype({column: str for column in CODE_COLUMNS})


def per_level(rekam: pd.DataFrame, wilayah: str, day: pd.Timestamp, tingkat: str) -> pd.DataFrame:
    """One row per region of `tingkat` inside the region, as of `day` (the SQL macro rekam_tingkat)."""
    rows = as_of(rekam, wilayah, day)
    width = CODE_LENGTH[tingkat]
    rows = rows[rows["kode_wilayah"].str.len() >= width]
    rows = rows.assign(
        kode=rows["kode_wilayah"].str.slice(0, width),
        belum_rekam=(rows["wajib_ktp"] - rows["sudah_rekam"]).clip(lower=0),
        tertinggal=rows["kode_kecamatan"].where(rows["tanggal"] < day - timedelta(days=STALE_DAYS)),
    )
    grouped = rows.groupby("kode")
    out = grouped[SUMS].sum()
    out["tanggal_laporan"] = grouped["tanggal"].max()
    out["unit_melapor"] = grouped["kode_kecamatan"].nunique()
    out["unit_tertinggal"] = grouped["tertinggal"].nunique()
    return out.rename_axis("kode_wilayah").reset_index()


def ringkasan(rekam: pd.DataFrame, wilayah: str, day: pd.Timestamp) -> pd.DataFrame:
    level = level_of(wilayah)
    now = per_level(rekam, wilayah, day, level)
    regencies = per_level(rekam, wilayah, day, "kabkota")
    stale = int((regencies["tanggal_laporan"] < day - timedelta(days=STALE_DAYS)).sum())
    row = {"kode_wilayah": wilayah, "kabkota_tertinggal": stale}
    if now.empty:
        return pd.DataFrame([row])
    current = now.iloc[0]
    row |= {c: current[c] for c in [*SUMS, "tanggal_laporan", "unit_melapor", "unit_tertinggal"]}
    row["persen_rekam"] = persen(pd.Series([current["sudah_rekam"]]), pd.Series([current["wajib_ktp"]]))[0]
    earlier = rekam[(rekam["tanggal"] < current["tanggal_laporan"]) & inside(rekam["kode_wilayah"], wilayah)]
    previous_day = earlier["tanggal"].max() if len(earlier) else None
    row["tanggal_sebelumnya"] = previous_day
    if previous_day is not None:
        before = per_level(rekam, wilayah, previous_day, level)
        if not before.empty:
            b = before.iloc[0]
            row |= {f"{c}_sebelumnya": b[c] for c in SUMS}
            row["persen_rekam_sebelumnya"] = persen(pd.Series([b["sudah_rekam"]]), pd.Series([b["wajib_ktp"]]))[0]
    return pd.DataFrame([row])


def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(persen_rekam=persen(frame["sudah_rekam"], frame["wajib_ktp"]))
    return frame.assign(peringkat=frame["persen_rekam"].rank(method="min", ascending=False))


def peringkat(rekam: pd.DataFrame, wilayah: str, day: pd.Timestamp) -> pd.DataFrame:
    tingkat = child_level(wilayah)
    now = _ranked(per_level(rekam, wilayah, day, tingkat))
    then = _ranked(per_level(rekam, wilayah, day - timedelta(days=RANK_WEEK), tingkat))
    out = now.merge(
        then[["kode_wilayah", "persen_rekam", "peringkat"]].rename(
            columns={"persen_rekam": "persen_rekam_banding", "peringkat": "peringkat_banding"}),
        on="kode_wilayah", how="left")
    out["perubahan_peringkat"] = out["peringkat_banding"] - out["peringkat"]
    return out.sort_values(["peringkat", "kode_wilayah"]).reset_index(drop=True)


def tren(rekam: pd.DataFrame, wilayah: str, day: pd.Timestamp) -> pd.DataFrame:
    """Per day of the last 365: each kecamatan's latest report carried forward, summed."""
    days = pd.date_range(day - timedelta(days=TREN_DAYS), day, freq="D")
    rows = rekam[(rekam["tanggal"] <= day) & inside(rekam["kode_wilayah"], wilayah)]
    rows = rows.assign(belum_rekam=(rows["wajib_ktp"] - rows["sudah_rekam"]).clip(lower=0),
                       kode_kecamatan=rows["kode_kecamatan"].cat.remove_unused_categories())
    sums = rows.groupby(["tanggal", "kode_kecamatan"], observed=True)[SUMS].sum()
    out = pd.DataFrame(index=days)
    for column in SUMS:
        wide = sums[column].unstack("kode_kecamatan")
        wide = wide.reindex(wide.index.union(days)).ffill().loc[days]
        out[column] = wide.sum(axis=1, min_count=1)
    out = out.dropna(subset=["wajib_ktp"]).astype("int64")
    out["persen_rekam"] = persen(out["sudah_rekam"], out["wajib_ktp"])
    return out.rename_axis("tanggal").reset_index().assign(kode_wilayah=wilayah)


ANSWER = {"ringkasan": ringkasan, "peringkat": peringkat, "tren": tren}


def measure(data_dir: str, scopes: dict[str, str], runs: int, answers: str) -> dict:
    load_before = load_average()
    started = time.perf_counter()
    rekam, cetak = load(data_dir)
    load_s = time.perf_counter() - started
    after_load = peak_rss_mb()
    frame_mb = round((rekam.memory_usage(deep=True).sum() + cetak.memory_usage(deep=True).sum()) / 1e6, 1)
    day = rekam["tanggal"].max()
    out_dir = Path(answers)
    out_dir.mkdir(parents=True, exist_ok=True)
    items = []
    for question in QUESTIONS:
        for scope, code in scopes.items():
            watch, result = Stopwatch(), None
            for _ in range(runs):
                with watch:
                    result = ANSWER[question](rekam, code, day)
            result.to_parquet(out_dir / f"{question}__{scope}.parquet")
            items.append({"query": question, "scope": scope, "wilayah": code, "rows_out": len(result),
                          "interaction": watch.summary()})
            print(f"  pandas {question:10s} {scope:10s} p50 {items[-1]['interaction']['p50_ms']} ms", flush=True)
    return {
        "pandas_version": pd.__version__,
        "load_seconds": round(load_s, 2),
        "rows_loaded": {"rekam": len(rekam), "cetak": len(cetak)},
        "frames_mb": frame_mb,
        "rss_after_load_mb": after_load,
        "tanggal": day.date().isoformat(),
        "items": items,
        "peak_rss_mb": peak_rss_mb(),
        "load_average": [load_before, load_average()],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir")
    parser.add_argument("--scopes", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--answers", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    write_json(args.out, measure(args.data_dir, json.loads(args.scopes), args.runs, args.answers))


if __name__ == "__main__":
    main()
