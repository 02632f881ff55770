"""The queries behind the countdown and trend pages: `risiko_anak` and `kalender_pemilu`.

Every expected number is computed by hand from the fixture below (arithmetic in the comments).
Codes are real Kemendagri codes: 33.14 Kabupaten Sragen (kecamatan 01 Kalijambe, 02 Plupuh,
03 Masaran, 04 Kedawung), 33.13 Kabupaten Karanganyar (01 Jatipuro).

    2024-01-01  33.14.01 wajib 1000 sudah  800     2024-01-15  33.14.01 wajib 1000 sudah  870
                33.14.02      2000       1900                  33.14.02      2000       1914
                33.14.03       500        400                  33.14.03       500        400
                                                               33.14.04       100         99   (first report)
                                                               33.13.01      3000       2900   (first report)

Calendar (ingested with replace, so it replaces the built-in one):
    Pilkada Sragen       2024-01-25  cakupan 33.14  target 98
    Pilkada Karanganyar  2024-01-20  cakupan 33.13  no target
    Pemilu Uji           2024-03-01  national       target 98
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pantau.ingest import ingest_frame
from pantau.queries import Database
from pantau.store import Store

D = date.fromisoformat

REKAM_0101 = [("33.14.01", 1000, 800), ("33.14.02", 2000, 1900), ("33.14.03", 500, 400)]
REKAM_0115 = [("33.14.01", 1000, 870), ("33.14.02", 2000, 1914), ("33.14.03", 500, 400), ("33.14.04", 100, 99),
              ("33.13.01", 3000, 2900)]
KALENDER = {
    "nama": ["Pilkada Sragen", "Pilkada Karanganyar", "Pemilu Uji"],
    "tanggal": ["2024-01-25", "2024-01-20", "2024-03-01"],
    "cakupan": ["33.14", "33.13", ""],
    "target_persen": ["98", "", "98"],
    "catatan": ["uji", "tanpa target", "uji"],
}


def rekam_frame(day: str, rows: list[tuple[str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame({
        "tanggal": [D(day)] * len(rows),
        "kode_wilayah": [r[0] for r in rows],
        "wajib_ktp": [r[1] for r in rows],
        "sudah_rekam": [r[2] for r in rows],
    })


def build_risiko(store: Store, calendar: bool = True) -> None:
    """The fixture of this module, also used by the page tests."""
    ingest_frame(store, "rekam", rekam_frame("2024-01-01", REKAM_0101), "rekam_0101.csv")
    ingest_frame(store, "rekam", rekam_frame("2024-01-15", REKAM_0115), "rekam_0115.csv")
    if calendar:
        ingest_frame(store, "pemilu", pl.DataFrame(KALENDER), "kalender.csv", replace=True)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Database:
    store = Store(tmp_path_factory.mktemp("risiko"))
    build_risiko(store)
    return Database(store)


@pytest.fixture(scope="module")
def db_bawaan(tmp_path_factory) -> Database:
    store = Store(tmp_path_factory.mktemp("bawaan"))
    build_risiko(store, calendar=False)
    return Database(store)


def q(db: Database, name: str, **params) -> pl.DataFrame:
    return db.run(name, params).rows


COLUMNS = ("kode_wilayah", "wajib_ktp", "sudah_rekam", "belum_rekam", "persen_rekam", "laju_harian", "kebutuhan_harian",
           "proyeksi_persen", "target_persen", "selisih_target", "kekurangan_proyeksi")

RISIKO_CASES = {
    "kecamatan sragen H-10": (
        "33.14",
        "2024-01-15",
        None,
        ("Pilkada Sragen", D("2024-01-25"), 10),
        [
            # 400 / 500 = 80%; no gain in 14 days; need (0.98 * 500 - 400) / 10 = 9; projected 80%: 98 - 80 = 18
            # points short, 490 - 400 = 90 people short
            ("33.14.03", 500, 400, 100, 80.0, 0.0, 9.0, 80.0, 98.0, -18.0, 90),
            # (870 - 800) / 14 = 5/day; need (980 - 870) / 10 = 11; (870 + 5 * 10) / 1000 = 92%; 980 - 920 = 60
            ("33.14.01", 1000, 870, 130, 87.0, 5.0, 11.0, 92.0, 98.0, -6.0, 60),
            # (1914 - 1900) / 14 = 1/day; need (1960 - 1914) / 10 = 4.6; (1914 + 10) / 2000 = 96.2%; 1960 - 1924 = 36
            ("33.14.02", 2000, 1914, 86, 95.7, 1.0, 4.6, 96.2, 98.0, -1.8, 36),
            # no report on 01-01: no pace; 99 / 100 = 99% is already above 98%: nothing needed, 1 point above
            ("33.14.04", 100, 99, 1, 99.0, None, 0.0, 99.0, 98.0, 1.0, 0),
        ],
    ),
    "kabupaten jawa tengah, pemilu nasional H-46": (
        "33",
        "2024-01-15",
        None,
        # Pilkada Sragen does not concern the whole province; 01-15 to 03-01 = 16 + 29 + 1 = 46 days
        ("Pemilu Uji", D("2024-03-01"), 46),
        [
            # Karanganyar: first report on 01-15, no pace; 2900 / 3000 = 96.667%; need (2940 - 2900) / 46 = 0.8696;
            # 96.67 - 98 = -1.33 points; 2940 - 2900 = 40 people
            ("33.13", 3000, 2900, 100, 96.67, None, 0.87, 96.67, 98.0, -1.33, 40),
            # Sragen: 1000+2000+500+100 = 3600, 870+1914+400+99 = 3283, belum 130+86+100+1 = 317; 91.194%;
            # 14 days before: 3100 recorded, so (3283 - 3100) / 14 = 13.071/day (the new kecamatan counts as gain);
            # need (3528 - 3283) / 46 = 5.326; projected (3283 + 183 / 14 * 46) / 3600 = 3884.29 / 3600 = 107.897%
            ("33.14", 3600, 3283, 317, 91.19, 13.07, 5.33, 107.9, 98.0, 9.9, 0),
        ],
    ),
    "pemilu tanpa target": (
        "33.13",
        "2024-01-15",
        None,
        ("Pilkada Karanganyar", D("2024-01-20"), 5),
        [("33.13.01", 3000, 2900, 100, 96.67, None, None, 96.67, None, None, None)],
    ),
    "hari H": (
        "33.14",
        "2024-01-25",
        None,
        # no day left: no daily need, the projection is today's coverage; 14 days before (01-11) = the 01-01 reports
        ("Pilkada Sragen", D("2024-01-25"), 0),
        [
            ("33.14.03", 500, 400, 100, 80.0, 0.0, None, 80.0, 98.0, -18.0, 90),
            ("33.14.01", 1000, 870, 130, 87.0, 5.0, None, 87.0, 98.0, -11.0, 110),
            ("33.14.02", 2000, 1914, 86, 95.7, 1.0, None, 95.7, 98.0, -2.3, 46),
            ("33.14.04", 100, 99, 1, 99.0, None, None, 99.0, 98.0, 1.0, 0),
        ],
    ),
}


@pytest.mark.parametrize(("wilayah", "tanggal", "tingkat", "pemilu", "expected"), RISIKO_CASES.values(),
                         ids=RISIKO_CASES.keys())
def test_risiko_anak(db, wilayah, tanggal, tingkat, pemilu, expected):
    rows = q(db, "risiko_anak", wilayah=wilayah, tanggal=tanggal, tingkat=tingkat)
    assert rows["kode_wilayah"].to_list() == [e[0] for e in expected], "sorted by gap, lowest first"
    for row, values in zip(rows.iter_rows(named=True), expected, strict=True):
        assert (row["nama_pemilu"], row["tanggal_pemilu"], row["hari_tersisa"]) == pemilu
        assert row["tanggal"] == D(tanggal)
        got = {k: row[k] for k in COLUMNS}
        assert got == pytest.approx(dict(zip(COLUMNS, values)))


def test_risiko_anak_at_a_lower_level(db):
    rows = q(db, "risiko_anak", wilayah="33", tanggal="2024-01-15", tingkat="kecamatan")
    # the five kecamatan with data, 46 days before Pemilu Uji: Masaran 400 / 500 = 80% (-18); Jatipuro 96,67%
    # (-1,33); Plupuh (1914 + 46) / 2000 = 98% (0); Kedawung 99% (+1); Kalijambe (870 + 5 * 46) / 1000 = 110% (+12)
    assert set(rows["tingkat"]) == {"kecamatan"}
    assert rows["kode_wilayah"].to_list() == ["33.14.03", "33.13.01", "33.14.02", "33.14.04", "33.14.01"]
    assert rows["selisih_target"].to_list() == pytest.approx([-18.0, -1.33, 0.0, 1.0, 12.0])
    assert rows["nama_wilayah"][0] == "Masaran"


def test_risiko_anak_children_without_data_are_not_listed(db):
    # Sragen has 20 kecamatan in the master; only the four that reported appear
    assert q(db, "risiko_anak", wilayah="33.14", tanggal="2024-01-15").height == 4


def test_risiko_anak_without_an_election_ahead(db):
    assert q(db, "risiko_anak", wilayah="33.14", tanggal="2024-03-02").height == 0


def test_risiko_anak_before_any_data(db):
    assert q(db, "risiko_anak", wilayah="33.14", tanggal="2023-12-01").height == 0


def test_risiko_anak_defaults_to_the_latest_report(db):
    rows = q(db, "risiko_anak", wilayah="33.14")
    assert rows["tanggal"].unique().to_list() == [D("2024-01-15")]


KALENDER_CASES = {
    "kabupaten dengan pilkada": ("33.14", ["Pilkada Sragen", "Pemilu Uji"]),
    "kecamatan di dalam kabupaten dengan pilkada": ("33.13.01", ["Pilkada Karanganyar", "Pemilu Uji"]),
    "provinsi: hanya pemilu nasional": ("33", ["Pemilu Uji"]),
    "nasional": ("", ["Pemilu Uji"]),
}


@pytest.mark.parametrize(("wilayah", "expected"), KALENDER_CASES.values(), ids=KALENDER_CASES.keys())
def test_kalender_pemilu(db, wilayah, expected):
    rows = q(db, "kalender_pemilu", wilayah=wilayah)
    assert rows["nama"].to_list() == expected


def test_kalender_pemilu_columns(db):
    row = q(db, "kalender_pemilu", wilayah="33.13").row(0, named=True)
    assert row == {"nama": "Pilkada Karanganyar", "tanggal": D("2024-01-20"), "cakupan": "33.13",
                   "target_persen": None, "catatan": "tanpa target"}


def test_kalender_pemilu_built_in(db_bawaan):
    rows = q(db_bawaan, "kalender_pemilu", wilayah="33.14")
    assert rows["tanggal"].to_list() == [D("2019-04-17"), D("2020-12-09"), D("2024-02-14"), D("2024-11-27")]
    assert rows["target_persen"].to_list() == [98.0] * 4
