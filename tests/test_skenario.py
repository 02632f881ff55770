"""pantau.skenario: the what-if of the Hitung mundur page; every expected value computed by hand.

Start 1 January 2029; election day 14 February 2029 is 44 days later (31 days of January + 13).
Recording: 98% of 100.000 wajib KTP = 98.000; with 96.000 recorded, 2.000 people are short.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import polars as pl
import pytest

from pantau import skenario
from pantau.skenario import BLANGKO, KAPASITAS, PEREKAMAN, SUDAH, TANPA_TARGET, TERCAPAI, TIDAK_PERNAH, Skenario

D = date.fromisoformat
START = D("2029-01-01")
PEMILU = D("2029-02-14")
BASE = Skenario(
    tanggal=START,
    wajib_ktp=100_000,
    sudah_rekam=96_000,
    target_persen=98,
    prr=0,
    blangko_sisa=None,
    laju_rekam=100,
    kapasitas_cetak=500,
    pasokan_blangko=None,
    tanggal_pemilu=PEMILU,
)
DONE = replace(BASE, sudah_rekam=98_500)  # target reached: only today's PRR is left to print

REKAM_CASES = {
    # 2.000 short at 100 a day = 20 days: 21 January, 44 - 20 = 24 days before
    "tepat waktu": (
        BASE,
        TERCAPAI,
        D("2029-01-21"),
        True,
        "Dengan 100 perekaman per hari, target 98,00% tercapai 21 Januari 2029, 24 hari sebelum hari pemungutan suara.",
    ),
    # 2.000 at 40 a day = 50 days: 20 February, 6 days late; needed 2.000 / 44 = 45,45 -> 46 people a day
    "terlambat": (
        replace(BASE, laju_rekam=40),
        TERCAPAI,
        D("2029-02-20"),
        False,
        "Dengan 40 perekaman per hari, target 98,00% baru tercapai 20 Februari 2029, 6 hari sesudah "
        "hari pemungutan suara. Agar tercapai sebelum hari pemungutan suara perlu 46 perekaman per hari.",
    ),
    # 2.200 short at 50 a day = 44 days: election day itself counts as in time
    "tepat hari H": (
        replace(BASE, sudah_rekam=95_800, laju_rekam=50),
        TERCAPAI,
        PEMILU,
        True,
        "Dengan 50 perekaman per hari, target 98,00% tercapai 14 Februari 2029, tepat pada hari pemungutan suara.",
    ),
    "laju nol": (
        replace(BASE, laju_rekam=0),
        TIDAK_PERNAH,
        None,
        False,
        "Dengan 0 perekaman per hari, target 98,00% tidak akan tercapai. "
        "Agar tercapai sebelum hari pemungutan suara perlu 46 perekaman per hari.",
    ),
    "sudah di atas target": (DONE, SUDAH, START, True, "Target 98,00% sudah tercapai pada 1 Januari 2029."),
    "tanpa pemilu": (
        replace(BASE, tanggal_pemilu=None),
        TERCAPAI,
        D("2029-01-21"),
        None,
        "Dengan 100 perekaman per hari, target 98,00% tercapai 21 Januari 2029.",
    ),
    "tanpa target": (
        replace(BASE, target_persen=None),
        TANPA_TARGET,
        None,
        None,
        "Belum ada target cakupan di kalender pemilu: tanggal tercapainya target tidak dihitung.",
    ),
    # on election day itself nothing is left to gain
    "hari H": (
        replace(BASE, laju_rekam=40, tanggal_pemilu=START),
        TERCAPAI,
        D("2029-02-20"),
        False,
        "Dengan 40 perekaman per hari, target 98,00% baru tercapai 20 Februari 2029, 50 hari sesudah "
        "hari pemungutan suara. Tidak ada hari tersisa sebelum hari pemungutan suara.",
    ),
}


@pytest.mark.parametrize(("s", "status", "day", "in_time", "text"), REKAM_CASES.values(), ids=REKAM_CASES.keys())
def test_rekam(s, status, day, in_time, text):
    hasil = skenario.rekam(s)
    assert (hasil.status, hasil.tanggal, hasil.tepat_waktu) == (status, day, in_time)
    assert skenario.teks_rekam(s, hasil) == text


CETAK_CASES = {
    # 1.000 cards at 100 a day, stock not known: 10 days -> 11 January, 34 days before
    # (1.000 / 44 = 22,7: 23 a day would have done for election day)
    "kapasitas": (
        replace(DONE, prr=1_000, kapasitas_cetak=100),
        D("2029-01-11"),
        KAPASITAS,
        23,
        None,
        "Dengan kapasitas 100 keping per hari, antrean cetak 1.000 keping habis 11 Januari 2029, "
        "34 hari sebelum hari pemungutan suara. Pembatasnya: kapasitas cetak.",
    ),
    # stock 200, 350 a week = 50 a day, 100 a day capacity: days 1-4 print 100 (stock 250, 200, 150, 100 before
    # printing, then 0), from day 5 50 a day; 600 left after day 4 -> 12 more days -> day 16 = 17 January.
    # Election 12 days out: cumulative min(100d, 200 + 12x) >= 1.000 needs x >= 66,67 a day = 466,67 a week
    # -> 467; no capacity helps (200 + 12 * 50 = 800 cards at most).
    "blangko": (
        replace(
            DONE,
            prr=1_000,
            kapasitas_cetak=100,
            blangko_sisa=200,
            pasokan_blangko=350,
            tanggal_pemilu=START + timedelta(days=12),
        ),
        D("2029-01-17"),
        BLANGKO,
        None,
        467,
        "Dengan kapasitas 100 keping per hari, stok blangko 200 keping dan pasokan 350 keping per minggu, "
        "antrean cetak 1.000 keping baru habis 17 Januari 2029, 4 hari sesudah hari pemungutan suara. "
        "Pembatasnya: pasokan blangko. Agar habis sebelum hari pemungutan suara perlu pasokan blangko "
        "467 keping per minggu (masukan lain tetap).",
    ),
    # election 8 days out: 1.000 / 8 = 125 a day (124 * 8 = 992 is short)
    "kapasitas kurang": (
        replace(DONE, prr=1_000, kapasitas_cetak=100, tanggal_pemilu=START + timedelta(days=8)),
        D("2029-01-11"),
        KAPASITAS,
        125,
        None,
        "Dengan kapasitas 100 keping per hari, antrean cetak 1.000 keping baru habis 11 Januari "
        "2029, 2 hari sesudah hari pemungutan suara. Pembatasnya: kapasitas cetak. Agar habis "
        "sebelum hari pemungutan suara perlu kapasitas 125 keping per hari (masukan lain tetap).",
    ),
    # nothing in PRR, 2.000 to record at 40 a day (50 days), printing keeps up: cleared with the last recording
    "perekaman": (
        replace(BASE, laju_rekam=40),
        D("2029-02-20"),
        PEREKAMAN,
        None,
        None,
        "Dengan kapasitas 500 keping per hari, antrean cetak 2.000 keping (PRR 0 + 2.000 perekaman baru "
        "sampai target) baru habis 20 Februari 2029, 6 hari sesudah hari pemungutan suara. Pembatasnya: "
        "laju perekaman. Perekaman harus dipercepat dulu: pada laju ini antrean tidak dapat habis "
        "sebelum hari pemungutan suara.",
    ),
    # PRR 300 plus 100 recorded a day for 20 days, 110 printed a day: the queue shrinks by 10 a day to 100
    # after day 20, printed on day 21 = 22 January; 2.300 / 110 = 20,9 days > 20 days of recording
    "campuran": (
        replace(BASE, prr=300, kapasitas_cetak=110),
        D("2029-01-22"),
        KAPASITAS,
        53,
        None,
        "Dengan kapasitas 110 keping per hari, antrean cetak 2.300 keping (PRR 300 + 2.000 perekaman baru "
        "sampai target) habis 22 Januari 2029, 23 hari sebelum hari pemungutan suara. Pembatasnya: "
        "kapasitas cetak.",
    ),
    "kapasitas nol": (
        replace(DONE, prr=1_000, kapasitas_cetak=0),
        None,
        KAPASITAS,
        23,
        None,
        "Dengan kapasitas 0 keping per hari, antrean cetak 1.000 keping tidak akan habis. Pembatasnya: "
        "kapasitas cetak. Agar habis sebelum hari pemungutan suara perlu kapasitas 23 keping per hari "
        "(masukan lain tetap).",
    ),
}


@pytest.mark.parametrize(
    ("s", "day", "binding", "capacity", "supply", "text"), CETAK_CASES.values(), ids=CETAK_CASES.keys()
)
def test_cetak(s, day, binding, capacity, supply, text):
    hasil = skenario.cetak(s)
    assert (hasil.tanggal, hasil.pembatas) == (day, binding)
    assert hasil.status == (TERCAPAI if day else TIDAK_PERNAH)
    assert (hasil.kebutuhan, hasil.kebutuhan_blangko) == (capacity, supply)
    assert skenario.teks_cetak(s, hasil) == text


def test_nothing_to_print():
    hasil = skenario.cetak(DONE)
    assert (hasil.status, hasil.tanggal, hasil.tepat_waktu) == (SUDAH, START, True)
    assert (
        skenario.teks_cetak(DONE, hasil) == "Tidak ada antrean cetak: PRR kosong dan target perekaman sudah tercapai."
    )


def test_cetak_without_election_has_no_needed_pace():
    hasil = skenario.cetak(replace(DONE, prr=1_000, kapasitas_cetak=100, tanggal_pemilu=None))
    assert (hasil.tanggal, hasil.tepat_waktu, hasil.kebutuhan) == (D("2029-01-11"), None, None)


def test_more_than_ten_years_is_never():
    # 1.000.000 cards at 100 a day: 10.000 days, beyond MAX_DAYS
    hasil = skenario.cetak(replace(DONE, prr=1_000_000, kapasitas_cetak=100, tanggal_pemilu=None))
    assert (hasil.status, hasil.tanggal) == (TIDAK_PERNAH, None)


def semua(rows) -> pl.DataFrame:
    """cetak_harian 'semua' rows: (tanggal, tercetak, blangko_diterima)."""
    return pl.DataFrame(
        [(D(d), "semua", t, r) for d, t, r in rows],
        orient="row",
        schema={"tanggal": pl.Date, "layanan": pl.String, "tercetak": pl.Int64, "blangko_diterima": pl.Int64},
    )


def test_supply_from_logged_receipts():
    # window 2029-01-04 .. 2029-01-31 (28 days); 1.000 + 400 received inside it, 5.000 before it; the log
    # starts before the window, so all 28 days count
    log = semua([("2028-12-20", 50, 5_000), ("2029-01-10", 50, 1_000), ("2029-01-31", 50, 400)])
    assert skenario.pasokan_terkini(log, pl.DataFrame(), D("2029-01-31")) == (1_400 * 7 / 28, "diterima")


def test_supply_derived_from_stock_when_receipts_are_not_logged():
    # stock 1.000 on 1 January, 700 on 15 January; 400 + 600 printed after the 1st: 700 - 1.000 + 1.000 = 700
    # received in 14 days = 350 a week
    log = semua([("2029-01-01", 80, 0), ("2029-01-05", 400, 0), ("2029-01-15", 600, None)])
    stock = pl.DataFrame(
        {"tanggal": [D("2029-01-01"), D("2029-01-08"), D("2029-01-15")], "blangko_sisa": [1_000, 600, 700]}
    )
    assert skenario.pasokan_terkini(log, stock, D("2029-01-15")) == (350.0, "turunan")


def test_no_supply_figure_without_stock():
    log = semua([("2029-01-05", 400, 0)])
    stock = pl.DataFrame(
        {"tanggal": [D("2029-01-05")], "blangko_sisa": [None]}, schema={"tanggal": pl.Date, "blangko_sisa": pl.Int64}
    )
    assert skenario.pasokan_terkini(log, stock, D("2029-01-15")) == (None, "tidak_ada")
