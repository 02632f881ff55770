"""Status data helpers: the completeness scope, warning totals, the calendar in words, the reporting chart."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pantau import status

D = date.fromisoformat


@pytest.mark.parametrize(
    ("wilayah", "expected"),
    [
        ("", ("", "provinsi")),
        ("33", ("33", "kabkota")),
        ("33.14", ("33.14", "kecamatan")),
        ("33.14.01", ("33.14.01", "kecamatan")),
        ("33.14.01.2001", ("33.14.01", "kecamatan")),
    ],
)
def test_kualitas_scope(wilayah, expected):
    assert status.kualitas_scope(wilayah) == expected


RINGKAS = pl.DataFrame(
    {
        "jenis_peringatan": ["sudah_rekam melebihi wajib_ktp", "sudah_rekam melebihi wajib_ktp",
                             "sudah_rekam turun dari … pada laporan …"],
        "jenis_data": ["rekam", "rekam", "rekam"],
        "kode_wilayah": ["33.14", "33.13", "33.14"],
        "nama_wilayah": ["Kabupaten Sragen", "Kabupaten Karanganyar", "Kabupaten Sragen"],
        "jumlah": [5, 7, 1],
        "tanggal_pertama": [D("2024-11-01"), D("2024-10-20"), D("2024-11-05")],
        "tanggal_terakhir": [D("2024-11-20"), D("2024-11-19"), D("2024-11-05")],
    }
)


def test_rule_totals():
    totals = status.rule_totals(RINGKAS)
    assert totals.rows() == [
        ("sudah_rekam melebihi wajib_ktp", "rekam", 12, 2, D("2024-10-20"), D("2024-11-20")),
        ("sudah_rekam turun dari … pada laporan …", "rekam", 1, 1, D("2024-11-05"), D("2024-11-05")),
    ]
    assert status.rule_totals(RINGKAS.clear()).is_empty()


def test_calendar_table_in_words():
    kalender = pl.DataFrame(
        {
            "nama": ["Pilkada 2024", "Pemilu 2024", "Pilkada Sleman"],
            "tanggal": [D("2024-11-27"), D("2024-02-14"), D("2029-11-28")],
            "cakupan": ["", "", "34.04"],
            "target_persen": [98.0, None, 97.5],
            "catatan": [None, "nasional", None],
            "berlaku": [True, True, False],
        }
    )
    table = status.calendar_table(kalender, as_of=D("2024-11-20"))
    assert table.rows() == [
        (True, "Pemilu 2024", "14 Februari 2024", "H+280", "Nasional", "", None, "nasional"),
        (True, "Pilkada 2024", "27 November 2024", "H-7", "Nasional", "", "98,00%", None),
        (False, "Pilkada Sleman", "28 November 2029", "H-1834", "Kabupaten Sleman", "34.04", "97,50%", None),
    ]
    assert status.calendar_table(kalender)["hitung_mundur"].null_count() == 3
    assert status.calendar_table(kalender.clear()).is_empty()


LAPORAN = pl.DataFrame(
    {
        "tanggal": [D("2024-11-20"), D("2024-11-19"), D("2024-11-18")],
        "baris": [6000, 5990, 5876],
        "kecamatan_melapor": [6000, 5990, 5876],
        "kabkota_melapor": [423, 417, 413],
        "tingkat_unit": ["kecamatan", "kecamatan", "desa, kecamatan"],
        "peringatan": [1525, 1491, 0],
    }
)


def test_reporting_chart():
    fig = status.reporting_chart(LAPORAN, unit_total=7285, as_of=D("2024-11-20"), demo=True)
    bar = fig.data[0]
    assert list(bar.x) == [D("2024-11-18"), D("2024-11-19"), D("2024-11-20")]  # oldest first
    assert list(bar.y) == [5876, 5990, 6000]
    assert list(bar.customdata[0]) == ["Senin, 18 November 2024", "5.876", "413", "desa, kecamatan", "0"]
    assert "Kecamatan melapor per tanggal" in fig.layout.title.text
    assert "20 November 2024" in fig.layout.title.subtitle.text
    assert any("7.285" in (shape.label.text or "") for shape in fig.layout.shapes)
    assert any(a.text == "DATA DEMO" for a in fig.layout.annotations)
    assert fig.layout.yaxis.range[1] >= 7285


def test_reporting_chart_without_rows():
    fig = status.reporting_chart(LAPORAN.clear(), unit_total=None, as_of=None)
    assert list(fig.data[0].y) == []
    assert not any(a.text == "DATA DEMO" for a in fig.layout.annotations)
