"""The ranking table (pantau.peringkat): levels offered, rank arrows, notes, a region's place among its peers."""

from __future__ import annotations

import polars as pl
import pytest

from pantau import peringkat


@pytest.mark.parametrize(
    ("code", "levels"),
    [
        ("", ["provinsi", "kabkota", "kecamatan"]),
        ("33", ["kabkota", "kecamatan"]),
        ("33.14", ["kecamatan", "desa"]),
        ("33.14.10", ["desa"]),
        ("33.14.10.1001", []),
    ],
)
def test_level_options(code, levels):
    assert peringkat.level_options(code) == levels


@pytest.mark.parametrize(
    ("code", "tingkat", "scope"),
    [
        ("", None, ("", "provinsi")),
        ("", "kabkota", ("", "kabkota")),
        ("", "desa", ("", "provinsi")),  # not offered nationally: back to the children
        ("33", "provinsi", ("33", "kabkota")),  # above the region: back to the children
        ("33.14", "desa", ("33.14", "desa")),
        ("33.14.10.1001", None, ("33.14.10", "desa")),  # a village ranks among its kecamatan's villages
    ],
)
def test_ranking_scope(code, tingkat, scope):
    assert peringkat.ranking_scope(code, tingkat) == scope


@pytest.mark.parametrize(("change", "text"), [(2, "▲ 2"), (-1, "▼ 1"), (0, "="), (None, "–"), (15, "▲ 15")])
def test_rank_arrow(change, text):
    assert peringkat.rank_arrow(change) == text


def frame(rows: list[tuple]) -> pl.DataFrame:
    """peringkat rows: (kode, nama, persen_rekam, peringkat, perubahan_peringkat)."""
    base = pl.DataFrame(rows, schema={"kode_wilayah": pl.String, "nama_wilayah": pl.String, "persen_rekam": pl.Float64,
                                      "peringkat": pl.Int64, "perubahan_peringkat": pl.Int64}, orient="row")
    return base.with_columns(belum_rekam=pl.lit(10), sudah_rekam=pl.lit(90), wajib_ktp=pl.lit(100))


ROWS = frame([
    ("33.06", "Kabupaten Purworejo", 102.94, 1, 0),
    ("33.74", "Kota Semarang", 100.0, 2, 1),
    ("33.14", "Kabupaten Sragen", 98.75, 3, -1),
    ("33.16", "Kabupaten Blora", 92.18, 4, None),
    ("33.17", "Kabupaten Rembang", 92.18, 4, 2),
    ("33.18", "Kabupaten Pati", None, None, None),
])


def test_table_notes_and_arrows():
    table = peringkat.table(ROWS)
    assert table.columns == ["peringkat", "nama_wilayah", "persen_rekam", "bar_cakupan", "perubahan", "belum_rekam",
                             "sudah_rekam", "wajib_ktp", "catatan", "kode_wilayah"]
    assert table["perubahan"].to_list() == ["=", "▲ 1", "▼ 1", "–", "▲ 2", "–"]
    assert table["catatan"].to_list() == ["Tertinggi, ≥100%", "≥100%", "", "Terendah", "Terendah", "Tanpa data"]
    assert table["bar_cakupan"].to_list() == table["persen_rekam"].to_list()


def test_a_single_region_is_neither_highest_nor_lowest():
    table = peringkat.table(frame([("33.14", "Kabupaten Sragen", 98.75, 1, 0)]))
    assert table["catatan"].to_list() == [""]


def test_table_with_parent_names():
    table = peringkat.table(frame([("33.14.10", "Sragen", 97.0, 1, 0), ("34.71.01", "Mantrijeron", 96.0, 2, 0)]),
                            with_parent=True)
    assert table.columns[2] == "induk"
    assert table["induk"].to_list() == ["Kabupaten Sragen", "Kota Yogyakarta"]


def test_position_among_peers():
    assert peringkat.position(ROWS, "33.14") == (3, 5)
    assert peringkat.position(ROWS, "33.18") is None, "a region without data has no rank"
    assert peringkat.position(ROWS, "35") is None


def test_name_with_parent():
    row = {"kode_wilayah": "33.14.10", "nama_wilayah": "Sragen"}
    assert peringkat.name_with_parent(row, True) == "Sragen (Kabupaten Sragen)"
    assert peringkat.name_with_parent(row, False) == "Sragen"
