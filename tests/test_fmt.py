"""Indonesian formatting: every function, table-driven, with None, NaN, zero, negatives and >100%."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from pantau import fmt

NAN = float("nan")
MISSING = [None, NAN]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (738385, "738.385"),
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (-56000, "-56.000"),
        (202_000_000, "202.000.000"),
        (2.5, "3"),  # half up, as people round
        (1234.4, "1.234"),
        (Decimal("1234"), "1.234"),
    ]
    + [(m, "–") for m in MISSING],
)
def test_angka(value, expected):
    assert fmt.angka(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_200_000, "1,2 jt"),
        (738_385, "738,4 rb"),
        (12_500_000_000, "12,5 M"),
        (200_000_000, "200 jt"),
        (1_250_000, "1,3 jt"),
        (999, "999"),
        (0, "0"),
        (-56_000, "-56 rb"),
    ]
    + [(m, "–") for m in MISSING],
)
def test_angka_ringkas(value, expected):
    assert fmt.angka_ringkas(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (92.1, "92,10%"),
        (97.19, "97,19%"),
        (92.105, "92,11%"),
        (101.234, "101,23%"),  # above 100% is real data: never capped
        (100, "100,00%"),
        (0, "0,00%"),
        (-1.5, "-1,50%"),
        (1234.5, "1.234,50%"),
    ]
    + [(m, "–") for m in MISSING],
)
def test_persen(value, expected):
    assert fmt.persen(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.35, "+0,35 poin"),
        (-1.2, "−1,20 poin"),  # U+2212, a real minus sign
        (0, "0,00 poin"),
        (-0.001, "0,00 poin"),
        (-0.005, "−0,01 poin"),
        (12.5, "+12,50 poin"),
    ]
    + [(m, "–") for m in MISSING],
)
def test_persen_poin(value, expected):
    assert fmt.persen_poin(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234, "+1.234"),
        (-56, "−56"),
        (0, "0"),
        (-0.4, "0"),
        (-0.5, "−1"),
        (1_000_000, "+1.000.000"),
    ]
    + [(m, "–") for m in MISSING],
)
def test_selisih(value, expected):
    assert fmt.selisih(value) == expected


@pytest.mark.parametrize(
    ("value", "satuan", "expected"),
    [
        (12500, "orang", "12.500 orang"),
        (2, "hari", "2 hari"),
        (0, "keping", "0 keping"),
        (-3, "hari", "-3 hari"),
        (None, "orang", "–"),
        (NAN, "orang", "–"),
    ],
)
def test_jumlah(value, satuan, expected):
    assert fmt.jumlah(value, satuan) == expected


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (fmt.tanggal, date(2024, 2, 14), "14 Februari 2024"),
        (fmt.tanggal, date(2024, 11, 20), "20 November 2024"),
        (fmt.tanggal, datetime(2024, 8, 17, 10, 30), "17 Agustus 2024"),
        (fmt.tanggal_pendek, date(2024, 2, 14), "14 Feb 2024"),
        (fmt.tanggal_pendek, date(2024, 8, 1), "1 Agu 2024"),
        (fmt.tanggal_pendek, date(2024, 12, 31), "31 Des 2024"),
        (fmt.tanggal_bulan, date(2024, 10, 5), "5 Okt"),
        (fmt.bulan_pendek, date(2024, 5, 1), "Mei"),
        (fmt.hari, date(2024, 2, 14), "Rabu, 14 Februari 2024"),
        (fmt.hari, date(2024, 11, 27), "Rabu, 27 November 2024"),
        (fmt.hari, date(2024, 11, 24), "Minggu, 24 November 2024"),
    ]
    + [(f, m, "–") for f in (fmt.tanggal, fmt.tanggal_pendek, fmt.tanggal_bulan, fmt.bulan_pendek, fmt.hari)
       for m in MISSING],
)  # fmt: skip
def test_dates(function, value, expected):
    assert function(value) == expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [(4, "H-4"), (7, "H-7"), (1, "H-1"), (0, "Hari H"), (-3, "H+3"), (None, "–"), (NAN, "–")],
)
def test_hitung_mundur(days, expected):
    assert fmt.hitung_mundur(days) == expected


def test_plotly_separators():
    assert fmt.plotly_separators() == ",."
