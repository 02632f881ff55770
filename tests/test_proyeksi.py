"""pantau.proyeksi: target date, projection series, verdicts; every expected value computed by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pantau import proyeksi
from pantau.proyeksi import SUDAH, TANPA_TARGET, TERCAPAI, TIDAK_TERCAPAI, Pencapaian

D = date.fromisoformat
START = D("2024-11-20")

TARGET_DATE_CASES = {
    # 98% of 10.000 = 9.800; 9.800 - 9.700 = 100 short at 10/day = exactly 10 days
    "tepat 10 hari": (9_700, 10_000, 98, 10, D("2024-11-30")),
    # 100 short at 30/day = 3,33 days: the target is met on the 4th day
    "dibulatkan ke atas": (9_700, 10_000, 98, 30, D("2024-11-24")),
    # 97,5% of 1.000 = 975 exactly (a float 0.975 * 1000 would be 974.999...); 975 - 960 = 15 at 1,5/day = 10 days
    "target desimal": (960, 1_000, 97.5, 1.5, D("2024-11-30")),
    # pace from the query with two decimals: 1.075 short at 15,71/day = 68,43 -> 69 days
    "laju dua desimal": (7_941, 9_200, 98, 15.71, D("2025-01-28")),
    "sudah tercapai": (9_800, 10_000, 98, 0, START),
    "di atas 100%": (10_500, 10_000, 98, None, START),
    "laju nol": (9_700, 10_000, 98, 0, None),
    "laju turun": (9_700, 10_000, 98, -7.07, None),
    "tanpa laju": (9_700, 10_000, 98, None, None),
    "tanpa target": (9_700, 10_000, None, 10, None),
    "wajib ktp nol": (0, 0, 98, 10, None),
    "tanpa data": (None, None, 98, 10, None),
    # 100 short at 0,000001/day = 100 million days: more than a century, never
    "lebih dari seabad": (9_700, 10_000, 98, 0.000001, None),
}


@pytest.mark.parametrize(("sudah", "wajib", "target", "laju", "expected"), TARGET_DATE_CASES.values(),
                         ids=TARGET_DATE_CASES.keys())
def test_target_date(sudah, wajib, target, laju, expected):
    assert proyeksi.target_date(sudah, wajib, target, laju, START) == expected


@pytest.mark.parametrize(("sudah", "wajib", "target", "expected"), [
    (9_700, 10_000, 98, 100),  # 9.800 - 9.700
    (960, 1_000, 97.5, 15),  # 975 - 960
    (0, 7, 98, 7),  # 6,86 people: 7 to reach it
    (9_900, 10_000, 98, 0),
    (9_700, 10_000, None, None),
    (None, None, 98, None),
])
def test_kekurangan_target(sudah, wajib, target, expected):
    assert proyeksi.kekurangan_target(sudah, wajib, target) == expected


def test_projection_series():
    frame = proyeksi.projection_series(START, 9_700, 10_000, 320, 40, D("2024-11-27"))
    assert frame.schema == pl.Schema(
        {"tanggal": pl.Date, "sudah_rekam": pl.Float64, "belum_rekam": pl.Float64, "persen_rekam": pl.Float64})
    # day k: 9.700 + 40k recorded; belum 320 - 40k, never below 0 (day 8 would be 0, day 7 is 40)
    assert frame["tanggal"].to_list() == [D(f"2024-11-{d}") for d in range(21, 28)]
    assert frame["sudah_rekam"].to_list() == [9_740, 9_780, 9_820, 9_860, 9_900, 9_940, 9_980]
    assert frame["belum_rekam"].to_list() == [280, 240, 200, 160, 120, 80, 40]
    assert frame["persen_rekam"].to_list() == [97.4, 97.8, 98.2, 98.6, 99.0, 99.4, 99.8]


def test_projection_series_is_not_capped_and_belum_stops_at_zero():
    # 990 + 20k of 1.000: 101% on day 1, 103% on day 2; belum 15 - 20k -> 0
    frame = proyeksi.projection_series(START, 990, 1_000, 15, 20, D("2024-11-22"))
    assert frame["persen_rekam"].to_list() == [101.0, 103.0]
    assert frame["belum_rekam"].to_list() == [0.0, 0.0]


def test_projection_series_rounds_half_up_to_two_decimals():
    # 2 + 1/3 per day of 3: day 1 = 2.333.../3 = 77.777...% -> 77,78; day 2 = 2.666.../3 = 88.888...% -> 88,89
    frame = proyeksi.projection_series(START, 2, 3, 1, 1 / 3, D("2024-11-22"))
    assert frame["persen_rekam"].to_list() == [77.78, 88.89]
    # 1 + 1/8 of 8 = 14.0625% -> 14,06; 1 + 2/8 = 15.625% -> 15,63 (half up, not to even)
    frame = proyeksi.projection_series(START, 1, 8, 7, 0.125, D("2024-11-22"))
    assert frame["persen_rekam"].to_list() == [14.06, 15.63]


def test_projection_series_empty_when_nothing_ahead():
    assert proyeksi.projection_series(START, 9_700, 10_000, 300, 40, START).is_empty()
    assert proyeksi.projection_series(START, 9_700, 10_000, 300, 40, D("2024-11-01")).is_empty()


PEMILU = D("2024-11-27")

PENCAPAIAN_CASES = {
    # 100 short at 20/day: 5 days -> 25 November, H-2
    "tercapai H-2": ((9_700, 10_000, 98, 20), Pencapaian(TERCAPAI, D("2024-11-25")),
                     "Pada laju ini target 98,00% tercapai sekitar 25 November 2024 (H-2)."),
    # 100 short at 100/7 per day: exactly 7 days, on election day itself
    "tercapai hari H": ((9_700, 10_000, 98, 100 / 7), Pencapaian(TERCAPAI, PEMILU),
                        "Pada laju ini target 98,00% tercapai sekitar 27 November 2024 (Hari H)."),
    # 100 short at 10/day: 10 days -> 30 November, after election day
    "terlambat": ((9_700, 10_000, 98, 10), Pencapaian(TIDAK_TERCAPAI, D("2024-11-30")),
                  "Pada laju ini target 98,00% tidak tercapai sebelum hari pemilu."),
    "tidak pernah": ((9_700, 10_000, 98, 0), Pencapaian(TIDAK_TERCAPAI, None),
                     "Pada laju ini target 98,00% tidak tercapai sebelum hari pemilu."),
    "sudah": ((9_850, 10_000, 98, -5), Pencapaian(SUDAH, START), "Target 98,00% sudah tercapai."),
    "target desimal sudah": ((976, 1_000, 97.5, None), Pencapaian(SUDAH, START), "Target 97,50% sudah tercapai."),
    "tanpa target": ((9_700, 10_000, None, 10), Pencapaian(TANPA_TARGET, None),
                     "Pemilu ini belum punya target cakupan di kalender."),
    "tanpa data": ((None, None, 98, None), Pencapaian(TANPA_TARGET, None),
                   "Pemilu ini belum punya target cakupan di kalender."),
}


@pytest.mark.parametrize(("args", "expected", "text"), PENCAPAIAN_CASES.values(), ids=PENCAPAIAN_CASES.keys())
def test_pencapaian_target(args, expected, text):
    got = proyeksi.pencapaian_target(*args, START, PEMILU)
    assert got == expected
    assert got.teks(args[2], PEMILU) == text


VONIS_CASES = {
    # need 23 a day, doing 10: 2,3 times faster
    "perlu 2,3x": (10, 23, False, "Laju saat ini tidak cukup: perlu 2,3x lebih cepat."),
    # 82,69 / 15,71 = 5,2635... -> 5,3x
    "perlu 5,3x": (15.71, 82.69, False, "Laju saat ini tidak cukup: perlu 5,3x lebih cepat."),
    # 100,4 / 100 = 1,004: one decimal would read '1,0x'; two decimals rounded up: 1,01x
    "hampir cukup": (100, 100.4, False, "Laju saat ini tidak cukup: perlu 1,01x lebih cepat."),
    # 30 / 20 = 1,5 times what is needed
    "cukup": (30, 20, True, "Laju saat ini cukup: 1,5x laju yang dibutuhkan."),
    "pas": (20, 20, True, "Laju saat ini cukup: 1,0x laju yang dibutuhkan."),
    "target sudah tercapai": (5, 0, True, "Target sudah tercapai: laju saat ini cukup."),
    "laju nol": (0, 20, False, "Laju saat ini tidak cukup: jumlah sudah rekam tidak bertambah dalam 14 hari terakhir."),
    "laju turun": (-7.07, 20, False, "Laju saat ini tidak cukup: jumlah sudah rekam turun dalam 14 hari terakhir."),
    "tanpa laju": (None, 20, None, "Laju belum dapat dihitung: tidak ada data 14 hari sebelumnya."),
    "hari H": (10, None, None, "Tidak ada hari tersisa: laju yang dibutuhkan tidak dihitung."),
}


@pytest.mark.parametrize(("laju", "kebutuhan", "cukup", "text"), VONIS_CASES.values(), ids=VONIS_CASES.keys())
def test_vonis_laju(laju, kebutuhan, cukup, text):
    assert proyeksi.vonis_laju(laju, kebutuhan) == proyeksi.Vonis(cukup, text)


@pytest.mark.parametrize(("laju", "kebutuhan", "expected"), [
    (10, 23, 2.3), (40, 10, 0.25), (0, 10, None), (-3, 10, None), (None, 10, None), (10, None, None)])
def test_rasio_laju(laju, kebutuhan, expected):
    assert proyeksi.rasio_laju(laju, kebutuhan) == expected


@pytest.mark.parametrize(("ratio", "text"), [
    (2.3, "2,3x"), (2.25, "2,3x"), (2.24, "2,2x"), (12.0, "12,0x"), (1234.5, "1.234,5x"), (1.04, "1,04x"),
    (1.001, "1,01x"), (1.0, "1,0x"), (0.5, "0,5x")])
def test_kali(ratio, text):
    assert proyeksi.kali(ratio) == text
