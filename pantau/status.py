"""Status data: which region the reporting-completeness table covers, the warning summary, and the
chart of units reporting per snapshot (built on the shared frame of `pantau.charts`)."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl

from pantau import charts, fmt, regions
from pantau.queries import child_level


def kualitas_scope(wilayah: str) -> tuple[str, str]:
    """(wilayah, tingkat) for the `kualitas` query: the region's children, down to kecamatan.

    The kecamatan is the reporting unit, so a kecamatan shows itself and a village its kecamatan.
    """
    level = regions.level_of(wilayah)
    if level == "desa":
        return regions.parent_of(wilayah), "kecamatan"
    if level == "kecamatan":
        return wilayah, "kecamatan"
    return wilayah, child_level(wilayah)


def calendar_table(kalender: pl.DataFrame, as_of: date | None = None) -> pl.DataFrame:
    """The `kalender_lengkap` rows in words: date, countdown from `as_of` ('H-7', 'H+3'), the scope's
    name ('Nasional' for an empty scope), target ('98,00%') and whether it concerns the region."""
    rows = kalender.sort("tanggal", "nama").to_dicts()
    return pl.DataFrame(
        {
            "berlaku": [r.get("berlaku", True) for r in rows],
            "nama": [r["nama"] for r in rows],
            "tanggal": [fmt.tanggal(r["tanggal"]) for r in rows],
            "hitung_mundur": [fmt.hitung_mundur((r["tanggal"] - as_of).days) if as_of else None for r in rows],
            "nama_cakupan": ["Nasional" if not r["cakupan"] else regions.name_of(r["cakupan"]) or r["cakupan"]
                             for r in rows],
            "cakupan": [r["cakupan"] for r in rows],
            "target": [fmt.persen(r["target_persen"]) if r["target_persen"] is not None else None for r in rows],
            "catatan": [r["catatan"] for r in rows],
        },
        schema={"berlaku": pl.Boolean} | {c: pl.String for c in ("nama", "tanggal", "hitung_mundur", "nama_cakupan",
                                                                  "cakupan", "target", "catatan")},
    )


def rule_totals(ringkas: pl.DataFrame) -> pl.DataFrame:
    """Warnings per kind (over every region) from `peringatan_ringkas`, most first."""
    return (
        ringkas.group_by("jenis_peringatan", "jenis_data")
        .agg(
            pl.col("jumlah").sum(),
            pl.col("kode_wilayah").n_unique().alias("wilayah"),
            pl.col("tanggal_pertama").min(),
            pl.col("tanggal_terakhir").max(),
        )
        .sort(["jumlah", "jenis_peringatan"], descending=[True, False])
    )


def reporting_chart(
    laporan: pl.DataFrame, unit_total: int | None = None, as_of: date | None = None, demo: bool = False
) -> go.Figure:
    """Kecamatan reporting in each snapshot (one bar per report date of `laporan_harian`).

    `unit_total` (the kecamatan of the region in the master) is drawn as a dashed line.
    """
    days = laporan.sort("tanggal")
    hover = charts._hover(
        ("", "Kecamatan melapor", "Kabupaten/kota melapor", "Tingkat unit", "Peringatan"),
        (
            [fmt.hari(d) for d in days["tanggal"]],
            [fmt.angka(n) for n in days["kecamatan_melapor"]],
            [fmt.angka(n) for n in days["kabkota_melapor"]],
            days["tingkat_unit"].fill_null("–").to_list(),
            [fmt.angka(n) for n in days["peringatan"]],
        ),
    )
    fig = go.Figure(
        go.Bar(
            x=days["tanggal"], y=days["kecamatan_melapor"], name="Kecamatan melapor",
            marker_color=charts.BLUE, **hover,
        )
    )
    if unit_total:
        charts._hline(fig, unit_total, f"Semua kecamatan: {fmt.angka(unit_total)}", charts.BLACK)
    if days.height:
        fig.update_xaxes(**charts._date_ticks(days["tanggal"][0], days["tanggal"][-1]))
    top = max(days["kecamatan_melapor"].max() or 0, unit_total or 0)
    fig.update_yaxes(title_text="kecamatan", range=[0, top * 1.12 if top else 1], tickformat=",d")
    fig.update_layout(bargap=0.1)
    return charts._finish(fig, "Kecamatan melapor per tanggal", as_of, demo=demo, legend=False)
