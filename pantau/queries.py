"""The one query runner used by pages, CLI and tests: `queries/NAME.sql`, values bound by DuckDB.

A query file names its parameters as `$wilayah`, `$tanggal`, ...; the runner checks each value
against the rules below, fills defaults (latest report, a week earlier, the child level) and binds
only the parameters the file uses. Nothing from a user is ever formatted into SQL text.
"""

from __future__ import annotations

import atexit
import contextlib
import re
import threading
import time
import warnings
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from pantau import fmt, regions
from pantau.config import REPO_ROOT
from pantau.results import ResultCache
from pantau.store import DERIVED_KINDS, Snapshot, Store, StoreError, partition_day
from pantau.store import KINDS as STORE_KINDS

QUERY_DIR = REPO_ROOT / "queries"
STAGING = (
    "stg_wilayah",
    "stg_libur",
    "stg_rekam",
    "stg_cetak",
    "stg_pemilu",
    "stg_peringatan",
    "stg_peringatan_harian",
    "stg_agregat",
    "macros",
)
PARAMETERS = ("wilayah", "tanggal", "dari", "sampai", "tingkat", "banding", "jumlah")
DATE_PARAMETERS = ("tanggal", "dari", "sampai", "banding")
MAX_REGIONS = 11
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)
MULTI_REGION_QUERIES = frozenset({"tren"})
RANGE_QUERIES = frozenset({"tren", "laporan_harian"})  # questions over every report in a date range
REPORT_QUERIES = frozenset({"sasaran"})  # questions about reporting units, which always read the reports
CETAK_QUERIES = frozenset({"cetak_harian", "blangko_harian", "blangko_wilayah"})
WARNING_LISTS = frozenset({"peringatan", "peringatan_terbaru"})  # list warnings (the others count them)
NEWEST_WARNINGS = 200  # the LIMIT of peringatan_terbaru.sql
DEFAULT_RANGE_DAYS = 365
RANGE_DAYS = {"sasaran": 14, "peringatan": 0}  # the worklist's trend: two weeks; the warning export: the newest day
# queries whose `tingkat` is one of a few levels, the first the default (not the child level)
LEVEL_CHOICES = {"sasaran": ("desa", "kecamatan")}
# `jumlah`: how many rows of a ranked list (0 = all); the default is the dashboard's
DEFAULT_TOP = 20
MAX_TOP = 1_000_000
REPORT_DAYS_KEPT = 256  # answers of Database.report_days kept (a few hundred bytes each)
QUERY_TIMEOUT_S = 60.0  # a dashboard query takes well under a second; one running a minute is stuck
# The current version's rollup is also kept in DuckDB tables of an in-memory database (MEMORY_DB):
# every row of the levels nasional, provinsi and kabkota, and the kecamatan rows of the MEMORY_DAYS
# days up to the rollup's last day. A query reads them instead of the files when they hold every row
# it can select (see Database.rollup_source); binding a view over the month files and pruning them
# cost more than the answer itself.
MEMORY_DB = "memori"
MEMORY_DAYS = 400
MEMORY_ROW_GROUP = 16_384  # small row groups: one province's kecamatan for a few days, skipped by their zone maps
KECAMATAN_QUERIES = frozenset({"kualitas", "sasaran"})  # read the rollup's kecamatan rows at any scope
# how many days before its earliest date a question reads rollup rows: ringkasan looks for the previous
# report in the months from 92 days back; hitung_mundur and risiko_anak compare with 14 days before
REACH_DAYS = {"ringkasan": 92 + 31, "hitung_mundur": 14, "risiko_anak": 14, "kualitas": 7}
FILES = "stg_agregat_berkas"
# Beside the rollup, each version keeps in memory (loaded by the same thread, after it) its print log
# (every row: ~580,000 at national scale) and its warning counts above villages from the same first
# day as the rollup's kecamatan rows; the views the queries read name, per cursor, either these
# tables or the views over the files.
EXTRA_FILES = {
    "cetak": "stg_cetak_berkas",
    "peringatan_harian": "stg_peringatan_harian_berkas",
    "stok": "stg_stok_berkas",  # derived from the print log (see _load_extras)
}
_EXTRA_ROWS = {
    "cetak": "SELECT * FROM stg_cetak_berkas ORDER BY kode_wilayah, tanggal",
    "peringatan_harian": """
        SELECT * FROM stg_peringatan_harian_berkas
        WHERE tingkat <> 'desa' AND tanggal >= $mulai::DATE
        ORDER BY tingkat, kode_wilayah, tanggal
    """,
}
_LOADING = object()
_VERSION = re.compile(r"^v[0-9]{6}$")
# the rows kept in memory (loaded a month file at a time), ordered so that one day's regions of a
# province, and one region's days, are a few small row groups
_MEMORY_ROWS = """
    SELECT * FROM stg_agregat_berkas
    WHERE tingkat <> 'kecamatan' OR tanggal >= $mulai::DATE
    ORDER BY tingkat, left(kode_wilayah, 2), tanggal, kode_wilayah
"""
# for a cursor whose question stops at kecamatan: rekam_tingkat without its village part (macros.sql)
_ROLLUP_ONLY = """
    CREATE TEMP MACRO rekam_tingkat(p_wilayah, p_tanggal, p_tingkat) AS TABLE
    SELECT * FROM rekam_tingkat_agregat(p_wilayah, p_tanggal, p_tingkat)
"""
# for a cursor whose question is about villages only (every region a village, or every rekam_tingkat of
# the query at level $tingkat = 'desa'): rekam_tingkat without its rollup part, which would return
# nothing (perlu_laporan) but cost its bind and plan, ~10 ms of a kecamatan's village list
_VILLAGES_ONLY = """
    CREATE TEMP MACRO rekam_tingkat(p_wilayah, p_tanggal, p_tingkat) AS TABLE
    SELECT * FROM rekam_tingkat_desa(p_wilayah, p_tanggal, p_tingkat)
"""
# the rekam_tingkat a cursor gets, by which of its parts a question can reach (`rekam_tingkat_parts`)
_PARTS_MACRO = {"rollup": _ROLLUP_ONLY, "villages": _VILLAGES_ONLY, "both": None}
_LEVEL_ARGUMENT = re.compile(r"\brekam_tingkat\((?:[^()]|\([^()]*\))*,\s*([^,()]+(?:\([^()]*\))?)\s*\)")
# A query runs with execute(), which binds and plans it once: `cursor.sql(...).pl()` builds a relation
# first (a bind to learn its columns) and binds again to run it, 9-11 ms of a ~28 ms query. DuckDB
# then warns that Arrow output of an execute() result copies the rows once more: a few hundred rows
# here, far cheaper than the second bind. The warning is silenced for this module only.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning, module=__name__)
# report_days: the report dates a question needs, from the rollup's kecamatan rows; "/* dentro */"
# becomes the region condition over numbered parameters
_REPORT_DAYS = """
            WITH kecamatan AS (
                SELECT a.kode_wilayah, a.tanggal, a.tanggal_laporan, a.unit_lapor_hari_ini
                FROM stg_agregat AS a
                WHERE a.tingkat = 'kecamatan' AND (/* dentro */)
                  AND a.tanggal BETWEEN least($awal::DATE, agregat_akhir()) AND $akhir::DATE
            ),
            pada AS (
                SELECT kode_wilayah, tanggal_laporan
                FROM kecamatan
                WHERE tanggal IN (SELECT least(unnest($points::DATE[]), agregat_akhir()))
            )
            SELECT tanggal_laporan FROM pada
            UNION
            SELECT tanggal FROM kecamatan
            WHERE unit_lapor_hari_ini > 0 AND tanggal BETWEEN $lo::DATE AND $hi::DATE
            UNION
            SELECT max(k.tanggal)
            FROM kecamatan AS k
            JOIN pada AS p ON k.kode_wilayah = p.kode_wilayah
            WHERE $sebelumnya AND k.unit_lapor_hari_ini > 0
              AND k.tanggal < p.tanggal_laporan AND k.tanggal >= p.tanggal_laporan - INTERVAL 92 DAY
            GROUP BY k.kode_wilayah
"""
_PARAM_IN_SQL = re.compile(r"\$([a-z_]+)")
_READS_REPORTS = re.compile(r"\b(stg_rekam|rekam_tingkat|rekam_asof)\b")  # the report files, or the macros over them
_QUERY_NAME = re.compile(r"^[a-z][a-z_]{0,40}$")
_DAMAGED_FILE = re.compile(r"/\S+?\.parquet")


class QueryError(ValueError):
    """A query name or parameter a user gave is not acceptable; the message is for the user."""


def query_names() -> list[str]:
    """Names of the dashboard queries (one `.sql` file each in queries/)."""
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql"))


@lru_cache(maxsize=64)
def _load_sql(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def query_sql(name: str) -> str:
    """Text of a query by name, from a fixed list of files."""
    if not _QUERY_NAME.match(name) or name not in query_names():
        raise QueryError(f"Kueri {name[:60]!r} tidak dikenal. Pilihan: {', '.join(query_names())}.")
    return _load_sql(QUERY_DIR / f"{name}.sql")


def sql_parameters(sql: str) -> list[str]:
    """Parameter names a query uses, in order of first use."""
    return list(dict.fromkeys(_PARAM_IN_SQL.findall(sql)))


def parse_wilayah(raw: object, allow_many: bool = False) -> str:
    """Check region codes ('' = Indonesia; comma-separated when several are allowed)."""
    text = "" if raw is None else str(raw).strip()
    if len(text) > 200:
        raise QueryError("Parameter wilayah terlalu panjang.")
    parts = [p.strip() for p in text.split(",")] if text else [""]
    if len(parts) > 1 and not allow_many:
        raise QueryError("Parameter wilayah hanya boleh satu kode untuk kueri ini.")
    if len(parts) > MAX_REGIONS:
        raise QueryError(f"Paling banyak {MAX_REGIONS} wilayah sekaligus.")
    codes = []
    for part in parts:
        if part == "":
            codes.append("")
            continue
        try:
            code = regions.normalize_code(part)
        except ValueError:
            raise QueryError(f"Kode wilayah {part[:40]!r} tidak sah: gunakan kode Kemendagri seperti 33.14.") from None
        if not regions.is_known(code):
            raise QueryError(f"Kode wilayah {code!r} tidak ada dalam daftar wilayah Kemendagri.")
        codes.append(code)
    return ",".join(codes)


def parse_date(name: str, raw: object) -> date | None:
    """An ISO date (YYYY-MM-DD), or None when empty."""
    if raw is None or raw == "":
        return None
    try:
        value = raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
    except ValueError:
        raise QueryError(f"Parameter {name} harus tanggal berformat YYYY-MM-DD, bukan {str(raw)[:40]!r}.") from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise QueryError(f"Parameter {name} harus antara {EARLIEST_DATE.year} dan {LATEST_DATE.year}.")
    return value


def parse_tingkat(raw: object) -> str | None:
    if raw is None or raw == "":
        return None
    if raw not in regions.LEVELS:
        raise QueryError(f"Parameter tingkat harus salah satu dari: {', '.join(regions.LEVELS)}.")
    return str(raw)


def parse_jumlah(raw: object) -> int | None:
    """A count of rows, 0 = all; None when empty."""
    if raw is None or raw == "":
        return None
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except ValueError:
        value = -1
    if isinstance(raw, bool) or not 0 <= value <= MAX_TOP:
        raise QueryError(
            f"Parameter jumlah harus bilangan bulat 0 sampai {fmt.angka(MAX_TOP)} (0 = semua), bukan {str(raw)[:40]!r}."
        )
    return value


def child_level(code: str) -> str:
    """Level of the children of a region; a village is its own lowest level."""
    index = regions.LEVELS.index(regions.level_of(code))
    return regions.LEVELS[min(index + 1, len(regions.LEVELS) - 1)]


@dataclass(frozen=True)
class Result:
    """A query's rows and the parameter values it ran with (after defaults)."""

    rows: pl.DataFrame
    params: Mapping[str, object]


class Database:
    """One in-memory DuckDB database per process over the store; a fresh cursor for every query."""

    def __init__(
        self,
        store: Store,
        memory_limit: str = "2GB",
        threads: int = 2,
        sandboxed: bool = True,
        memory_days: int | None = MEMORY_DAYS,
    ):
        """`sandboxed=False` leaves the configuration unlocked: only for the benchmark's profiler,
        which switches DuckDB's profiling on; never for the dashboard or the CLI. `memory_days`: the
        days of kecamatan rows kept in memory (None: no in-memory rollup, every query reads the files)."""
        self.store = store
        self.timeout = QUERY_TIMEOUT_S
        self._lock = threading.Lock()
        self._reference = store.reference_files()
        self._db = duckdb.connect(
            ":memory:",
            config={
                "memory_limit": memory_limit,
                "threads": threads,
                "temp_directory": str(store.data_dir / ".tmp"),
                # an ASOF join is never run as a nested loop: row estimates can be far too low
                "asof_loop_join_threshold": 0,
            },
        )
        self._snapshot: Snapshot | None = None
        self._latest: dict[tuple[str, str], date | None] = {}
        self._report_days: dict[tuple, tuple[date, ...]] = {}  # report_days, per version and question
        self._files_by_day: tuple[str, dict[date, str]] = ("", {})
        self._counted: tuple[str, bool] = ("", False)  # per version: are the warning counts complete
        self._version_seen: str | None = None
        self.results = ResultCache()  # the dashboard's frames (pantau.ui.query), keyed by store version
        # per store version: the in-memory rollup table (None: read the files), and when a newer
        # version replaced it (a table goes retire_after_s later: a reader may still hold a cursor)
        self._tables: dict[str, object] = {}  # a table name, None (files only) or _LOADING
        self._extra_tables: dict[str, dict[str, str | None]] = {}  # version -> kind -> table (None: files)
        self._replaced_at: dict[str, float] = {}
        self._loaders: dict[str, threading.Thread] = {}
        self._guard = threading.Lock()  # the bookkeeping above; self._lock is held while a table loads
        self._stopping = threading.Event()
        self._loading_cursor: duckdb.DuckDBPyConnection | None = None
        atexit.register(_stop_loading, weakref.ref(self))  # a process never waits for a load at exit
        self.retire_after_s = 2 * QUERY_TIMEOUT_S
        self.memory_days = memory_days
        with self._lock:
            cursor = self._db.cursor()
            # compressed when checkpointed: 45 MB instead of ~500 for 3.3 M rollup rows (see rollup_table)
            cursor.execute(f"ATTACH ':memory:' AS {MEMORY_DB} (COMPRESS, ROW_GROUP_SIZE {MEMORY_ROW_GROUP})")
            # views are bound against the empty schema files, so one damaged data file cannot stop start-up
            self._bind_files(cursor, Snapshot(version="skema", files={kind: () for kind in STORE_KINDS}), None)
            for name in STAGING:
                cursor.execute(_load_sql(QUERY_DIR / "staging" / f"{name}.sql"))
            # Parquet footers stay in memory between queries (store files never change in place).
            # GLOBAL: a plain SET holds for the cursor that ran it only, and every query has its own
            cursor.execute("SET GLOBAL parquet_metadata_cache = true")
            if sandboxed:
                sandbox(cursor, [store.data_dir])
            cursor.close()

    def snapshot(self) -> Snapshot:
        """The current version's files, re-read only when CURRENT changed."""
        version = self.store.current_version()
        if self._snapshot is None or version != self._version_seen:
            self._snapshot = self.store.snapshot()
            self._version_seen = version
        return self._snapshot

    @property
    def version(self) -> str:
        return self.snapshot().version

    def _bind_files(
        self,
        cursor: duckdb.DuckDBPyConnection,
        snapshot: Snapshot,
        last_day: date | None,
        source: str = FILES,
        extras: Mapping[str, str] | None = None,
        counted: bool | None = None,
    ) -> None:
        """Set the cursor's `versi`: the files of each kind, where the rollup, the print log and the
        warning counts are read from, and whether the warning counts are complete (`counted`, default:
        from `snapshot`, which must then list every warnings and counts file)."""
        ref = self._reference
        files = {
            "wilayah": [ref["wilayah"]],
            "libur": [ref["libur"]],
            "pemilu": list(snapshot.files["pemilu"]) or [ref["pemilu_bawaan"]],
        }
        for kind in ("rekam", "cetak", "peringatan", "agregat", "peringatan_harian"):
            # the empty schema file last: DuckDB estimates row counts from the first file, and an
            # estimate of zero rows makes it plan joins as nested loops
            files[kind] = [*snapshot.files[kind], ref[f"kosong_{kind}"]]
        # one variable (a struct) for all: each SET statement costs a few tenths of a millisecond
        versi = {
            **files,
            "agregat_akhir": last_day,
            "sumber_agregat": source,
            **{f"sumber_{kind}": (extras or {}).get(kind, view) for kind, view in EXTRA_FILES.items()},
            "peringatan_harian_lengkap": _warnings_counted(snapshot) if counted is None else counted,
        }
        cursor.execute("SET VARIABLE versi = $versi", {"versi": versi})

    def cursor(
        self,
        reports: Iterable[date] | None = None,
        question: tuple[str, Mapping[str, object]] | None = None,
        warning_months: tuple[str, str] | None = None,
        parts: str = "both",
    ) -> duckdb.DuckDBPyConnection:
        """A cursor bound to one consistent version of the store. The report files (`stg_rekam`)
        are those of the days in `reports` only, or all of them when None: binding a view over
        every report file costs time even when a question needs none of them. `question` (a query's
        name and checked values): the rollup (`stg_agregat`) from the version's in-memory table when
        that holds every row the question can select (`rollup_source`), else from the files.
        `parts`: the parts of `rekam_tingkat` bound, 'both', 'rollup' (no village part) or 'villages'
        (no rollup part; see rekam_tingkat_parts). `warning_months` ('YYYY-MM' first and
        last): the warnings files (`stg_peringatan`) of those months only, or all when None."""
        cursor = self._db.cursor()
        snapshot = self.snapshot()
        last_day = _last_day(snapshot, "agregat")
        source = self._rollup_source(snapshot, last_day, *question) if question else FILES
        extras = self._extra_sources(snapshot, last_day, *question) if question else {}
        files = dict(snapshot.files)
        if reports is not None:
            by_day = self._report_files(snapshot)
            files["rekam"] = tuple(by_day[day] for day in sorted(set(reports)) if day in by_day)
        if source != FILES:
            files["agregat"] = ()  # not read through this cursor
        if warning_months is not None:
            first, last = warning_months
            files["peringatan"] = tuple(
                path for path in files["peringatan"] if first <= f"{partition_day(path):%Y-%m}" <= last
            )
        for kind, table in extras.items():
            if table != EXTRA_FILES[kind]:
                files[kind] = ()
        trimmed = Snapshot(version=snapshot.version, files=files)
        self._bind_files(cursor, trimmed, last_day, source, extras, counted=self._counts_complete(snapshot))
        if _PARTS_MACRO[parts]:
            cursor.execute(_PARTS_MACRO[parts])
        return cursor

    def query_cursor(self, name: str, values: Mapping[str, object]) -> duckdb.DuckDBPyConnection:
        """The cursor `run` uses for a query with checked values: only the report files it needs, the
        in-memory rollup when it holds every row the query can select, no village part when the
        question stops at kecamatan, no rollup part when it is about villages only."""
        days = self.report_days(name, values)
        months = self.warning_months(name, values)
        return self.cursor(
            reports=days, question=(name, values), warning_months=months, parts=rekam_tingkat_parts(name, values)
        )

    def warning_months(self, name: str, values: Mapping[str, object]) -> tuple[str, str] | None:
        """The months ('YYYY-MM', first and last) of the warnings files a question reads, or None for
        every file. Binding a view over a file costs time even when no row of it is read: a question
        answered by the warning counts binds none ('', ''); one that lists warnings binds the months
        of its range, and the 200 newest only those from the day its 200 rows begin (from the counts)."""
        counted = self._counts_complete(self.snapshot())
        if counted and name not in WARNING_LISTS:
            return ("", "")
        if values.get("dari") and values.get("sampai"):
            first, last = values["dari"], values["sampai"]
        elif values.get("tanggal"):
            first, last = values["tanggal"] - timedelta(days=7), values["tanggal"]  # kualitas: a week
        else:
            return None
        if name == "peringatan_terbaru" and counted:
            first = max(first, self._newest_warnings_start(name, values) or first)
        return (f"{first:%Y-%m}", f"{last:%Y-%m}")

    def _newest_warnings_start(self, name: str, values: Mapping[str, object]) -> date | None:
        """The day from which the region's days up to `sampai` hold NEWEST_WARNINGS warnings (None: fewer)."""
        cursor = self.cursor(reports=(), question=(name, values), warning_months=("", ""))
        try:
            rows = cursor.execute(
                "SELECT tanggal, jumlah FROM peringatan_per_hari($wilayah, $dari, $sampai) ORDER BY tanggal DESC",
                {"wilayah": values["wilayah"], "dari": values["dari"], "sampai": values["sampai"]},
            ).fetchall()
        finally:
            cursor.close()
        total = 0
        for day, count in rows:
            total += count
            if total >= NEWEST_WARNINGS:
                return day
        return None

    def rollup_source(self, name: str, values: Mapping[str, object]) -> str:
        """Where a query with checked values reads the rollup now: `FILES` (the view over the files),
        or the current version's in-memory table."""
        snapshot = self.snapshot()
        return self._rollup_source(snapshot, _last_day(snapshot, "agregat"), name, values)

    def _rollup_source(self, snapshot: Snapshot, last_day: date | None, name: str, values: Mapping[str, object]) -> str:
        """The in-memory table holds every row of the levels above kecamatan, and the kecamatan rows
        from `memory_days` days before the rollup's last day; a query that reads kecamatan rows (a
        kecamatan or village region or level, kualitas, sasaran) and could select an older one reads
        the files."""
        if last_day is None or self.memory_days is None:
            return FILES
        codes = str(values.get("wilayah", "")).split(",")
        reads_kecamatan = (
            name in KECAMATAN_QUERIES
            or values.get("tingkat") in ("kecamatan", "desa")
            or any(len(code) >= 8 for code in codes)
        )
        if reads_kecamatan and not self._within_memory_days(last_day, name, values):
            return FILES
        return self.rollup_table(snapshot, last_day) or FILES

    def _within_memory_days(self, last_day: date, name: str, values: Mapping[str, object]) -> bool:
        """Does the earliest day a question can read (its earliest date, less how far back it looks)
        fall within the `memory_days` up to `last_day`, whose dated rows are kept in memory."""
        dates = [v for k, v in values.items() if k in DATE_PARAMETERS and isinstance(v, date)]
        earliest = min(dates, default=last_day) - timedelta(days=REACH_DAYS.get(name, 0))
        return earliest >= last_day - timedelta(days=self.memory_days)

    def _extra_sources(
        self, snapshot: Snapshot, last_day: date | None, name: str, values: Mapping[str, object]
    ) -> dict[str, str]:
        """Where a question reads the print log and the warning counts: the version's in-memory
        tables once loaded (the warning counts only when the question needs no village rows and no
        day before the kept ones), else the views over the files."""
        out = dict(EXTRA_FILES)
        tables = self._extra_tables.get(snapshot.version, {})  # filled when the version's load is done
        for kind in ("cetak", "stok"):
            if tables.get(kind):
                out[kind] = tables[kind]
        codes = str(values.get("wilayah", "")).split(",")
        villages = any(len(code) > 8 for code in codes) or (values.get("tingkat") == "desa" and name != "kualitas")
        if tables.get("peringatan_harian") and not villages and self._within_memory_days(last_day, name, values):
            out["peringatan_harian"] = tables["peringatan_harian"]
        return out

    def rollup_table(self, snapshot: Snapshot, last_day: date | None, wait: bool = False) -> str | None:
        """The in-memory rollup table of a version, or None while it is loading or when it cannot be
        (the queries then read the files).

        The first query that sees a version reads the files and, once answered, starts loading the
        table in a thread of its own, under the Database's lock (one load at a time); queries read the
        files until it is ready: loading takes seconds at national scale, which no query should wait
        for. `wait=True` starts the load now and waits for it (the benchmark's warm runs, tests).
        Tables of the versions it replaced are dropped once replaced for `retire_after_s` (a query
        never outlives that: the time limit stops it), so a reader that took a cursor on the old
        version keeps its rows."""
        version = snapshot.version
        if self.memory_days is None or last_day is None or not _VERSION.match(version):
            return None
        table = self._tables.get(version, _LOADING)
        if table is not _LOADING and not self._replaced_at:
            return table
        with self._guard:
            if version not in self._tables:
                self._tables[version] = _LOADING
                now = time.monotonic()
                for older in self._tables:
                    if older < version:  # version names sort in publish order
                        self._replaced_at.setdefault(older, now)
                    elif older > version:  # an old reader came late: its version is replaced already
                        self._replaced_at.setdefault(version, now)
                # started once the query that asked has its answer (`run`), not to slow that one down
                self._loaders[version] = threading.Thread(
                    target=self._load_rollup, args=(snapshot, last_day), name=f"rollup-{version}", daemon=True
                )
            loader = self._loaders.get(version)
            self._retire()
        if wait and loader is not None:
            self._start_loading()
            loader.join()
        table = self._tables.get(version)
        return None if table is _LOADING else table

    def _start_loading(self) -> None:
        with self._guard:
            for loader in self._loaders.values():
                if loader.ident is None:
                    loader.start()

    def _load_rollup(self, snapshot: Snapshot, last_day: date) -> None:
        """Load a version's table, a month file at a time (each sorted, then compressed by a checkpoint),
        so that the load never holds more than a month uncompressed; then its print log and warning
        counts (`_load_extras`)."""
        table = f"{MEMORY_DB}.agregat_{snapshot.version}"  # a version name (v + six digits), never a user's text
        start = last_day - timedelta(days=self.memory_days)
        result = None
        with self._lock, contextlib.closing(self._db.cursor()) as cursor:
            self._loading_cursor = cursor
            try:
                if snapshot.files["agregat"] and not self._stopping.is_set():
                    self._load_table(cursor, snapshot, last_day, "agregat", table, _MEMORY_ROWS, start)
                    result = table
            except duckdb.Error:  # e.g. a damaged file: the queries read the files, and say which one
                result = None
                with contextlib.suppress(duckdb.Error):
                    _drop_table(cursor, table)
            try:
                extras = self._load_extras(cursor, snapshot, last_day, start) if result is not None else {}
            finally:
                self._loading_cursor = None
        with self._guard:
            if snapshot.version in self._tables:
                self._tables[snapshot.version] = result
                self._extra_tables[snapshot.version] = extras
            else:  # retired while loading
                with contextlib.closing(self._db.cursor()) as cursor:
                    for name in [result, *extras.values()]:
                        if name is not None:
                            _drop_table(cursor, name)

    def _load_extras(
        self, cursor: duckdb.DuckDBPyConnection, snapshot: Snapshot, last_day: date, start: date
    ) -> dict[str, str | None]:
        """The version's print log and warning counts (above villages, from `start`) as in-memory
        tables, a file at a time, each followed by a checkpoint that compresses it; None for a kind
        that has no files or could not be read (its queries read the files and name a damaged one)."""
        loaded: dict[str, str | None] = {}
        for kind, rows in _EXTRA_ROWS.items():
            table = f"{MEMORY_DB}.{kind}_{snapshot.version}"  # a version name, never a user's text
            loaded[kind] = None
            if not snapshot.files[kind] or self._stopping.is_set():
                continue
            try:
                self._load_table(cursor, snapshot, last_day, kind, table, rows, start)
                loaded[kind] = table
            except duckdb.Error:
                with contextlib.suppress(duckdb.Error):
                    _drop_table(cursor, table)
        # each region's stock changes (stg_stok_berkas), from the print log just loaded: a window over
        # every region's history, which a question would otherwise compute each time
        loaded["stok"] = None
        if loaded.get("cetak") and not self._stopping.is_set():
            table = f"{MEMORY_DB}.stok_{snapshot.version}"
            try:
                self._bind_files(cursor, snapshot, last_day, FILES, extras={"cetak": loaded["cetak"]})
                cursor.execute(f"CREATE OR REPLACE TABLE {table} AS "  # noqa: S608 (our name)
                               "SELECT * FROM stg_stok_berkas ORDER BY tanggal, kode_wilayah")
                cursor.execute(f"CHECKPOINT {MEMORY_DB}")
                loaded["stok"] = table
            except duckdb.Error:
                with contextlib.suppress(duckdb.Error):
                    _drop_table(cursor, table)
        return loaded

    def _load_table(
        self,
        cursor: duckdb.DuckDBPyConnection,
        snapshot: Snapshot,
        last_day: date,
        kind: str,
        table: str,
        rows: str,
        start: date,
    ) -> None:
        """Create `table` from `rows` (a SELECT over a kind's files, `$mulai` = `start` if it uses it),
        one file at a time, each followed by a checkpoint that compresses it: the load never holds
        more than a file's rows uncompressed. Stops when the process is ending."""
        values = {"mulai": start} if "$mulai" in rows else {}
        self._bind_files(cursor, snapshot, last_day, FILES)
        cursor.execute(f"CREATE OR REPLACE TABLE {table} AS {rows} LIMIT 0", values)  # noqa: S608 (our name)
        for path in snapshot.files[kind]:
            if self._stopping.is_set():
                raise duckdb.InterruptException("the process is ending")
            one = Snapshot(snapshot.version, {**snapshot.files, kind: (path,)})
            self._bind_files(cursor, one, last_day, FILES)
            cursor.execute(f"INSERT INTO {table} {rows}", values)  # noqa: S608 (our name)
            cursor.execute(f"CHECKPOINT {MEMORY_DB}")

    def _retire(self) -> None:
        """Drop the tables of replaced versions whose time is up (called under the guard)."""
        now = time.monotonic()
        for version, since in list(self._replaced_at.items()):
            if now - since >= self.retire_after_s and self._tables.get(version) is not _LOADING:
                table = self._tables.pop(version)
                extras = self._extra_tables.pop(version, {})
                del self._replaced_at[version]
                self._loaders.pop(version, None)
                with contextlib.closing(self._db.cursor()) as cursor:
                    for name in [table, *extras.values()]:
                        if name is not None:
                            _drop_table(cursor, name)

    def wait_for_rollup(self) -> str | None:
        """Load the current version's in-memory rollup now if it is not yet, and return its table."""
        snapshot = self.snapshot()
        return self.rollup_table(snapshot, _last_day(snapshot, "agregat"), wait=True)

    def memory_tables(self) -> list[tuple[str, int]]:
        """(name, rows) of the in-memory rollup tables held now."""
        with contextlib.closing(self._db.cursor()) as cursor:
            return cursor.execute(
                "SELECT table_name, estimated_size FROM duckdb_tables() WHERE database_name = $db ORDER BY 1",
                {"db": MEMORY_DB},
            ).fetchall()

    def _counts_complete(self, snapshot: Snapshot) -> bool:
        if self._counted[0] != snapshot.version:
            self._counted = (snapshot.version, _warnings_counted(snapshot))
        return self._counted[1]

    def _report_files(self, snapshot: Snapshot) -> dict[date, str]:
        if self._files_by_day[0] != snapshot.version:
            files = snapshot.files["rekam"]
            self._files_by_day = (snapshot.version, {partition_day(path): path for path in files})
        return self._files_by_day[1]

    def report_days(self, name: str, values: Mapping[str, object]) -> list[date]:
        """The report dates whose files a query needs: none when the rollup answers it (every level
        down to kecamatan); for villages, each kecamatan's latest report as of the query's dates, its
        reports within a date range, and (ringkasan) its previous report."""
        if not needs_reports(name, values):
            return []
        codes = str(values.get("wilayah", "")).split(",")
        prefixes = [code[:8] for code in codes]
        points = [values[k] for k in ("tanggal", "banding", "dari", "sampai") if values.get(k)]
        if values.get("tanggal"):
            points.append(values["tanggal"] - timedelta(days=14))
        lo, hi = (values.get("dari"), values.get("sampai")) if name in RANGE_QUERIES else (None, None)
        sebelumnya = name == "ringkasan"
        # the same days for the same regions and dates of the same version: several questions of a
        # page (and a page shown again) share them, and working them out is a query of its own (~5 ms)
        key = (self.snapshot().version, tuple(prefixes), tuple(sorted(set(points))), lo, hi, sebelumnya)
        if key in self._report_days:
            return list(self._report_days[key])
        # constant bounds on code and day, so that the rollup's scan skips the rows of other regions and
        # days (a join on the prefixes or a semi-join on the days would read every kecamatan row)
        inside = " OR ".join(f"dalam_wilayah(a.kode_wilayah, $p{i})" for i in range(len(prefixes)))
        days = [*points, *([lo, hi] if lo and hi else [])]
        sql = _REPORT_DAYS.replace("/* dentro */", inside)  # numbered placeholders only, never a value
        # the rollup in memory when it holds every kecamatan row the question can reach (as for the query)
        cursor = self.cursor(reports=(), question=(name, values))
        try:
            params = {
                **{f"p{i}": prefix for i, prefix in enumerate(prefixes)},
                "points": points,
                "lo": lo,
                "hi": hi,
                "sebelumnya": sebelumnya,
                "awal": min(days, default=EARLIEST_DATE) - timedelta(days=92 if sebelumnya else 0),
                "akhir": max(days, default=LATEST_DATE),
            }
            found = [row[0] for row in cursor.execute(sql, params).fetchall() if row[0] is not None]
        except (duckdb.IOException, duckdb.InvalidInputException) as exc:
            raise _damaged(exc) from exc
        finally:
            cursor.close()
        self._report_days[key] = tuple(found)
        if len(self._report_days) > REPORT_DAYS_KEPT:
            self._report_days.pop(next(iter(self._report_days)), None)
        return found

    def latest_date(self, kind: str = "rekam") -> date | None:
        """The newest report date of a kind, or None for an empty store (kept per store version)."""
        snapshot = self.snapshot()
        key = (snapshot.version, kind)
        if key not in self._latest:
            if kind == "rekam":
                self._latest[key] = _last_day(snapshot, "rekam")
            else:
                cursor = self.cursor()
                try:
                    self._latest[key] = cursor.execute("SELECT max(tanggal) FROM stg_cetak").fetchone()[0]
                finally:
                    cursor.close()
            if len(self._latest) > 16:
                self._latest.pop(next(iter(self._latest)))
        return self._latest[key]

    def resolve(self, name: str, sql: str, params: Mapping[str, object] | None) -> dict[str, object]:
        """Checked parameter values for a query, defaults filled in."""
        given = dict(params or {})
        unknown = sorted(set(given) - set(PARAMETERS))
        if unknown:
            raise QueryError(f"Parameter tidak dikenal: {', '.join(k[:30] for k in unknown)}.")
        wanted = sql_parameters(sql)
        values: dict[str, object] = {}
        wilayah = parse_wilayah(given.get("wilayah"), allow_many=name in MULTI_REGION_QUERIES)
        values["wilayah"] = wilayah
        dates = {name: parse_date(name, given.get(name)) for name in DATE_PARAMETERS}
        kind = "cetak" if name in CETAK_QUERIES else "rekam"
        latest = None
        if dates["tanggal"] is None or (dates["sampai"] is None and "sampai" in wanted):
            latest = self.latest_date(kind) or date.today()
        tanggal = dates["tanggal"] or latest
        sampai = dates["sampai"] or (dates["tanggal"] or latest)
        values["tanggal"] = tanggal
        values["sampai"] = sampai
        values["dari"] = dates["dari"] or sampai - timedelta(days=RANGE_DAYS.get(name, DEFAULT_RANGE_DAYS))
        values["banding"] = dates["banding"] or tanggal - timedelta(days=7)
        if values["dari"] > values["sampai"]:
            raise QueryError("Tanggal 'dari' harus sebelum atau sama dengan 'sampai'.")
        values["tingkat"] = parse_tingkat(given.get("tingkat")) or child_level(wilayah.split(",")[0])
        if name in LEVEL_CHOICES:
            choices = LEVEL_CHOICES[name]
            values["tingkat"] = parse_tingkat(given.get("tingkat")) or choices[0]
            if values["tingkat"] not in choices:
                raise QueryError(f"Parameter tingkat untuk kueri {name} harus salah satu dari: {', '.join(choices)}.")
        if regions.LEVELS.index(values["tingkat"]) < regions.LEVELS.index(regions.level_of(wilayah.split(",")[0])):
            raise QueryError("Parameter tingkat harus sama dengan atau di bawah tingkat wilayah yang dipilih.")
        jumlah = parse_jumlah(given.get("jumlah"))
        values["jumlah"] = DEFAULT_TOP if jumlah is None else jumlah
        return {name: values[name] for name in wanted}

    def run(self, name: str, params: Mapping[str, object] | None = None) -> Result:
        """Run a query by name; raises QueryError for bad input, StoreError for a damaged store."""
        sql = query_sql(name)
        try:
            values = self.resolve(name, sql, params)
            cursor = self.query_cursor(name, values)
        except (duckdb.IOException, duckdb.InvalidInputException) as exc:
            raise _damaged(exc) from exc
        try:
            with time_limit(cursor, self.timeout):
                rows = pl.from_arrow(cursor.execute(sql, values).to_arrow_table())
        except (duckdb.IOException, duckdb.InvalidInputException) as exc:
            raise _damaged(exc) from exc
        except (duckdb.InterruptException, duckdb.OutOfMemoryException) as exc:
            raise _too_heavy(exc) from exc
        finally:
            cursor.close()
            self._start_loading()
        return Result(rows=rows, params=values)


def _drop_table(cursor: duckdb.DuckDBPyConnection, table: str) -> None:
    """Drop an in-memory rollup table; `table` is built from a version name (v + six digits), never a user's text."""
    cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _stop_loading(ref: weakref.ref) -> None:
    """At exit: stop a rollup load still running (it is of no use any more) and let its thread end.
    The loading cursor is interrupted again until the thread ends: an interrupt that arrives between
    two statements of the load does not stop the next one, and a daemon thread still inside DuckDB
    when the interpreter finalizes aborts the process."""
    db = ref()
    if db is None:
        return
    db._stopping.set()
    deadline = time.monotonic() + 10
    for loader in list(db._loaders.values()):
        while loader.ident is not None and loader.is_alive() and time.monotonic() < deadline:
            cursor = db._loading_cursor
            if cursor is not None:
                with contextlib.suppress(Exception):
                    cursor.interrupt()
            loader.join(timeout=0.1)


def needs_reports(name: str, values: Mapping[str, object]) -> bool:
    """Can a query with these values need the reports themselves (villages), or does the rollup,
    down to kecamatan, answer it whole (or the query never reads reports: print log, warnings)."""
    if not _READS_REPORTS.search(query_sql(name)):
        return False
    codes = str(values.get("wilayah", "")).split(",")
    return name in REPORT_QUERIES or values.get("tingkat") == "desa" or any(len(code) > 8 for code in codes)


def rekam_tingkat_parts(name: str, values: Mapping[str, object]) -> str:
    """Which parts of `rekam_tingkat` a query with these values can reach: 'rollup' (the question stops
    at kecamatan), 'villages' (it is about villages only) or 'both'."""
    if not needs_reports(name, values):
        return "rollup"
    return "villages" if villages_only(name, values) else "both"


def villages_only(name: str, values: Mapping[str, object]) -> bool:
    """Is every `rekam_tingkat` of a query with these values answered by its village part alone
    (perlu_laporan in queries/staging/macros.sql): every region a village, or every call at level
    `$tingkat` and that level 'desa'."""
    levels = _LEVEL_ARGUMENT.findall(query_sql(name))
    if not levels:
        return False
    codes = str(values.get("wilayah", "")).split(",")
    if all(len(code) > 8 for code in codes):
        return True
    return values.get("tingkat") == "desa" and all(level.strip() == "$tingkat" for level in levels)


def _warnings_counted(snapshot: Snapshot) -> bool:
    """Does every month of warnings have its counts (stg_peringatan_harian) in this version."""
    months = {partition_day(path) for path in snapshot.files["peringatan"]}
    return months <= {partition_day(path) for path in snapshot.files["peringatan_harian"]}


def _last_day(snapshot: Snapshot, kind: str) -> date | None:
    """The rollup ends on the newest report date, which names the newest report file."""
    if kind == "agregat":
        if snapshot.files["rekam"] and not snapshot.files["agregat"]:
            raise StoreError(
                "Data ini disimpan sebelum ringkasan per wilayah (agregat) ada. Jalankan "
                "`python -m pantau agregat` sekali untuk membangunnya."
            )
        files = snapshot.files["rekam"]
    else:
        files = snapshot.files[kind]
    if not files:
        return None
    return partition_day(files[-1])


def sandbox(cursor: duckdb.DuckDBPyConnection, directories: list[Path]) -> None:
    """Lock the database down for good: files only under `directories`, no extensions, no settings changes.

    Called once after the views exist. Even SQL injected past the parameter checks then cannot read
    /etc/passwd, write outside the data directory, ATTACH a file or INSTALL/LOAD an extension, and
    cannot undo any of this (or the memory and thread limits) with SET: the configuration is locked.
    """
    allowed = sorted({f"{p}/" for d in directories for p in (Path(d), Path(d).resolve())})
    cursor.execute("SET allowed_directories = $dirs", {"dirs": allowed})
    cursor.execute("SET autoinstall_known_extensions = false")
    cursor.execute("SET autoload_known_extensions = false")
    cursor.execute("SET enable_external_access = false")
    cursor.execute("SET lock_configuration = true")


@contextlib.contextmanager
def time_limit(cursor: duckdb.DuckDBPyConnection, seconds: float):
    """Interrupt what `cursor` runs once `seconds` have passed (DuckDB has no statement timeout)."""
    timer = threading.Timer(seconds, cursor.interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()  # the timer thread holds the cursor; let it go before the cursor is closed


def _too_heavy(exc: Exception) -> QueryError:
    """A query stopped by the time or memory limit, without DuckDB's text."""
    limit = "batas waktu" if isinstance(exc, duckdb.InterruptException) else "batas memori"
    return QueryError(
        f"Kueri dihentikan karena melampaui {limit}. Pilih wilayah yang lebih kecil atau rentang tanggal "
        "yang lebih pendek, lalu coba lagi; bila terus terjadi, hubungi admin."
    )


def _damaged(exc: Exception) -> StoreError:
    """A Parquet read failure as a message for the user, naming the file when DuckDB did."""
    damaged = _DAMAGED_FILE.search(str(exc))
    which = f" ({damaged.group(0)})" if damaged else ""
    if damaged and any(f"/{kind}/" in damaged.group(0) for kind in DERIVED_KINDS):
        remedy = "lalu bangun ulang ringkasan per wilayah dengan `python -m pantau agregat`."
    else:
        remedy = "lalu pulihkan dari cadangan atau kirim ulang data tanggal itu dengan --replace."
    return StoreError(
        f"Sebagian berkas data tidak dapat dibaca{which}. Jalankan `python -m pantau check` untuk melihat "
        f"berkas yang rusak, {remedy}"
    )


def run_query(store: Store, name: str, params: Mapping[str, object] | None = None) -> pl.DataFrame:
    """Convenience for one-off callers (CLI, tests): open, run, return the rows."""
    return Database(store, memory_days=None).run(name, params).rows  # one query: nothing to keep in memory
