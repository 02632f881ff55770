"""The ranking table: which levels can be ranked under a region, rank-change arrows and notes."""

from __future__ import annotations

import polars as pl

from pantau import regions

TERTINGGI, TERENDAH, LEBIH_100, TANPA_DATA = "Tertinggi", "Terendah", "≥100%", "Tanpa data"


def level_options(code: str) -> list[str]:
    """Levels that can be ranked under a region: every lower level, villages only from a regency
    down (a national or provincial village list is too long to read). Empty for a village."""
    level = regions.level_of(code)
    below = list(regions.LEVELS[regions.LEVELS.index(level) + 1:])
    if level in ("nasional", "provinsi"):
        below.remove("desa")
    return below


def ranking_scope(code: str, tingkat: str | None) -> tuple[str, str]:
    """(region, level) to rank for a selection: the chosen level if allowed, else the children;
    a village ranks among the villages of its kecamatan."""
    options = level_options(code)
    if not options:
        return regions.parent_of(code), "desa"
    return code, tingkat if tingkat in options else options[0]


def rank_arrow(change: int | None) -> str:
    """A rank change as text: '▲ 2' (up two places), '▼ 1', '=' (same), '–' (no earlier rank)."""
    if change is None:
        return "–"
    if change == 0:
        return "="
    return f"▲ {change}" if change > 0 else f"▼ {-change}"


def table(peringkat: pl.DataFrame, with_parent: bool = False) -> pl.DataFrame:
    """A peringkat frame for display: rank, name, coverage (as a number and again for a bar), rank
    change, counts and a 'catatan' naming the highest and lowest (all tied at either end), ≥100% and
    regions without data; with the parent's name ('induk') on request."""
    ranked = peringkat.filter(pl.col("peringkat").is_not_null())
    top = ranked["persen_rekam"].max()
    bottom = ranked["persen_rekam"].min()
    several = ranked.height > 1
    notes = [
        pl.when(pl.col("persen_rekam").is_null()).then(pl.lit(TANPA_DATA)),
        pl.when(pl.lit(several) & (pl.col("persen_rekam") == top)).then(pl.lit(TERTINGGI)),
        pl.when(pl.lit(several) & (pl.col("persen_rekam") == bottom)).then(pl.lit(TERENDAH)),
        pl.when(pl.col("persen_rekam") >= 100).then(pl.lit(LEBIH_100)),
    ]
    frame = peringkat.with_columns(
        bar_cakupan=pl.col("persen_rekam"),
        perubahan=pl.col("perubahan_peringkat").map_elements(rank_arrow, return_dtype=pl.String, skip_nulls=False),
        catatan=pl.concat_str(notes, separator=", ", ignore_nulls=True),
    )
    columns = ["peringkat", "nama_wilayah", "persen_rekam", "bar_cakupan", "perubahan", "belum_rekam", "sudah_rekam",
               "wajib_ktp", "catatan", "kode_wilayah"]
    if with_parent:
        parents = {c: regions.name_of(regions.parent_of(c)) for c in frame["kode_wilayah"].to_list()}
        frame = frame.with_columns(induk=pl.col("kode_wilayah").replace_strict(parents, return_dtype=pl.String))
        columns.insert(2, "induk")
    return frame.select(columns)


def name_with_parent(row: dict, with_parent: bool) -> str:
    """A region's name, with its parent's in brackets when asked (names repeat across parents)."""
    parent = regions.name_of(regions.parent_of(row["kode_wilayah"])) if with_parent else None
    return f"{row['nama_wilayah']} ({parent})" if parent else row["nama_wilayah"]


def position(peers: pl.DataFrame, code: str) -> tuple[int, int] | None:
    """(rank, number of ranked regions) of `code` in a peringkat frame of its peers, or None."""
    ranked = peers.filter(pl.col("peringkat").is_not_null())
    row = ranked.filter(pl.col("kode_wilayah") == code)
    if row.is_empty():
        return None
    return int(row["peringkat"][0]), ranked.height
