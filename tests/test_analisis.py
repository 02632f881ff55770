"""The Analisis wilayah table: columns, share of belum rekam, filters, sort allow-list, display text.

The input imitates the `peringkat` query for the kecamatan of Jawa Tengah (real Kemendagri codes):

    33.14.01 Kalijambe   wajib 1000  sudah  900  belum 100   90,00%  laporan 20 Jan
    33.14.02 Plupuh      wajib 2000  sudah 1950  belum  50   97,50%  laporan 19 Jan
    33.14.03 Masaran     wajib  500  sudah  521  belum   0  104,20%  laporan 10 Jan
    33.13.01 Jatipuro    wajib 3000  sudah 2400  belum 600   80,00%  laporan 10 Jan
    33.13.02 Jatiyoso    no report

Belum rekam of the rows: 100 + 50 + 0 + 600 = 750.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pantau import analisis

D = date.fromisoformat
ROWS = [
    ("33.14.01", "Kalijambe", 1000, 900, 100, 90.0, 10, 850, D("2024-01-20")),
    ("33.14.02", "Plupuh", 2000, 1950, 50, 97.5, 5, 1900, D("2024-01-19")),
    ("33.14.03", "Masaran", 500, 521, 0, 104.2, 2, 500, D("2024-01-10")),
    ("33.13.01", "Jatipuro", 3000, 2400, 600, 80.0, 30, 2300, D("2024-01-10")),
    ("33.13.02", "Jatiyoso", None, None, None, None, None, None, None),
]
SCHEMA = {
    "kode_wilayah": pl.String, "nama_wilayah": pl.String, "wajib_ktp": pl.Int64, "sudah_rekam": pl.Int64,
    "belum_rekam": pl.Int64, "persen_rekam": pl.Float64, "prr": pl.Int64, "sudah_cetak": pl.Int64,
    "tanggal_laporan": pl.Date,
}
PERINGKAT = pl.DataFrame(ROWS, schema=SCHEMA, orient="row").with_columns(
    tingkat=pl.lit("kecamatan"), peringkat=pl.Series([2, 1, 3, 4, None]), unit_melapor=pl.lit(1)
)
TABLE = analisis.table(PERINGKAT)


def codes(frame: pl.DataFrame) -> list[str]:
    return frame["kode_wilayah"].to_list()


def test_table_columns_share_and_parents():
    assert TABLE.columns == list(analisis.COLUMNS)
    # 100/750, 50/750, 0/750, 600/750 in percent with two decimals
    assert TABLE["porsi_belum_rekam"].to_list() == [13.33, 6.67, 0.0, 80.0, None]
    assert TABLE["nama_induk"].to_list() == ["Kabupaten Sragen"] * 3 + ["Kabupaten Karanganyar"] * 2


def test_share_of_the_regions_own_belum_rekam():
    # the region's figure (1500) can exceed the rows' sum, e.g. villages missing from a report
    shares = analisis.table(PERINGKAT, belum_rekam_wilayah=1500)["porsi_belum_rekam"].to_list()
    assert shares == [6.67, 3.33, 0.0, 40.0, None]
    assert analisis.table(PERINGKAT, belum_rekam_wilayah=0)["porsi_belum_rekam"].null_count() == 5


def test_parent_column_dropped_when_every_row_has_the_same_parent():
    sragen = analisis.table(PERINGKAT.filter(pl.col("kode_wilayah").str.starts_with("33.14")))
    assert "nama_induk" not in sragen.columns
    assert "nama_induk" not in analisis.for_export(sragen).columns


@pytest.mark.parametrize(
    ("urut", "expected"),
    [
        ("belum_rekam", ["33.13.01", "33.14.01", "33.14.02", "33.14.03", "33.13.02"]),
        ("persen_terendah", ["33.13.01", "33.14.01", "33.14.02", "33.14.03", "33.13.02"]),
        ("persen_tertinggi", ["33.14.03", "33.14.02", "33.14.01", "33.13.01", "33.13.02"]),
        ("wajib_ktp", ["33.13.01", "33.14.02", "33.14.01", "33.14.03", "33.13.02"]),
        ("prr", ["33.13.01", "33.14.01", "33.14.02", "33.14.03", "33.13.02"]),
        ("laporan_terlama", ["33.13.01", "33.14.03", "33.14.02", "33.14.01", "33.13.02"]),
        ("kode", ["33.13.01", "33.13.02", "33.14.01", "33.14.02", "33.14.03"]),
        ("nama", ["33.13.01", "33.13.02", "33.14.01", "33.14.03", "33.14.02"]),
        ("nama_wilayah; DROP TABLE x", ["33.13.01", "33.14.01", "33.14.02", "33.14.03", "33.13.02"]),
    ],
)
def test_sort_keys_from_the_allow_list(urut, expected):
    assert codes(analisis.apply(TABLE, analisis.Saring(urut=urut))) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("prr", "prr"), ("", analisis.DEFAULT_SORT), ("persen_rekam", analisis.DEFAULT_SORT), (None, "belum_rekam")],
)
def test_sort_key(raw, expected):
    assert analisis.sort_key(raw) == expected


@pytest.mark.parametrize(
    ("saring", "expected"),
    [
        (analisis.Saring(), {"33.14.01", "33.14.02", "33.14.03", "33.13.01", "33.13.02"}),
        (analisis.Saring(persen=(90, 100)), {"33.14.01", "33.14.02"}),  # bounds included, no-data rows out
        (analisis.Saring(persen=(100, 105)), {"33.14.03"}),
        (analisis.Saring(wajib=(1000, 2000)), {"33.14.01", "33.14.02"}),
        (analisis.Saring(target=98.0), {"33.14.01", "33.14.02", "33.13.01"}),
        (analisis.Saring(target=90.0), {"33.13.01"}),  # strictly below
        (analisis.Saring(cari="plu"), {"33.14.02"}),
        (analisis.Saring(cari="  JATI "), {"33.13.01", "33.13.02"}),
        (analisis.Saring(cari="33.14.0"), {"33.14.01", "33.14.02", "33.14.03"}),
        (analisis.Saring(cari="%"), set()),
        (analisis.Saring(persen=(80, 95), wajib=(0, 1500), cari="a"), {"33.14.01"}),
    ],
)
def test_filters(saring, expected):
    assert set(codes(analisis.apply(TABLE, saring))) == expected


def test_describe_names_the_active_filters():
    assert analisis.describe(analisis.Saring()) == []
    words = analisis.describe(analisis.Saring(persen=(90, 100), wajib=(1000, 25000), target=98, cari=" Jati "))
    assert words == [
        "cakupan 90,00% – 100,00%",
        "wajib KTP 1.000 – 25.000",
        "di bawah target 98,00%",
        "nama atau kode memuat “Jati”",
    ]


def test_slider_bounds_and_rows_without_data():
    # coverage: ceil(104.2) = 105; wajib: 3000 rounded up at two significant digits
    assert analisis.slider_bounds(TABLE) == (105, 3000)
    assert analisis.slider_bounds(TABLE.filter(pl.col("wajib_ktp") < 1500)) == (105, 1000)
    assert analisis.slider_bounds(TABLE.filter(pl.col("persen_rekam") < 95)) == (100, 3000)
    assert analisis.slider_bounds(TABLE.filter(pl.col("wajib_ktp").is_null())) == (100, 1)
    assert analisis.without_data(TABLE) == 1


def test_export_frame_has_indonesian_headers_and_numbers():
    out = analisis.for_export(analisis.apply(TABLE, analisis.Saring(urut="kode")))
    assert out.columns == [
        "Kode", "Nama wilayah", "Wilayah induk", "Wajib KTP", "Sudah rekam", "Belum rekam", "% rekam", "PRR",
        "Sudah cetak", "Laporan terakhir", "Porsi belum rekam (%)",
    ]
    assert out.row(2) == ("33.14.01", "Kalijambe", "Kabupaten Sragen", 1000, 900, 100, 90.0, 10, 850,
                          D("2024-01-20"), 13.33)


def test_display_text_is_indonesian_and_sorts_like_the_numbers():
    shown = analisis.for_display(analisis.apply(TABLE, analisis.Saring()))
    assert [t and t.strip() for t in shown["persen_rekam_teks"]] == ["80,00%", "90,00%", "97,50%", "104,20%", None]
    assert [t and t.strip() for t in shown["porsi_belum_rekam_teks"]] == ["80,00%", "13,33%", "6,67%", "0,00%", None]
    texts = shown["persen_rekam_teks"].drop_nulls().to_list()
    assert len({len(t) for t in texts}) == 1  # one width: the grid's text sort is the numeric sort
    assert sorted(texts) == [texts[i] for i in sorted(range(4), key=lambda i: shown["persen_rekam"][i])]


def test_display_limit(monkeypatch):
    assert analisis.for_display(TABLE, limit=2).height == 2
    monkeypatch.setattr(analisis, "DISPLAY_LIMIT", 3)
    assert analisis.for_display(TABLE).height == 3


@pytest.mark.parametrize(
    ("wilayah", "expected"),
    [
        ("", ["provinsi", "kabkota", "kecamatan", "desa"]),
        ("33", ["kabkota", "kecamatan", "desa"]),
        ("33.14", ["kecamatan", "desa"]),
        ("33.14.01", ["desa"]),
        ("33.14.01.2001", ["desa"]),
    ],
)
def test_levels_below(wilayah, expected):
    assert analisis.levels_below(wilayah) == expected
