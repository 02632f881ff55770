"""Bahan rapat (briefing pack): the presentation slides, the narrative and one report card (rapor)
per child region, as a PDF (reportlab) and as an editable PPTX (python-pptx, native charts).

`collect` runs the queries once into a `Pack`; `render_pdf` and `render_pptx` only draw it, so the
dashboard builds both files from one set of query results. Chart images (kaleido in Debian's
Chromium) are made once per pack and shared by both renderers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from pantau import charts, fmt, narasi, regions
from pantau.queries import Database, child_level, parse_wilayah

SOURCE = "Sumber: laporan Disdukcapil kabupaten/kota"
KUNING_POIN = 2.0  # within this many points below target the light is amber
LOWEST_SHOWN = 5
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

LAMPU = {
    "hijau": ("HIJAU", "mencapai target", charts.GREEN),
    "kuning": ("KUNING", f"di bawah target, selisih paling banyak {fmt.angka_desimal(KUNING_POIN, 0)} poin", "#E69F00"),
    "merah": ("MERAH", f"lebih dari {fmt.angka_desimal(KUNING_POIN, 0)} poin di bawah target", charts.VERMILLION),
    None: ("TANPA TARGET", "belum ada target pemilu untuk tanggal ini", "#8C8C8C"),
}


def light_text(card: Rapor) -> tuple[str, str, str]:
    """Label, meaning and colour of a rapor's light ('TANPA DATA' for a region without reports)."""
    if card.persen_rekam is None:
        return "TANPA DATA", "belum ada laporan perekaman", LAMPU[None][2]
    return LAMPU[card.lampu]


class LaporanError(ValueError):
    """The pack cannot be made for this choice (no data, no region); the message is for the user."""


def lampu(persen_rekam: float | None, target_persen: float | None) -> str | None:
    """Traffic light of a coverage against its target: 'hijau' at or above target, 'kuning' less than
    or equal to 2 points below, 'merah' further below; None without a figure or a target."""
    if persen_rekam is None or target_persen is None:
        return None
    gap = round(float(target_persen) - float(persen_rekam), 2)
    if gap <= 0:
        return "hijau"
    return "kuning" if gap <= KUNING_POIN else "merah"


@dataclass(frozen=True)
class Anak:
    """One region under a rapor's region, for its 'lowest' list."""

    kode_wilayah: str
    nama_wilayah: str
    persen_rekam: float
    belum_rekam: int
    lampu: str | None


@dataclass(frozen=True)
class Rapor:
    """The report card of one child region."""

    kode_wilayah: str
    nama_wilayah: str
    tingkat: str
    tanggal_laporan: date | None
    wajib_ktp: int | None
    sudah_rekam: int | None
    belum_rekam: int | None
    prr: int | None
    sudah_cetak: int | None
    persen_rekam: float | None
    target_persen: float | None
    lampu: str | None
    peringkat: int | None
    jumlah_peringkat: int
    peringkat_banding: int | None
    persen_rekam_banding: float | None
    sudah_rekam_banding: int | None
    belum_rekam_banding: int | None
    tingkat_anak: str | None
    terendah: tuple[Anak, ...]


@dataclass
class Pack:
    """Everything a briefing pack shows, from one version of the store."""

    wilayah: str
    nama_wilayah: str
    tanggal: date
    banding: date
    demo: bool
    version: str
    target_persen: float | None
    ringkasan: dict
    peringkat: pl.DataFrame
    narasi: list[str]
    slides: list
    rapor: list[Rapor]
    attribution: str = ""
    images: dict[str, bytes] = field(default_factory=dict)

    @property
    def footer(self) -> str:
        parts = [SOURCE, f"data per {fmt.tanggal(self.tanggal)}"]
        if self.demo:
            parts.append("DATA DEMO: bukan data resmi")
        return " · ".join(parts)

    def image(self, key: str, figure, css_width: float, css_height: float, scale: float = 2.5) -> bytes:
        """PNG of a slide's figure laid out at css_width x css_height (1 CSS px drawn as 1 pt, so
        the chart's 16 px text reads as 16 pt), rendered once per pack."""
        if key not in self.images:
            self.images[key] = charts.to_png(
                figure, width=round(css_width * scale), height=round(css_height * scale), scale=scale
            )
        return self.images[key]

    @property
    def file_stem(self) -> str:
        code = self.wilayah.replace(".", "") or "nasional"
        return f"bahan-rapat-{code}-{self.tanggal.isoformat()}"


# --- collecting ----------------------------------------------------------------------------------


def _row(frame: pl.DataFrame) -> dict | None:
    return frame.row(0, named=True) if frame.height else None


def _is_demo(db: Database) -> bool:
    return (db.store.data_dir / "DEMO").exists()


def collect(
    db: Database, wilayah: str, tanggal: date | None = None, banding: date | None = None, slides: Sequence | None = None
) -> Pack:
    """Run the queries of a pack for `wilayah` as of `tanggal` (default: the latest report), compared
    with `banding` (default: a week earlier). Raises LaporanError when there is nothing to report."""
    wilayah = parse_wilayah(wilayah)
    tanggal = tanggal or db.latest_date()
    if tanggal is None:
        raise LaporanError("Belum ada data perekaman. Muat data dulu (python -m pantau ingest) atau bangun data demo.")
    banding = banding or tanggal - timedelta(days=7)
    if banding >= tanggal:
        raise LaporanError("Tanggal banding harus sebelum tanggal laporan.")
    params = {"wilayah": wilayah, "tanggal": tanggal}
    ringkasan = _row(db.run("ringkasan", params).rows)
    nama = regions.name_of(wilayah) or wilayah
    if ringkasan is None or ringkasan["wajib_ktp"] is None:
        raise LaporanError(f"Belum ada laporan perekaman untuk {nama} sampai {fmt.tanggal(tanggal)}.")
    hitung = _row(db.run("hitung_mundur", params).rows)
    target = hitung["target_persen"] if hitung else None
    is_village = regions.level_of(wilayah) == "desa"
    peringkat = pl.DataFrame() if is_village else db.run("peringkat", {**params, "banding": banding}).rows
    banding_row = _row(db.run("ringkasan", {"wilayah": wilayah, "tanggal": banding}).rows)
    dua_minggu = _row(db.run("ringkasan", {"wilayah": wilayah, "tanggal": tanggal - timedelta(days=14)}).rows)
    level_label = regions.LEVEL_LABELS[child_level(wilayah)].lower() if not is_village else "wilayah"
    story = narasi.briefing(ringkasan, banding_row, dua_minggu, peringkat.to_dicts(), hitung, level_label)
    rapor = [] if is_village else report_cards(db, wilayah, tanggal, banding, peringkat)
    if not any(card.persen_rekam is not None for card in rapor):
        rapor = []  # e.g. villages of a store kept per kecamatan: no card would carry a figure
    if slides is None:
        from pantau import slides as slide_builder

        slides = slide_builder.build_slides(db, wilayah, tanggal, banding)
    return Pack(
        wilayah=wilayah,
        nama_wilayah=nama,
        tanggal=tanggal,
        banding=banding,
        demo=_is_demo(db),
        version=db.version,
        target_persen=target,
        ringkasan=ringkasan,
        peringkat=peringkat,
        narasi=story,
        slides=list(slides),
        rapor=rapor,
    )


def next_election_target(calendar: pl.DataFrame, wilayah: str, tanggal: date) -> float | None:
    """Target of the next election on or after `tanggal` that concerns `wilayah` (national or a scope
    containing it), as queries/hitung_mundur.sql picks it; None when there is none."""
    concerns = (
        (pl.col("cakupan") == "")
        | (pl.col("cakupan") == wilayah)
        | pl.lit(wilayah).str.starts_with(pl.col("cakupan") + ".")
    )
    upcoming = calendar.filter((pl.col("tanggal") >= tanggal) & concerns).sort("tanggal", "nama")
    return upcoming["target_persen"][0] if upcoming.height else None


def report_cards(
    db: Database, wilayah: str, tanggal: date, banding: date, peringkat: pl.DataFrame | None = None
) -> list[Rapor]:
    """One Rapor per child region of `wilayah`, in ranking order (regions without data last)."""
    level = child_level(wilayah)
    if peringkat is None:
        peringkat = db.run("peringkat", {"wilayah": wilayah, "tanggal": tanggal, "banding": banding}).rows
    before = db.run("peringkat", {"wilayah": wilayah, "tanggal": banding}).rows.select(
        "kode_wilayah",
        pl.col("sudah_rekam").alias("sudah_rekam_banding"),
        pl.col("belum_rekam").alias("belum_rekam_banding"),
    )
    rows = peringkat.join(before, on="kode_wilayah", how="left", maintain_order="left")
    grand_level = child_level(rows["kode_wilayah"][0]) if rows.height and level != "desa" else None
    grandchildren = pl.DataFrame()
    if grand_level:
        grandchildren = db.run("peringkat", {"wilayah": wilayah, "tanggal": tanggal, "tingkat": grand_level}).rows
        grandchildren = grandchildren.filter(pl.col("persen_rekam").is_not_null()).with_columns(
            induk=pl.col("kode_wilayah").str.replace(r"\.[^.]+$", "")
        )
    ranked = rows.filter(pl.col("peringkat").is_not_null()).height
    calendar = db.run("kalender_lengkap", {"wilayah": wilayah}).rows
    cards = []
    for row in rows.iter_rows(named=True):
        target = next_election_target(calendar, row["kode_wilayah"], tanggal)
        lowest = ()
        if grand_level:
            mine = grandchildren.filter(pl.col("induk") == row["kode_wilayah"]).sort("persen_rekam", "kode_wilayah")
            lowest = tuple(
                Anak(
                    r["kode_wilayah"],
                    r["nama_wilayah"],
                    r["persen_rekam"],
                    r["belum_rekam"],
                    lampu(r["persen_rekam"], target),
                )
                for r in mine.head(LOWEST_SHOWN).iter_rows(named=True)
            )
        cards.append(
            Rapor(
                kode_wilayah=row["kode_wilayah"],
                nama_wilayah=row["nama_wilayah"],
                tingkat=level,
                tanggal_laporan=row["tanggal_laporan"],
                wajib_ktp=row["wajib_ktp"],
                sudah_rekam=row["sudah_rekam"],
                belum_rekam=row["belum_rekam"],
                prr=row["prr"],
                sudah_cetak=row["sudah_cetak"],
                persen_rekam=row["persen_rekam"],
                target_persen=target,
                lampu=lampu(row["persen_rekam"], target),
                peringkat=row["peringkat"],
                jumlah_peringkat=ranked,
                peringkat_banding=row["peringkat_banding"],
                persen_rekam_banding=row["persen_rekam_banding"],
                sudah_rekam_banding=row["sudah_rekam_banding"],
                belum_rekam_banding=row["belum_rekam_banding"],
                tingkat_anak=grand_level,
                terendah=lowest,
            )
        )
    return cards


# --- text shared by both renderers ---------------------------------------------------------------


def cover_lines(pack: Pack) -> list[str]:
    lines = [f"Data per {fmt.hari(pack.tanggal)}", f"Dibandingkan dengan {fmt.tanggal(pack.banding)}"]
    if pack.target_persen is not None:
        lines.append(f"Target cakupan {fmt.persen(pack.target_persen)}")
    return lines


def narrative_lines(pack: Pack) -> list[str]:
    """The narrative sentences, and why there are no rapor pages when a region has children but none reported."""
    lines = list(pack.narasi) or ["Data belum cukup untuk menyusun ringkasan naratif."]
    if not pack.rapor and regions.level_of(pack.wilayah) != "desa":
        level = regions.LEVEL_LABELS[child_level(pack.wilayah)].lower()
        lines.append(f"Rapor per {level} tidak disertakan: belum ada laporan perekaman per {level}.")
    return lines


def rapor_title(card: Rapor) -> str:
    return f"Rapor {card.nama_wilayah}"


def rapor_subtitle(card: Rapor, pack: Pack) -> str:
    rank = (
        f"peringkat {card.peringkat} dari {card.jumlah_peringkat}"
        if card.peringkat is not None
        else "belum masuk peringkat (tanpa data)"
    )
    return f"{regions.LEVEL_LABELS[card.tingkat]} di {pack.nama_wilayah} · {rank}"


def rapor_figures(card: Rapor, pack: Pack) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(label, value) rows of a rapor: the figures as of the pack's date, and their change since banding."""

    def change(now, before, formatter=fmt.selisih):
        return formatter(now - before) if now is not None and before is not None else fmt.KOSONG

    rank_change = fmt.KOSONG
    if card.peringkat is not None and card.peringkat_banding is not None:
        moved = card.peringkat_banding - card.peringkat
        rank_change = "tetap" if moved == 0 else f"naik {moved}" if moved > 0 else f"turun {-moved}"
    now = [
        ("Wajib KTP", fmt.angka(card.wajib_ktp)),
        ("Sudah rekam", fmt.angka(card.sudah_rekam)),
        ("Belum rekam", fmt.angka(card.belum_rekam)),
        ("PRR (siap cetak)", fmt.angka(card.prr)),
        ("Sudah cetak", fmt.angka(card.sudah_cetak)),
        ("Laporan terakhir", fmt.tanggal_pendek(card.tanggal_laporan)),
    ]
    since = [
        ("Cakupan", change(card.persen_rekam, card.persen_rekam_banding, fmt.persen_poin)),
        ("Sudah rekam", change(card.sudah_rekam, card.sudah_rekam_banding)),
        ("Belum rekam", change(card.belum_rekam, card.belum_rekam_banding)),
        ("Peringkat", rank_change),
    ]
    return now, since


def rapor_headers(pack: Pack) -> tuple[str, str]:
    return f"Per {fmt.tanggal_pendek(pack.tanggal)}", f"Sejak {fmt.tanggal_pendek(pack.banding)}"


def rapor_gap(card: Rapor) -> str:
    if card.persen_rekam is None:
        return "Tidak ada laporan perekaman sampai tanggal ini."
    if card.target_persen is None:
        return "Tanpa target pemilu"
    gap = round(float(card.persen_rekam) - float(card.target_persen), 2)
    where = "di atas" if gap > 0 else "di bawah" if gap < 0 else "tepat pada"
    amount = f"{fmt.persen_poin(abs(gap)).lstrip('+')} " if gap else ""
    return f"{amount}{where} target {fmt.persen(card.target_persen)}"


# --- PDF (reportlab) -----------------------------------------------------------------------------

RANKING_ONE_COLUMN = 18
PAGE_W, PAGE_H = 960.0, 540.0  # points: 13,33 x 7,5 inci, 16:9 like the slides
MARGIN = 36.0


def _fonts() -> tuple[str, str]:
    """DejaVu Sans (Debian fonts-dejavu-core) when present, else reportlab's Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        return "Helvetica", "Helvetica-Bold"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    return "DejaVuSans", "DejaVuSans-Bold"


class _Pdf:
    """A reportlab canvas with the pack's page furniture."""

    def __init__(self, pack: Pack, target):
        from reportlab.pdfgen import canvas

        self.pack = pack
        self.font, self.bold = _fonts()
        self.c = canvas.Canvas(target, pagesize=(PAGE_W, PAGE_H), pageCompression=1)
        self.c.setTitle(f"Bahan rapat perekaman e-KTP {pack.nama_wilayah} {fmt.tanggal(pack.tanggal)}")
        self.c.setAuthor("Pantau e-KTP")
        self.c.setSubject(SOURCE)
        self.page = 0
        self.total = 0

    def color(self, hex_color: str, fill: bool = True):
        from reportlab.lib.colors import HexColor

        (self.c.setFillColor if fill else self.c.setStrokeColor)(HexColor(hex_color))

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        bold: bool = False,
        color: str = charts.INK,
        align: str = "left",
    ) -> None:
        self.color(color)
        self.c.setFont(self.bold if bold else self.font, size)
        draw = {"left": self.c.drawString, "right": self.c.drawRightString, "center": self.c.drawCentredString}
        draw[align](x, y, text)

    def wrapped(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        width: float,
        bold: bool = False,
        color: str = charts.INK,
        leading: float = 1.3,
        max_lines: int | None = None,
    ) -> float:
        """Text wrapped to `width`, first baseline at y; returns the y below the last line."""
        from reportlab.lib.utils import simpleSplit

        lines = simpleSplit(text, self.bold if bold else self.font, size, width)
        if max_lines and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = lines[-1].rstrip(" .,;") + "…"
        for line in lines:
            self.text(x, y, line, size, bold, color)
            y -= size * leading
        return y

    def height_of(self, text: str, size: float, width: float, bold: bool = False, leading: float = 1.3) -> float:
        from reportlab.lib.utils import simpleSplit

        return len(simpleSplit(text, self.bold if bold else self.font, size, width)) * size * leading

    def furniture(self, footer: str) -> None:
        """Footer (source, data date, demo mark, map attribution, page number) and the demo badge."""
        self.page += 1
        c = self.c
        self.color("#DDDDDD", fill=False)
        c.setLineWidth(0.8)
        c.line(MARGIN, 30, PAGE_W - MARGIN, 30)
        self.wrapped(MARGIN, 18, footer, 9, PAGE_W - 2 * MARGIN - 110, color="#555555", max_lines=1)
        self.text(PAGE_W - MARGIN, 18, f"Halaman {self.page} dari {self.total}", 9, color="#555555", align="right")
        if self.pack.demo:
            self.color(charts.ORANGE)
            c.roundRect(PAGE_W - MARGIN - 110, PAGE_H - 30, 110, 20, 3, stroke=0, fill=1)
            self.text(PAGE_W - MARGIN - 55, PAGE_H - 24, "DATA DEMO", 11, bold=True, color="#000000", align="center")

    def title(self, title: str, headline: str = "") -> float:
        """Page title and headline; returns the y where the body may start."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        width = PAGE_W - 2 * MARGIN - 130
        size = next((s for s in (24, 22, 20, 18) if stringWidth(title, self.bold, s) <= width), 18)
        y = self.wrapped(MARGIN, PAGE_H - 50, title, size, width, bold=True, max_lines=2)
        if headline:
            y = self.wrapped(MARGIN, y - 4, headline, 14, PAGE_W - 2 * MARGIN, color="#444444", max_lines=3)
        return y - 8

    def image(self, png: bytes, x: float, y: float, w: float, h: float) -> None:
        """A chart image, flattened on white first: reportlab keeps only a hard mask of a PNG's alpha,
        which would draw the half-transparent DATA DEMO watermark solid."""
        from PIL import Image
        from reportlab.lib.utils import ImageReader

        picture = Image.open(io.BytesIO(png)).convert("RGBA")
        flat = Image.new("RGBA", picture.size, "white")
        flat.alpha_composite(picture)
        self.c.drawImage(ImageReader(flat.convert("RGB")), x, y, w, h, preserveAspectRatio=True, anchor="n")

    def bullets(
        self, items: Sequence[str], x: float, y: float, width: float, size: float = 14, bottom: float = 42
    ) -> float:
        """Bulleted sentences from baseline y down; items that would run below `bottom` are left out."""
        for item in items:
            if y - self.height_of(item, size, width - 16) < bottom:
                break
            self.text(x, y, "•", size, bold=True, color=charts.BLUE)
            y = self.wrapped(x + 16, y, item, size, width - 16) - size * 0.5
        return y

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        x: float,
        y_top: float,
        width: float,
        height: float,
        numeric: Sequence[bool] | None = None,
        size: float = 11,
        padding: float = 2,
        col_widths: Sequence[float] | None = None,
    ) -> float:
        """A simple ruled table, numbers right-aligned, its font shrunk to fit; returns the y below it."""
        from reportlab.lib.colors import HexColor
        from reportlab.platypus import Table, TableStyle

        numeric = numeric or [False] * len(header)
        for font_size in (size, size - 1, size - 2, size - 3, size - 4):
            style = [
                ("FONT", (0, 0), (-1, -1), self.font, font_size),
                ("FONT", (0, 0), (-1, 0), self.bold, font_size),
                ("TEXTCOLOR", (0, 0), (-1, -1), HexColor(charts.INK)),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, HexColor(charts.INK)),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, HexColor("#DDDDDD")),
                ("TOPPADDING", (0, 0), (-1, -1), padding),
                ("BOTTOMPADDING", (0, 0), (-1, -1), padding + 1),
                *(("ALIGN", (i, 0), (i, -1), "RIGHT") for i, n in enumerate(numeric) if n),
            ]
            table = Table(
                [list(header), *[list(r) for r in rows]], colWidths=col_widths, style=TableStyle(style), hAlign="LEFT"
            )
            w, h = table.wrap(width, height)
            if h <= height and w <= width:
                break
        table.drawOn(self.c, x, y_top - h)
        return y_top - h

    def next_page(self) -> None:
        self.c.showPage()

    def save(self) -> None:
        self.c.save()


def _table_of(slide) -> pl.DataFrame | None:
    table = getattr(slide, "table", None)
    return table if isinstance(table, pl.DataFrame) and table.height else None


def _cell(value) -> str:
    if value is None:
        return fmt.KOSONG
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int):
        return fmt.angka(value)
    if isinstance(value, float):
        return fmt.angka_desimal(value, 2)
    if isinstance(value, date):
        return fmt.tanggal_pendek(value)
    return str(value)


def table_cells(table: pl.DataFrame, limit: int = 12) -> tuple[list[str], list[list[str]], list[bool]]:
    """Header, rows as text and which columns hold numbers (right-aligned), for a slide table."""
    rows = [[_cell(v) for v in row] for row in table.head(limit).iter_rows()]
    numeric = [
        dtype.is_numeric() or all(r[i][:1] in "0123456789+−-–" and r[i][-1:] in "0123456789%)–" for r in rows)
        for i, dtype in enumerate(table.dtypes)
    ]
    return [str(c) for c in table.columns], rows, numeric


def _footer(pack: Pack, slide=None) -> str:
    text = str(getattr(slide, "footnote", "") or "") or pack.footer
    if pack.demo and "DEMO" not in text:
        text += " · DATA DEMO"
    attribution = str(getattr(slide, "attribution", "") or "")
    return text + (f" · Batas wilayah: {attribution}" if attribution else "")


def _image_figure(figure, css_height: float, font_scale: float = 1.0):
    """The slide's figure without its own title and source line (the page carries both), laid out
    as the presentation mode lays it out."""
    from pantau.slides import for_projector

    return for_projector(figure, height=round(css_height), scale=font_scale)


def render_pdf(pack: Pack, out) -> None:
    """Write the pack as a landscape 16:9 PDF to a path or a binary file object."""
    pdf = _Pdf(pack, str(out) if isinstance(out, Path) else out)
    pdf.total = page_count(pack)
    _pdf_cover(pdf, pack)
    for i, slide in enumerate(pack.slides):
        pdf.next_page()
        _pdf_slide(pdf, pack, slide, i)
    pdf.next_page()
    _pdf_narrative(pdf, pack)
    for card in pack.rapor:
        pdf.next_page()
        _pdf_rapor(pdf, pack, card)
    pdf.save()


def page_count(pack: Pack) -> int:
    """Cover, one page per slide, the narrative, one rapor per child region."""
    return 2 + len(pack.slides) + len(pack.rapor)


def _pdf_cover(pdf: _Pdf, pack: Pack) -> None:
    c = pdf.c
    pdf.color(charts.BLUE)
    c.rect(0, PAGE_H - 12, PAGE_W, 12, stroke=0, fill=1)
    pdf.text(MARGIN + 10, PAGE_H - 120, "BAHAN RAPAT KOORDINASI", 16, bold=True, color=charts.BLUE)
    y = pdf.wrapped(MARGIN + 10, PAGE_H - 170, "Perekaman dan pencetakan e-KTP", 34, PAGE_W - 2 * MARGIN, bold=True)
    y = pdf.wrapped(MARGIN + 10, y - 6, pack.nama_wilayah, 30, PAGE_W - 2 * MARGIN, color=charts.BLUE, bold=True)
    for line in cover_lines(pack):
        y = pdf.wrapped(MARGIN + 10, y - 8, line, 16, PAGE_W - 2 * MARGIN)
    if pack.demo:
        pdf.color(charts.ORANGE)
        c.roundRect(MARGIN + 10, y - 50, 520, 36, 4, stroke=0, fill=1)
        pdf.text(
            MARGIN + 22, y - 38, "DATA DEMO: angka dalam bahan ini bukan data resmi", 16, bold=True, color="#000000"
        )
    pdf.text(MARGIN + 10, 50, f"Dibuat dengan Pantau e-KTP · versi data {pack.version}", 10, color="#555555")
    pdf.furniture(_footer(pack))


def _pdf_numbers(pdf: _Pdf, numbers: Sequence[tuple[str, str]], y_top: float) -> float:
    """The slide's big numbers as a row of tiles; returns the y below them."""
    width = PAGE_W - 2 * MARGIN
    gap = 12
    tile = (width - gap * (len(numbers) - 1)) / len(numbers)
    height = 54
    for i, (label, value) in enumerate(numbers):
        x = MARGIN + i * (tile + gap)
        pdf.color("#F2F5F8")
        pdf.c.roundRect(x, y_top - height, tile, height, 4, stroke=0, fill=1)
        pdf.text(x + 10, y_top - 17, label, 10, color="#555555")
        pdf.text(x + 10, y_top - 43, value, 20, bold=True)
    return y_top - height - 12


def _pdf_slide(pdf: _Pdf, pack: Pack, slide, index: int) -> None:
    y = pdf.title(str(slide.title), str(getattr(slide, "headline", "") or ""))
    numbers = list(getattr(slide, "numbers", None) or [])
    if numbers:
        y = _pdf_numbers(pdf, numbers, y)
    figure = getattr(slide, "figure", None)
    table = _table_of(slide)
    bullets = [str(b) for b in getattr(slide, "bullets", None) or []]
    if table is not None and len(bullets) >= table.height:
        bullets = []  # the bullets say what the table shows
    bottom = 42
    width = PAGE_W - 2 * MARGIN
    body_h = y - bottom
    side = bool(bullets or (figure is not None and table is not None))
    side_w = 0.0
    if side:
        side_w = width * (0.55 if table is not None and figure is not None else 0.34)
    main_w = width - side_w - (18 if side else 0)
    halves = _ranking_halves(pack) if slide.key == "peringkat" else None
    if halves:
        # a long ranking as two columns of bars over the full width, so up to 60 regions stay legible;
        # the bullets become one line of small print above them
        for bullet in bullets:
            y = pdf.wrapped(MARGIN, y - 4, bullet, 11, width, color="#444444") - 2
        key = f"Batang oranye: di bawah target {fmt.persen(pack.target_persen)} · " if pack.target_persen else ""
        y = pdf.wrapped(MARGIN, y - 4, key + "arsir: 100% atau lebih dari wajib KTP", 11, width, color="#444444")
        body_h = y - bottom
        half_w = (width - 16) / 2
        for i, half in enumerate(halves):
            png = pack.image(f"{index}-{slide.key}-{i}", _image_figure(half, body_h, font_scale=0.8), half_w, body_h)
            pdf.image(png, MARGIN + i * (half_w + 16), bottom, half_w, body_h)
        side = False
    elif figure is not None:
        fig_h = max(body_h, min(float(figure.layout.height or body_h), body_h * 1.5))
        fig_w = main_w * fig_h / body_h
        png = pack.image(f"{index}-{slide.key}", _image_figure(figure, fig_h), fig_w, fig_h)
        pdf.image(png, MARGIN, bottom, main_w, body_h)
    elif table is not None:
        header, rows, numeric = table_cells(table)
        pdf.table(header, rows, MARGIN, y, main_w, body_h, numeric, size=13)
    if side:
        x = MARGIN + main_w + 18
        y_side = y - 4
        if figure is not None and table is not None:
            header, rows, numeric = table_cells(table, limit=10)
            y_side = pdf.table(header, rows, x, y_side, side_w, body_h * 0.7, numeric, size=13, padding=4) - 18
        if bullets:
            pdf.bullets(bullets, x, y_side - 10, side_w, size=13 if len(bullets) > 3 else 14, bottom=bottom)
    pdf.furniture(_footer(pack, slide))


def _ranking_halves(pack: Pack) -> list | None:
    """The ranking of a long list of children (more than RANKING_ONE_COLUMN) as two bar charts,
    the higher half and the lower half; None for a short list."""
    ranked = pack.peringkat.filter(pl.col("persen_rekam").is_not_null()).sort(
        ["persen_rekam", "kode_wilayah"], descending=[True, False]
    )
    if ranked.height <= RANKING_ONE_COLUMN:
        return None
    if ranked.height > 60:  # as charts.ranking_bar: the 30 highest and the 30 lowest
        ranked = pl.concat([ranked.head(30), ranked.tail(30)])
    middle = (ranked.height + 1) // 2
    parts = (ranked.head(middle), ranked.tail(ranked.height - middle))
    figures = [
        charts.ranking_bar(part, target_persen=pack.target_persen, as_of=pack.tanggal, demo=pack.demo) for part in parts
    ]
    return [figure.update_layout(showlegend=False) for figure in figures]  # the page explains the colours


def _pdf_narrative(pdf: _Pdf, pack: Pack) -> None:
    y = pdf.title("Ringkasan naratif", f"{pack.nama_wilayah}, data per {fmt.tanggal(pack.tanggal)}")
    sentences = narrative_lines(pack)
    pdf.bullets(sentences, MARGIN, y - 24, PAGE_W - 2 * MARGIN, size=18, bottom=42)
    pdf.furniture(_footer(pack))


def _pdf_rapor(pdf: _Pdf, pack: Pack, card: Rapor) -> None:
    c = pdf.c
    top = pdf.title(rapor_title(card), rapor_subtitle(card, pack)) - 14
    label, meaning, color = light_text(card)
    # the light: a dark housing, merah on top, kuning, hijau below; only the card's own lamp lit
    x0 = MARGIN
    pdf.color("#2B2B2B")
    c.roundRect(x0, top - 280, 100, 280, 16, stroke=0, fill=1)
    for i, key in enumerate(("merah", "kuning", "hijau")):
        pdf.color(LAMPU[key][2] if key == card.lampu else "#4A4A4A")
        c.circle(x0 + 50, top - 48 - i * 92, 38, stroke=0, fill=1)
    pdf.text(x0 + 50, top - 306, label, 16, bold=True, color=color, align="center")
    pdf.wrapped(x0 - 6, top - 326, meaning, 10, 116, color="#555555")
    # the headline figure
    x1 = MARGIN + 124
    pdf.text(x1, top - 30, "Cakupan perekaman", 16, color="#555555")
    pdf.text(x1, top - 96, fmt.persen(card.persen_rekam), 58, bold=True, color=color if card.lampu else charts.INK)
    y = pdf.wrapped(x1, top - 132, rapor_gap(card), 17, 266)
    if card.peringkat is not None:
        y = pdf.wrapped(x1, y - 10, f"Peringkat {card.peringkat} dari {card.jumlah_peringkat}", 17, 266, bold=True)
    if card.persen_rekam is not None and card.persen_rekam > 100:
        note = "Di atas 100%: periksa data wajib KTP (penduduk luar daerah, pembagi usang)."
        pdf.wrapped(x1, y - 10, note, 12, 266, color="#555555")
    # the figures, then their change since banding
    x2 = MARGIN + 404
    now, since = rapor_figures(card, pack)
    head_now, head_since = rapor_headers(pack)
    table = dict(numeric=[False, True], size=13, padding=5, col_widths=[150, 110])
    y = pdf.table([head_now, ""], now, x2, top, 260, top - 50, **table)
    pdf.table([head_since, ""], since, x2, y - 16, 260, y - 60, **table)
    # the lowest regions below it, each with its own light
    x3 = MARGIN + 684
    if card.tingkat_anak:
        pdf.text(x3, top - 14, f"{regions.LEVEL_LABELS[card.tingkat_anak]} terendah", 14, bold=True)
        y = top - 44
        if not card.terendah:
            pdf.wrapped(x3, y, "Tidak ada laporan.", 12, 200)
        for anak in card.terendah:
            pdf.color(LAMPU[anak.lampu][2])
            c.circle(x3 + 7, y + 4, 6, stroke=0, fill=1)
            y = pdf.wrapped(x3 + 20, y, anak.nama_wilayah, 13, 184, bold=True, max_lines=1)
            detail = f"{fmt.persen(anak.persen_rekam)} · {fmt.angka(anak.belum_rekam)} belum rekam"
            pdf.text(x3 + 20, y + 2, detail, 11, color="#444444")
            y -= 26
    pdf.furniture(_footer(pack))


# --- PPTX (python-pptx) --------------------------------------------------------------------------

SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
NUMBER_FORMATS = {"persen": '0.00"%"', "angka": "#,##0", "poin": "+0.00;-0.00;0.00"}


def render_pptx(pack: Pack, out) -> None:
    """Write the pack as an editable 16:9 PPTX: real text boxes and tables, native charts from each
    slide's figure data, an image only for a figure without data."""
    from pptx import Presentation

    prs = Presentation()
    prs.slide_width, prs.slide_height = _inches(SLIDE_W_IN), _inches(SLIDE_H_IN)
    prs.core_properties.title = f"Bahan rapat perekaman e-KTP {pack.nama_wilayah} {fmt.tanggal(pack.tanggal)}"
    prs.core_properties.author = "Pantau e-KTP"
    prs.core_properties.subject = SOURCE
    deck = _Deck(prs, pack, total=page_count(pack))
    deck.cover()
    for i, slide in enumerate(pack.slides):
        deck.slide(slide, i)
    deck.narrative()
    for card in pack.rapor:
        deck.rapor(card)
    prs.save(out)


def _rgb(hex_color: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _inches(value: float):
    from pptx.util import Inches

    return Inches(value)


class _Deck:
    def __init__(self, prs, pack: Pack, total: int):
        self.prs = prs
        self.pack = pack
        self.total = total
        self.page = 0

    def new(self, title: str, size: float | None = None):
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Pt

        # one line in the 11-inch title box: about 0,55 em per character of DejaVu/Calibri
        size = size or next((s for s in (28, 26, 24, 22) if len(title) * s * 0.55 <= 11 * 72), 20)
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])  # "Title Only": a real title placeholder
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = _inches(0.5), _inches(0.3), _inches(11.0), _inches(0.8)
        shape.text = title
        shape.text_frame.word_wrap = True
        paragraph = shape.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size, run.font.bold = Pt(size), True
            run.font.color.rgb = _rgb(charts.INK)
        self.page += 1
        return slide

    def box(
        self,
        slide,
        left: float,
        top: float,
        width: float,
        height: float,
        lines: Sequence[str] | str,
        size: float = 14,
        bold: bool = False,
        color: str = charts.INK,
        bullet: bool = False,
        name: str = "",
        align=None,
    ):
        from pptx.util import Pt

        shape = slide.shapes.add_textbox(_inches(left), _inches(top), _inches(width), _inches(height))
        if name:
            shape.name = name
        frame = shape.text_frame
        frame.word_wrap = True
        for i, line in enumerate([lines] if isinstance(lines, str) else lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            if align is not None:
                paragraph.alignment = align
            run = paragraph.add_run()
            run.text = f"• {line}" if bullet else line
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = _rgb(color)
            if bullet:
                paragraph.space_after = Pt(size * 0.6)
        return shape

    def badge(self, slide, left, top, width, height, text, fill, size=12, name=""):
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.util import Pt

        shape = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, _inches(left), _inches(top), _inches(width), _inches(height)
        )
        if name:
            shape.name = name
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(fill)
        shape.line.fill.background()
        shape.text_frame.text = text
        run = shape.text_frame.paragraphs[0].runs[0]
        run.font.size, run.font.bold = Pt(size), True
        run.font.color.rgb = _rgb("#000000")
        return shape

    def furniture(self, slide, footer: str) -> None:
        from pptx.enum.text import PP_ALIGN

        self.box(slide, 0.5, 7.0, 10.6, 0.35, footer, size=10, color="#555555", name="Sumber")
        self.box(
            slide,
            11.1,
            7.0,
            1.75,
            0.35,
            f"Halaman {self.page} dari {self.total}",
            size=10,
            color="#555555",
            name="Nomor halaman",
            align=PP_ALIGN.RIGHT,
        )
        if self.pack.demo:
            self.badge(slide, 11.55, 0.4, 1.3, 0.4, "DATA DEMO", charts.ORANGE, name="Data demo")

    def cover(self) -> None:
        pack = self.pack
        slide = self.new("Perekaman dan pencetakan e-KTP", size=36)
        slide.shapes.title.top = _inches(1.9)
        slide.shapes.title.width = _inches(12.3)
        self.box(slide, 0.5, 1.3, 10, 0.5, "BAHAN RAPAT KOORDINASI", size=16, bold=True, color=charts.BLUE)
        self.box(slide, 0.5, 2.8, 12.3, 0.8, pack.nama_wilayah, size=32, bold=True, color=charts.BLUE, name="Wilayah")
        self.box(slide, 0.5, 3.8, 12.3, 1.4, cover_lines(pack), size=18, name="Tanggal")
        if pack.demo:
            self.badge(
                slide,
                0.5,
                5.4,
                7.0,
                0.55,
                "DATA DEMO: angka dalam bahan ini bukan data resmi",
                charts.ORANGE,
                size=16,
                name="Tanda data demo",
            )
        self.box(
            slide,
            0.5,
            6.3,
            10,
            0.4,
            f"Dibuat dengan Pantau e-KTP · versi data {pack.version}",
            size=11,
            color="#555555",
        )
        self.furniture(slide, _footer(pack))

    def numbers(self, slide, numbers: Sequence[tuple[str, str]], top: float) -> float:
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.util import Pt

        gap, width = 0.15, 12.3
        tile = (width - gap * (len(numbers) - 1)) / len(numbers)
        for i, (label, value) in enumerate(numbers):
            shape = slide.shapes.add_shape(
                MSO_SHAPE.ROUNDED_RECTANGLE, _inches(0.5 + i * (tile + gap)), _inches(top), _inches(tile), _inches(0.8)
            )
            shape.name = f"Angka: {label}"
            shape.fill.solid()
            shape.fill.fore_color.rgb = _rgb("#F2F5F8")
            shape.line.fill.background()
            frame = shape.text_frame
            frame.word_wrap = True
            for j, (text, size, bold, color) in enumerate(
                ((label, 11, False, "#555555"), (value, 20, True, charts.INK))
            ):
                paragraph = frame.paragraphs[0] if j == 0 else frame.add_paragraph()
                paragraph.alignment = 1
                run = paragraph.add_run()
                run.text = text
                run.font.size, run.font.bold = Pt(size), bold
                run.font.color.rgb = _rgb(color)
        return top + 0.95

    def slide(self, source, index: int) -> None:
        pack = self.pack
        slide = self.new(str(source.title))
        top = 1.1
        headline = str(getattr(source, "headline", "") or "")
        if headline:
            self.box(slide, 0.5, top, 12.3, 0.8, headline, size=15, color="#444444", name="Pokok")
            top += 0.85
        numbers = list(getattr(source, "numbers", None) or [])
        if numbers:
            top = self.numbers(slide, numbers, top)
        figure = getattr(source, "figure", None)
        data = getattr(source, "figure_data", None)
        table = _table_of(source)
        bullets = [str(b) for b in getattr(source, "bullets", None) or []]
        if table is not None and len(bullets) >= table.height:
            bullets = []
        height = 6.85 - top
        side = bool(bullets or ((figure is not None or data is not None) and table is not None))
        side_w = (6.2 if table is not None else 4.2) if side else 0.0
        main_w = 12.3 - side_w - (0.3 if side else 0)
        if data is not None and data.series:
            native_chart(slide, data, 0.5, top, main_w, height)
        elif figure is not None:
            png = pack.image(
                f"{index}-{source.key}-pptx",
                _image_figure(figure, height * 72),
                main_w * 72,
                height * 72,
            )
            slide.shapes.add_picture(io.BytesIO(png), _inches(0.5), _inches(top), _inches(main_w), _inches(height))
        elif table is not None:
            self.table(slide, table, 0.5, top, main_w, height, size=14)
        if side:
            x, y = 0.5 + main_w + 0.3, top
            if table is not None and (figure is not None or data is not None):
                rows = min(table.height, 10)
                self.table(slide, table.head(rows), x, y, side_w, 0.34 * (rows + 1), size=11)
                y += 0.34 * (rows + 1) + 0.2
            if bullets:
                self.box(
                    slide,
                    x,
                    y,
                    side_w,
                    6.85 - y,
                    bullets,
                    size=13 if len(bullets) > 3 else 14,
                    bullet=True,
                    name="Poin",
                )
        self.furniture(slide, _footer(pack, source))

    def table(self, slide, table: pl.DataFrame, left, top, width, height, size: float = 12, numeric=None) -> None:
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Pt

        header, rows, detected = table_cells(table)
        numeric = numeric or detected
        shape = slide.shapes.add_table(
            len(rows) + 1,
            len(header),
            _inches(left),
            _inches(top),
            _inches(width),
            _inches(min(height, 0.34 * (len(rows) + 1))),
        )
        shape.name = "Tabel"
        grid = shape.table
        for r, values in enumerate([header, *rows]):
            for col, value in enumerate(values):
                cell = grid.cell(r, col)
                cell.text = value
                cell.margin_top = cell.margin_bottom = Pt(2)
                paragraph = cell.text_frame.paragraphs[0]
                if numeric[col]:
                    paragraph.alignment = PP_ALIGN.RIGHT
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    run.font.bold = r == 0

    def narrative(self) -> None:
        pack = self.pack
        slide = self.new("Ringkasan naratif")
        self.box(
            slide,
            0.5,
            1.1,
            12.3,
            0.5,
            f"{pack.nama_wilayah}, data per {fmt.tanggal(pack.tanggal)}",
            size=16,
            color="#444444",
        )
        sentences = narrative_lines(pack)
        self.box(slide, 0.5, 1.8, 12.3, 5.0, sentences, size=18, bullet=True, name="Narasi")
        self.furniture(slide, _footer(pack))

    def rapor(self, card: Rapor) -> None:
        from pptx.enum.shapes import MSO_SHAPE

        pack = self.pack
        slide = self.new(rapor_title(card))
        self.box(slide, 0.5, 1.1, 12.3, 0.5, rapor_subtitle(card, pack), size=16, color="#444444")
        label, meaning, color = light_text(card)
        housing = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, _inches(0.5), _inches(1.9), _inches(1.2), _inches(3.3)
        )
        housing.name = "Lampu"
        housing.fill.solid()
        housing.fill.fore_color.rgb = _rgb("#2B2B2B")
        housing.line.fill.background()
        for i, key in enumerate(("merah", "kuning", "hijau")):
            lamp = slide.shapes.add_shape(
                MSO_SHAPE.OVAL, _inches(0.65), _inches(2.05 + i * 1.05), _inches(0.9), _inches(0.9)
            )
            lamp.name = f"Lampu {key}" + (" menyala" if key == card.lampu else "")
            lamp.fill.solid()
            lamp.fill.fore_color.rgb = _rgb(LAMPU[key][2] if key == card.lampu else "#4A4A4A")
            lamp.line.fill.background()
        self.box(slide, 0.25, 5.3, 1.7, 0.4, label, size=15, bold=True, color=color, name="Status lampu", align=2)
        self.box(slide, 0.25, 5.7, 1.7, 1.0, meaning, size=10, color="#555555", align=2)
        self.box(slide, 2.2, 1.9, 4.0, 0.4, "Cakupan perekaman", size=16, color="#555555")
        self.box(
            slide,
            2.2,
            2.3,
            4.0,
            1.0,
            fmt.persen(card.persen_rekam),
            size=50,
            bold=True,
            color=color if card.lampu else charts.INK,
            name="Cakupan",
        )
        self.box(slide, 2.2, 3.4, 4.0, 0.8, rapor_gap(card), size=16, name="Selisih target")
        if card.persen_rekam is not None and card.persen_rekam > 100:
            self.box(
                slide,
                2.2,
                4.2,
                4.0,
                0.8,
                "Di atas 100%: periksa data wajib KTP (penduduk luar daerah, pembagi usang).",
                size=11,
                color="#555555",
            )
        now, since = rapor_figures(card, pack)
        head_now, head_since = rapor_headers(pack)
        for rows, head, top in ((now, head_now, 1.9), (since, head_since, 1.9 + 0.34 * (len(now) + 1) + 0.3)):
            frame = pl.DataFrame({head: [r[0] for r in rows], " ": [r[1] for r in rows]})
            self.table(slide, frame, 6.3, top, 3.6, 0.34 * (len(rows) + 1), size=13, numeric=[False, True])
        if card.tingkat_anak:
            lines = [
                f"{a.nama_wilayah}: {fmt.persen(a.persen_rekam)}, {fmt.angka(a.belum_rekam)} belum rekam "
                f"({LAMPU[a.lampu][0].lower()})"
                for a in card.terendah
            ] or ["Tidak ada laporan."]
            self.box(
                slide, 10.15, 1.9, 2.9, 0.4, f"{regions.LEVEL_LABELS[card.tingkat_anak]} terendah", size=14, bold=True
            )
            self.box(slide, 10.15, 2.35, 2.9, 4.3, lines, size=11, name="Terendah")
        self.furniture(slide, _footer(pack))


def native_chart(slide, data, left: float, top: float, width: float, height: float):
    """A slide's figure data as a native PowerPoint chart (editable): 'bar' as horizontal bars, first
    category on top, bars below the target in the warning colour; 'line' with dates on the axis and
    the target as a dashed line."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Pt

    number_format = NUMBER_FORMATS.get(data.unit, "General")
    chart_data = CategoryChartData(number_format=number_format)
    bar = data.kind == "bar"
    if bar:
        chart_data.categories = list(data.categories)
        for series in data.series:
            chart_data.add_series(series.name, list(series.values))
        kind = XL_CHART_TYPE.BAR_CLUSTERED
    else:
        chart_data.categories = [date.fromisoformat(c) for c in data.categories]
        for series in data.series:
            chart_data.add_series(series.name, list(series.values))
        if data.target is not None and data.unit == "persen":
            chart_data.add_series(f"Target {fmt.persen(data.target)}", [float(data.target)] * len(data.categories))
        kind = XL_CHART_TYPE.LINE
    frame = slide.shapes.add_chart(kind, _inches(left), _inches(top), _inches(width), _inches(height), chart_data)
    frame.name = "Grafik"
    chart = frame.chart
    chart.font.size = Pt(12)
    plot = chart.plots[0]
    values = [v for s in data.series for v in s.values if v is not None]
    if bar:
        chart.has_legend = False
        chart.category_axis.reverse_order = True  # first category on top, as in the dashboard
        chart.category_axis.tick_labels.font.size = Pt(9 if len(data.categories) > 25 else 11)
        plot.gap_width = 40
        plot.has_data_labels = len(data.categories) <= 40
        if plot.has_data_labels:
            labels = plot.data_labels
            labels.number_format, labels.number_format_is_linked = number_format, False
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            labels.font.size = Pt(9 if len(data.categories) > 25 else 11)
        series = plot.series[0]
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(charts.BLUE)
        series.invert_if_negative = False
        if data.target is not None and data.unit == "persen":
            for i, value in enumerate(data.series[0].values):
                if value is not None and value < data.target:
                    point = series.points[i]
                    point.format.fill.solid()
                    point.format.fill.fore_color.rgb = _rgb(charts.VERMILLION)
            chart.has_title = True
            chart.chart_title.text_frame.text = f"Merah: di bawah target {fmt.persen(data.target)}"
            chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
        if data.unit == "persen" and values:
            low = min([*values, data.target or 100])
            chart.value_axis.minimum_scale = max(0, int(low // 5) * 5 - 5)
            chart.value_axis.maximum_scale = max(100, int(max(values)) + 2)
    else:
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        for i, series in enumerate(plot.series):
            series.smooth = False
            series.marker.style = XL_MARKER_STYLE.NONE
            series.format.line.width = Pt(3 if i == 0 else 2)
            series.format.line.color.rgb = _rgb(charts.BLUE if i == 0 else charts.BLACK)
            if i == len(data.series):  # the target line
                series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        if data.unit == "persen" and values:
            shown = [*values, *([data.target] if data.target is not None else [])]
            chart.value_axis.minimum_scale = int(min(shown)) - 1
            chart.value_axis.maximum_scale = int(max(shown)) + 1
        axis = chart.category_axis
        axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = "d mmm", False
    chart.value_axis.has_major_gridlines = True
    ticks = chart.value_axis.tick_labels
    ticks.number_format = {"persen": '0"%"'}.get(data.unit, number_format)
    ticks.number_format_is_linked = False
    return chart


# --- entry points --------------------------------------------------------------------------------


def build_pdf(db: Database, wilayah: str, tanggal: date | None, banding: date | None, out) -> Pack:
    """Collect and write the PDF pack; returns the pack (for its page count and names)."""
    pack = collect(db, wilayah, tanggal, banding)
    render_pdf(pack, out)
    return pack


def build_pptx(db: Database, wilayah: str, tanggal: date | None, banding: date | None, out) -> Pack:
    """Collect and write the PPTX pack; returns the pack."""
    pack = collect(db, wilayah, tanggal, banding)
    render_pptx(pack, out)
    return pack


def render_bytes(pack: Pack, kind: str) -> bytes:
    """The pack as PDF or PPTX bytes (for a download button)."""
    buffer = io.BytesIO()
    {"pdf": render_pdf, "pptx": render_pptx}[kind](pack, buffer)
    return buffer.getvalue()
