"""The rollup kept in memory per store version (`Database.rollup_table` in pantau/queries.py), and
`rekam_tingkat` without its village part for questions that cannot reach villages.

Over a small village-level demo of DI Yogyakarta (four months), a Database that keeps only the last
40 days of kecamatan rows in memory must answer every rollup question exactly as one that reads the
files, at every level and for dates inside and outside that window; a publish must move the queries to
the new version's table; and what is held must stay bounded whatever the history and the publishes.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pantau import demo
from pantau.ingest import ingest_frame
from pantau.queries import FILES, MEMORY_DB, Database, _last_day, query_sql, villages_only
from pantau.store import Store

START, END = date(2024, 3, 1), date(2024, 6, 30)
MEMORY_DAYS = 40


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("memori_demo")
    demo.build(Store(path), level="desa", provinces=["34"], start=START, end=END)
    return path


@pytest.fixture(scope="module")
def pair(demo_path) -> tuple[Database, Database]:
    """(in memory with a 40-day kecamatan window, files only) over the same store."""
    store = Store(demo_path)
    return Database(store, memory_days=MEMORY_DAYS), Database(store, memory_days=None)


def codes(db: Database) -> dict[str, str]:
    """A region of every level that has reports: Indonesia, DI Yogyakarta, a regency, a kecamatan, a village."""
    village = pl.read_parquet(db.snapshot().files["rekam"][-1])["kode_wilayah"].sort()[0]
    return {"nasional": "", "provinsi": "34", "kabkota": village[:5], "kecamatan": village[:8], "desa": village}


LEVELS = ("nasional", "provinsi", "kabkota", "kecamatan", "desa")


def cases(db: Database, level: str) -> list[tuple[str, str, dict]]:
    """(label, query, parameters) of every rollup question about the region of `level`, as of the last
    report, inside the window near its edge, outside it, and after the last report."""
    last = db.latest_date()
    days = {
        "terakhir": last,
        "tepi jendela": last - timedelta(days=MEMORY_DAYS - 10),  # 14 days before it (hitung_mundur) are outside
        "di luar jendela": last - timedelta(days=70),
        "sesudah laporan terakhir": last + timedelta(days=3),
    }
    code = codes(db)[level]
    names = ["ringkasan", "peringkat", "hitung_mundur", "risiko_anak", "kualitas"]
    if level in ("kecamatan", "desa"):
        names.append("sasaran")  # the worklist of a wider region lists every village: slow, same rollup rows
    out = []
    for when, day in days.items():
        for name in names:
            out.append((f"{name} {level} {when}", name, {"wilayah": code, "tanggal": day}))
        if level in ("nasional", "kabkota"):
            params = {"wilayah": code, "tanggal": day, "tingkat": "kecamatan"}
            out.append((f"peringkat {level} kecamatan {when}", "peringkat", params))
        for name, span in (("tren", 30), ("laporan_harian", 20)):
            params = {"wilayah": code, "sampai": day, "dari": day - timedelta(days=span)}
            out.append((f"{name} {level} {when}", name, params))
    return out


@pytest.mark.parametrize("level", LEVELS)
def test_answers_equal_with_and_without_the_in_memory_rollup(pair, level) -> None:
    memory, files = pair
    memory.wait_for_rollup()
    used = {"memori": 0, "berkas": 0}
    for label, name, params in cases(memory, level):
        try:
            expected = files.run(name, params).rows
        except Exception as exc:  # the same refusal (e.g. kualitas below kecamatan), or a bug
            with pytest.raises(type(exc)):
                memory.run(name, params)
            continue
        result = memory.run(name, params)
        try:
            assert_frame_equal(result.rows, expected, check_exact=True)
        except AssertionError as exc:
            raise AssertionError(f"{label}: {exc}") from None
        source = memory.rollup_source(name, result.params)
        used["berkas" if source == FILES else "memori"] += 1
        if name == "kualitas" and "di luar jendela" in label:
            assert source == FILES, f"{label}: kecamatan rows older than the window are only in the files"
        above = level in ("nasional", "provinsi", "kabkota") and result.params.get("tingkat") not in (
            "kecamatan",
            "desa",
        )
        if above and name != "kualitas":
            assert source != FILES, f"{label}: every row above kecamatan is in memory"
    assert used["memori"] >= 8, used
    if level in ("kecamatan", "desa"):
        assert used["berkas"] >= 4, used


def test_ringkasan_finds_a_previous_report_older_than_the_window(tmp_path) -> None:
    store = Store(tmp_path / "data")
    first = date(2024, 1, 1)
    ingest_frame(store, "rekam", sragen(first, 500), "awal.csv")
    ingest_frame(store, "rekam", sragen(first + timedelta(days=60), 600), "kedua.csv")
    db = Database(store, memory_days=30)
    row = db.run("ringkasan", {"wilayah": "33.14.01"}).rows.row(0, named=True)
    assert row["tanggal_sebelumnya"] == first and row["sudah_rekam_sebelumnya"] == 500


def test_the_table_holds_the_window_and_every_row_above_kecamatan(pair, demo_path) -> None:
    memory, _ = pair
    memory.wait_for_rollup()
    ((table, rows),) = [t for t in memory.memory_tables() if t[0].startswith("agregat_")]
    assert table == f"agregat_{memory.version}"
    rollup = pl.read_parquet(Store(demo_path).snapshot().files["agregat"])
    last = rollup["tanggal"].max()
    kept = rollup.filter((pl.col("tingkat") != "kecamatan") | (pl.col("tanggal") >= last - timedelta(days=MEMORY_DAYS)))
    assert rows == kept.height < rollup.height
    cursor = memory._db.cursor()
    held = cursor.sql("SELECT * EXCLUDE (bulan) FROM query_table($t)", params={"t": f"{MEMORY_DB}.{table}"}).pl()
    cursor.close()
    order = ["tingkat", "kode_wilayah", "tanggal"]
    assert_frame_equal(held.sort(order), kept.sort(order), check_dtypes=False)


def test_the_print_log_and_the_warning_counts_are_kept_in_memory_too(pair, demo_path) -> None:
    memory, _ = pair
    memory.wait_for_rollup()
    held = dict(memory.memory_tables())
    version = memory.version
    snapshot = Store(demo_path).snapshot()
    assert held[f"cetak_{version}"] == pl.read_parquet(snapshot.files["cetak"]).height
    counts = pl.read_parquet(snapshot.files["peringatan_harian"])
    last = pl.read_parquet(snapshot.files["agregat"])["tanggal"].max()
    kept = counts.filter(pl.col("tingkat") != "desa", pl.col("tanggal") >= last - timedelta(days=MEMORY_DAYS))
    assert held[f"peringatan_harian_{version}"] == kept.height < counts.height
    # one row per region and day with a stock figure: what stg_stok_berkas computes from the files
    reported = pl.read_parquet(snapshot.files["cetak"]).filter(pl.col("blangko_sisa").is_not_null())
    assert held[f"stok_{version}"] == reported.select("kode_wilayah", "tanggal").unique().height > 0


def print_and_warning_cases(db: Database) -> list[tuple[str, str, dict, str | None]]:
    """(label, query, parameters, kind expected in memory or None) of the print-log and warning questions."""
    last = db.latest_date()
    inside, outside = last - timedelta(days=MEMORY_DAYS - 10), last - timedelta(days=70)
    out = []
    for level, code in codes(db).items():
        for name in ("cetak_harian", "blangko_harian", "blangko_wilayah"):
            out.append((f"{name} {level}", name, {"wilayah": code}, "cetak"))
        village = level == "desa"
        for when, day in (("di dalam", inside), ("di luar", outside)):
            expect = None if village or when == "di luar" else "peringatan_harian"
            out.append((f"kualitas {level} {when}", "kualitas", {"wilayah": code, "tanggal": day}, expect))
            for name in ("laporan_harian", "peringatan_terbaru"):
                params = {"wilayah": code, "dari": day, "sampai": last}
                out.append((f"{name} {level} {when}", name, params, expect))
            tingkat = {"tingkat": "kecamatan"} if level in ("nasional", "provinsi", "kabkota") else {}
            params = {"wilayah": code, "dari": day, "sampai": last, **tingkat}
            out.append((f"peringatan_ringkas {level} {when}", "peringatan_ringkas", params,
                        expect if tingkat else None))
    return out


def test_print_log_and_warning_questions_answer_the_same_from_memory(pair) -> None:
    memory, files = pair
    memory.wait_for_rollup()
    for label, name, params, expect in print_and_warning_cases(memory):
        result = memory.run(name, params)
        try:
            assert_frame_equal(result.rows, files.run(name, params).rows, check_exact=True)
        except AssertionError as exc:
            raise AssertionError(f"{label}: {exc}") from None
        snapshot = memory.snapshot()
        sources = memory._extra_sources(snapshot, _last_day(snapshot, "agregat"), name, result.params)
        for kind in ("cetak", "peringatan_harian"):
            in_memory = sources[kind].startswith(f"{MEMORY_DB}.")
            if kind == "cetak":
                assert sources["stok"].startswith(f"{MEMORY_DB}."), f"{label}: stok should come from memory"
            if kind == expect:
                assert in_memory, f"{label}: {kind} should come from memory"
            elif kind == "peringatan_harian" and expect is None:
                assert not in_memory, f"{label}: {kind} needs rows the memory does not hold"


    # the counts are complete, so the questions read them (not the warnings), wherever they are kept
    cursor = memory.query_cursor("peringatan_ringkas", memory.resolve(
        "peringatan_ringkas", query_sql("peringatan_ringkas"), {"wilayah": "34"}))
    assert cursor.execute("SELECT getvariable('versi').peringatan_harian_lengkap").fetchone() == (True,)
    cursor.close()


def test_the_in_memory_rollup_loads_inside_the_sandbox(pair) -> None:
    memory, _ = pair
    assert memory.wait_for_rollup() is not None
    cursor = memory._db.cursor()
    settings = dict(
        cursor.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', 'lock_configuration')"
        ).fetchall()
    )
    cursor.close()
    assert settings == {"enable_external_access": "false", "lock_configuration": "true"}
    assert memory.memory_tables(), "the table is built by CREATE TABLE AS from the allowed Parquet files"


def sragen(day: date, sudah: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "tanggal": [day] * 2,
            "kode_wilayah": ["33.14.01", "33.14.02"],
            "wajib_ktp": [1000, 2000],
            "sudah_rekam": [sudah, 2 * sudah],
        }
    )


def test_a_publish_swaps_to_the_new_versions_table(tmp_path) -> None:
    store = Store(tmp_path / "data")
    first = date(2024, 5, 1)
    ingest_frame(store, "rekam", sragen(first, 500), "awal.csv")
    db = Database(store)
    files = Database(store, memory_days=None)
    old = db.version
    assert db.run("ringkasan", {"wilayah": "33.14"}).rows["sudah_rekam"].to_list() == [1500]
    db.wait_for_rollup()
    assert [t for t, _ in db.memory_tables()] == [f"agregat_{old}"]
    cursor_of_old = db.query_cursor("ringkasan", db.resolve("ringkasan", query_sql("ringkasan"), {"wilayah": "33.14"}))

    ingest_frame(store, "rekam", sragen(first + timedelta(days=1), 600), "kedua.csv")
    new = db.version
    assert new != old
    rows = db.run("ringkasan", {"wilayah": "33.14"}).rows  # from the files while the new table loads
    assert rows["sudah_rekam"].to_list() == [1800] and rows["tanggal_sebelumnya"].to_list() == [first]
    assert_frame_equal(rows, files.run("ringkasan", {"wilayah": "33.14"}).rows)
    assert db.wait_for_rollup() == f"{MEMORY_DB}.agregat_{new}"
    assert_frame_equal(db.run("ringkasan", {"wilayah": "33.14"}).rows, rows)
    assert db.rollup_source("ringkasan", {"wilayah": "33.14", "tanggal": first}) == f"{MEMORY_DB}.agregat_{new}"
    # a reader holding a cursor on the old version still reads the old version, whole
    assert [t for t, _ in db.memory_tables()] == [f"agregat_{old}", f"agregat_{new}"]
    sql, values = query_sql("ringkasan"), {"wilayah": "33.14", "tanggal": first + timedelta(days=1)}
    row = cursor_of_old.execute(sql, values).fetchall()[0]
    columns = [d[0] for d in cursor_of_old.description]
    cursor_of_old.close()
    assert dict(zip(columns, row, strict=True))["sudah_rekam"] == 1500  # the old version's, carried forward

    db.retire_after_s = 0  # normally two query time limits
    db.run("ringkasan", {"wilayah": "33.14"})
    assert [t for t, _ in db.memory_tables()] == [f"agregat_{new}"]


def test_memory_stays_bounded_over_many_publishes_and_a_long_history(tmp_path) -> None:
    store = Store(tmp_path / "data")
    first = date(2023, 1, 1)
    ingest_frame(store, "rekam", sragen(first, 100), "awal.csv")
    db = Database(store, memory_days=30)
    db.retire_after_s = 0
    for k in range(1, 6):
        # a report every 100 days: the rollup grows by 100 days each time
        ingest_frame(store, "rekam", sragen(first + timedelta(days=100 * k), 100 + k), f"v{k}.csv")
        db.run("peringkat", {"wilayah": "33.14"})
        db.wait_for_rollup()
        ((table, rows),) = db.memory_tables()  # one version's table only
        assert table == f"agregat_{db.version}"
        days = 100 * k + 1
        # every day of Indonesia, Jawa Tengah and Sragen; the two kecamatan for the last 31 days only
        assert rows == 3 * days + 2 * 31, (k, rows)
    cursor = db._db.cursor()
    used = cursor.execute(
        "SELECT sum(memory_usage_bytes) FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'"
    ).fetchall()[0][0]
    cursor.close()
    assert used < 16 * 2**20, f"{used} bytes held for a few thousand rows"


def test_a_damaged_rollup_file_leaves_the_queries_on_the_files(demo_path, tmp_path) -> None:
    path = tmp_path / "rusak"
    shutil.copytree(demo_path, path)
    store = Store(path)
    newest = Path(store.snapshot().files["agregat"][-1])
    newest.write_bytes(newest.read_bytes()[: newest.stat().st_size // 2])
    db = Database(store)
    with pytest.raises(Exception, match="agregat") as caught:
        db.run("ringkasan", {})
    assert not isinstance(caught.value, duckdb.Error), "the user gets the store's message, not DuckDB's"
    assert db.wait_for_rollup() is None and db.memory_tables() == []


@pytest.mark.parametrize(
    ("name", "params", "villages"),
    [
        ("peringkat", {"wilayah": ""}, False),
        ("peringkat", {"wilayah": "34", "tingkat": "kecamatan"}, False),
        ("ringkasan", {"wilayah": "34.01.01"}, False),
        ("peringkat", {"wilayah": "34.01.01"}, True),  # a kecamatan's children are villages
        ("ringkasan", {"wilayah": "34.01.01.2001"}, True),
        ("sasaran", {"wilayah": "34.01"}, True),
    ],
)
def test_the_village_part_of_rekam_tingkat_is_bound_only_when_the_question_can_reach_villages(
    pair, name, params, villages
) -> None:
    memory, _ = pair
    values = memory.resolve(name, query_sql(name), params)
    village = codes(memory)["desa"]
    cursor = memory.query_cursor(name, values)
    try:
        day = memory.latest_date()
        rows = cursor.execute(
            "SELECT count(*) FROM rekam_tingkat($w, $t, 'desa')", {"w": village[:8], "t": day}
        ).fetchall()[0][0]
    finally:
        cursor.close()
    assert (rows > 0) == villages


@pytest.mark.parametrize(
    ("name", "level", "tingkat", "only"),
    [
        ("peringkat", "kecamatan", None, True),  # a kecamatan's children are villages
        ("risiko_anak", "kecamatan", None, True),
        ("ringkasan", "desa", None, True),
        ("hitung_mundur", "desa", None, True),
        ("peringkat", "kabkota", "desa", True),
        ("ringkasan", "kecamatan", None, False),
        ("peringkat", "provinsi", "kecamatan", False),
        ("peringkat", "kabkota", None, False),
    ],
)
def test_the_rollup_part_is_left_out_only_for_questions_about_villages(pair, name, level, tingkat, only) -> None:
    memory, _ = pair
    sql = query_sql(name)
    params = {"wilayah": codes(memory)[level], **({"tingkat": tingkat} if tingkat else {})}
    values = memory.resolve(name, sql, params)
    assert villages_only(name, values) == only
    fast = memory.query_cursor(name, values)
    whole = memory.cursor(reports=memory.report_days(name, values), question=(name, values), parts="both")
    try:
        got = pl.DataFrame(fast.execute(sql, values).fetchall(), schema=[d[0] for d in fast.description], orient="row")
        want = pl.DataFrame(whole.execute(sql, values).fetchall(), schema=[d[0] for d in whole.description],
                            orient="row")
    finally:
        fast.close()
        whole.close()
    assert want.height
    assert_frame_equal(got, want)


def test_report_days_are_worked_out_again_for_a_new_version(tmp_path) -> None:
    # Database keeps report_days per store version: after a newer village report of the same
    # kecamatan is published, the same question (same region, same date) reads the new report
    from tests.test_queries import rekam_frame

    store = Store(tmp_path)
    ingest_frame(store, "rekam", rekam_frame("2024-01-20", [("33.14.01.2001", 300, 290), ("33.14.01.2002", 400, 380)]),
                 "a.csv")
    db = Database(store)
    params = {"wilayah": "33.14.01", "tanggal": "2024-01-25"}
    before = db.run("peringkat", params).rows
    assert before.filter(pl.col("kode_wilayah") == "33.14.01.2001")["sudah_rekam"].to_list() == [290]
    assert db.report_days("peringkat", db.run("peringkat", params).params) == [date(2024, 1, 20)]
    ingest_frame(store, "rekam", rekam_frame("2024-01-22", [("33.14.01.2001", 300, 299), ("33.14.01.2002", 400, 390)]),
                 "b.csv")
    after = db.run("peringkat", params).rows
    assert after.filter(pl.col("kode_wilayah") == "33.14.01.2001")["sudah_rekam"].to_list() == [299]
    assert date(2024, 1, 22) in db.report_days("peringkat", db.run("peringkat", params).params)
