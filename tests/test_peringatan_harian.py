"""Warnings counted per region and day at ingest (`peringatan_harian`, pantau/agregat.py).

The questions about warnings (laporan_harian, kualitas, peringatan_ringkas, peringatan_terbaru) read
these counts, and the warnings themselves only for a store written before the counts existed (and
peringatan_terbaru for the rows of the days it lists). Over a village-level demo of DI Yogyakarta (two months, with its
print log), every such question must answer exactly the same both ways, the counts must add up to
the warnings, and they must follow every change of the warnings: a replaced day, a store that had
none, a rebuild.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pantau import agregat, demo
from pantau.agregat import WARNING_KEYS, WARNING_LEVELS, sort_for_storage, summarise_warnings, warning_kind
from pantau.ingest import ingest_frame
from pantau.queries import Database, query_sql
from pantau.store import Store

START, END = date(2024, 9, 1), date(2024, 10, 31)
QUESTIONS = ("laporan_harian", "kualitas", "peringatan_ringkas", "peringatan_terbaru")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("peringatan_harian")
    demo.build(Store(path), level="desa", provinces=["34"], start=START, end=END)
    return path


def without_counts(source: Path, target: Path) -> Store:
    """A copy of a store whose current version has no warning counts (as one written before them)."""
    shutil.copytree(source, target)
    store = Store(target)
    with store.lock():
        store.publish(dict.fromkeys(store.relative_files("peringatan_harian")))
    assert not store.relative_files("peringatan_harian") and store.relative_files("peringatan")
    return store


@pytest.fixture(scope="module")
def raw_store(demo_path, tmp_path_factory) -> Store:
    return without_counts(demo_path, tmp_path_factory.mktemp("tanpa_hitungan") / "data")


def warnings_of(store: Store) -> pl.DataFrame:
    return pl.read_parquet(list(store.snapshot().files["peringatan"]))


def counts_of(store: Store) -> pl.DataFrame:
    return pl.read_parquet(list(store.snapshot().files["peringatan_harian"]))


def regions(store: Store) -> dict[str, str]:
    village = warnings_of(store).filter(pl.col("jenis_data") == "rekam")["kode_wilayah"].sort()[0]
    return {"nasional": "", "provinsi": "34", "kabkota": village[:5], "kecamatan": village[:8], "desa": village}


def test_the_demo_has_warnings_of_several_kinds_and_levels(demo_path):
    warnings = warnings_of(Store(demo_path))
    kinds = warnings.select(warning_kind(pl.col("aturan")).alias("k"))["k"].unique()
    assert kinds.len() >= 2
    assert set(warnings["jenis_data"]) >= {"rekam"}
    assert warnings["kode_wilayah"].str.len_chars().max() == 13  # villages


def test_counts_add_up_to_the_warnings_at_every_level(demo_path):
    store = Store(demo_path)
    warnings, counts = warnings_of(store), counts_of(store)
    for level, length in WARNING_LEVELS.items():
        expected = (
            warnings.group_by("tanggal", "jenis_data", pl.col("kode_wilayah").str.slice(0, length))
            .len("jumlah")
            .sort("tanggal", "jenis_data", "kode_wilayah")
        )
        got = (
            counts.filter(pl.col("tingkat") == level)
            .group_by("tanggal", "jenis_data", "kode_wilayah")
            .agg(pl.col("jumlah").sum())
            .sort("tanggal", "jenis_data", "kode_wilayah")
        )
        assert_frame_equal(got, expected, check_dtypes=False)
    # one file per month of warnings, sorted as the coverage rollup (level, code, day)
    months = {Path(p).parent.name for p in store.snapshot().files["peringatan"]}
    assert {Path(p).parent.name for p in store.snapshot().files["peringatan_harian"]} == months
    first = pl.read_parquet(store.snapshot().files["peringatan_harian"][0])
    assert first.equals(sort_for_storage(first.sample(fraction=1.0, shuffle=True, seed=1), *WARNING_KEYS))
    assert first["tingkat"].unique().sort().to_list() == sorted(WARNING_LEVELS)


def test_the_kind_of_a_warning_is_the_same_in_polars_and_in_sql(demo_path):
    texts = warnings_of(Store(demo_path))["aturan"].unique().to_list() + [
        "sudah_rekam turun dari 31054 pada laporan 2024-04-01; data tetap disimpan",
        "nilai (di luar 0-100) 12,5 terlalu besar",
        "  spasi   (a) 1.2.3 ",
        "tanpa angka",
        "",
    ]
    ours = pl.select(warning_kind(pl.Series("aturan", texts))).to_series().to_list()
    sql = duckdb.execute(
        """SELECT trim(regexp_replace(
                   regexp_replace(regexp_replace(a, ';.*$', ''), '\\s*\\([^)]*\\)', '', 'g'),
                   '[0-9][0-9.,:-]*', '…', 'g'))
           FROM (SELECT unnest($t) AS a, generate_subscripts($t, 1) AS i) ORDER BY i""",
        {"t": texts},
    ).fetchall()
    assert ours == [row[0] for row in sql]


def cases(store: Store) -> list[tuple[str, str, dict]]:
    last = Database(store, memory_days=None).latest_date()
    out = []
    for level, code in regions(store).items():
        for name in QUESTIONS:
            if name == "kualitas":
                for day in (last, last - timedelta(days=33), last + timedelta(days=2)):
                    out.append((f"{name} {level} {day}", name, {"wilayah": code, "tanggal": day}))
                if level in ("nasional", "provinsi"):
                    out.append((f"{name} {level} kecamatan", name, {"wilayah": code, "tingkat": "kecamatan"}))
            elif name == "peringatan_ringkas":
                tingkat = ["kabkota", "kecamatan", "desa"] if level in ("nasional", "provinsi") else [None]
                for t in tingkat:
                    params = {"wilayah": code, "dari": START, "sampai": last} | ({"tingkat": t} if t else {})
                    out.append((f"{name} {level} {t}", name, params))
            else:
                for dari, sampai in ((START, last), (last - timedelta(days=3), last), (START, START + timedelta(10))):
                    out.append((f"{name} {level} {dari}..{sampai}", name,
                                {"wilayah": code, "dari": dari, "sampai": sampai}))
    return out


def test_every_question_answers_the_same_from_the_counts_and_from_the_warnings(demo_path, raw_store):
    counted, raw = Database(Store(demo_path)), Database(raw_store)
    checked = 0
    for label, name, params in cases(Store(demo_path)):
        ours = counted.run(name, params).rows
        theirs = raw.run(name, params).rows
        try:
            assert_frame_equal(ours, theirs, check_dtypes=False)
        except AssertionError as exc:
            raise AssertionError(f"{label}: {exc}") from None
        checked += ours.height
    assert checked > 1000


def test_the_newest_warnings_read_only_their_days(demo_path):
    """peringatan_terbaru starts at the day from which 200 warnings are reached: nationally the
    newest day or two, not the whole range."""
    db = Database(Store(demo_path))
    last = db.latest_date()
    rows = db.run("peringatan_terbaru", {"wilayah": "", "dari": START, "sampai": last}).rows
    assert rows.height == 200 and rows["tanggal"].max() == last
    per_day = warnings_of(Store(demo_path)).group_by("tanggal").len().sort("tanggal", descending=True)
    needed = per_day.filter(pl.col("len").cum_sum().shift(1, fill_value=0) < 200)["tanggal"]
    assert set(rows["tanggal"]) == set(needed)


def test_a_store_without_counts_answers_from_the_warnings_then_catches_up_on_its_next_publish(
    demo_path, tmp_path
):
    store = without_counts(demo_path, tmp_path / "data")
    db = Database(store)
    before = db.run("peringatan_ringkas", {"wilayah": "34", "dari": START, "sampai": END}).rows
    assert before["jumlah"].sum() == warnings_of(store).height
    # the next publish (here: a print log day) counts every month, not only the one it changed
    day = pl.read_parquet(store.snapshot().files["cetak"][-1]).filter(pl.col("tanggal") == END)
    ingest_frame(store, "cetak", day.drop("tingkat"), "cetak-ulang", replace=True)
    assert {Path(p).parent.name for p in store.snapshot().files["peringatan_harian"]} == {
        Path(p).parent.name for p in store.snapshot().files["peringatan"]
    }
    assert_frame_equal(counts_of(store).sort(pl.all()), counts_of(Store(demo_path)).sort(pl.all()))
    after = db.run("peringatan_ringkas", {"wilayah": "34", "dari": START, "sampai": END}).rows
    assert_frame_equal(after, before)


def test_a_replaced_day_changes_its_counts(demo_path, tmp_path):
    shutil.copytree(demo_path, tmp_path / "data")
    store = Store(tmp_path / "data")
    last_file = store.snapshot().files["rekam"][-1]
    day = pl.read_parquet(last_file)
    over_100 = day.filter(pl.col("sudah_rekam") > pl.col("wajib_ktp"))
    kecamatan = over_100.group_by("kode_kecamatan").len().sort("len", "kode_kecamatan", descending=True)[0, 0]
    fixed = day.filter(pl.col("kode_kecamatan") == kecamatan).with_columns(
        wajib_ktp=pl.max_horizontal("wajib_ktp", pl.col("sudah_rekam") + 1)
    )
    when = fixed["tanggal"][0]
    over = warnings_of(store).filter(pl.col("tanggal") == when, pl.col("kode_kecamatan") == kecamatan).height
    assert over > 0  # the demo has villages above 100% there
    ingest_frame(store, "rekam", fixed.drop("kode_kecamatan"), "koreksi", replace=True)
    counts = counts_of(store).filter(pl.col("tanggal") == when, pl.col("tingkat") == "kecamatan",
                                     pl.col("kode_wilayah") == kecamatan)
    left = warnings_of(store).filter(pl.col("tanggal") == when, pl.col("kode_kecamatan") == kecamatan).height
    assert left < over and counts["jumlah"].sum() == left
    recounted = pl.concat([summarise_warnings(pl.read_parquet(p)) for p in store.snapshot().files["peringatan"]])
    assert_frame_equal(counts_of(store).sort(pl.all()), recounted.sort(pl.all()))


def test_rebuild_recounts_every_month(demo_path, tmp_path):
    store = without_counts(demo_path, tmp_path / "data")
    agregat.rebuild(store)
    assert_frame_equal(counts_of(store).sort(pl.all()), counts_of(Store(demo_path)).sort(pl.all()))


def test_only_the_warnings_files_a_question_lists_are_bound(demo_path, raw_store):
    db = Database(Store(demo_path))
    last = db.latest_date()
    values = db.resolve("peringatan_terbaru", query_sql("peringatan_terbaru"),
                        {"wilayah": "34", "dari": START, "sampai": last})
    per_day = warnings_of(Store(demo_path)).group_by("tanggal").len().sort("tanggal", descending=True)
    start = per_day.filter(pl.col("len").cum_sum() >= 200)["tanggal"][0]
    assert db.warning_months("peringatan_terbaru", values) == (f"{start:%Y-%m}", f"{last:%Y-%m}")
    # questions answered by the counts bind no warnings file; without the counts, those of their range
    kualitas = db.resolve("kualitas", query_sql("kualitas"), {"wilayah": "34", "tanggal": last})
    assert db.warning_months("kualitas", kualitas) == ("", "")
    before = last - timedelta(days=7)
    assert Database(raw_store).warning_months("kualitas", kualitas) == (f"{before:%Y-%m}", f"{last:%Y-%m}")
    cursor = db.query_cursor("kualitas", kualitas)
    bound = cursor.execute("SELECT getvariable('versi').peringatan").fetchone()[0]
    cursor.close()
    assert [Path(p).name for p in bound] == ["kosong_peringatan.parquet"]


def test_the_counts_are_written_in_large_row_groups(demo_path):
    """A kecamatan's villages over a year are a short run of rows in each of many month files: DuckDB
    checks every row group's statistics, so fewer, larger groups make that read cheap."""
    import pyarrow.parquet as pq

    from pantau.store import ROW_GROUP_ROWS_BY_KIND

    path = Store(demo_path).snapshot().files["peringatan_harian"][-1]
    meta = pq.ParquetFile(path).metadata
    assert meta.num_rows > 4096
    assert meta.num_row_groups == -(-meta.num_rows // ROW_GROUP_ROWS_BY_KIND["peringatan_harian"])


def test_undo_recounts_the_warnings_it_restores(demo_path, tmp_path):
    """The counts are derived like the rollup: not kept for undo, recounted from the restored warnings."""
    from pantau import audit

    shutil.copytree(demo_path, tmp_path / "data")
    store = Store(tmp_path / "data")
    before = counts_of(store)
    day = pl.read_parquet(store.snapshot().files["rekam"][-1])
    fixed = day.with_columns(wajib_ktp=pl.max_horizontal("wajib_ktp", pl.col("sudah_rekam") + 1))
    ingest_frame(store, "rekam", fixed.drop("kode_kecamatan"), "koreksi", replace=True)
    assert counts_of(store)["jumlah"].sum() < before["jumlah"].sum()
    entry = audit.entries(store)[-1]
    assert not any(rel.startswith("peringatan_harian/") for rel in entry.partisi)
    audit.undo(store, actor="admin@example.org")
    assert_frame_equal(counts_of(store).sort(pl.all()), before.sort(pl.all()))
