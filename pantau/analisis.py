"""Analisis wilayah: the filterable table of every region of one level, as shown and as downloaded.

The input is the `peringkat` query (one row per region of the level inside the selected region).
`table` picks the columns and adds each region's share of the selected region's belum rekam;
`apply` filters and sorts it (sort keys from a fixed list); `for_export` gives the same rows with
Indonesian headers for the CSV/XLSX files; `for_display` adds the percentages as Indonesian text
for the on-screen grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from pantau import fmt, regions

DISPLAY_LIMIT = 5_000  # rows sent to the browser; the downloads hold every filtered row
COLUMNS = {
    "kode_wilayah": "Kode",
    "nama_wilayah": "Nama wilayah",
    "nama_induk": "Wilayah induk",
    "wajib_ktp": "Wajib KTP",
    "sudah_rekam": "Sudah rekam",
    "belum_rekam": "Belum rekam",
    "persen_rekam": "% rekam",
    "prr": "PRR",
    "sudah_cetak": "Sudah cetak",
    "tanggal_laporan": "Laporan terakhir",
    "porsi_belum_rekam": "Porsi belum rekam (%)",
}

# the grid: percentages as text (Indonesian decimal comma) beside a bar that sorts numerically
DISPLAY_ORDER = (
    "kode_wilayah", "nama_wilayah", "nama_induk", "wajib_ktp", "sudah_rekam", "belum_rekam", "persen_rekam_teks",
    "persen_rekam", "prr", "sudah_cetak", "tanggal_laporan", "porsi_belum_rekam_teks",
)


def levels_below(wilayah: str) -> list[str]:
    """Levels the table can show for a region: every level below it (a village shows itself)."""
    index = regions.LEVELS.index(regions.level_of(wilayah))
    return list(regions.LEVELS[index + 1 :]) or ["desa"]


@dataclass(frozen=True)
class Urutan:
    """One entry of the sort allow-list."""

    label: str
    column: str
    descending: bool


SORTS = {
    "belum_rekam": Urutan("Belum rekam terbanyak", "belum_rekam", True),
    "persen_terendah": Urutan("% rekam terendah", "persen_rekam", False),
    "persen_tertinggi": Urutan("% rekam tertinggi", "persen_rekam", True),
    "wajib_ktp": Urutan("Wajib KTP terbanyak", "wajib_ktp", True),
    "prr": Urutan("PRR terbanyak", "prr", True),
    "laporan_terlama": Urutan("Laporan terakhir paling lama", "tanggal_laporan", False),
    "kode": Urutan("Kode wilayah", "kode_wilayah", False),
    "nama": Urutan("Nama wilayah (A–Z)", "nama_wilayah", False),
}
DEFAULT_SORT = "belum_rekam"


def sort_key(raw: object) -> str:
    """A sort key from the allow-list; anything else (e.g. a hand-edited URL) gives the default."""
    return raw if isinstance(raw, str) and raw in SORTS else DEFAULT_SORT


@dataclass(frozen=True)
class Saring:
    """The filters of the table; None means 'not filtered' (rows without data are then kept)."""

    persen: tuple[float, float] | None = None
    wajib: tuple[int, int] | None = None
    target: float | None = None  # keep only regions whose coverage is below this percentage
    cari: str = ""
    urut: str = DEFAULT_SORT


def table(peringkat: pl.DataFrame, belum_rekam_wilayah: int | None = None) -> pl.DataFrame:
    """The table's columns, with each row's share (percent, 2 decimals) of the region's belum rekam
    and, when the rows have different parents, the parent's name (village names repeat).

    The share is of `belum_rekam_wilayah` (the selected region's own figure) when given, else of
    the rows' total.
    """
    total = belum_rekam_wilayah if belum_rekam_wilayah is not None else peringkat["belum_rekam"].sum()
    share = (100 * pl.col("belum_rekam") / total).round(2) if total else pl.lit(None, dtype=pl.Float64)
    master = regions.region_table().select("kode_wilayah", "nama_wilayah")
    parents = peringkat.select(
        "kode_wilayah", pl.col("kode_wilayah").str.replace(r"\.?[0-9]+$", "").alias("kode_induk")
    ).join(master.rename({"kode_wilayah": "kode_induk", "nama_wilayah": "nama_induk"}), on="kode_induk", how="left")
    columns = [c for c in COLUMNS if c != "porsi_belum_rekam"]
    if parents["kode_induk"].n_unique() <= 1:
        columns.remove("nama_induk")
    return peringkat.join(parents.select("kode_wilayah", "nama_induk"), on="kode_wilayah", how="left",
                          maintain_order="left").select(*columns, share.cast(pl.Float64).alias("porsi_belum_rekam"))


def apply(tabel: pl.DataFrame, saring: Saring) -> pl.DataFrame:
    """Rows matching every filter, sorted by the chosen key (regions without data last)."""
    conditions = []
    if saring.persen is not None:
        conditions.append(pl.col("persen_rekam").is_between(*saring.persen))
    if saring.wajib is not None:
        conditions.append(pl.col("wajib_ktp").is_between(*saring.wajib))
    if saring.target is not None:
        conditions.append(pl.col("persen_rekam") < saring.target)
    needle = saring.cari.strip().lower()
    if needle:
        conditions.append(
            pl.col("nama_wilayah").str.to_lowercase().str.contains(needle, literal=True)
            | pl.col("kode_wilayah").str.starts_with(needle)
        )
    rows = tabel.filter(*conditions) if conditions else tabel
    urutan = SORTS[sort_key(saring.urut)]
    return rows.sort([urutan.column, "kode_wilayah"], descending=[urutan.descending, False], nulls_last=True)


def describe(saring: Saring) -> list[str]:
    """The active filters in words, for the line above the table."""
    parts = []
    if saring.persen is not None:
        parts.append(f"cakupan {fmt.persen(saring.persen[0])} – {fmt.persen(saring.persen[1])}")
    if saring.wajib is not None:
        parts.append(f"wajib KTP {fmt.angka(saring.wajib[0])} – {fmt.angka(saring.wajib[1])}")
    if saring.target is not None:
        parts.append(f"di bawah target {fmt.persen(saring.target)}")
    if saring.cari.strip():
        parts.append(f"nama atau kode memuat “{saring.cari.strip()}”")
    return parts


def without_data(tabel: pl.DataFrame) -> int:
    """How many regions of the table have no report (as of the date) at all."""
    return tabel["wajib_ktp"].null_count()


def slider_bounds(tabel: pl.DataFrame) -> tuple[int, int]:
    """Upper ends (whole numbers) of the coverage slider (at least 100) and the wajib KTP slider."""
    top_persen = max(100, math.ceil(tabel["persen_rekam"].max() or 0))
    top_wajib = int(tabel["wajib_ktp"].max() or 0)
    magnitude = 10 ** max(len(str(top_wajib)) - 2, 0)
    return top_persen, max(-(-top_wajib // magnitude) * magnitude, 1)


def for_export(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows as downloaded: the same columns, Indonesian headers, numbers kept as numbers."""
    return rows.select(c for c in COLUMNS if c in rows.columns).rename(lambda c: COLUMNS[c])


def _percent_text(values: pl.Series) -> pl.Series:
    # padded to one width so the grid's text sort (clicking the header) orders them as numbers
    known = {v: fmt.persen(v) for v in values.drop_nulls().unique().to_list()}
    texts = [None if v is None else known[v] for v in values.to_list()]
    width = max((len(t) for t in texts if t is not None), default=0)
    return pl.Series(values.name, [None if t is None else t.rjust(width) for t in texts], dtype=pl.String)


def for_display(rows: pl.DataFrame, limit: int | None = None) -> pl.DataFrame:
    """The first `limit` (default DISPLAY_LIMIT) rows for the grid, percentages also as text ('92,10%')."""
    head = rows.head(DISPLAY_LIMIT if limit is None else limit)
    return head.with_columns(
        _percent_text(head["persen_rekam"]).alias("persen_rekam_teks"),
        _percent_text(head["porsi_belum_rekam"]).alias("porsi_belum_rekam_teks"),
    )
