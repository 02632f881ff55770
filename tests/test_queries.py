"""The dashboard queries over small stores built through the real ingest path.

Every expected number below was computed by hand from the fixture rows (the arithmetic is in the
comments), never by running the same SQL. Codes are real Kemendagri codes: 33 Jawa Tengah,
33.14 Kabupaten Sragen, 33.13 Kabupaten Karanganyar, 32.01 Kabupaten Bogor (Jawa Barat).

The base fixture, report by report:

    2024-01-10  kecamatan  33.14.01 Kalijambe  wajib 1000  sudah  900
                           33.14.02 Plupuh     wajib 2000  sudah 1500
                           33.14.03 Masaran    wajib  500  sudah  521   (above 100%: a warning)
    2024-01-10  kecamatan  33.13.01 Jatipuro   wajib 3000  sudah 2400
                           33.13.02 Jatiyoso   wajib 3000  sudah 2400
    2024-01-19  kecamatan  33.14.02 Plupuh     wajib 2000  sudah 1950   (warns: 33.14.01, 33.14.03 missing)
    2024-01-19  kecamatan  32.01.01 Cibinong   wajib 1000  sudah  990
    2024-01-20  desa       33.14.01.2001 Keden     wajib 300  sudah 290  (replaces the kecamatan figure
                           33.14.01.2002 Trobayan  wajib 400  sudah 380   of Kalijambe; its 12 other
                                                                           villages count as not reported)

As of 2024-01-20 per kecamatan (wajib / sudah / belum = max(wajib - sudah, 0) per unit):
    33.14.01  700 /  670 /  30  (villages 10 + 20)      latest 01-20
    33.14.02 2000 / 1950 /  50                           latest 01-19
    33.14.03  500 /  521 /   0  (not -21)                latest 01-10, stale (01-10 < 01-13)
    33.13.01 3000 / 2400 / 600                           latest 01-10, stale
    33.13.02 3000 / 2400 / 600                           latest 01-10, stale
    32.01.01 1000 /  990 /  10                           latest 01-19
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pantau.ingest import ingest_frame
from pantau.queries import QUERY_DIR, STAGING, Database, QueryError, query_names, run_query, sql_parameters
from pantau.store import Store

D = date.fromisoformat

SRAGEN_0110 = [("33.14.01", 1000, 900), ("33.14.02", 2000, 1500), ("33.14.03", 500, 521)]
KARANGANYAR_0110 = [("33.13.01", 3000, 2400), ("33.13.02", 3000, 2400)]
SRAGEN_0119 = [("33.14.02", 2000, 1950)]
BOGOR_0119 = [("32.01.01", 1000, 990)]
KALIJAMBE_DESA_0120 = [("33.14.01.2001", 300, 290), ("33.14.01.2002", 400, 380)]

# print log: (tanggal, kode_wilayah, layanan, tercetak, permohonan, rekam_baru, blangko_diterima, blangko_sisa)
CETAK_ROWS = [
    ("2024-02-03", "33.14", "jemput_bola", 20, 25, 8, 0, 520),  # Saturday, no holiday
    ("2024-02-07", "33.14", "kantor", 100, 120, 30, 0, 500),
    ("2024-02-07", "33.14", "jemput_bola", 40, 50, 20, 0, 500),  # same stock as kantor: count it once
    ("2024-02-07", "33.13", "kantor", 200, 210, 60, 1000, 800),
    ("2024-02-08", "33.14", "kantor", 80, 90, 10, 0, 420),  # Thursday, Isra Mi'raj
    ("2024-02-09", "33.14", "kantor", 60, 70, 5, 0, 360),  # Friday, cuti bersama: a working day
    ("2024-02-10", "33.14", "jemput_bola", 30, 35, 15, 0, 330),  # Saturday, Imlek
    ("2024-02-11", "33.13", "keliling", 10, 12, 3, 0, 790),  # Sunday
]


def rekam_frame(day: str, rows: list[tuple[str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "tanggal": [D(day)] * len(rows),
            "kode_wilayah": [r[0] for r in rows],
            "wajib_ktp": [r[1] for r in rows],
            "sudah_rekam": [r[2] for r in rows],
        }
    )


def cetak_frame(rows) -> pl.DataFrame:
    columns = ["tanggal", "kode_wilayah", "layanan", "tercetak", "permohonan", "rekam_baru"]
    columns += ["blangko_diterima", "blangko_sisa"]
    frame = pl.DataFrame(rows, schema=columns, orient="row")
    return frame.with_columns(pl.col("tanggal").str.to_date())


def build_base(store: Store) -> None:
    ingest_frame(store, "rekam", rekam_frame("2024-01-10", SRAGEN_0110), "sragen_0110.csv")
    ingest_frame(store, "rekam", rekam_frame("2024-01-10", KARANGANYAR_0110), "karanganyar_0110.csv")
    ingest_frame(store, "rekam", rekam_frame("2024-01-19", SRAGEN_0119), "sragen_0119.csv")
    ingest_frame(store, "rekam", rekam_frame("2024-01-19", BOGOR_0119), "bogor_0119.csv")
    ingest_frame(store, "rekam", rekam_frame("2024-01-20", KALIJAMBE_DESA_0120), "kalijambe_desa_0120.csv")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Database:
    store = Store(tmp_path_factory.mktemp("dasar"))
    build_base(store)
    ingest_frame(store, "cetak", cetak_frame(CETAK_ROWS), "cetak_februari.csv")
    return Database(store)


@pytest.fixture(scope="module")
def db_kalender(tmp_path_factory) -> Database:
    """The base data plus a custom calendar with two regional elections before Pemilu 2024."""
    store = Store(tmp_path_factory.mktemp("kalender"))
    build_base(store)
    calendar = pl.DataFrame(
        {
            "nama": ["Pilkada Sragen", "Pilkada Jawa Barat"],
            "tanggal": ["2024-01-25", "2024-01-22"],
            "cakupan": ["33.14", "32"],
            "target_persen": ["99", "97,5"],
            "catatan": ["uji", "uji"],
        }
    )
    ingest_frame(store, "pemilu", calendar, "x.csv")
    return Database(store)


@pytest.fixture(scope="module")
def db_lanjut(tmp_path_factory) -> Database:
    """The base data, then Kalijambe reports twice more: villages without Trobayan, then as a kecamatan."""
    store = Store(tmp_path_factory.mktemp("lanjut"))
    build_base(store)
    later = [("33.14.01.2001", 300, 295), ("33.14.01.2003", 100, 90)]
    ingest_frame(store, "rekam", rekam_frame("2024-01-25", later), "kalijambe_desa_0125.csv")
    ingest_frame(store, "rekam", rekam_frame("2024-01-27", [("33.14.01", 1000, 960)]), "kalijambe_0127.csv")
    return Database(store)


def q(db: Database, name: str, **params) -> pl.DataFrame:
    return db.run(name, params).rows


def one(frame: pl.DataFrame) -> dict:
    assert frame.height == 1, frame
    return frame.row(0, named=True)


def pick(row: dict, expected: dict) -> dict:
    return {key: row[key] for key in expected}


def by_code(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["kode_wilayah"]: r for r in frame.iter_rows(named=True)}


# ---- ringkasan: as-of, replacement by village reports, roll-ups, the previous report ---------------

RINGKASAN_CASES = {
    "kabkota": (
        "33.14",
        "2024-01-20",
        # 700+2000+500, 670+1950+521, 30+50+0 (naive 3200-3141 would be 59); 3141/3200 = 98.156%
        dict(
            wajib_ktp=3200,
            sudah_rekam=3141,
            belum_rekam=80,
            persen_rekam=98.16,
            tanggal_laporan=D("2024-01-20"),
            unit_melapor=3,
            unit_tertinggal=1,
            kabkota_tertinggal=0,
            # as of 01-19: 1000/900, 2000/1950, 500/521 -> belum 100+50+0; 3371/3500 = 96.314%
            tanggal_sebelumnya=D("2024-01-19"),
            wajib_ktp_sebelumnya=3500,
            sudah_rekam_sebelumnya=3371,
            belum_rekam_sebelumnya=150,
            persen_rekam_sebelumnya=96.31,
        ),
    ),
    "provinsi": (
        "33",
        "2024-01-20",
        # Sragen 3200/3141/80 + Karanganyar 6000/4800/1200; 7941/9200 = 86.315%
        dict(
            wajib_ktp=9200,
            sudah_rekam=7941,
            belum_rekam=1280,
            persen_rekam=86.32,
            tanggal_laporan=D("2024-01-20"),
            unit_melapor=5,
            unit_tertinggal=3,
            kabkota_tertinggal=1,
            # as of 01-19: Sragen 3500/3371/150 + Karanganyar 6000/4800/1200; 8171/9500 = 86.0105%
            tanggal_sebelumnya=D("2024-01-19"),
            wajib_ktp_sebelumnya=9500,
            sudah_rekam_sebelumnya=8171,
            belum_rekam_sebelumnya=1350,
            persen_rekam_sebelumnya=86.01,
        ),
    ),
    "nasional": (
        "",
        "2024-01-20",
        # Jawa Tengah 9200/7941/1280 + Bogor 1000/990/10; 8931/10200 = 87.559%
        dict(
            kode_wilayah="",
            nama_wilayah="Indonesia",
            tingkat="nasional",
            wajib_ktp=10200,
            sudah_rekam=8931,
            belum_rekam=1290,
            persen_rekam=87.56,
            unit_melapor=6,
            unit_tertinggal=3,
            kabkota_tertinggal=1,
            # as of 01-19: 9500/8171/1350 + 1000/990/10; 9161/10500 = 87.248%
            tanggal_sebelumnya=D("2024-01-19"),
            wajib_ktp_sebelumnya=10500,
            sudah_rekam_sebelumnya=9161,
            belum_rekam_sebelumnya=1360,
            persen_rekam_sebelumnya=87.25,
        ),
    ),
    "kecamatan sebelum laporan desa": (
        "33.14.01",
        "2024-01-15",
        # only the 01-10 kecamatan report; 01-10 is not before 01-15 - 7 days = 01-08, so not stale
        dict(
            wajib_ktp=1000,
            sudah_rekam=900,
            belum_rekam=100,
            persen_rekam=90.0,
            tanggal_laporan=D("2024-01-10"),
            unit_melapor=1,
            unit_tertinggal=0,
            tanggal_sebelumnya=None,
            sudah_rekam_sebelumnya=None,
        ),
    ),
    "kecamatan diganti laporan desa": (
        "33.14.01",
        "2024-01-20",
        # the village report replaces the kecamatan figure: 300+400, 290+380, 10+20; 670/700 = 95.714%
        dict(
            wajib_ktp=700,
            sudah_rekam=670,
            belum_rekam=30,
            persen_rekam=95.71,
            tanggal_laporan=D("2024-01-20"),
            unit_melapor=1,
            unit_tertinggal=0,
            tanggal_sebelumnya=D("2024-01-10"),
            wajib_ktp_sebelumnya=1000,
            sudah_rekam_sebelumnya=900,
            belum_rekam_sebelumnya=100,
            persen_rekam_sebelumnya=90.0,
        ),
    ),
    "desa melapor": (
        "33.14.01.2001",
        "2024-01-20",
        # 290/300 = 96.667%
        dict(
            nama_wilayah="Keden",
            tingkat="desa",
            wajib_ktp=300,
            sudah_rekam=290,
            belum_rekam=10,
            persen_rekam=96.67,
            unit_melapor=1,
            unit_tertinggal=0,
        ),
    ),
    "desa tidak ada di laporan desa": (
        "33.14.01.2003",
        "2024-01-20",
        dict(
            nama_wilayah="Kalimacan",
            wajib_ktp=None,
            sudah_rekam=None,
            belum_rekam=None,
            persen_rekam=None,
            unit_melapor=0,
        ),
    ),
    "tepat 7 hari bukan tertinggal": (
        "33.13",
        "2024-01-17",
        # 01-10 is exactly 7 days before 01-17: not older than 7 days
        dict(
            wajib_ktp=6000,
            sudah_rekam=4800,
            belum_rekam=1200,
            persen_rekam=80.0,
            unit_tertinggal=0,
            kabkota_tertinggal=0,
        ),
    ),
    "8 hari tertinggal": (
        "33.13",
        "2024-01-18",
        dict(wajib_ktp=6000, sudah_rekam=4800, unit_melapor=2, unit_tertinggal=2, kabkota_tertinggal=1),
    ),
    "provinsi dengan dua kabkota tertinggal": (
        "33",
        "2024-01-18",
        # as of 01-18 both regencies' latest report is 01-10 < 01-11
        dict(
            wajib_ktp=9500,
            sudah_rekam=7721,
            belum_rekam=1800,
            persen_rekam=81.27,
            tanggal_laporan=D("2024-01-10"),
            unit_melapor=5,
            unit_tertinggal=5,
            kabkota_tertinggal=2,
            tanggal_sebelumnya=None,
        ),
    ),
    "sebelum data pertama": (
        "33.14",
        "2024-01-09",
        dict(
            wajib_ktp=None,
            sudah_rekam=None,
            persen_rekam=None,
            unit_melapor=0,
            unit_tertinggal=0,
            kabkota_tertinggal=0,
            tanggal_sebelumnya=None,
        ),
    ),
}


@pytest.mark.parametrize(("wilayah", "tanggal", "expected"), RINGKASAN_CASES.values(), ids=RINGKASAN_CASES.keys())
def test_ringkasan(db, wilayah, tanggal, expected):
    row = one(q(db, "ringkasan", wilayah=wilayah, tanggal=tanggal))
    assert row["kode_wilayah"] == wilayah
    assert row["tanggal"] == D(tanggal)
    assert pick(row, expected) == pytest.approx(expected)


def test_ringkasan_defaults_to_latest_report_and_normalises_codes(db):
    row = one(q(db, "ringkasan", wilayah="3314"))
    assert (row["kode_wilayah"], row["nama_wilayah"], row["tingkat"]) == ("33.14", "Kabupaten Sragen", "kabkota")
    assert row["tanggal"] == D("2024-01-20")
    assert row["sudah_rekam"] == 3141


def test_above_100_percent_is_never_capped(db):
    row = one(q(db, "ringkasan", wilayah="33.14.03", tanggal="2024-01-20"))
    # 521/500 = 104.2%, and nothing left to record
    assert (row["persen_rekam"], row["belum_rekam"]) == (pytest.approx(104.2), 0)


# ---- peringkat ---------------------------------------------------------------------------------------


def test_peringkat_national_lists_38_provinces(db):
    rows = run_query(db.store, "peringkat", {"wilayah": ""})
    assert rows.height == 38
    assert set(rows["tingkat"]) == {"provinsi"}
    assert rows["kode_wilayah"].n_unique() == 38
    got = by_code(rows)
    # Bogor 990/1000 = 99% ranks above Jawa Tengah 86.32%
    assert pick(got["32"], {"persen_rekam": 0, "peringkat": 0}) == {"persen_rekam": pytest.approx(99.0), "peringkat": 1}
    # banding 01-13: Jawa Barat had no report yet; Jawa Tengah 3500/2921 + 6000/4800 -> 7721/9500 = 81.27%
    assert pick(
        got["33"],
        {
            "persen_rekam": 0,
            "peringkat": 0,
            "persen_rekam_banding": 0,
            "peringkat_banding": 0,
            "perubahan_peringkat": 0,
        },
    ) == pytest.approx(
        {
            "persen_rekam": 86.32,
            "peringkat": 2,
            "persen_rekam_banding": 81.27,
            "peringkat_banding": 1,
            "perubahan_peringkat": -1,
        }
    )
    assert (got["32"]["peringkat_banding"], got["32"]["perubahan_peringkat"]) == (None, None)
    unranked = rows.filter(~pl.col("kode_wilayah").is_in(["32", "33"]))
    assert unranked.height == 36
    assert unranked["peringkat"].null_count() == 36
    assert unranked["persen_rekam"].null_count() == 36
    assert set(unranked["unit_melapor"]) == {0}
    assert rows["kode_wilayah"].head(2).to_list() == ["32", "33"], "ranked regions come first"


def test_peringkat_children_of_province(db):
    rows = q(db, "peringkat", wilayah="33", tanggal="2024-01-20")
    assert rows.height == 35
    assert set(rows["tingkat"]) == {"kabkota"}
    got = by_code(rows)
    columns = [
        "wajib_ktp",
        "sudah_rekam",
        "belum_rekam",
        "persen_rekam",
        "peringkat",
        "persen_rekam_banding",
        "peringkat_banding",
        "perubahan_peringkat",
        "unit_melapor",
        "unit_tertinggal",
        "tanggal_laporan",
    ]
    # Sragen banding (01-13): 2921/3500 = 83.457%
    assert pick(got["33.14"], dict.fromkeys(columns)) == pytest.approx(
        dict(zip(columns, [3200, 3141, 80, 98.16, 1, 83.46, 1, 0, 3, 1, D("2024-01-20")]))
    )
    assert pick(got["33.13"], dict.fromkeys(columns)) == pytest.approx(
        dict(zip(columns, [6000, 4800, 1200, 80.0, 2, 80.0, 2, 0, 2, 2, D("2024-01-10")]))
    )
    assert rows.filter(pl.col("peringkat").is_not_null()).height == 2


def test_peringkat_kecamatan_level_with_ties_and_movement(db):
    rows = q(db, "peringkat", wilayah="33", tanggal="2024-01-20", tingkat="kecamatan")
    assert rows.height == 576  # every kecamatan of Jawa Tengah in the master
    ranked = rows.filter(pl.col("peringkat").is_not_null())
    got = {
        r["kode_wilayah"]: (r["persen_rekam"], r["peringkat"], r["peringkat_banding"], r["perubahan_peringkat"])
        for r in ranked.iter_rows(named=True)
    }
    # now: 104.2, 97.5, 95.71, 80, 80 -> ranks 1, 2, 3, 4, 4
    # banding 01-13: 33.14.03 104.2, 33.14.01 90.0, 33.13.0x 80.0 (tied 3), 33.14.02 75.0 -> 5
    assert got == {
        "33.14.03": (pytest.approx(104.2), 1, 1, 0),
        "33.14.02": (pytest.approx(97.5), 2, 5, 3),
        "33.14.01": (pytest.approx(95.71), 3, 2, -1),
        "33.13.01": (pytest.approx(80.0), 4, 3, -1),
        "33.13.02": (pytest.approx(80.0), 4, 3, -1),
    }
    assert rows["kode_wilayah"].head(5).to_list() == ["33.14.03", "33.14.02", "33.14.01", "33.13.01", "33.13.02"]
    assert set(rows["tanggal_banding"]) == {D("2024-01-13")}


def test_peringkat_explicit_banding(db):
    rows = q(db, "peringkat", wilayah="33.14", tanggal="2024-01-20", banding="2024-01-19")
    got = by_code(rows.filter(pl.col("peringkat").is_not_null()))
    # as of 01-19: 104.2 (1), 97.5 (2), 90.0 (3): same order as now
    moves = {k: (r["persen_rekam_banding"], r["peringkat_banding"], r["perubahan_peringkat"]) for k, r in got.items()}
    assert moves == {
        "33.14.03": (pytest.approx(104.2), 1, 0),
        "33.14.02": (pytest.approx(97.5), 2, 0),
        "33.14.01": (pytest.approx(90.0), 3, 0),
    }
    assert set(rows["tanggal_banding"]) == {D("2024-01-19")}


def test_peringkat_villages_replace_kecamatan_report(db):
    rows = q(db, "peringkat", wilayah="33.14.01", tanggal="2024-01-20")
    assert rows.height == 14
    got = by_code(rows)
    assert (got["33.14.01.2001"]["persen_rekam"], got["33.14.01.2001"]["peringkat"]) == (pytest.approx(96.67), 1)
    assert (got["33.14.01.2002"]["persen_rekam"], got["33.14.01.2002"]["peringkat"]) == (pytest.approx(95.0), 2)
    assert rows["peringkat"].null_count() == 12
    # on 01-13 Kalijambe had only a kecamatan-level report: no village figures to rank
    assert rows["peringkat_banding"].null_count() == 14


# ---- tren ---------------------------------------------------------------------------------------------


def test_tren_carries_each_kecamatan_forward(db):
    rows = q(db, "tren", wilayah="33.14,33.13", dari="2024-01-10", sampai="2024-01-21")
    assert rows.height == 24
    got = {
        (r["kode_wilayah"], r["tanggal"]): (r["wajib_ktp"], r["sudah_rekam"], r["belum_rekam"], r["persen_rekam"])
        for r in rows.iter_rows(named=True)
    }
    for day in range(10, 22):
        tanggal = date(2024, 1, day)
        if day <= 18:  # 01-10 reports only: 1000/900, 2000/1500, 500/521 -> 2921/3500 = 83.457%
            sragen = (3500, 2921, 600, 83.46)
        elif day == 19:  # Plupuh's 01-19 report: 1000/900, 2000/1950, 500/521 -> 3371/3500 = 96.314%
            sragen = (3500, 3371, 150, 96.31)
        else:  # Kalijambe's villages from 01-20
            sragen = (3200, 3141, 80, 98.16)
        assert got[("33.14", tanggal)] == pytest.approx(sragen), tanggal
        assert got[("33.13", tanggal)] == pytest.approx((6000, 4800, 1200, 80.0)), tanggal
    assert set(rows.filter(pl.col("kode_wilayah") == "33.14")["nama_wilayah"]) == {"Kabupaten Sragen"}


def test_tren_agrees_with_ringkasan_every_day(db):
    rows = q(db, "tren", wilayah="33", dari="2024-01-10", sampai="2024-01-21")
    assert rows["tanggal"].to_list() == [date(2024, 1, d) for d in range(10, 22)]
    for r in rows.iter_rows(named=True):
        summary = one(q(db, "ringkasan", wilayah="33", tanggal=r["tanggal"]))
        for column in ("wajib_ktp", "sudah_rekam", "belum_rekam", "persen_rekam"):
            assert r[column] == summary[column], (r["tanggal"], column)


def test_tren_village_dropped_by_newer_kecamatan_report(db_lanjut):
    # Trobayan (33.14.01.2002) is in the 01-20 village report but not in the 01-25 one
    assert one(q(db_lanjut, "ringkasan", wilayah="33.14.01.2002", tanggal="2024-01-25"))["sudah_rekam"] is None
    rows = q(db_lanjut, "tren", wilayah="33.14.01.2002", dari="2024-01-19", sampai="2024-01-26")
    figures = {r["tanggal"]: r["sudah_rekam"] for r in rows.iter_rows(named=True)}
    assert [figures.get(date(2024, 1, d)) for d in range(20, 25)] == [380] * 5
    assert figures.get(date(2024, 1, 25)) is None
    assert figures.get(date(2024, 1, 26)) is None


def test_tren_kecamatan_replaced_by_later_reports(db_lanjut):
    rows = q(db_lanjut, "tren", wilayah="33.14.01", dari="2024-01-24", sampai="2024-01-27")
    got = {r["tanggal"]: (r["wajib_ktp"], r["sudah_rekam"], r["belum_rekam"]) for r in rows.iter_rows(named=True)}
    assert got == {
        D("2024-01-24"): (700, 670, 30),  # villages 2001 + 2002 of 01-20
        D("2024-01-25"): (400, 385, 15),  # villages 2001 (300/295) + 2003 (100/90) of 01-25
        D("2024-01-26"): (400, 385, 15),
        D("2024-01-27"): (1000, 960, 40),  # kecamatan-level again
    }


# ---- cetak_harian ------------------------------------------------------------------------------------

CETAK_COLUMNS = (
    "tanggal",
    "layanan",
    "tercetak",
    "permohonan",
    "rekam_baru",
    "blangko_diterima",
    "blangko_sisa",
    "wilayah_melapor",
    "hari_libur",
)


def test_cetak_harian_province(db):
    rows = q(db, "cetak_harian", wilayah="33", dari="2024-02-03", sampai="2024-02-11")
    assert set(rows["kode_wilayah"]) == {"33"}
    assert rows.select(CETAK_COLUMNS).rows() == [
        (D("2024-02-03"), "jemput_bola", 20, 25, 8, 0, 520, 1, True),
        (D("2024-02-03"), "semua", 20, 25, 8, 0, 520, 1, True),
        (D("2024-02-07"), "jemput_bola", 40, 50, 20, 0, 500, 1, False),
        (D("2024-02-07"), "kantor", 300, 330, 90, 1000, 1300, 2, False),
        # stock: Sragen 500 once (not 1000) + Karanganyar 800
        (D("2024-02-07"), "semua", 340, 380, 110, 1000, 1300, 2, False),
        (D("2024-02-08"), "kantor", 80, 90, 10, 0, 420, 1, True),
        (D("2024-02-08"), "semua", 80, 90, 10, 0, 420, 1, True),
        (D("2024-02-09"), "kantor", 60, 70, 5, 0, 360, 1, False),
        (D("2024-02-09"), "semua", 60, 70, 5, 0, 360, 1, False),
        (D("2024-02-10"), "jemput_bola", 30, 35, 15, 0, 330, 1, True),
        (D("2024-02-10"), "semua", 30, 35, 15, 0, 330, 1, True),
        (D("2024-02-11"), "keliling", 10, 12, 3, 0, 790, 1, True),
        (D("2024-02-11"), "semua", 10, 12, 3, 0, 790, 1, True),
    ]


def test_cetak_harian_regency_counts_stock_once(db):
    rows = q(db, "cetak_harian", wilayah="33.14", dari="2024-02-07", sampai="2024-02-07")
    assert rows.select(CETAK_COLUMNS).rows() == [
        (D("2024-02-07"), "jemput_bola", 40, 50, 20, 0, 500, 1, False),
        (D("2024-02-07"), "kantor", 100, 120, 30, 0, 500, 1, False),
        (D("2024-02-07"), "semua", 140, 170, 50, 0, 500, 1, False),
    ]


def test_cetak_harian_defaults_to_latest_print_date(db):
    rows = q(db, "cetak_harian", wilayah="33")
    assert rows["tanggal"].max() == D("2024-02-11")
    assert rows["tanggal"].min() == D("2024-02-03")
    assert rows.filter(pl.col("layanan") == "semua")["tercetak"].sum() == 20 + 340 + 80 + 60 + 30 + 10


# ---- hitung_mundur -----------------------------------------------------------------------------------

MUNDUR_COLUMNS = (
    "nama_pemilu",
    "tanggal_pemilu",
    "hari_tersisa",
    "hari_kerja_tersisa",
    "wajib_ktp",
    "sudah_rekam",
    "belum_rekam",
    "persen_rekam",
    "laju_harian",
    "kebutuhan_harian",
    "proyeksi_persen",
    "target_persen",
)

MUNDUR_CASES = {
    "H-13 pemilu 2024": (
        "33",
        "2024-02-01",
        # 13 days; working days 02-02..02-13: Fri 2, Mon-Fri 5-9 without Thu 8 (Isra Mi'raj), Mon 12, Tue 13 = 7
        # (Sat 10 Imlek is a weekend anyway); pace (7941 - 7721 as of 01-18) / 14 = 15.714;
        # need max(0.98 * 9200 - 7941, 0) / 13 = 1075 / 13 = 82.69; projection (7941 + 15.714 * 13) / 9200 = 88.54%
        ("Pemilu 2024", D("2024-02-14"), 13, 7, 9200, 7941, 1280, 86.32, 15.71, 82.69, 88.54, 98.0),
    ),
    "hari H": (
        "33",
        "2024-02-14",
        # nothing reported between 01-31 and 02-14: pace 0; no days left, so no daily need
        ("Pemilu 2024", D("2024-02-14"), 0, 0, 9200, 7941, 1280, 86.32, 0.0, None, 86.32, 98.0),
    ),
    "tanpa data 14 hari lalu": (
        "33.13",
        "2024-01-20",
        # 25 days; working days 01-21..02-13: 17 weekdays minus 02-08 = 16; (5880 - 4800) / 25 = 43.2
        ("Pemilu 2024", D("2024-02-14"), 25, 16, 6000, 4800, 1200, 80.0, None, 43.2, 80.0, 98.0),
    ),
}


@pytest.mark.parametrize(("wilayah", "tanggal", "expected"), MUNDUR_CASES.values(), ids=MUNDUR_CASES.keys())
def test_hitung_mundur(db, wilayah, tanggal, expected):
    row = one(q(db, "hitung_mundur", wilayah=wilayah, tanggal=tanggal))
    assert (row["kode_wilayah"], row["tanggal"]) == (wilayah, D(tanggal))
    assert pick(row, MUNDUR_COLUMNS) == pytest.approx(dict(zip(MUNDUR_COLUMNS, expected)))


def test_hitung_mundur_no_election_ahead(db):
    assert q(db, "hitung_mundur", wilayah="33", tanggal="2030-01-01").height == 0


KALENDER_CASES = {
    "pilkada sragen H-1": (
        "33.14",
        "2024-01-24",
        # 1 day, no working day between; pace (3141 - 2921) / 14 = 15.71; need (0.99 * 3200 - 3141) / 1 = 27;
        # projection (3141 + 15.714) / 3200 = 98.65%
        ("Pilkada Sragen", D("2024-01-25"), 1, 0, 3200, 3141, 80, 98.16, 15.71, 27.0, 98.65, 99.0),
    ),
    "pilkada sragen untuk kecamatan di dalamnya": (
        "33.14.01",
        "2024-01-20",
        # 5 days; working days Mon 22, Tue 23, Wed 24 = 3; no data on 01-06; (0.99 * 700 - 670) / 5 = 4.6
        ("Pilkada Sragen", D("2024-01-25"), 5, 3, 700, 670, 30, 95.71, None, 4.6, 95.71, 99.0),
    ),
    "pilkada sragen hari H": (
        "33.14",
        "2024-01-25",
        ("Pilkada Sragen", D("2024-01-25"), 0, 0, 3200, 3141, 80, 98.16, 15.71, None, 98.16, 99.0),
    ),
    "kabupaten lain ikut pemilu nasional": (
        "33.13",
        "2024-01-20",
        ("Pemilu 2024", D("2024-02-14"), 25, 16, 6000, 4800, 1200, 80.0, None, 43.2, 80.0, 98.0),
    ),
    "provinsi tidak ikut pilkada kabupatennya": (
        "33",
        "2024-01-20",
        # (0.98 * 9200 - 7941) / 25 = 1075 / 25 = 43
        ("Pemilu 2024", D("2024-02-14"), 25, 16, 9200, 7941, 1280, 86.32, None, 43.0, 86.32, 98.0),
    ),
    "pilkada jawa barat": (
        "32.01",
        "2024-01-20",
        # 2 days, Sunday 21 only between; 0.975 * 1000 = 975 < 990: nothing needed
        ("Pilkada Jawa Barat", D("2024-01-22"), 2, 0, 1000, 990, 10, 99.0, None, 0.0, 99.0, 97.5),
    ),
    "nasional": (
        "",
        "2024-01-20",
        # (0.98 * 10200 - 8931) / 25 = 1065 / 25 = 42.6
        ("Pemilu 2024", D("2024-02-14"), 25, 16, 10200, 8931, 1290, 87.56, None, 42.6, 87.56, 98.0),
    ),
    "setelah pilkada sragen": (
        "33.14",
        "2024-01-26",
        # 19 days; working days 01-27..02-13: 12 weekdays minus 02-08 = 11; 0.98 * 3200 = 3136 < 3141;
        # projection (3141 + 220 / 14 * 19) / 3200 = 107.49%, not capped
        ("Pemilu 2024", D("2024-02-14"), 19, 11, 3200, 3141, 80, 98.16, 15.71, 0.0, 107.49, 98.0),
    ),
}


@pytest.mark.parametrize(("wilayah", "tanggal", "expected"), KALENDER_CASES.values(), ids=KALENDER_CASES.keys())
def test_hitung_mundur_custom_calendar(db_kalender, wilayah, tanggal, expected):
    row = one(q(db_kalender, "hitung_mundur", wilayah=wilayah, tanggal=tanggal))
    assert pick(row, MUNDUR_COLUMNS) == pytest.approx(dict(zip(MUNDUR_COLUMNS, expected)))


# ---- kualitas, laporan_harian, peringatan -----------------------------------------------------------

KUALITAS_COLUMNS = (
    "unit_total",
    "unit_melapor",
    "unit_lapor_hari_ini",
    "unit_tertinggal",
    "unit_belum_pernah",
    "tanggal_laporan_terakhir",
    "peringatan",
)


def test_kualitas_regencies_of_province(db):
    rows = q(db, "kualitas", wilayah="33", tanggal="2024-01-20")
    assert rows.height == 35
    assert rows["kode_wilayah"].n_unique() == 35
    got = by_code(rows)
    # Sragen: 20 kecamatan, 3 reported (Kalijambe today), Masaran stale, 2 warnings dated 01-19 (01-10's is too old)
    assert pick(got["33.14"], KUALITAS_COLUMNS) == dict(zip(KUALITAS_COLUMNS, (20, 3, 1, 1, 17, D("2024-01-20"), 2)))
    # Karanganyar: 17 kecamatan, 2 reported on 01-10, both stale: the stale regency
    assert pick(got["33.13"], KUALITAS_COLUMNS) == dict(zip(KUALITAS_COLUMNS, (17, 2, 0, 2, 15, D("2024-01-10"), 0)))
    others = rows.filter(~pl.col("kode_wilayah").is_in(["33.13", "33.14"]))
    assert set(others["unit_melapor"]) == {0}
    assert (others["unit_belum_pernah"] == others["unit_total"]).all()
    assert rows["unit_total"].sum() == 576


def test_kualitas_a_week_later_window(db):
    got = by_code(q(db, "kualitas", wilayah="33", tanggal="2024-01-18"))
    # on 01-18 every report is from 01-10 (< 01-11), and no warning falls in 01-11..01-18
    assert pick(got["33.14"], KUALITAS_COLUMNS) == dict(zip(KUALITAS_COLUMNS, (20, 3, 0, 3, 17, D("2024-01-10"), 0)))
    assert pick(got["33.13"], KUALITAS_COLUMNS) == dict(zip(KUALITAS_COLUMNS, (17, 2, 0, 2, 15, D("2024-01-10"), 0)))


def test_kualitas_kecamatan_of_regency(db):
    rows = q(db, "kualitas", wilayah="33.14", tanggal="2024-01-20")
    assert rows.height == 20
    got = by_code(rows)
    assert pick(got["33.14.01"], KUALITAS_COLUMNS) == dict(zip(KUALITAS_COLUMNS, (1, 1, 1, 0, 0, D("2024-01-20"), 1)))
    assert pick(got["33.14.02"], KUALITAS_COLUMNS) == dict(zip(KUALITAS_COLUMNS, (1, 1, 0, 0, 0, D("2024-01-19"), 0)))
    assert pick(got["33.14.03"], KUALITAS_COLUMNS) == dict(zip(KUALITAS_COLUMNS, (1, 1, 0, 1, 0, D("2024-01-10"), 1)))
    assert pick(got["33.14.04"], KUALITAS_COLUMNS) == dict(zip(KUALITAS_COLUMNS, (1, 0, 0, 0, 1, None, 0)))


@pytest.mark.parametrize(
    ("wilayah", "expected"),
    [
        (
            "33",
            [
                (D("2024-01-20"), 2, 1, 1, "desa", 0),
                (D("2024-01-19"), 1, 1, 1, "kecamatan", 2),
                (D("2024-01-10"), 5, 5, 2, "kecamatan", 1),
            ],
        ),
        (
            "",
            [
                (D("2024-01-20"), 2, 1, 1, "desa", 0),
                (D("2024-01-19"), 2, 2, 2, "kecamatan", 2),
                (D("2024-01-10"), 5, 5, 2, "kecamatan", 1),
            ],
        ),
        ("33.13", [(D("2024-01-10"), 2, 2, 1, "kecamatan", 0)]),
    ],
)
def test_laporan_harian(db, wilayah, expected):
    rows = q(db, "laporan_harian", wilayah=wilayah, dari="2024-01-01", sampai="2024-01-31")
    columns = ("tanggal", "baris", "kecamatan_melapor", "kabkota_melapor", "tingkat_unit", "peringatan")
    assert rows.select(columns).rows() == expected


@pytest.mark.parametrize(
    ("wilayah", "dari", "expected"),
    [
        (
            "33",
            "2024-01-01",
            [
                (D("2024-01-19"), "33.14.01", "Kalijambe", "kode_wilayah", "33.14.01", "sragen_0119.csv"),
                (D("2024-01-19"), "33.14.03", "Masaran", "kode_wilayah", "33.14.03", "sragen_0119.csv"),
                (D("2024-01-10"), "33.14.03", "Masaran", "sudah_rekam", "521", "sragen_0110.csv"),
            ],
        ),
        ("33", "2024-01-11", 2),
        ("33.14.03", "2024-01-01", 2),
        ("33.13", "2024-01-01", 0),
        ("32", "2024-01-01", 0),
    ],
)
def test_peringatan(db, wilayah, dari, expected):
    rows = q(db, "peringatan", wilayah=wilayah, dari=dari, sampai="2024-01-31")
    if isinstance(expected, int):
        assert rows.height == expected
        return
    assert rows.select("tanggal", "kode_wilayah", "nama_wilayah", "kolom", "nilai", "berkas").rows() == expected
    assert set(rows["jenis_data"]) == {"rekam"}


def test_peringatan_defaults_to_the_newest_report_date(db):
    params = db.run("peringatan", {"wilayah": "33"}).params
    assert params["dari"] == params["sampai"] == db.latest_date() == D("2024-01-20")
    # a given `sampai` alone: that day's warnings (two with the 19 January report), not a year's
    rows = db.run("peringatan", {"wilayah": "33", "sampai": "2024-01-19"}).rows
    assert rows.select("tanggal", "kode_wilayah").rows() == [
        (D("2024-01-19"), "33.14.01"),
        (D("2024-01-19"), "33.14.03"),
    ]


@pytest.mark.parametrize(
    ("wilayah", "tingkat", "expected"),
    [
        (
            "33",
            None,
            [
                (
                    "unit ini ada di laporan … tetapi tidak ada di laporan …",
                    "33.14",
                    "Kabupaten Sragen",
                    2,
                    D("2024-01-19"),
                    D("2024-01-19"),
                ),
                ("sudah_rekam melebihi wajib_ktp", "33.14", "Kabupaten Sragen", 1, D("2024-01-10"), D("2024-01-10")),
            ],
        ),
        (
            "33.14",
            "kecamatan",
            [
                (
                    "unit ini ada di laporan … tetapi tidak ada di laporan …",
                    "33.14.01",
                    "Kalijambe",
                    1,
                    D("2024-01-19"),
                    D("2024-01-19"),
                ),
                ("sudah_rekam melebihi wajib_ktp", "33.14.03", "Masaran", 1, D("2024-01-10"), D("2024-01-10")),
                (
                    "unit ini ada di laporan … tetapi tidak ada di laporan …",
                    "33.14.03",
                    "Masaran",
                    1,
                    D("2024-01-19"),
                    D("2024-01-19"),
                ),
            ],
        ),
        ("33.13", None, []),
    ],
)
def test_peringatan_ringkas(db, wilayah, tingkat, expected):
    params = {"wilayah": wilayah, "dari": "2024-01-01", "sampai": "2024-01-31"}
    if tingkat:
        params["tingkat"] = tingkat
    rows = db.run("peringatan_ringkas", params).rows
    columns = ("jenis_peringatan", "kode_wilayah", "nama_wilayah", "jumlah", "tanggal_pertama", "tanggal_terakhir")
    assert rows.select(columns).rows() == expected
    assert set(rows["jenis_data"]) <= {"rekam"}


def test_peringatan_terbaru(db):
    rows = q(db, "peringatan_terbaru", wilayah="33", dari="2024-01-01", sampai="2024-01-31")
    assert rows.select("tanggal", "kode_wilayah", "kolom", "nilai").rows() == [
        (D("2024-01-19"), "33.14.01", "kode_wilayah", "33.14.01"),
        (D("2024-01-19"), "33.14.03", "kode_wilayah", "33.14.03"),
        (D("2024-01-10"), "33.14.03", "sudah_rekam", "521"),
    ]


@pytest.mark.parametrize(
    ("tanggal", "expected"),
    [
        # Karanganyar's latest print day is 02-07 (800 left, 200 printed); Sragen's 02-10 (330 left, printed
        # 20 + 100 + 40 + 80 + 60 + 30 = 330 over 5 report days)
        ("2024-02-10", [("33.13", D("2024-02-07"), 800, 200, 1), ("33.14", D("2024-02-10"), 330, 330, 5)]),
        # Karanganyar's Sunday keliling report: 790 left, 200 + 10 printed over 2 days
        ("2024-02-11", [("33.13", D("2024-02-11"), 790, 210, 2), ("33.14", D("2024-02-10"), 330, 330, 5)]),
        # Sragen's two services of 02-07 share one stock of 500
        ("2024-02-07", [("33.13", D("2024-02-07"), 800, 200, 1), ("33.14", D("2024-02-07"), 500, 160, 2)]),
        ("2024-02-06", [("33.14", D("2024-02-03"), 520, 20, 1)]),
        ("2024-02-02", []),
    ],
)
def test_blangko_wilayah(db, tanggal, expected):
    rows = q(db, "blangko_wilayah", wilayah="33", tanggal=tanggal)
    columns = ("kode_wilayah", "tanggal_stok", "blangko_sisa", "tercetak_14_hari", "hari_lapor_14_hari")
    assert rows.select(columns).rows() == expected


def test_blangko_harian_carries_each_regions_stock_forward(db):
    rows = q(db, "blangko_harian", wilayah="33", dari="2024-02-03", sampai="2024-02-11")
    assert rows.select("tanggal", "blangko_sisa", "wilayah_dengan_stok", "wilayah_melapor_stok").rows() == [
        (D("2024-02-03"), 520, 1, 1),  # Karanganyar has no stock figure before 02-07
        (D("2024-02-04"), 520, 1, 0),
        (D("2024-02-05"), 520, 1, 0),
        (D("2024-02-06"), 520, 1, 0),
        (D("2024-02-07"), 500 + 800, 2, 2),
        (D("2024-02-08"), 420 + 800, 2, 1),
        (D("2024-02-09"), 360 + 800, 2, 1),
        (D("2024-02-10"), 330 + 800, 2, 1),
        (D("2024-02-11"), 330 + 790, 2, 1),
    ]


@pytest.mark.parametrize("name", ["blangko_harian", "blangko_wilayah"])
def test_print_queries_default_to_the_latest_print_report(db, name):
    rows = q(db, name, wilayah="33")
    latest = rows["tanggal"].max() if name == "blangko_harian" else rows["tanggal_stok"].max()
    assert latest == D("2024-02-11")


BUILTIN_ELECTIONS = [
    ("Pemilu 2019", D("2019-04-17"), ""),
    ("Pilkada 2020", D("2020-12-09"), ""),
    ("Pemilu 2024", D("2024-02-14"), ""),
    ("Pilkada 2024", D("2024-11-27"), ""),
]


def test_kalender_pemilu_builtin(db):
    assert q(db, "kalender_pemilu", wilayah="").select("nama", "tanggal", "cakupan").rows() == BUILTIN_ELECTIONS


@pytest.mark.parametrize(
    ("wilayah", "extra"),
    [
        ("", []),
        ("33", []),  # Pilkada Sragen does not concern the whole province
        ("33.14", [("Pilkada Sragen", D("2024-01-25"), "33.14")]),
        ("33.14.01.2001", [("Pilkada Sragen", D("2024-01-25"), "33.14")]),
        ("32.01", [("Pilkada Jawa Barat", D("2024-01-22"), "32")]),
    ],
)
def test_kalender_pemilu_custom(db_kalender, wilayah, extra):
    rows = q(db_kalender, "kalender_pemilu", wilayah=wilayah)
    expected = sorted(BUILTIN_ELECTIONS + extra, key=lambda e: (e[1], e[0]))
    assert rows.select("nama", "tanggal", "cakupan").rows() == expected


RISIKO_COLUMNS = (
    "kode_wilayah",
    "nama_pemilu",
    "hari_tersisa",
    "wajib_ktp",
    "sudah_rekam",
    "persen_rekam",
    "laju_harian",
    "kebutuhan_harian",
    "proyeksi_persen",
    "target_persen",
    "selisih_target",
    "kekurangan_proyeksi",
)


def test_risiko_anak_regencies_before_pemilu(db):
    rows = q(db, "risiko_anak", wilayah="33", tanggal="2024-02-01")
    # 13 days to Pemilu 2024 (target 98). Karanganyar: no progress since 01-18, needs (5880 - 4800) / 13 = 83.08 a
    # day, ends 18 points short, 1080 people. Sragen: (3141 - 2921) / 14 = 15.714 a day, 3141 + 15.714 * 13 =
    # 3345.29 of 3200 = 104.54%, 6.54 points above
    assert [pick(r, RISIKO_COLUMNS) for r in rows.iter_rows(named=True)] == [
        pytest.approx(
            dict(
                zip(RISIKO_COLUMNS, ("33.13", "Pemilu 2024", 13, 6000, 4800, 80.0, 0.0, 83.08, 80.0, 98.0, -18.0, 1080))
            )
        ),
        pytest.approx(
            dict(
                zip(RISIKO_COLUMNS, ("33.14", "Pemilu 2024", 13, 3200, 3141, 98.16, 15.71, 0.0, 104.54, 98.0, 6.54, 0))
            )
        ),
    ]


def test_risiko_anak_kecamatan_before_regional_election(db_kalender):
    rows = q(db_kalender, "risiko_anak", wilayah="33.14", tanggal="2024-01-24")
    # 1 day to Pilkada Sragen (target 99); paces against 01-10:
    # Kalijambe (670 - 900) / 14 = -16.43 -> 653.57 of 700 = 93.37%, short ceil(693 - 653.57) = 40
    # Plupuh (1950 - 1500) / 14 = 32.14 -> 1982.14 of 2000 = 99.11%; needs 1980 - 1950 = 30 today
    # Masaran 0 -> 104.2%
    assert [pick(r, RISIKO_COLUMNS) for r in rows.iter_rows(named=True)] == [
        pytest.approx(
            dict(
                zip(
                    RISIKO_COLUMNS,
                    ("33.14.01", "Pilkada Sragen", 1, 700, 670, 95.71, -16.43, 23.0, 93.37, 99.0, -5.63, 40),
                )
            )
        ),
        pytest.approx(
            dict(
                zip(
                    RISIKO_COLUMNS,
                    ("33.14.02", "Pilkada Sragen", 1, 2000, 1950, 97.5, 32.14, 30.0, 99.11, 99.0, 0.11, 0),
                )
            )
        ),
        pytest.approx(
            dict(zip(RISIKO_COLUMNS, ("33.14.03", "Pilkada Sragen", 1, 500, 521, 104.2, 0.0, 0.0, 104.2, 99.0, 5.2, 0)))
        ),
    ]


def test_risiko_anak_without_election_ahead_is_empty(db):
    assert q(db, "risiko_anak", wilayah="33", tanggal="2030-01-01").height == 0


# ---- data invariants --------------------------------------------------------------------------------


def test_kecamatan_rows_sum_to_their_regency(db):
    regencies = by_code(q(db, "peringkat", wilayah="33", tanggal="2024-01-20"))
    for kode in ("33.14", "33.13"):
        districts = q(db, "peringkat", wilayah=kode, tanggal="2024-01-20", tingkat="kecamatan")
        for column in ("wajib_ktp", "sudah_rekam", "belum_rekam", "unit_melapor", "unit_tertinggal"):
            assert districts[column].sum() == regencies[kode][column], (kode, column)


def test_regencies_sum_to_province_and_provinces_to_nation(db):
    regencies = q(db, "peringkat", wilayah="33", tanggal="2024-01-20")
    province = one(q(db, "ringkasan", wilayah="33", tanggal="2024-01-20"))
    provinces = q(db, "peringkat", wilayah="", tanggal="2024-01-20")
    nation = one(q(db, "ringkasan", wilayah="", tanggal="2024-01-20"))
    for column in ("wajib_ktp", "sudah_rekam", "belum_rekam", "unit_melapor", "unit_tertinggal"):
        assert regencies[column].sum() == province[column], column
        assert provinces[column].sum() == nation[column], column


@pytest.mark.parametrize(
    ("name", "params", "keys"),
    [
        ("peringkat", {"wilayah": "", "tingkat": "kabkota"}, ["kode_wilayah"]),
        ("peringkat", {"wilayah": "33", "tingkat": "desa"}, ["kode_wilayah"]),
        ("kualitas", {"wilayah": ""}, ["kode_wilayah"]),
        ("tren", {"wilayah": "33,33.14,33.13,32", "dari": "2024-01-01"}, ["kode_wilayah", "tanggal"]),
        ("cetak_harian", {"wilayah": ""}, ["tanggal", "layanan"]),
        ("laporan_harian", {"wilayah": ""}, ["tanggal"]),
    ],
)
def test_output_keys_are_unique_and_not_null(db, name, params, keys):
    rows = q(db, name, **params)
    assert rows.height > 0
    assert rows.select(keys).null_count().sum_horizontal().item() == 0
    assert not rows.select(keys).is_duplicated().any()


@pytest.mark.parametrize(
    ("name", "params", "tingkat"),
    [
        ("peringkat", {"wilayah": ""}, "provinsi"),
        ("peringkat", {"wilayah": "33.14", "tingkat": "kecamatan"}, "kecamatan"),
        ("peringkat", {"wilayah": "33.14.01"}, "desa"),
        ("kualitas", {"wilayah": "33"}, "kabkota"),
        ("kualitas", {"wilayah": "", "tingkat": "kecamatan"}, "kecamatan"),
        # the kecamatan is the unit of reporting: kualitas documents that desa gives kecamatan rows
        ("kualitas", {"wilayah": "33.14.01"}, "kecamatan"),
        ("kualitas", {"wilayah": "33.14", "tingkat": "desa"}, "kecamatan"),
    ],
)
def test_rows_are_of_the_requested_level(db, name, params, tingkat):
    rows = q(db, name, tanggal="2024-01-20", **params)
    assert rows.height > 0
    assert set(rows["tingkat"]) == {tingkat}


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("peringkat", {"wilayah": "33", "tingkat": "kecamatan"}),
        ("peringkat", {"wilayah": "33.14.01", "tingkat": "desa"}),
        ("tren", {"wilayah": "33.14,33.13,32.01", "dari": "2024-01-10"}),
    ],
)
def test_percentages_match_their_numbers(db, name, params):
    rows = q(db, name, **params).filter(pl.col("wajib_ktp").is_not_null())
    assert rows.height > 0
    for r in rows.iter_rows(named=True):
        assert r["persen_rekam"] == pytest.approx(round(100 * r["sudah_rekam"] / r["wajib_ktp"], 2), abs=0.006)
        assert r["persen_rekam"] >= 0
        assert max(r["wajib_ktp"] - r["sudah_rekam"], 0) <= r["belum_rekam"] <= r["wajib_ktp"]


# ---- parameter validation ---------------------------------------------------------------------------

HOSTILE = ["'; DROP TABLE stg_rekam; --", "read_text('/etc/passwd')", "x" * 100_000, "33' OR '1'='1", "$wilayah"]

INVALID_CASES = [
    ("tidak_ada", {}),
    ("../queries/ringkasan", {}),
    ("ringkasan; DROP TABLE stg_rekam", {}),
    ("staging/stg_rekam", {}),
    ("x" * 100_000, {}),
    ("ringkasan", {"wilayahx": "33"}),
    ("ringkasan", {"limit": 5}),
    ("ringkasan", {"x" * 100_000: "33"}),
    ("ringkasan", {"wilayah": "abc"}),
    ("ringkasan", {"wilayah": "33.1"}),
    ("ringkasan", {"wilayah": "99"}),
    ("ringkasan", {"wilayah": "33.99"}),
    ("ringkasan", {"wilayah": "33.14.01.9999"}),
    ("ringkasan", {"wilayah": ["33"]}),
    ("ringkasan", {"wilayah": "33,32"}),
    ("peringkat", {"wilayah": "33.14,33.13"}),
    ("hitung_mundur", {"wilayah": "33,"}),
    ("tren", {"wilayah": ",".join(["33"] * 12)}),
    ("tren", {"wilayah": "33.14,abc"}),
    ("ringkasan", {"wilayah": "33", "tanggal": "2024-13-01"}),
    ("ringkasan", {"wilayah": "33", "tanggal": "01/02/2024"}),
    ("ringkasan", {"wilayah": "33", "tanggal": "kemarin"}),
    ("tren", {"wilayah": "33", "dari": "2024-02-01", "sampai": "2024-01-01"}),
    ("peringkat", {"wilayah": "33", "banding": "2024-02-30"}),
    # valid ISO dates whose week/year arithmetic would overflow Python's date range
    ("ringkasan", {"wilayah": "33", "tanggal": "0001-01-03"}),
    ("tren", {"wilayah": "33", "sampai": "0001-06-01"}),
    ("peringkat", {"wilayah": "33", "tanggal": "9999-12-31"}),
    ("peringkat", {"wilayah": "33", "tingkat": "kota"}),
    ("peringkat", {"wilayah": "33", "tingkat": "KABKOTA"}),
    ("peringkat", {"wilayah": "33.14", "tingkat": "provinsi"}),
    *[("ringkasan", {"wilayah": h}) for h in HOSTILE],
    *[("tren", {"wilayah": h}) for h in HOSTILE],
    *[("ringkasan", {"wilayah": "33", "tanggal": h}) for h in HOSTILE],
    *[("peringkat", {"wilayah": "33", "tingkat": h}) for h in HOSTILE],
]


@pytest.mark.parametrize(("name", "params"), INVALID_CASES, ids=[f"{n[:30]}-{str(p)[:50]}" for n, p in INVALID_CASES])
def test_invalid_input_is_rejected(db, name, params):
    with pytest.raises(QueryError):
        db.run(name, params)


def test_store_still_answers_after_hostile_input(db):
    for hostile in HOSTILE:
        with pytest.raises(QueryError):
            db.run("ringkasan", {"wilayah": hostile})
    assert one(q(db, "ringkasan", wilayah="33.14", tanggal="2024-01-20"))["sudah_rekam"] == 3141


# ---- meta: every query file has its header, is used, and is parameterised only by DuckDB ------------

SQL_FILES = sorted(QUERY_DIR.glob("*.sql")) + sorted((QUERY_DIR / "staging").glob("*.sql"))


def header(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return " ".join(lines)


@pytest.mark.parametrize("path", SQL_FILES, ids=[p.name for p in SQL_FILES])
def test_query_file_starts_with_grain_header_and_has_no_placeholders(path):
    sql = path.read_text(encoding="utf-8")
    assert sql.startswith("-- "), "first line must be a `-- ` comment describing the grain"
    text = header(sql)
    assert len(text) >= 30
    if path.stem != "macros":
        assert "one row" in text, "the header names the grain (one row per ...)"
    if path.parent == QUERY_DIR:
        for name in sql_parameters(sql):
            assert f"${name}" in text, f"parameter ${name} is not described in the header"
    else:
        assert "no parameters" in text
        assert not sql_parameters(sql)
    assert "{" not in sql and "}" not in sql, "Python-format placeholders are not allowed in SQL"


def test_every_staging_file_is_loaded():
    assert sorted(p.stem for p in (QUERY_DIR / "staging").glob("*.sql")) == sorted(STAGING)
    assert SQL_FILES and len(query_names()) >= 8


SMOKE = {
    "blangko_harian": {"wilayah": "33", "dari": "2024-02-01", "sampai": "2024-02-11"},
    "blangko_wilayah": {"wilayah": "33", "tanggal": "2024-02-11"},
    "cetak_harian": {"wilayah": "33"},
    "hitung_mundur": {"wilayah": "33.14", "tanggal": "2024-01-20"},
    "kalender_pemilu": {"wilayah": "33.14"},
    "kalender_lengkap": {"wilayah": "33.14"},
    "kualitas": {"wilayah": "33"},
    "laporan_harian": {"wilayah": "33"},
    "peringatan": {"wilayah": "33", "dari": "2024-01-01"},
    "peringatan_ringkas": {"wilayah": "33"},
    "peringatan_terbaru": {"wilayah": ""},
    "peringkat": {"wilayah": "33"},
    "ringkasan": {"wilayah": "33"},
    "risiko_anak": {"wilayah": "33", "tanggal": "2024-02-01"},
    "sasaran": {"wilayah": "33", "tanggal": "2024-01-20"},
    "tren": {"wilayah": "33,33.14", "dari": "2024-01-10"},
}


@pytest.mark.parametrize("name", query_names())
def test_every_query_runs_on_the_fixture(db, name):
    assert name in SMOKE, f"queries/{name}.sql has no smoke test here"
    result = db.run(name, SMOKE[name])
    assert result.rows.height > 0
    assert set(result.params) <= {"wilayah", "tanggal", "dari", "sampai", "tingkat", "banding", "jumlah"}
