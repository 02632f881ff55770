"""Print production figures: calendar-day averages, blangko days of cover, and the PRR figure.

Rates are per calendar day: a day without a row in the print log (an office closed on Sunday)
counts as a day with nothing printed, so "days of cover" reads as calendar days until the stock
runs out at the recent pace.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from pantau import charts, fmt

AVERAGE_DAYS = 7
COVER_DAYS = 14  # the pace behind "days of cover": cards printed per day over the last 14 days
STALE_DAYS = 7


def complete_days(cetak: pl.DataFrame) -> pl.DataFrame:
    """The cetak_harian frame with a zero 'semua' row for every calendar day missing between its
    first and last day (weekends flagged as hari_libur; no stock figure), other rows untouched."""
    days = cetak.filter(pl.col("layanan") == "semua")
    if days.is_empty():
        return cetak
    first, last = days["tanggal"].min(), days["tanggal"].max()
    calendar = pl.DataFrame({"tanggal": pl.date_range(first, last, "1d", eager=True)})
    missing = calendar.join(days.select("tanggal"), on="tanggal", how="anti")
    if missing.is_empty():
        return cetak
    zero = {"kode_wilayah": days["kode_wilayah"][0], "layanan": "semua"}
    counts = ("tercetak", "permohonan", "rekam_baru", "blangko_diterima", "wilayah_melapor")
    filler = missing.with_columns(
        *(pl.lit(v).alias(k) for k, v in zero.items()),
        *(pl.lit(0).alias(c) for c in counts),
        pl.lit(None).alias("blangko_sisa"),
        hari_libur=pl.col("tanggal").dt.weekday() >= 6,
    ).select(cetak.columns).cast(cetak.schema)
    return pl.concat([cetak, filler]).sort("tanggal", pl.col("layanan") == "semua", "layanan")


def with_daily_stock(cetak: pl.DataFrame, stock: pl.DataFrame) -> pl.DataFrame:
    """The 'semua' rows' blangko_sisa replaced by the blangko_harian series (every region's latest
    stock carried forward), so a day when some offices did not report does not look like a drop."""
    carried = stock.select("tanggal", pl.col("blangko_sisa").alias("stok_berlaku"))
    return (
        cetak.join(carried, on="tanggal", how="left")
        .with_columns(blangko_sisa=pl.when(pl.col("layanan") == "semua").then(pl.col("stok_berlaku"))
                      .otherwise(pl.col("blangko_sisa")).cast(cetak.schema["blangko_sisa"]))
        .drop("stok_berlaku")
    )


def whole_weeks(cetak: pl.DataFrame) -> pl.DataFrame:
    """Rows of the whole weeks (Monday to Sunday) only, so a weekly chart neither opens nor ends
    with a part-week that looks like a dip; all rows when there is no whole week."""
    if cetak.is_empty():
        return cetak
    first, last = cetak["tanggal"].min(), cetak["tanggal"].max()
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    sunday = last - timedelta(days=(last.weekday() + 1) % 7)
    if sunday < monday:
        return cetak
    return cetak.filter(pl.col("tanggal").is_between(monday, sunday))


def daily_rate(cetak: pl.DataFrame, end: date, days: int = AVERAGE_DAYS) -> float | None:
    """Cards printed per calendar day over the `days` days ending at `end` ('semua' rows).

    Days before the log's first day are not counted; None when the log has no day in the window.
    """
    rows = cetak.filter((pl.col("layanan") == "semua") & (pl.col("tanggal") <= end))
    start = end - timedelta(days=days - 1)
    window = rows.filter(pl.col("tanggal") >= start)
    if window.is_empty():
        return None
    counted = (end - max(start, rows["tanggal"].min())).days + 1
    return window["tercetak"].sum() / counted


def cover_days(stock: int | None, rate: float | None) -> float | None:
    """Days the stock lasts at `rate` cards a day: 0 for an empty stock, None when it cannot be said."""
    if stock is None:
        return None
    if stock <= 0:
        return 0.0
    if not rate or rate <= 0:
        return None
    return stock / rate


@dataclass(frozen=True)
class PrintSummary:
    """Headline print figures of a period of the log."""

    tanggal_terakhir: date | None
    tercetak: int
    permohonan: int
    rata_7_hari: float | None
    rata_7_hari_sebelumnya: float | None
    hari_layanan_libur: int

    @property
    def selisih(self) -> int:
        """Printed minus requested over the period: negative means requests pile up."""
        return self.tercetak - self.permohonan


def summarise(cetak: pl.DataFrame) -> PrintSummary:
    """Totals, the 7-day rate (and the 7 days before it) and the holiday service days of a cetak_harian frame."""
    days = cetak.filter(pl.col("layanan") == "semua")
    if days.is_empty():
        return PrintSummary(None, 0, 0, None, None, 0)
    last = days["tanggal"].max()
    before = last - timedelta(days=AVERAGE_DAYS)
    return PrintSummary(
        tanggal_terakhir=last,
        tercetak=int(days["tercetak"].sum()),
        permohonan=int(days["permohonan"].sum() or 0),
        rata_7_hari=daily_rate(days, last),
        rata_7_hari_sebelumnya=daily_rate(days, before) if days["tanggal"].min() <= before else None,
        hari_layanan_libur=days.filter(pl.col("hari_libur") & (pl.col("tercetak") > 0)).height,
    )


def blangko_cover(stok: pl.DataFrame, threshold_days: float, as_of: date) -> pl.DataFrame:
    """The blangko_wilayah frame with laju_harian (cards/day over 14 days), hari_cukup, habis_sekitar
    (the date the stock runs out), di_bawah_batas and laporan_usang (stock older than 7 days);
    lowest cover first, regions without a figure last."""
    rate = pl.col("tercetak_14_hari") / COVER_DAYS
    cover = (pl.when(pl.col("blangko_sisa") <= 0).then(0.0)
             .when(rate > 0).then(pl.col("blangko_sisa") / rate))
    return (
        stok.with_columns(laju_harian=rate)
        .with_columns(hari_cukup=cover)
        .with_columns(
            habis_sekitar=pl.col("tanggal_stok") + pl.duration(days=pl.col("hari_cukup").floor().cast(pl.Int64)),
            di_bawah_batas=pl.col("hari_cukup").fill_null(math.inf) < threshold_days,
            laporan_usang=pl.col("tanggal_stok") < pl.lit(as_of - timedelta(days=STALE_DAYS)),
        )
        .sort("hari_cukup", "kode_wilayah", nulls_last=True)
    )


@dataclass(frozen=True)
class Cover:
    """Blangko of a whole region: the sum of its offices' latest stocks against their summed pace."""

    stok: int | None
    laju_harian: float
    hari_cukup: float | None
    tanggal_stok: date | None
    wilayah_dengan_stok: int


def total_cover(stok: pl.DataFrame) -> Cover:
    """Stock and days of cover of a blangko_wilayah frame taken together."""
    known = stok.filter(pl.col("blangko_sisa").is_not_null())
    rate = (stok["tercetak_14_hari"].sum() or 0) / COVER_DAYS
    total = int(known["blangko_sisa"].sum()) if known.height else None
    return Cover(stok=total, laju_harian=rate, hari_cukup=cover_days(total, rate),
                 tanggal_stok=known["tanggal_stok"].max() if known.height else None,
                 wilayah_dengan_stok=known.height)


# --- figure not yet in pantau/charts.py (to move there as charts.prr_backlog) ----------------------


def prr_figure(tren: pl.DataFrame, as_of: date | None = None, demo: bool = False) -> go.Figure:
    """PRR (recorded, deduplicated, waiting to be printed) per day of the frame's first region."""
    region = tren.filter(pl.col("kode_wilayah") == tren["kode_wilayah"][0]).drop_nulls("prr").sort("tanggal")
    fig = go.Figure(go.Scatter(
        x=region["tanggal"], y=region["prr"], mode="lines", name="PRR", line=dict(color=charts.VERMILLION, width=3),
        fill="tozeroy", fillcolor="rgba(213,94,0,0.12)",
        hovertemplate="<b>%{customdata[0]}</b><br>PRR: %{customdata[1]}<extra></extra>",
        customdata=list(zip([fmt.tanggal(d) for d in region["tanggal"]],
                            [fmt.jumlah(n, "orang") for n in region["prr"]]))))
    subtitle = ""
    if region.height:
        fig.update_xaxes(**charts._date_ticks(region["tanggal"][0], region["tanggal"][-1]))
        fig.update_yaxes(**charts._count_ticks(region["prr"].max()))
        change = region["prr"][-1] - region["prr"][0]
        subtitle = (f"{region['nama_wilayah'][0]} · {fmt.selisih(change)} sejak "
                    f"{fmt.tanggal_pendek(region['tanggal'][0])}")
    return charts._finish(fig, "Antrean PRR (siap cetak)", as_of, subtitle=subtitle, demo=demo, legend=False)


def blangko_figure(cetak_frame: pl.DataFrame, cover: Cover, threshold_days: int, as_of: date | None = None,
                   demo: bool = False) -> go.Figure:
    """charts.blangko_stock with its safety line and summary on the 14-day calendar pace of `cover`.

    charts.blangko_stock uses the mean of the last 7 reported days; the page's card uses the 14-day
    calendar pace, and the two must not disagree on screen.
    """
    fig = charts.blangko_stock(cetak_frame, threshold_days=threshold_days, as_of=as_of, demo=demo)
    if not cover.laju_harian:
        return fig
    for shape in fig.layout.shapes:
        if shape.label.text and shape.label.text.startswith("Batas aman"):
            shape.y0 = shape.y1 = threshold_days * cover.laju_harian
    parts = [f"Data per {fmt.tanggal(as_of)}"] if as_of else []
    if cover.hari_cukup is not None:
        parts.append(f"cukup ±{fmt.angka(int(cover.hari_cukup))} hari pada laju {fmt.angka(cover.laju_harian)} "
                     f"keping/hari ({COVER_DAYS} hari terakhir)")
    fig.update_layout(title_subtitle_text=" · ".join(parts))
    return fig


def stock_table(stocks: pl.DataFrame) -> pl.DataFrame:
    """A blangko_cover frame for display, lowest cover first, with a 'catatan' of what to act on."""
    notes = [
        pl.when(pl.col("hari_cukup") <= 0).then(pl.lit("stok habis")),
        pl.when(pl.col("di_bawah_batas")).then(pl.lit("di bawah batas")),
        pl.when(pl.col("hari_cukup").is_null()).then(pl.lit("tidak mencetak 14 hari")),
        pl.when(pl.col("laporan_usang")).then(pl.lit("laporan lebih dari 7 hari")),
    ]
    return stocks.select(
        "nama_wilayah", "blangko_sisa", "laju_harian", "hari_cukup", "habis_sekitar", "tanggal_stok",
        catatan=pl.concat_str(notes, separator=", ", ignore_nulls=True),
    )
