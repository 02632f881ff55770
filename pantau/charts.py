"""Plotly figure builders shared by the dashboard pages and the exports.

Every builder takes the polars frame of one query and returns a `go.Figure` that reads in Bahasa
Indonesia: a title with the as-of date, a source footnote, Indonesian separators, hover text
pre-formatted by `pantau.fmt`, the Okabe-Ito palette, projector-sized fonts and, with
`demo=True`, a "DATA DEMO" watermark. No trace holds more than MAX_POINTS points.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from pantau import fmt

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = PALETTE
WARNING = VERMILLION
NO_DATA = "#C8C8C8"
INK = "#333333"
COVERAGE_SCALE = "Cividis"  # sequential and readable with every colour-vision deficiency
FONT, TITLE_FONT, SMALL_FONT = 16, 22, 13
MAX_POINTS = 5000
SOURCE = "Sumber: laporan Disdukcapil"
DEMO_TEXT = "DATA DEMO"
CHROMIUM = "/usr/bin/chromium"  # Debian's package; kaleido must never download its own
TEMPLATE = "pantau"  # plotly_white, for the trace types drawn here only (see _register_template)
TRACE_TYPES = ("bar", "scatter", "choropleth", "heatmap", "scattergeo")


def _register_template() -> None:
    """Register TEMPLATE: plotly_white's layout and the defaults of TRACE_TYPES. A figure copies and
    validates its template whole; plotly_white's 24 trace types made that ~7 ms of every figure. (Not
    made Plotly's default: importing streamlit sets its own.)"""
    if TEMPLATE not in pio.templates:
        white = pio.templates["plotly_white"]
        data = {kind: white.data[kind] for kind in TRACE_TYPES}
        pio.templates[TEMPLATE] = go.layout.Template(layout=white.layout, data=data)


_register_template()
_TEMPLATE_JSON = go.layout.Template(pio.templates[TEMPLATE]).to_plotly_json()

LAYANAN = {
    "kantor": ("Kantor Disdukcapil", BLUE),
    "kecamatan": ("Kecamatan", SKY),
    "jemput_bola": ("Jemput bola", ORANGE),
    "keliling": ("Keliling", GREEN),
    "lainnya": ("Lainnya", PURPLE),
}

# Tile-grid map: province code -> (column, row, tile label), row 0 at the top, roughly geographic.
TILES = {
    "11": (0, 0, "ACEH"), "12": (1, 1, "SUMUT"), "14": (2, 1, "RIAU"), "21": (3, 1, "KEPRI"),
    "13": (1, 2, "SUMBAR"), "15": (2, 2, "JAMBI"), "17": (2, 3, "BENGKULU"), "16": (3, 3, "SUMSEL"),
    "19": (4, 3, "BABEL"), "18": (3, 4, "LAMPUNG"),
    "31": (5, 4, "DKI"), "36": (4, 5, "BANTEN"), "32": (5, 5, "JABAR"), "33": (6, 5, "JATENG"),
    "34": (6, 6, "DIY"), "35": (7, 5, "JATIM"), "51": (8, 5, "BALI"), "52": (9, 5, "NTB"), "53": (10, 5, "NTT"),
    "65": (7, 1, "KALTARA"), "61": (6, 2, "KALBAR"), "64": (7, 2, "KALTIM"), "62": (6, 3, "KALTENG"),
    "63": (7, 3, "KALSEL"),
    "75": (9, 1, "GTLO"), "71": (10, 1, "SULUT"), "72": (9, 2, "SULTENG"), "76": (8, 3, "SULBAR"),
    "73": (9, 3, "SULSEL"), "74": (10, 3, "SULTRA"),
    "82": (12, 1, "MALUT"), "81": (12, 3, "MALUKU"),
    "96": (13, 2, "PBD"), "92": (14, 2, "PABAR"), "91": (16, 2, "PAPUA"), "94": (15, 3, "PAPTENG"),
    "95": (16, 3, "PAPEG"), "93": (16, 4, "PAPSEL"),
}  # fmt: skip


# --- shared pieces -------------------------------------------------------------------------------


WRAP_CHARS = 44


def _wrap(parts: Sequence[str], width: int = WRAP_CHARS) -> str:
    """Join parts with ' · ', starting a new line before a part that would pass `width` characters:
    Plotly does not wrap titles, and a 390 px phone shows about 45 characters of subtitle text."""
    lines: list[str] = []
    for part in (p for p in parts if p):
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += f" · {part}"
        else:
            lines.append(part)
    return "<br>".join(lines)


def _merged(base: dict, extra: dict) -> dict:
    """`base` updated by `extra` as Figure.update_layout would: nested dicts merged, other values replaced."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _finish(fig: go.Figure, title: str, as_of: date | None, *, subtitle: str = "", demo: bool = False,
            height: int = 460, footnote_gap: int = 56, legend: bool = True) -> go.Figure:
    """The common frame: title and as-of line, footnote, separators, fonts, margins, watermark.

    Returns a new figure built once from the builder's traces and the merged layout, without Plotly's
    validation: the traces and the builder's layout were validated as they were built, and the frame
    added here is fixed (tests/test_charts.py checks it and that the JSON is the same as a validated
    figure's). update_layout on a built figure re-validated and copied the layout, and the template
    was copied and validated whole: ~10 ms a figure, a third of a page's time."""
    as_of_text = f"Data per {fmt.tanggal(as_of)}" if as_of else ""
    sub = _wrap([as_of_text, *subtitle.split(" · ")])
    footnote = _wrap([SOURCE, f"data per {fmt.tanggal(as_of)}" if as_of else ""])
    layout = fig.layout.to_plotly_json()
    layout["template"] = _template_json()  # replaces Plotly's default (streamlit sets its own), not merged
    layout = _merged(layout, dict(
        colorway=list(PALETTE),
        separators=fmt.plotly_separators(),
        font=dict(size=FONT, color=INK),
        title=dict(text=f"<b>{title}</b>", font=dict(size=TITLE_FONT), subtitle=dict(text=sub, font=dict(size=FONT)),
                   x=0, xref="container", xanchor="left", y=1, yref="container", yanchor="top",
                   pad=dict(l=12, t=12), automargin=True),
        height=height,
        margin=dict(l=12, r=16, t=24, b=footnote_gap + 32, autoexpand=True),
        showlegend=legend,
        legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom", font=dict(size=FONT - 1)),
        hoverlabel=dict(font=dict(size=FONT)),
        hovermode="closest",
    ))
    notes = [dict(text=footnote, name="sumber", x=0, xref="paper", xanchor="left", y=0, yref="paper",
                  yanchor="top", yshift=-footnote_gap, showarrow=False, align="left",
                  font=dict(size=SMALL_FONT, color="#555555"))]
    if demo:
        notes.append(dict(text=DEMO_TEXT, name="watermark", x=0.5, y=0.5, xref="paper", yref="paper",
                          textangle=-25, showarrow=False, font=dict(size=64, color="rgba(0,0,0,0.13)")))
    layout["annotations"] = [*layout.get("annotations", []), *notes]
    return go.Figure(data=[trace.to_plotly_json() for trace in fig.data], layout=layout, _validate=False)


def _template_json() -> dict:
    """TEMPLATE as a plain dict, a copy per figure (a figure built without validation keeps the dict)."""
    return copy.deepcopy(_TEMPLATE_JSON)


def _hover(labels: Sequence[str], columns: Sequence[Sequence[str]]) -> dict:
    """customdata and hovertemplate from pre-formatted text columns; the first column is the bold header."""
    lines = ["<b>%{customdata[0]}</b>"]
    lines += [f"{label}: %{{customdata[{i}]}}" if label else f"%{{customdata[{i}]}}"
              for i, label in enumerate(labels[1:], start=1)]
    return dict(customdata=list(zip(*columns)), hovertemplate="<br>".join(lines) + "<extra></extra>")


def _text(values: Sequence, formatter) -> list[str]:
    return [formatter(v) for v in values]


def _line_style(i: int) -> tuple[str, str]:
    """Colour and dash of the i-th series: eight colours, then the same colours dotted."""
    return PALETTE[i % len(PALETTE)], ("solid", "dot", "dashdot")[(i // len(PALETTE)) % 3]


def _hline(fig: go.Figure, y: float, label: str, color: str = BLACK, position: str = "start") -> None:
    fig.add_shape(type="line", xref="paper", x0=0, x1=1, y0=y, y1=y, line=dict(color=color, width=2, dash="dash"),
                  label=dict(text=label, textposition=position, yanchor="bottom",
                             font=dict(size=FONT - 1, color=color)))


def _vline(fig: go.Figure, x, label: str, color: str = INK, position: str = "end", side: str = "right",
           layer: str = "above") -> None:
    """A dashed vertical line, labelled at its top ('end') or bottom ('start'), on the `side` where there is room."""
    anchor = "top" if position == "end" else "bottom"
    fig.add_shape(type="line", yref="paper", y0=0, y1=1, x0=x, x1=x, line=dict(color=color, width=2, dash="dash"),
                  layer=layer, label=dict(text=label, textposition=position, textangle=0, yanchor=anchor,
                                          xanchor="left" if side == "right" else "right",
                                          font=dict(size=FONT - 2, color=color)))


def _date_ticks(start: date, end: date, max_ticks: int = 6) -> dict:
    """Indonesian date ticks ('14 Feb', 'Mar'), the year on a second line where it changes."""
    span = (end - start).days
    if span > 75:
        months, month = [], date(start.year, start.month, 1)
        while month <= end:
            if month >= start:
                months.append(month)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        for step in (1, 2, 3, 4, 6, 12, 24, 60, 120):
            ticks = [m for m in months if (m.year * 12 + m.month - 1) % step == 0]
            if len(ticks) <= max_ticks:
                break
        labels = [fmt.bulan_pendek(t) for t in ticks]
    else:
        step = next(s for s in (1, 2, 3, 7, 14, 28) if span / s < max_ticks)
        ticks = [start + timedelta(days=k) for k in range(0, span + 1, step)]
        labels = [fmt.tanggal_bulan(t) for t in ticks]
    labels = [f"{label}<br>{t.year}" if i == 0 or t.year != ticks[i - 1].year else label
              for i, (t, label) in enumerate(zip(ticks, labels))]
    return dict(tickmode="array", tickvals=ticks, ticktext=labels)


def _count_ticks(vmax: float) -> dict:
    """Y-axis ticks for head counts: plain '1.500' below 100.000, compact '1,2 jt' above."""
    if not vmax or vmax < 100_000:
        return dict(tickformat=",d", rangemode="tozero")
    magnitude = 10 ** math.floor(math.log10(vmax / 4))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if vmax / (m * magnitude) <= 5)
    values = [k * step for k in range(int(vmax // step) + 2)]
    return dict(tickmode="array", tickvals=values, ticktext=_text(values, fmt.angka_ringkas), rangemode="tozero")


def _thin(frame: pl.DataFrame, how: str, group_by: str | None = None,
          summed: Sequence[str] = ()) -> tuple[pl.DataFrame, str]:
    """A daily frame rolled up to weeks, then months, until no group exceeds MAX_POINTS rows.

    Numbers take the period's `how` ('last' for stocks and cumulative counts, 'mean' for flows), the
    `summed` columns their sum, other columns the last value. Returns the frame and a note for the
    subtitle ('' if nothing changed).
    """
    note = ""
    for every, label in (("1w", "per pekan"), ("1mo", "per bulan"), ("1y", "per tahun")):
        longest = frame.group_by(group_by).len()["len"].max() if group_by else frame.height
        if not longest or longest <= MAX_POINTS:
            break
        keys = {"tanggal", group_by}
        aggs = [pl.col(c).sum() if c in summed else getattr(pl.col(c), how)() if frame.schema[c].is_numeric()
                else pl.col(c).last() for c in frame.columns if c not in keys]
        frame = frame.sort("tanggal").group_by_dynamic("tanggal", every=every, group_by=group_by).agg(aggs)
        note = f"diringkas {label}"
    return frame, note


def _latest(frame: pl.DataFrame, as_of: date | None) -> date | None:
    if as_of is not None or "tanggal" not in frame.columns or frame.is_empty():
        return as_of
    return frame["tanggal"].max()


def _semua(cetak: pl.DataFrame) -> pl.DataFrame:
    return cetak.filter(pl.col("layanan") == "semua").sort("tanggal")


def _coverage_colors(values: Sequence[float]) -> tuple[float, float]:
    """Colour range for coverage: from the lowest value to 100%; above 100% shares the top colour."""
    low = math.floor(min(values)) if values else 0
    return (low, 100.0) if low < 100 else (100.0, math.ceil(max(values)))


# --- coverage over time --------------------------------------------------------------------------


def coverage_trend(tren: pl.DataFrame, target_persen: float | None = None,
                   elections: Sequence[tuple[str, date]] | None = None, projection: pl.DataFrame | None = None,
                   mode: str = "persen", as_of: date | None = None, demo: bool = False) -> go.Figure:
    """Coverage per day for up to 11 regions: persen_rekam ('persen') or sudah/belum rekam ('jumlah').

    The target and the projection (tanggal, persen_rekam; continuing the first region) apply to
    mode 'persen'; elections on or after the first day are vertical lines.
    """
    if mode not in ("persen", "jumlah"):
        raise ValueError(f"mode harus 'persen' atau 'jumlah', bukan {mode!r}")
    as_of = _latest(tren, as_of)
    tren, note = _thin(tren, "last", group_by="kode_wilayah")
    fig = go.Figure()
    regions = tren.partition_by("kode_wilayah", maintain_order=True)
    for i, region in enumerate(regions):
        region = region.sort("tanggal")
        color, dash = _line_style(i)
        hover = _hover(("", "", "Cakupan", "Sudah rekam", "Belum rekam", "Wajib KTP"), (
            region["nama_wilayah"], _text(region["tanggal"], fmt.tanggal), _text(region["persen_rekam"], fmt.persen),
            _text(region["sudah_rekam"], fmt.angka), _text(region["belum_rekam"], fmt.angka),
            _text(region["wajib_ktp"], fmt.angka)))
        name = region["nama_wilayah"][0]
        if mode == "persen":
            fig.add_trace(go.Scatter(x=region["tanggal"], y=region["persen_rekam"], name=name, mode="lines",
                                     line=dict(color=color, width=3, dash=dash), **hover))
            continue
        single = len(regions) == 1
        for column, label, line in (("sudah_rekam", "sudah rekam", dict(color=BLUE if single else color, dash=dash)),
                                    ("belum_rekam", "belum rekam", dict(color=WARNING, dash="solid") if single
                                     else dict(color=color, dash="dot"))):
            fig.add_trace(go.Scatter(x=region["tanggal"], y=region[column], mode="lines",
                                     name=label.capitalize() if single else f"{name}: {label}",
                                     line=dict(width=3, **line), **hover))
    dates = list(tren["tanggal"])
    if mode == "persen" and projection is not None and not projection.is_empty() and regions:
        last = regions[0].sort("tanggal").tail(1).select("tanggal", "persen_rekam")
        proj = pl.concat([last, projection.select("tanggal", "persen_rekam").sort("tanggal")])
        dates += list(proj["tanggal"])
        fig.add_trace(go.Scatter(x=proj["tanggal"], y=proj["persen_rekam"], mode="lines", name="Proyeksi",
                                 line=dict(color=_line_style(0)[0], width=3, dash="dash"),
                                 **_hover(("", "", "Proyeksi cakupan"), (
                                     ["Proyeksi"] * proj.height, _text(proj["tanggal"], fmt.tanggal),
                                     _text(proj["persen_rekam"], fmt.persen)))))
    if mode == "persen" and target_persen is not None:
        _hline(fig, target_persen, f"Target {fmt.persen(target_persen)}")
    start = min(dates) if dates else as_of
    shown = [(name, day) for name, day in elections or () if start and day >= start]
    end = max([*dates, *(day for _, day in shown)], default=start)
    for name, day in shown:
        _vline(fig, day, name, side="right" if (day - start) < (end - start) / 2 else "left")
        dates.append(day)
    if dates:
        fig.update_xaxes(**_date_ticks(min(dates), max(dates)))
    if mode == "persen":
        fig.update_yaxes(ticksuffix="%")
    else:
        fig.update_yaxes(**_count_ticks(max(tren["sudah_rekam"].max() or 0, tren["belum_rekam"].max() or 0)))
    title = "Cakupan perekaman e-KTP" if mode == "persen" else "Sudah dan belum rekam e-KTP"
    return _finish(fig, title, as_of, subtitle=note, demo=demo)


def burn_down(tren: pl.DataFrame, target_persen: float | None, election_date: date, election_name: str,
              pace: float | None = None, as_of: date | None = None, demo: bool = False) -> go.Figure:
    """Belum rekam of one region (the frame's first) towards election day.

    The target as a horizontal line: the belum rekam left once the recordings still needed for the target
    (target x wajib_ktp - sudah_rekam) are made, each new recording reducing belum rekam by one. (Not
    wajib x (1 - target): belum rekam sums each unit's own gap, so units above 100% do not offset it.)
    With `pace` (people per day) a dashed projection runs from the last day to election day.
    """
    if tren.is_empty():
        return _finish(go.Figure(), "Sisa penduduk belum rekam", as_of, subtitle="tidak ada data", demo=demo)
    region = tren.filter(pl.col("kode_wilayah") == tren["kode_wilayah"][0]).sort("tanggal")
    as_of = _latest(region, as_of)
    region, note = _thin(region, "last")
    last = region.row(-1, named=True)
    fig = go.Figure(go.Scatter(
        x=region["tanggal"], y=region["belum_rekam"], mode="lines", name="Belum rekam",
        line=dict(color=BLUE, width=3), fill="tozeroy", fillcolor="rgba(0,114,178,0.12)",
        **_hover(("", "Belum rekam", "Cakupan"), (_text(region["tanggal"], fmt.tanggal),
                 _text(region["belum_rekam"], fmt.angka), _text(region["persen_rekam"], fmt.persen)))))
    target_belum = 0
    if target_persen is not None:
        needed = max(target_persen / 100 * last["wajib_ktp"] - last["sudah_rekam"], 0)
        target_belum = max(last["belum_rekam"] - needed, 0)
        _hline(fig, target_belum, f"Target {fmt.persen(target_persen)}: {fmt.angka(target_belum)} belum rekam", GREEN)
    _vline(fig, election_date, f"{election_name}<br>{fmt.tanggal_pendek(election_date)}", side="left")
    summary = [last["nama_wilayah"], f"{fmt.hitung_mundur((election_date - last['tanggal']).days)} {election_name}"]
    if pace is not None and election_date > last["tanggal"]:
        points = [(last["tanggal"], last["belum_rekam"])]
        days_to_zero = math.ceil(last["belum_rekam"] / pace) if pace > 0 else None
        if days_to_zero is not None and last["tanggal"] + timedelta(days=days_to_zero) < election_date:
            points.append((last["tanggal"] + timedelta(days=days_to_zero), 0))
        left = (election_date - last["tanggal"]).days
        points.append((election_date, max(0.0, last["belum_rekam"] - pace * left)))
        xs, ys = zip(*points)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=f"Proyeksi ({fmt.angka(pace)} orang/hari)",
            line=dict(color=BLUE, width=3, dash="dash"), marker=dict(size=8),
            **_hover(("", "Proyeksi belum rekam"), (_text(xs, fmt.tanggal), _text(ys, fmt.angka)))))
        summary.append(f"proyeksi Hari H {fmt.angka(ys[-1])}")
    fig.update_xaxes(**_date_ticks(region["tanggal"][0], max(election_date, last["tanggal"])))
    fig.update_yaxes(**_count_ticks(max(region["belum_rekam"].max() or 0, target_belum)))
    return _finish(fig, "Sisa penduduk belum rekam", as_of, subtitle=" · ".join(summary + ([note] if note else [])),
                   demo=demo)


# --- printing ------------------------------------------------------------------------------------


def print_daily(cetak: pl.DataFrame, as_of: date | None = None, demo: bool = False) -> go.Figure:
    """Cards printed per day ('semua' rows) with a 7-day average; weekend and holiday service in orange."""
    days = _semua(cetak).with_columns(rata7=pl.col("tercetak").rolling_mean_by("tanggal", window_size="7d"))
    as_of = _latest(days, as_of)
    days, note = _thin(days, "mean")
    if note:  # a week's average is no longer a holiday or a working day
        days = days.with_columns(hari_libur=pl.lit(False))
    fig = go.Figure()
    for holiday, name, color in ((False, "Hari kerja", BLUE), (True, "Hari libur / akhir pekan", ORANGE)):
        part = days.filter(pl.col("hari_libur") == holiday)
        if part.is_empty():
            continue
        fig.add_trace(go.Bar(x=part["tanggal"], y=part["tercetak"], name=name, marker_color=color, **_hover(
            ("", "Tercetak", "Permohonan", "Rekam baru", "Wilayah melapor"),
            ([fmt.hari(d) + (" (libur)" if holiday else "") for d in part["tanggal"]],
             [fmt.jumlah(n, "keping") for n in part["tercetak"]], _text(part["permohonan"], fmt.angka),
             _text(part["rekam_baru"], fmt.angka), _text(part["wilayah_melapor"], fmt.angka)))))
    fig.add_trace(go.Scatter(
        x=days["tanggal"], y=days["rata7"], mode="lines", name="Rata-rata 7 hari", line=dict(color=BLACK, width=3),
        **_hover(("", "Rata-rata 7 hari"), (_text(days["tanggal"], fmt.tanggal),
                                           [fmt.jumlah(n, "keping/hari") for n in days["rata7"]]))))
    if not days.is_empty():
        fig.update_xaxes(**_date_ticks(days["tanggal"][0], days["tanggal"][-1]))
    fig.update_layout(barmode="overlay", bargap=0.15)
    fig.update_yaxes(**_count_ticks(days["tercetak"].max()))
    return _finish(fig, "Kartu e-KTP tercetak per hari", as_of, subtitle=note, demo=demo)


def requests_vs_printed(cetak: pl.DataFrame, as_of: date | None = None, demo: bool = False) -> go.Figure:
    """Print requests (permohonan) against cards printed (tercetak) per day, 'semua' rows."""
    days = _semua(cetak)
    as_of = _latest(days, as_of)
    days, note = _thin(days, "mean")
    gap = (days["tercetak"] - days["permohonan"]).to_list()
    hover = _hover(("", "Permohonan", "Tercetak", "Selisih"), (
        _text(days["tanggal"], fmt.hari), _text(days["permohonan"], fmt.angka), _text(days["tercetak"], fmt.angka),
        _text(gap, fmt.selisih)))
    fig = go.Figure([
        go.Scatter(x=days["tanggal"], y=days["permohonan"], name="Permohonan cetak", mode="lines",
                   line=dict(color=ORANGE, width=3), **hover),
        go.Scatter(x=days["tanggal"], y=days["tercetak"], name="Tercetak", mode="lines",
                   line=dict(color=BLUE, width=3), **hover),
    ])
    if not days.is_empty():
        fig.update_xaxes(**_date_ticks(days["tanggal"][0], days["tanggal"][-1]))
    fig.update_yaxes(**_count_ticks(max(days["permohonan"].max() or 0, days["tercetak"].max() or 0)))
    total = (f"total {fmt.angka(days['permohonan'].sum())} permohonan, {fmt.angka(days['tercetak'].sum())} tercetak"
             if not note else note)
    return _finish(fig, "Permohonan dan kartu tercetak", as_of, subtitle=total, demo=demo)


def service_breakdown(cetak: pl.DataFrame, as_of: date | None = None, demo: bool = False) -> go.Figure:
    """Cards printed per week (Monday to Sunday), stacked by service type (layanan), 'semua' excluded."""
    rows = cetak.filter(pl.col("layanan") != "semua").sort("tanggal")
    as_of = _latest(rows, as_of)
    weeks = rows.group_by_dynamic("tanggal", every="1w", group_by="layanan").agg(pl.col("tercetak").sum())
    weeks = weeks.with_columns(bagian=pl.col("tercetak") / pl.col("tercetak").sum().over("tanggal") * 100)
    order = [k for k in LAYANAN if k in weeks["layanan"]] + sorted(set(weeks["layanan"]) - set(LAYANAN))
    fig = go.Figure()
    for i, layanan in enumerate(order):
        part = weeks.filter(pl.col("layanan") == layanan).sort("tanggal")
        label, color = LAYANAN.get(layanan, (layanan.replace("_", " ").capitalize(), PALETTE[-1 - i % 3]))
        fig.add_trace(go.Bar(
            x=[d + timedelta(days=3) for d in part["tanggal"]], y=part["tercetak"], name=label, marker_color=color,
            **_hover(("", "", "Tercetak", "Bagian pekan itu"), (
                [label] * part.height,
                [f"Pekan {fmt.tanggal_bulan(d)} – {fmt.tanggal_pendek(d + timedelta(days=6))}"
                 for d in part["tanggal"]],
                [fmt.jumlah(n, "keping") for n in part["tercetak"]], _text(part["bagian"], fmt.persen)))))
    if not weeks.is_empty():
        fig.update_xaxes(**_date_ticks(weeks["tanggal"].min(), weeks["tanggal"].max() + timedelta(days=6)))
        fig.update_yaxes(**_count_ticks(weeks.group_by("tanggal").agg(pl.col("tercetak").sum())["tercetak"].max()))
    fig.update_layout(barmode="stack", bargap=0.2)
    return _finish(fig, "Kartu tercetak per pekan menurut layanan", as_of, demo=demo)


def blangko_stock(cetak: pl.DataFrame, threshold_days: int = 14, as_of: date | None = None,
                  demo: bool = False) -> go.Figure:
    """Blank card stock (blangko_sisa, 'semua' rows) with deliveries as markers.

    The warning line is `threshold_days` of printing at the average of the last 7 days.
    """
    days = _semua(cetak).drop_nulls("blangko_sisa")
    as_of = _latest(days, as_of)
    days, note = _thin(days, "last", summed=("blangko_diterima",))
    fig = go.Figure(go.Scatter(
        x=days["tanggal"], y=days["blangko_sisa"], mode="lines", name="Sisa blangko", fill="tozeroy",
        line=dict(color=BLUE, width=3), fillcolor="rgba(0,114,178,0.12)",
        **_hover(("", "Sisa blangko"), (_text(days["tanggal"], fmt.tanggal),
                                         [fmt.jumlah(n, "keping") for n in days["blangko_sisa"]]))))
    deliveries = days.filter(pl.col("blangko_diterima") > 0)
    fig.add_trace(go.Scatter(
        x=deliveries["tanggal"], y=deliveries["blangko_sisa"], mode="markers", name="Kiriman blangko diterima",
        marker=dict(symbol="triangle-up", size=16, color=GREEN, line=dict(color="white", width=1)),
        **_hover(("", "Diterima", "Sisa setelahnya"), (
            _text(deliveries["tanggal"], fmt.tanggal),
            [fmt.jumlah(n, "keping") for n in deliveries["blangko_diterima"]],
            [fmt.jumlah(n, "keping") for n in deliveries["blangko_sisa"]]))))
    summary = [note] if note else []
    if not days.is_empty():
        daily_use = days.tail(7)["tercetak"].mean() or 0
        stock = days["blangko_sisa"][-1]
        if daily_use > 0:
            _hline(fig, threshold_days * daily_use, f"Batas aman {threshold_days} hari cetak", WARNING, "end")
            days_left = fmt.jumlah(stock // daily_use, "hari")
            summary.insert(0, f"cukup ±{days_left} pada laju {fmt.angka(daily_use)} keping/hari"
                           if stock else "blangko habis")
        fig.update_xaxes(**_date_ticks(days["tanggal"][0], days["tanggal"][-1]))
        fig.update_yaxes(**_count_ticks(max(days["blangko_sisa"].max(), threshold_days * daily_use)))
    return _finish(fig, "Stok blangko e-KTP", as_of, subtitle=" · ".join(summary), demo=demo)


# --- rankings and maps ---------------------------------------------------------------------------


def ranking_bar(peringkat: pl.DataFrame, target_persen: float | None = None, as_of: date | None = None,
                demo: bool = False) -> go.Figure:
    """Regions as horizontal bars by persen_rekam, highest on top.

    Below target in the warning colour, 100% or more hatched; more than 60 regions show the
    30 highest and the 30 lowest. Regions without data are counted in the subtitle.
    """
    as_of = _latest(peringkat, as_of)
    ranked = peringkat.filter(pl.col("persen_rekam").is_not_null()).sort(
        ["persen_rekam", "kode_wilayah"], descending=[True, False])
    notes = []
    gap_key = "…"
    if ranked.height > 60:
        notes.append(f"30 tertinggi dan 30 terendah dari {fmt.angka(ranked.height)} wilayah")
        order = [*ranked["kode_wilayah"][:30], gap_key, *ranked["kode_wilayah"][-30:]]
        ticks = {gap_key: f"⋯ {fmt.angka(ranked.height - 60)} wilayah lain ⋯"}
        ranked = pl.concat([ranked.head(30), ranked.tail(30)])
    else:
        order, ticks = list(ranked["kode_wilayah"]), {}
    if missing := peringkat.height - peringkat.filter(pl.col("persen_rekam").is_not_null()).height:
        notes.append(f"{missing} wilayah tanpa data")
    ticks |= {r["kode_wilayah"]: f"{r['peringkat']}. {r['nama_wilayah']}" if r["peringkat"] is not None
              else r["nama_wilayah"] for r in ranked.iter_rows(named=True)}
    below = pl.lit(target_persen is not None) & (pl.col("persen_rekam") < (target_persen or 0))
    ranked = ranked.with_columns(
        kelompok=pl.when(below).then(0).when(pl.col("persen_rekam") >= 100).then(2).otherwise(1))
    groups = {0: ("Di bawah target", WARNING, ""), 1: ("Mencapai target" if target_persen is not None else "Cakupan",
                                                         BLUE, ""), 2: ("≥100% (melebihi wajib KTP)", BLUE, "/")}
    fig = go.Figure()
    for key, (name, color, pattern) in groups.items():
        part = ranked.filter(pl.col("kelompok") == key)
        if part.is_empty():
            continue
        moves = [("" if m is None or m == 0 else f" ▲{m}" if m > 0 else f" ▼{-m}") for m in part["perubahan_peringkat"]]
        changes = [("–" if m is None else "tetap" if m == 0 else f"naik {m}" if m > 0 else f"turun {-m}")
                   for m in part["perubahan_peringkat"]]
        fig.add_trace(go.Bar(
            y=part["kode_wilayah"], x=part["persen_rekam"], orientation="h", name=name,
            marker=dict(color=color, pattern=dict(shape=pattern, fgcolor=SKY, solidity=0.3)),
            text=[f"<b>{fmt.persen(p)}</b>{m}" for p, m in zip(part["persen_rekam"], moves)], textposition="auto",
            insidetextanchor="end", constraintext="none", cliponaxis=False, textfont=dict(size=FONT - 1),
            **_hover(("", "Cakupan", "Peringkat", "Perubahan peringkat", "Sudah rekam", "Belum rekam", "Wajib KTP"), (
                part["nama_wilayah"], _text(part["persen_rekam"], fmt.persen), _text(part["peringkat"], fmt.angka),
                changes, _text(part["sudah_rekam"], fmt.angka), _text(part["belum_rekam"], fmt.angka),
                _text(part["wajib_ktp"], fmt.angka)))))
    if target_persen is not None:
        _vline(fig, target_persen, f"Target {fmt.persen(target_persen)}", BLACK, "start", side="left", layer="below")
    top = max([100.0, target_persen or 0, *(ranked["persen_rekam"].to_list() or [0])])
    fig.update_xaxes(range=[0, top * 1.04], side="top", tickvals=list(range(0, 101, 20)),
                     ticktext=[f"{v}%" for v in range(0, 101, 20)])
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", tickmode="array",
                     tickvals=order, ticktext=[ticks[k] for k in order], tickfont=dict(size=FONT - 1))
    fig.update_layout(barmode="overlay", bargap=0.15)
    rows = len(order)
    return _finish(fig, "Peringkat cakupan perekaman", as_of, subtitle=" · ".join(notes), demo=demo,
                   height=max(400, 170 + 22 * rows), footnote_gap=12)


def choropleth(peringkat: pl.DataFrame, geojson: dict, featureidkey: str = "id", as_of: date | None = None,
               attribution: str = "", demo: bool = False) -> go.Figure:
    """A choropleth of persen_rekam on the given GeoJSON: no basemap, no tiles, nothing fetched.

    Features without a row (or with no coverage) are grey 'tidak ada data'. Above MAX_POINTS regions,
    only the MAX_POINTS lowest are coloured.
    """
    as_of = _latest(peringkat, as_of)
    rows = peringkat.filter(pl.col("persen_rekam").is_not_null()).sort("persen_rekam")
    notes = []
    if rows.height > MAX_POINTS:
        notes.append(f"{fmt.angka(MAX_POINTS)} wilayah terendah dari {fmt.angka(rows.height)}")
        rows = rows.head(MAX_POINTS)
    names = dict(zip(peringkat["kode_wilayah"], peringkat["nama_wilayah"]))
    coloured = set(rows["kode_wilayah"])
    missing = [code for code in (_feature_id(f, featureidkey) for f in geojson.get("features", []))
               if code is not None and code not in coloured][:MAX_POINTS]
    low, high = _coverage_colors(rows["persen_rekam"].to_list())
    # A lon/lat trace first keeps plotly.js from fetching its world topojson from the CDN (it checks
    # only the first trace of a geo subplot for `locationmode`); the basemap is hidden anyway.
    lon, lat = _first_coordinate(geojson)
    fig = go.Figure(go.Scattergeo(lon=[lon], lat=[lat], mode="markers", marker=dict(size=1, opacity=0),
                                  hoverinfo="skip", showlegend=False, name="jangkar"))
    if missing:
        fig.add_trace(go.Choropleth(
            geojson=geojson, featureidkey=featureidkey, locations=missing, z=[0] * len(missing), showscale=False,
            colorscale=[[0, NO_DATA], [1, NO_DATA]], marker_line=dict(color="white", width=0.5),
            name="tidak ada data", hovertemplate="<b>%{text}</b><br>tidak ada data<extra></extra>",
            text=[names.get(code) or code for code in missing]))
    fig.add_trace(go.Choropleth(
        geojson=geojson, featureidkey=featureidkey, locations=rows["kode_wilayah"], z=rows["persen_rekam"],
        zmin=low, zmax=high, colorscale=COVERAGE_SCALE, marker_line=dict(color="white", width=0.5), name="Cakupan",
        colorbar=dict(title=dict(text="Cakupan"), ticksuffix="%", thickness=14, len=0.8),
        **_hover(("", "Cakupan", "Belum rekam"), (rows["nama_wilayah"], _text(rows["persen_rekam"], fmt.persen),
                                                  _text(rows["belum_rekam"], fmt.angka)))))
    fig.update_geos(fitbounds="locations", visible=False, projection_type="equirectangular", bgcolor="rgba(0,0,0,0)")
    if missing:
        notes.append("abu-abu: tidak ada data")
    if attribution:
        fig.add_annotation(text=attribution, name="atribusi", x=1, xref="paper", xanchor="right", y=0, yref="paper",
                           yanchor="top", yshift=-12, showarrow=False, font=dict(size=SMALL_FONT - 1, color="#555555"))
    return _finish(fig, "Peta cakupan perekaman", as_of, subtitle=" · ".join(notes), demo=demo, height=520,
                   footnote_gap=12, legend=False)


def _feature_id(feature: dict, key: str):
    value = feature
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _first_coordinate(geojson: dict) -> tuple[float, float]:
    for feature in geojson.get("features", []):
        coords = (feature.get("geometry") or {}).get("coordinates")
        while isinstance(coords, list) and coords and isinstance(coords[0], list):
            coords = coords[0]
        if coords:
            return coords[0], coords[1]
    return 118.0, -2.0  # the middle of Indonesia


def tile_grid(peringkat: pl.DataFrame, as_of: date | None = None, demo: bool = False) -> go.Figure:
    """A tile-grid map of the 38 provinces coloured by persen_rekam, for when no GeoJSON is at hand.

    Provinces absent from the frame (or without coverage) are grey 'tidak ada data'.
    """
    as_of = _latest(peringkat, as_of)
    rows = {r["kode_wilayah"]: r for r in peringkat.iter_rows(named=True)
            if r["kode_wilayah"] in TILES and r["persen_rekam"] is not None}
    columns = max(c for c, _, _ in TILES.values()) + 1
    n_rows = max(r for _, r, _ in TILES.values()) + 1
    z, grey, hover = ([[None] * columns for _ in range(n_rows)] for _ in range(3))
    text, grey_text = ([[""] * columns for _ in range(n_rows)] for _ in range(2))
    for code, (col, row, label) in TILES.items():
        if code in rows:
            r = rows[code]
            z[row][col] = r["persen_rekam"]
            text[row][col] = f"<b>{label}</b><br>{fmt.persen(r['persen_rekam'])}"
            hover[row][col] = (f"<b>{r['nama_wilayah']}</b><br>Cakupan: {fmt.persen(r['persen_rekam'])}"
                               f"<br>Belum rekam: {fmt.angka(r['belum_rekam'])}")
        else:
            grey[row][col] = 0
            grey_text[row][col] = f"<b>{label}</b><br>–"  # the subtitle says grey means no data
            hover[row][col] = f"<b>{label}</b><br>tidak ada data"
    low, high = _coverage_colors([r["persen_rekam"] for r in rows.values()])
    common = dict(xgap=4, ygap=4, hovertext=hover, texttemplate="%{text}", hoverongaps=False,
                  hovertemplate="%{hovertext}<extra></extra>", textfont=dict(size=SMALL_FONT - 1))
    fig = go.Figure([
        go.Heatmap(z=grey, text=grey_text, colorscale=[[0, NO_DATA], [1, NO_DATA]], showscale=False,
                   name="tidak ada data", **common),
        go.Heatmap(z=z, text=text, zmin=low, zmax=high, colorscale=COVERAGE_SCALE, name="Cakupan",
                   **common,
                   # horizontal, in the empty sea south of Maluku, so the tiles get the full width
                   colorbar=dict(title=dict(text="Cakupan", side="top"), ticksuffix="%", thickness=14, len=0.3,
                                 orientation="h", x=1, xanchor="right", y=0.02, yanchor="bottom")),
    ])
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    subtitle = "abu-abu: tidak ada data" if len(rows) < len(TILES) else ""
    return _finish(fig, "Cakupan perekaman per provinsi", as_of, subtitle=subtitle, demo=demo, height=520,
                   footnote_gap=12, legend=False)


def sparkline(values: Sequence[float | None], color: str = BLUE) -> go.Figure:
    """A 60-px line without axes for KPI cards; the last value is marked."""
    values = list(values)
    if len(values) > MAX_POINTS:
        step = math.ceil(len(values) / MAX_POINTS)
        values = values[::-1][::step][::-1]  # keep the latest value
    x = list(range(len(values)))
    traces = [dict(type="scatter", x=x, y=values, mode="lines", line=dict(color=color, width=2), hoverinfo="skip")]
    if values:
        traces.append(dict(type="scatter", x=x[-1:], y=values[-1:], mode="markers",
                           marker=dict(color=color, size=6), hoverinfo="skip"))
    layout = dict(template=_template_json(), separators=fmt.plotly_separators(), height=60,
                  margin=dict(l=2, r=6, t=4, b=4), showlegend=False, paper_bgcolor="rgba(0,0,0,0)",
                  plot_bgcolor="rgba(0,0,0,0)", xaxis=dict(visible=False), yaxis=dict(visible=False))
    # fixed properties, checked in tests/test_charts.py: built without Plotly's validation (seven a page)
    return go.Figure(data=traces, layout=layout, _validate=False)


# --- static export -------------------------------------------------------------------------------


def to_png(fig: go.Figure, width: int = 1920, height: int | None = 1080, scale: float = 1.5) -> bytes:
    """The figure as PNG bytes of `width` x `height` pixels, rendered by kaleido in Debian's Chromium.

    The layout is laid out at width/scale CSS pixels so text stays legible on a projector;
    height=None keeps the figure's own height (e.g. a long ranking). The browser is /usr/bin/chromium
    unless BROWSER_PATH says otherwise; nothing is ever downloaded.
    """
    import kaleido  # heavy; only the export needs it

    browser = os.environ.get("BROWSER_PATH") or CHROMIUM
    if not (Path(browser).is_file() and os.access(browser, os.X_OK)):
        raise RuntimeError(f"Ekspor PNG butuh Chromium, tetapi {browser} tidak ditemukan. "
                           "Pasang paket Debian `chromium` (apt-get install chromium) atau atur BROWSER_PATH.")

    class OfflinePage(kaleido.PageGenerator):
        # an empty world topology, so geo subplots never fetch one from cdn.plot.ly
        header = kaleido.PageGenerator.header + (
            '<script>window.PlotlyGeoAssets={topojson:{world_110m:{"type":"Topology","objects":{},"arcs":[]},'
            'world_50m:{"type":"Topology","objects":{},"arcs":[]}}};</script>\n')

    css_height = (height or (fig.layout.height or 1080) * scale) / scale
    opts = dict(format="png", width=round(width / scale), height=round(css_height), scale=scale)
    return kaleido.calc_fig_sync(fig, opts=opts, kopts=dict(path=browser, page_generator=OfflinePage(mathjax=False)))
