"""The `sasaran` worklist query over the base fixture of tests/test_queries.py (real ingest, real DuckDB).

Hand-computed from the fixture (see the table at the top of tests/test_queries.py), Kabupaten Sragen
(33.14) as of 2024-01-20, belum = max(wajib - sudah, 0) per reporting unit:

    desa level (reporting units)                    kecamatan level
    33.14.02       Plupuh    2000/1950 -> 50        33.14.02 Plupuh     50
    33.14.01.2002  Trobayan   400/ 380 -> 20        33.14.01 Kalijambe  10 + 20 = 30 (700 / 670)
    33.14.01.2001  Keden      300/ 290 -> 10        33.14.03 Masaran     0 (500 / 521, not -21)
    33.14.03       Masaran    500/ 521 ->  0
    region total 80: shares 50/80 = 62,5%, 20/80 = 25%, 10/80 = 12,5%; cumulative 62,5 / 87,5 / 100

As of 2024-01-10 (dari): 33.14.01 1000/900 -> 100, 33.14.02 2000/1500 -> 500, 33.14.03 -> 0; the
villages of Kalijambe were not reported then (the kecamatan was), so at desa level they have no trend.
"""

from __future__ import annotations

from datetime import date

import pytest

from pantau.queries import Database, QueryError
from pantau.store import Store
from tests.test_queries import build_base

D = date.fromisoformat
COLUMNS = [
    "kode_wilayah",
    "nama_wilayah",
    "tingkat",
    "wajib_ktp",
    "sudah_rekam",
    "belum_rekam",
    "persen_rekam",
    "belum_rekam_dari",
    "perubahan_belum_rekam",
    "porsi_belum_rekam",
    "porsi_kumulatif",
    "tanggal_laporan",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Database:
    store = Store(tmp_path_factory.mktemp("sasaran"))
    build_base(store)
    return Database(store)


def rows(db: Database, **params) -> list[tuple]:
    return db.run("sasaran", params).rows.select(COLUMNS).rows()


def test_desa_level_lists_reporting_units_most_belum_rekam_first(db):
    assert rows(db, wilayah="33.14", tanggal="2024-01-20", dari="2024-01-10") == [
        ("33.14.02", "Plupuh", "kecamatan", 2000, 1950, 50, 97.5, 500, -450, 62.5, 62.5, D("2024-01-19")),
        ("33.14.01.2002", "Trobayan", "desa", 400, 380, 20, 95.0, None, None, 25.0, 87.5, D("2024-01-20")),
        ("33.14.01.2001", "Keden", "desa", 300, 290, 10, 96.67, None, None, 12.5, 100.0, D("2024-01-20")),
        ("33.14.03", "Masaran", "kecamatan", 500, 521, 0, 104.2, 0, 0, 0.0, 100.0, D("2024-01-10")),
    ]


def test_kecamatan_level_rolls_villages_up(db):
    assert rows(db, wilayah="33.14", tanggal="2024-01-20", dari="2024-01-10", tingkat="kecamatan") == [
        ("33.14.02", "Plupuh", "kecamatan", 2000, 1950, 50, 97.5, 500, -450, 62.5, 62.5, D("2024-01-19")),
        # 670 / 700 = 95,714...%; 30 - 100 = -70
        ("33.14.01", "Kalijambe", "kecamatan", 700, 670, 30, 95.71, 100, -70, 37.5, 100.0, D("2024-01-20")),
        ("33.14.03", "Masaran", "kecamatan", 500, 521, 0, 104.2, 0, 0, 0.0, 100.0, D("2024-01-10")),
    ]


def test_parent_names_rank_and_dates(db):
    frame = db.run("sasaran", {"wilayah": "33.14", "tanggal": "2024-01-20", "dari": "2024-01-10"}).rows
    assert frame["urutan"].to_list() == [1, 2, 3, 4]
    assert frame["nama_kecamatan"].to_list() == ["Plupuh", "Kalijambe", "Kalijambe", "Masaran"]
    assert frame["kode_kecamatan"].to_list() == ["33.14.02", "33.14.01", "33.14.01", "33.14.03"]
    assert set(frame["nama_kabkota"]) == {"Kabupaten Sragen"}
    assert set(frame["tanggal"]) == {D("2024-01-20")} and set(frame["tanggal_dari"]) == {D("2024-01-10")}


def test_defaults_desa_level_and_two_weeks_back(db):
    result = db.run("sasaran", {"wilayah": "33.14", "tanggal": "2024-01-20"})
    assert result.params["tingkat"] == "desa"
    assert result.params["dari"] == D("2024-01-06")
    # nothing was reported by 6 January: no trend for any unit
    assert result.rows["belum_rekam_dari"].null_count() == result.rows.height == 4
    # latest date by default: 2024-01-20
    assert db.run("sasaran", {"wilayah": "33.14"}).params["tanggal"] == D("2024-01-20")


def test_province_spans_regencies_and_shares_add_up(db):
    # Jawa Tengah, kecamatan level: Jatipuro 600, Jatiyoso 600 (Karanganyar, as of 01-10), Plupuh 50,
    # Kalijambe 30, Masaran 0; total 1280; Bogor (Jawa Barat) is outside
    frame = db.run("sasaran", {"wilayah": "33", "tanggal": "2024-01-20", "tingkat": "kecamatan"}).rows
    assert frame["kode_wilayah"].to_list() == ["33.13.01", "33.13.02", "33.14.02", "33.14.01", "33.14.03"]
    assert frame["belum_rekam"].to_list() == [600, 600, 50, 30, 0]
    assert frame["nama_kabkota"].to_list()[:3] == ["Kabupaten Karanganyar", "Kabupaten Karanganyar", "Kabupaten Sragen"]
    # 600 / 1280 = 46,875% and 1200 / 1280 = 93,75%; the list ends at exactly 100%
    assert frame["porsi_belum_rekam"][1] == pytest.approx(46.88, abs=0.006)
    assert frame["porsi_kumulatif"][1] == 93.75
    assert frame["porsi_kumulatif"][-1] == 100.0


def test_single_village_and_region_without_reports(db):
    assert rows(db, wilayah="33.14.01.2001", tanggal="2024-01-20", dari="2024-01-10") == [
        ("33.14.01.2001", "Keden", "desa", 300, 290, 10, 96.67, None, None, 100.0, 100.0, D("2024-01-20"))
    ]
    assert db.run("sasaran", {"wilayah": "35", "tanggal": "2024-01-20"}).rows.is_empty()


@pytest.mark.parametrize("tingkat", ["provinsi", "kabkota", "nasional"])
def test_only_kecamatan_or_desa(db, tingkat):
    with pytest.raises(QueryError, match="kecamatan"):
        db.run("sasaran", {"wilayah": "33", "tingkat": tingkat})


def test_level_above_the_region_is_refused(db):
    with pytest.raises(QueryError, match="di bawah"):
        db.run("sasaran", {"wilayah": "33.14.01.2001", "tingkat": "kecamatan"})


@pytest.mark.parametrize("tingkat", ["desa", "kecamatan"])
def test_first_jumlah_units_keep_the_whole_lists_shares_and_size(db, tingkat):
    params = {"wilayah": "33", "tanggal": "2024-01-20", "dari": "2024-01-10", "tingkat": tingkat}
    every = db.run("sasaran", {**params, "jumlah": 0}).rows
    first = db.run("sasaran", {**params, "jumlah": 2}).rows
    assert first.height == 2 and every.height > 2
    assert first.drop("jumlah_unit", "unit_kecamatan", "belum_rekam_wilayah").equals(
        every.head(2).drop("jumlah_unit", "unit_kecamatan", "belum_rekam_wilayah")
    )  # shares of the whole region, the comparison date's figures of the listed units
    size = first.select("jumlah_unit", "unit_kecamatan", "belum_rekam_wilayah").unique()
    assert size.rows() == [
        (every.height, every.filter(every["tingkat"] == "kecamatan").height, every["belum_rekam"].sum())
    ]
    assert db.run("sasaran", {**params, "jumlah": every.height + 5}).rows.equals(every)


def test_jumlah_defaults_to_the_dashboards_twenty(db, tmp_path):
    from pantau import queries

    result = db.run("sasaran", {"wilayah": "33"})
    assert result.params["jumlah"] == queries.DEFAULT_TOP == 20


@pytest.mark.parametrize("jumlah", [-1, "dua", "1.5", 10**7, True])
def test_bad_jumlah_is_refused(db, jumlah):
    with pytest.raises(QueryError, match="jumlah"):
        db.run("sasaran", {"wilayah": "33", "jumlah": jumlah})
