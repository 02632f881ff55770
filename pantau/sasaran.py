"""Sasaran jemput bola: the outreach worklist of a region, as shown, as a spreadsheet and as a printable list.

The input is the `sasaran` query (one row per unit, most belum rekam first, the first `jumlah` only,
with the whole list's size in every row). `Lembar` holds what every
output repeats (region, data date, comparison date, level, source); `for_export` gives the rows with
Indonesian headers (numbers stay numbers) for CSV/XLSX; `to_pdf` lays the list out on landscape A4
pages for a field team, with a blank "Catatan tim / jadwal" column to write in, the header row
repeated, and the data date, source and page number on every page; `figure` draws the top units'
belum rekam with the cumulative share (a Pareto chart).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from pantau import charts, export, fmt, queries, regions

LEVELS = ("desa", "kecamatan")
DEFAULT_TOP = queries.DEFAULT_TOP  # units listed unless asked otherwise (the query's `jumlah`)
SOURCE = "Sumber: laporan Disdukcapil kabupaten/kota"
WHOLE_KECAMATAN = "(seluruh kecamatan)"
NOTES = "Catatan tim / jadwal"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core: has the minus sign and dashes


@dataclass(frozen=True)
class Lembar:
    """What every output of one worklist repeats."""

    kode_wilayah: str
    nama_wilayah: str
    tanggal: date
    tanggal_dari: date
    tingkat: str  # 'desa' or 'kecamatan'
    jumlah_unit: int  # units in the whole list (before the top N)
    belum_rekam_wilayah: int  # the region's belum rekam: the base of every share
    unit_kecamatan: int = 0  # units of the whole list that are a kecamatan reported whole
    demo: bool = False

    @property
    def judul(self) -> str:
        return f"Sasaran jemput bola: {self.nama_wilayah}"

    @property
    def satuan(self) -> str:
        return "desa/kelurahan" if self.tingkat == "desa" else "kecamatan"

    def baris_kepala(self, shown: int) -> list[str]:
        """The heading lines of the spreadsheet and of the PDF's first page."""
        code = f" ({self.kode_wilayah})" if self.kode_wilayah else ""
        lines = [
            f"{self.judul}{code}",
            f"Data per {fmt.tanggal(self.tanggal)}; perubahan belum rekam dibanding {fmt.tanggal(self.tanggal_dari)}.",
            f"{fmt.angka(shown)} dari {fmt.jumlah(self.jumlah_unit, 'unit')} ({self.satuan}) dengan belum rekam "
            f"terbanyak. Porsi = bagian dari seluruh belum rekam {self.nama_wilayah} "
            f"({fmt.jumlah(self.belum_rekam_wilayah, 'orang')}).",
        ]
        if self.tingkat == "desa":
            lines.append(
                f"Kecamatan yang laporannya belum dirinci per desa tampil sebagai satu unit {WHOLE_KECAMATAN}."
            )
        lines.append(SOURCE + " · Pantau e-KTP" + (" · DATA DEMO: bukan data resmi" if self.demo else ""))
        return lines


def lembar(rows: pl.DataFrame, wilayah: str, tingkat: str, demo: bool = False) -> Lembar:
    """The Lembar of a `sasaran` result: the whole list's size comes from the query's columns
    (`jumlah_unit`, `unit_kecamatan`, `belum_rekam_wilayah`), whatever `jumlah` it ran with. A desa-level
    list whose units are all kecamatan (no report split by village yet) is labelled as the kecamatan list
    it is."""
    first = rows.row(0, named=True) if rows.height else {}
    units = first.get("jumlah_unit") or 0
    if tingkat == "desa" and units and first.get("unit_kecamatan") == units:
        tingkat = "kecamatan"
    return Lembar(
        kode_wilayah=wilayah,
        nama_wilayah=regions.name_of(wilayah) or wilayah or "Indonesia",
        tanggal=first.get("tanggal"),
        tanggal_dari=first.get("tanggal_dari"),
        tingkat=tingkat,
        jumlah_unit=units,
        belum_rekam_wilayah=first.get("belum_rekam_wilayah") or 0,
        unit_kecamatan=first.get("unit_kecamatan") or 0,
        demo=demo,
    )


def unit_name(rows: pl.DataFrame) -> list[str]:
    """The unit's own name, or WHOLE_KECAMATAN for a kecamatan listed at desa level."""
    return [WHOLE_KECAMATAN if t == "kecamatan" else n for t, n in zip(rows["tingkat"], rows["nama_wilayah"])]


def for_export(rows: pl.DataFrame, info: Lembar) -> pl.DataFrame:
    """The rows as downloaded: Indonesian headers, numbers kept as numbers, dates as dates."""
    dari = f"Belum rekam {fmt.tanggal_pendek(info.tanggal_dari)}"
    columns = [
        pl.col("urutan").alias("No."),
        pl.col("kode_wilayah").alias("Kode"),
    ]
    if info.tingkat == "desa":
        columns.append(pl.Series("Desa/kelurahan", unit_name(rows), dtype=pl.String))
    columns += [
        pl.col("nama_kecamatan").alias("Kecamatan"),
        pl.col("nama_kabkota").alias("Kabupaten/kota"),
        pl.col("wajib_ktp").alias("Wajib KTP"),
        pl.col("sudah_rekam").alias("Sudah rekam"),
        pl.col("belum_rekam").alias("Belum rekam"),
        pl.col("persen_rekam").alias("% rekam"),
        pl.col("belum_rekam_dari").alias(dari),
        pl.col("perubahan_belum_rekam").alias("Perubahan belum rekam"),
        pl.col("porsi_belum_rekam").alias("Porsi belum rekam (%)"),
        pl.col("porsi_kumulatif").alias("Porsi kumulatif (%)"),
        pl.col("tanggal_laporan").alias("Laporan terakhir"),
    ]
    return rows.select(columns)


def to_csv(rows: pl.DataFrame, info: Lembar) -> bytes:
    return export.to_csv(for_export(rows, info))


def to_xlsx(rows: pl.DataFrame, info: Lembar) -> bytes:
    """One sheet: the heading block (region, dates, base of the shares, source), then the table."""
    return export.to_xlsx(for_export(rows, info), sheet="Sasaran", heading=info.baris_kepala(rows.height))


def file_name(info: Lembar, extension: str) -> str:
    return export.file_name("sasaran", info.kode_wilayah, info.tingkat, info.tanggal, extension)


# ---- the printable list -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    """Regular and bold font names: DejaVu Sans when installed (registered once), else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _pdf_text(text: str, font: str) -> str:
    """Helvetica has no U+2212 minus sign: fall back to a hyphen there."""
    return text if font.startswith("DejaVu") else text.replace("\u2212", "-")


def _pdf_rows(rows: pl.DataFrame, info: Lembar) -> tuple[list[str], list[list[str]], list[float]]:
    """Header, text cells and column widths in mm (the notes column: None, it takes the rest) of the PDF
    table, formatted in Indonesian. The regency column only when the list spans several regencies."""
    header, widths = ["No.", "Desa/kelurahan" if info.tingkat == "desa" else "Kecamatan"], [9.0, 34.0]
    if info.tingkat == "desa":
        header.append("Kecamatan")
        widths.append(28.0)
    several = rows["kode_kabkota"].n_unique() > 1
    if several:
        header.append("Kab/kota")
        widths.append(32.0)
    header += ["Wajib KTP", "Belum rekam", "% rekam", "Perubahan*", "Porsi", "Kumulatif", "Laporan", NOTES]
    widths += [19.0, 18.0, 17.0, 22.0, 16.0, 19.0, 23.0, None]
    names = unit_name(rows) if info.tingkat == "desa" else rows["nama_wilayah"].to_list()
    body = []
    for name, r in zip(names, rows.iter_rows(named=True)):
        cells = [fmt.angka(r["urutan"]), name or r["kode_wilayah"]]
        if info.tingkat == "desa":
            cells.append(r["nama_kecamatan"] or "")
        if several:
            cells.append((r["nama_kabkota"] or "").replace("Kabupaten ", "Kab. "))
        cells += [
            fmt.angka(r["wajib_ktp"]),
            fmt.angka(r["belum_rekam"]),
            fmt.persen(r["persen_rekam"]),
            fmt.selisih(r["perubahan_belum_rekam"]),
            fmt.persen(r["porsi_belum_rekam"]),
            fmt.persen(r["porsi_kumulatif"]),
            fmt.tanggal_pendek(r["tanggal_laporan"]),
            "",
        ]
        body.append(cells)
    return header, body, widths


def to_pdf(rows: pl.DataFrame, info: Lembar) -> bytes:
    """A printable worklist: landscape A4, the header row repeated on every page, a blank notes column,
    and on every page the title, data date, source and 'Halaman n dari m'."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as pdfcanvas
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    regular, bold = _fonts()
    page_width, page_height = landscape(A4)
    margin = 12 * mm
    title = _pdf_text(info.judul, regular)
    stamp = _pdf_text(
        f"Data per {fmt.tanggal(info.tanggal)} · {SOURCE}" + (" · DATA DEMO" if info.demo else ""), regular
    )

    class NumberedCanvas(pdfcanvas.Canvas):
        """Holds every page until the end, so each can say how many pages there are."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            self.setFont(bold, 10)
            self.drawString(margin, page_height - margin + 2 * mm, title)
            self.setFont(regular, 8)
            self.drawRightString(page_width - margin, page_height - margin + 2 * mm, stamp)
            self.drawString(margin, margin - 6 * mm, stamp)
            self.drawRightString(page_width - margin, margin - 6 * mm, f"Halaman {self._pageNumber} dari {total}")

    styles = {
        "judul": ParagraphStyle("judul", fontName=bold, fontSize=15, leading=19, spaceAfter=4),
        "teks": ParagraphStyle("teks", fontName=regular, fontSize=9, leading=12),
        "sel": ParagraphStyle("sel", fontName=regular, fontSize=8.5, leading=10.5),
        "kepala": ParagraphStyle("kepala", fontName=bold, fontSize=8, leading=10, textColor=colors.white),
    }

    def para(text: str, style: str) -> Paragraph:
        escaped = _pdf_text(text, regular).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped, styles[style])

    header, body, widths = _pdf_rows(rows, info)
    usable = page_width - 2 * margin
    fixed = [w * mm for w in widths[:-1]]
    column_widths = [*fixed, usable - sum(fixed)]
    number_columns = range(len(header) - 8, len(header) - 1)  # Wajib KTP .. Laporan: right-aligned
    data = [[para(h, "kepala") for h in header]]
    for cells in body:
        data.append([para(c, "sel") if i < len(header) - 8 else _pdf_text(c, regular) for i, c in enumerate(cells)])
    table = LongTable(data, colWidths=column_widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 1), (-1, -1), regular, 8.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(charts.BLUE)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (number_columns.start, 1), (number_columns.stop - 1, -1), "RIGHT"),
                ("ALIGN", (0, 1), (0, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9A9A9A")),
                ("ROWBACKGROUNDS", (0, 1), (-2, -1), [colors.white, colors.HexColor("#F2F6FA")]),
                ("TOPPADDING", (0, 1), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
            ]
        )
    )
    lines = info.baris_kepala(rows.height)
    story = [para(lines[0], "judul"), *(para(line, "teks") for line in lines[1:])]
    story += [
        para(
            f"* Perubahan belum rekam sejak {fmt.tanggal(info.tanggal_dari)}: negatif berarti berkurang. "
            "Kolom terakhir untuk catatan dan jadwal tim jemput bola.",
            "teks",
        ),
        Spacer(1, 4 * mm),
        table,
    ]
    if rows.is_empty():
        story[-1] = para("Tidak ada unit dengan laporan perekaman untuk wilayah dan tanggal ini.", "teks")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin + 4 * mm,
        bottomMargin=margin,
        title=title,
        author="Pantau e-KTP",
        subject=stamp,
    )
    document.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


# ---- the chart ------------------------------------------------------------------------------------


def figure(rows: pl.DataFrame, info: Lembar, as_of: date | None = None) -> go.Figure:
    """The top units' belum rekam as bars (most first) with the cumulative share of the region's
    belum rekam as a line on a right-hand axis (0-100%)."""
    names = unit_name(rows) if info.tingkat == "desa" else rows["nama_wilayah"].to_list()
    labels = [
        f"{n}. {name if name != WHOLE_KECAMATAN else 'Kec. ' + kec}"
        for n, name, kec in zip(rows["urutan"], names, rows["nama_kecamatan"])
    ]
    codes = rows["kode_wilayah"].to_list()
    hover = charts._hover(
        ("", "Kecamatan", "Belum rekam", "Porsi", "Porsi kumulatif", "Cakupan"),
        (
            labels,
            [k or "–" for k in rows["nama_kecamatan"]],
            charts._text(rows["belum_rekam"], fmt.angka),
            charts._text(rows["porsi_belum_rekam"], fmt.persen),
            charts._text(rows["porsi_kumulatif"], fmt.persen),
            charts._text(rows["persen_rekam"], fmt.persen),
        ),
    )
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=codes,
            y=rows["belum_rekam"],
            name="Belum rekam",
            marker_color=charts.BLUE,
            text=charts._text(rows["belum_rekam"], fmt.angka),
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=charts.SMALL_FONT),
            **hover,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=codes,
            y=rows["porsi_kumulatif"],
            name="Porsi kumulatif",
            yaxis="y2",
            mode="lines+markers",
            line=dict(color=charts.ORANGE, width=3),
            marker=dict(size=7),
            **hover,
        )
    )
    top_count = rows["belum_rekam"].max() or 0
    fig.update_xaxes(
        tickmode="array", tickvals=codes, ticktext=labels, tickangle=-40, tickfont=dict(size=charts.SMALL_FONT)
    )
    fig.update_yaxes(
        title_text="Belum rekam (orang)",
        range=[0, top_count * 1.15 or 1],
        **{k: v for k, v in charts._count_ticks(top_count).items() if k != "range"},
    )
    fig.update_layout(
        yaxis2=dict(
            overlaying="y",
            side="right",
            range=[0, 105],
            tickvals=[0, 25, 50, 75, 100],
            ticktext=["0%", "25%", "50%", "75%", "100%"],
            showgrid=False,
            title_text="Porsi kumulatif",
        ),
        bargap=0.25,
    )
    covered = rows["porsi_kumulatif"][-1] if rows.height else None
    subtitle = ""
    if covered is not None:
        subtitle = f"{fmt.angka(rows.height)} {info.satuan} teratas · memuat {fmt.persen(covered)} belum rekam"
        subtitle += f" · {info.nama_wilayah}"
    return charts._finish(
        fig,
        "Belum rekam terbanyak",
        as_of or info.tanggal,
        subtitle=subtitle,
        demo=info.demo,
        height=560,
        footnote_gap=110,
    )


# ---- the on-screen table --------------------------------------------------------------------------


def for_display(rows: pl.DataFrame, info: Lembar) -> pl.DataFrame:
    """The rows for the page's grid: counts as numbers (the grid formats them), percentages and changes
    as Indonesian text ('92,10%', '−4'), the regency only when the list spans several."""
    columns = [pl.col("urutan").alias("No."), pl.col("kode_wilayah").alias("Kode")]
    if info.tingkat == "desa":
        columns.append(pl.Series("Desa/kelurahan", unit_name(rows), dtype=pl.String))
    columns.append(pl.col("nama_kecamatan").alias("Kecamatan"))
    if rows["kode_kabkota"].n_unique() > 1:
        columns.append(pl.col("nama_kabkota").alias("Kabupaten/kota"))
    columns += [
        pl.col("wajib_ktp").alias("Wajib KTP"),
        pl.col("belum_rekam").alias("Belum rekam"),
        pl.Series("% rekam", [fmt.persen(v) for v in rows["persen_rekam"]], dtype=pl.String),
        pl.Series("Perubahan", [fmt.selisih(v) for v in rows["perubahan_belum_rekam"]], dtype=pl.String),
        pl.Series("Porsi", [fmt.persen(v) for v in rows["porsi_belum_rekam"]], dtype=pl.String),
        pl.Series("Kumulatif", [fmt.persen(v) for v in rows["porsi_kumulatif"]], dtype=pl.String),
        pl.col("tanggal_laporan").alias("Laporan terakhir"),
    ]
    return rows.select(columns)


def ringkasan(shown: pl.DataFrame, info: Lembar) -> str:
    """One sentence over the table: how much of the region's gap the listed units hold."""
    if shown.is_empty():
        return ""
    covered = shown["porsi_kumulatif"][-1]
    text = (
        f"**{fmt.angka(shown.height)} dari {fmt.jumlah(info.jumlah_unit, info.satuan)}** dengan belum rekam "
        f"terbanyak memuat **{fmt.persen(covered)}** dari {fmt.jumlah(info.belum_rekam_wilayah, 'penduduk')} "
        f"belum rekam {info.nama_wilayah}."
    )
    falling = shown.filter(pl.col("perubahan_belum_rekam") < 0).height
    known = shown["perubahan_belum_rekam"].drop_nulls().len()
    if known:
        which = "unit itu" if known == shown.height else "unit yang punya laporan pembanding"
        text += (
            f" Sejak {fmt.tanggal(info.tanggal_dari)} belum rekam berkurang di {fmt.angka(falling)} "
            f"dari {fmt.angka(known)} {which}."
        )
    return text
