"""Rollups kept at ingest: the coverage as of every calendar day, for every region down to kecamatan.

The dashboard's questions are about regions as of a date ("coverage of Jawa Tengah on 20 November",
"its regencies ranked", "a year of daily coverage"). Answering them from the reports means finding,
for every kecamatan, its latest report at or before the date across all history, then summing: work
that grows with the history kept. So every publish that changes reports also rewrites the affected
days of a rollup: one row per region (Indonesia, province, regency, kecamatan) per calendar day from
the first report to the last, with the sums of its kecamatan's latest reports and how many reported.

Layout in a store version: ``agregat/bulan=YYYY-MM/data.parquet``, each month sorted by level, code and
day, in small row groups, so that one region's year or one date's children read a few row groups.

The rollup is maintained incrementally: a publish that changes reports from day S onwards keeps the
rollup before S, takes each kecamatan's state on S-1 from it, and recomputes S onwards from that state
and the reports of those days (the kecamatan rows of the old rollup already hold the unchanged
reports, so only the changed report files are read). Adding the newest day rewrites one month file.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import polars as pl

from pantau.store import AGREGAT_SCHEMA, PERINGATAN_HARIAN_SCHEMA, Store, partition_day, partition_path

STALE_DAYS = 7
LEVEL_LENGTHS = {"nasional": 0, "provinsi": 2, "kabkota": 5, "kecamatan": 8}
# the warnings are counted down to villages (a kecamatan's villages over a year are one short run of
# rows, sorted by code); the coverage rollup stops at kecamatan
WARNING_LEVELS = {**LEVEL_LENGTHS, "desa": 13}
LEVEL_ORDER = {level: i for i, level in enumerate(WARNING_LEVELS)}

SUMS = ("wajib_ktp", "sudah_rekam", "belum_rekam", "prr", "sudah_cetak")
# a kecamatan's state: its latest report, as carried from day to day
STATE_SCHEMA = {
    "kode_kecamatan": pl.String,
    "tanggal_laporan": pl.Date,
    **{c: pl.Int64 for c in SUMS},
    "baris": pl.Int64,
    "tingkat_unit": pl.String,
}


def month_path(day: date) -> str:
    return partition_path("agregat", day)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def summarise_reports(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows of rekam report files as one state row per kecamatan and report date."""
    return (
        frame.group_by("tanggal", "kode_kecamatan")
        .agg(
            pl.col("wajib_ktp").sum(),
            pl.col("sudah_rekam").sum(),
            (pl.col("wajib_ktp") - pl.col("sudah_rekam")).clip(lower_bound=0).sum().alias("belum_rekam"),
            pl.col("prr").sum(),
            pl.col("sudah_cetak").sum(),
            pl.len().cast(pl.Int64).alias("baris"),
            pl.col("tingkat").unique().sort().str.join(", ").alias("tingkat_unit"),
        )
        .rename({"tanggal": "tanggal_laporan"})
        .select(list(STATE_SCHEMA))
        .cast(STATE_SCHEMA)
    )


def _reports_from_rollup(rollup: pl.DataFrame) -> pl.DataFrame:
    """The reports a rollup's kecamatan rows were made from (the days each kecamatan reported)."""
    return (
        rollup.filter(pl.col("tingkat") == "kecamatan", pl.col("unit_lapor_hari_ini") == 1)
        .select(
            pl.col("kode_wilayah").alias("kode_kecamatan"),
            "tanggal_laporan",
            *SUMS,
            pl.col("baris_hari_ini").alias("baris"),
            pl.col("tingkat_hari_ini").alias("tingkat_unit"),
        )
        .cast(STATE_SCHEMA)
    )


def _state_on(rollup: pl.DataFrame, day: date) -> pl.DataFrame:
    """Each kecamatan's state on `day`, from rollup rows (only carried forward, never "today", so the
    row count and levels of its report are not needed)."""
    return rollup.filter(pl.col("tingkat") == "kecamatan", pl.col("tanggal") == day).select(
        pl.col("kode_wilayah").alias("kode_kecamatan"),
        "tanggal_laporan",
        *SUMS,
        pl.lit(0, dtype=pl.Int64).alias("baris"),
        pl.lit(None, dtype=pl.String).alias("tingkat_unit"),
    )


def daily_rows(state: pl.DataFrame, reports: pl.DataFrame, first: date, last: date) -> pl.DataFrame:
    """Rollup rows for every day of [first, last]: `state` is each kecamatan's latest report before
    `first`, `reports` the reports dated within [first, last]."""
    events = pl.concat([state, reports], how="vertical_relaxed").sort("kode_kecamatan", "tanggal_laporan")
    days = pl.date_range(first, last, "1d", eager=True).alias("tanggal")
    units = events.select("kode_kecamatan").unique()
    grid = units.join(days.to_frame(), how="cross").sort("kode_kecamatan", "tanggal")
    states = grid.join_asof(
        events,
        left_on="tanggal",
        right_on="tanggal_laporan",
        by="kode_kecamatan",
        strategy="backward",
        check_sortedness=False,
    ).filter(pl.col("tanggal_laporan").is_not_null())
    today = pl.col("tanggal_laporan") == pl.col("tanggal")
    stale = pl.col("tanggal_laporan") < pl.col("tanggal") - timedelta(days=STALE_DAYS)
    kecamatan = states.select(
        "tanggal",
        pl.col("kode_kecamatan").alias("kode_wilayah"),
        pl.lit("kecamatan").alias("tingkat"),
        *SUMS,
        "tanggal_laporan",
        pl.lit(1, dtype=pl.Int64).alias("unit_melapor"),
        stale.cast(pl.Int64).alias("unit_tertinggal"),
        today.cast(pl.Int64).alias("unit_lapor_hari_ini"),
        stale.cast(pl.Int64).alias("kabkota_tertinggal"),
        today.cast(pl.Int64).alias("kabkota_lapor_hari_ini"),
        pl.when(today).then(pl.col("baris")).otherwise(0).alias("baris_hari_ini"),
        pl.when(today).then(pl.col("tingkat_unit")).alias("tingkat_hari_ini"),
    )
    levels = [kecamatan]
    child = kecamatan
    for level in ("kabkota", "provinsi", "nasional"):
        parent = _roll_up(child, level)
        levels.append(parent)
        child = parent
    return pl.concat([frame.select(list(AGREGAT_SCHEMA)).cast(AGREGAT_SCHEMA) for frame in levels])


def _roll_up(child: pl.DataFrame, level: str) -> pl.DataFrame:
    """Sum rows of the level below into `level`; a regency's staleness is that of its newest report."""
    grouped = child.group_by("tanggal", pl.col("kode_wilayah").str.slice(0, LEVEL_LENGTHS[level])).agg(
        *[pl.col(c).sum() for c in SUMS],
        pl.col("tanggal_laporan").max(),
        pl.col("unit_melapor").sum(),
        pl.col("unit_tertinggal").sum(),
        pl.col("unit_lapor_hari_ini").sum(),
        pl.col("kabkota_tertinggal").sum(),
        pl.col("kabkota_lapor_hari_ini").sum(),
        pl.col("baris_hari_ini").sum(),
        pl.col("tingkat_hari_ini")
        .drop_nulls()
        .str.split(", ")
        .list.explode(keep_nulls=False, empty_as_null=False)
        .unique()
        .sort()
        .str.join(", "),
    )
    grouped = grouped.with_columns(
        pl.lit(level).alias("tingkat"),
        pl.when(pl.col("tingkat_hari_ini") == "")
        .then(None)
        .otherwise(pl.col("tingkat_hari_ini"))
        .alias("tingkat_hari_ini"),
    )
    if level == "kabkota":
        grouped = grouped.with_columns(
            (pl.col("tanggal_laporan") < pl.col("tanggal") - timedelta(days=STALE_DAYS))
            .cast(pl.Int64)
            .alias("kabkota_tertinggal"),
            (pl.col("unit_lapor_hari_ini") > 0).cast(pl.Int64).alias("kabkota_lapor_hari_ini"),
        )
    return grouped


def sort_for_storage(frame: pl.DataFrame, *more: str) -> pl.DataFrame:
    """Level, then code, then day (then `more`): a region's days sit together, and so does one level's
    section (for the warning counts: a kecamatan's villages)."""
    order = pl.col("tingkat").replace_strict(LEVEL_ORDER, return_dtype=pl.Int8)
    return frame.sort(order, "kode_wilayah", "tanggal", *more)


def rebuild(store: Store) -> str | None:
    """Publish a version whose rollups (coverage, warnings) are recomputed from every report and
    warning (for a store written before rollups existed, or to repair one). Returns the new version,
    or None for an empty store."""
    with store.lock():
        if store.current_version() is None:
            return None
        return store.publish(plan(store, {}, rebuild=True) | plan_warnings(store, {}, rebuild=True))


# --- warnings counted per region and day ----------------------------------------------------------
#
# Validation warnings are kept row by row (peringatan/bulan=YYYY-MM): at village level a national
# snapshot can carry ten thousand of them a day (every village above 100% coverage, every day). The
# questions the dashboard asks of them are counts: per report date of a region (laporan_harian), per
# child region over a week (kualitas), per kind and region over a year (peringatan_ringkas), and
# where the 200 newest begin (peringatan_terbaru). So each month's warnings are also kept counted:
# one row per day, level (nasional, provinsi, kabkota, kecamatan, desa), left(code, the level's code
# length), kind of data and kind of warning, in peringatan_harian/bulan=YYYY-MM, rewritten whenever
# that month's warnings change. A warning whose code is shorter than a level (a regency's print log
# warning at level kecamatan, or one without a code) counts there under its own code, as
# `left(kode_wilayah, n)` does in SQL, so both give the same answers.

def warning_kind(aturan: pl.Expr) -> pl.Expr:
    """The rule's text without its particulars: the tail after ';', bracketed parts, and numbers and
    dates (each becomes '…'). The same as `jenis_peringatan` in queries/peringatan_ringkas.sql."""
    return (
        aturan.str.replace(r";.*$", "")
        .str.replace_all(r"\s*\([^)]*\)", "")
        .str.replace_all(r"[0-9][0-9.,:-]*", "…", literal=False)
        .str.strip_chars(" ")
    )


WARNING_KEYS = ("jenis_data", "jenis_peringatan")  # a count's key beyond level, code and day


def summarise_warnings(frame: pl.DataFrame) -> pl.DataFrame:
    """A month's warning rows counted per day, level, region, kind of data and kind of warning,
    sorted like the coverage rollup (level, code, day)."""
    kinds = frame.select(
        "tanggal", "jenis_data", pl.col("kode_wilayah").fill_null(""), warning_kind(pl.col("aturan")).alias("jenis")
    )
    counted = kinds.group_by("tanggal", "jenis_data", "kode_wilayah", "jenis").len("jumlah")
    levels = [
        counted.with_columns(pl.lit(level).alias("tingkat"), pl.col("kode_wilayah").str.slice(0, length))
        for level, length in WARNING_LEVELS.items()
    ]
    rows = (
        pl.concat(levels)
        .group_by("tanggal", "tingkat", "kode_wilayah", "jenis_data", pl.col("jenis").alias("jenis_peringatan"))
        .agg(pl.col("jumlah").sum())
        .select(list(PERINGATAN_HARIAN_SCHEMA))
        .cast(PERINGATAN_HARIAN_SCHEMA)
    )
    return sort_for_storage(rows, *WARNING_KEYS)


def plan_warnings(
    store: Store,
    changes: Mapping[str, pl.DataFrame | None],
    rebuild: bool = False,
    days: set[date] | None = None,
) -> dict[str, pl.DataFrame | None]:
    """The counted-warnings files to publish with `changes`: one for each month whose warnings file
    changes, and for each month of the current version without one (a store written before they
    existed catches up on its next publish); `rebuild`: every month. `days`: the only days whose
    warnings `changes` can have changed (a month's other days keep their counts: adding a day of a
    national village snapshot counts its ~13,000 warnings, not the month's ~400,000)."""
    changed = {partition_day(rel): frame for rel, frame in changes.items() if rel.startswith("peringatan/")}
    stored = {partition_day(rel) for rel in store.relative_files("peringatan")}
    counted = {partition_day(rel) for rel in store.relative_files("peringatan_harian")}
    months = set(changed) | (stored if rebuild else stored - counted)
    out: dict[str, pl.DataFrame | None] = {}
    for month in sorted(months):
        target = partition_path("peringatan_harian", month)
        frame = changed[month] if month in changed else store.read(partition_path("peringatan", month))
        if frame is None or not frame.height:
            if month in counted:
                out[target] = None
            continue
        previous = store.read(target) if month in changed and days is not None else None
        if previous is None:
            out[target] = summarise_warnings(frame)
        else:
            kept = previous.filter(~pl.col("tanggal").is_in(sorted(days)))
            fresh = summarise_warnings(frame.filter(pl.col("tanggal").is_in(sorted(days))))
            out[target] = sort_for_storage(pl.concat([kept, fresh], how="vertical_relaxed"), *WARNING_KEYS)
    for month in counted - stored - set(changed):  # a count left without its warnings
        out[partition_path("peringatan_harian", month)] = None
    return out


def plan(
    store: Store, changes: Mapping[str, pl.DataFrame | None], rebuild: bool = False
) -> dict[str, pl.DataFrame | None]:
    """The rollup files to publish with `changes` (report files of the current version rewritten, or
    removed when None), so that the new version's rollup matches its reports."""
    changed = {partition_day(rel): frame for rel, frame in changes.items() if rel.startswith("rekam/")}
    stored_days = {partition_day(rel) for rel in store.relative_files("rekam")}
    rollup_files = {partition_day(rel): rel for rel in store.relative_files("agregat")}
    has_rollup = (bool(rollup_files) or not stored_days) and not rebuild
    if not changed and has_rollup:
        return {}
    final_days = sorted((stored_days | set(changed)) - {d for d, f in changed.items() if f is None})
    if not final_days:
        return dict.fromkeys(rollup_files.values())
    first_day, last_day = final_days[0], final_days[-1]
    incremental = has_rollup and changed and min(changed) > first_day
    # from the first changed day, or from the day after the rollup's end if that is earlier
    # (days between the old last report and a new one are filled in)
    start = min(min(changed), max(stored_days) + timedelta(days=1)) if incremental else first_day
    out: dict[str, pl.DataFrame | None] = {
        rel: None for month, rel in rollup_files.items() if month > last_day or month < _month_start(first_day)
    }
    state = pl.DataFrame(schema=STATE_SCHEMA)
    if incremental:
        previous_day = start - timedelta(days=1)
        previous = store.read(month_path(previous_day))
        if previous is not None:
            state = _state_on(previous, previous_day)
    month = _month_start(start)
    while month <= last_day:
        first, end = max(start, month), min(last_day, _next_month(month) - timedelta(days=1))
        existing = store.read(month_path(month)) if incremental else None
        days = [d for d in final_days if first <= d <= end]
        reports = []
        if existing is not None:
            unchanged = [d for d in days if d not in changed]
            reports.append(_reports_from_rollup(existing).filter(pl.col("tanggal_laporan").is_in(unchanged)))
        for day in days:
            if day in changed:
                reports.append(summarise_reports(changed[day]))
            elif existing is None:
                frame = store.read(f"rekam/tanggal={day:%Y-%m-%d}/data.parquet")
                reports.append(summarise_reports(frame) if frame is not None else pl.DataFrame(schema=STATE_SCHEMA))
        found = pl.concat(reports, how="vertical_relaxed") if reports else pl.DataFrame(schema=STATE_SCHEMA)
        rows = daily_rows(state, found, first, end)
        if existing is not None and first > month:
            rows = pl.concat([existing.filter(pl.col("tanggal") < first), rows], how="vertical_relaxed")
        out[month_path(month)] = sort_for_storage(rows)
        state = _state_on(rows, end)
        month = _next_month(month)
    return out
