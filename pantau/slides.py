"""The presentation slides of a region and date: one point per slide, from the dashboard's own queries.

A pure data layer (no Streamlit): the presentation mode of the dashboard and the PDF/PPTX briefing
pack draw the same `Slide` list. Each slide carries its one sentence (`headline`), a Plotly figure
from pantau.charts (or None), a small table, bullets, big numbers and the raw series of its figure
(`figure_data`) for native charts in other formats.

Slides, in the order a presenter walks a room through them (a slide is left out only when its
point cannot exist, e.g. no children below a village):

    cakupan         coverage against the target, with the trend of the last 90 days
    peringkat       ranking of the child regions (a village: its rank among its kecamatan's villages)
    terendah        the five lowest child regions and what each needs for the target
    hitung_mundur   days to the next election, required against recent pace (or: none scheduled)
    cetak           cards printed per day and blangko days of cover (or: no print log)
    perubahan       what changed since `banding` (default a week earlier)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from pantau import cetak, charts, fmt, narasi, proyeksi, regions
from pantau.queries import Database, child_level

SOURCE = "Sumber: laporan Disdukcapil kabupaten/kota"
KEYS = ("cakupan", "peringkat", "terendah", "hitung_mundur", "cetak", "perubahan")
TREND_DAYS = 90
PRINT_DAYS = 30
LOWEST = 5
BLANGKO_THRESHOLD_DAYS = 14
MOVERS = 3
SPLIT_RANKING = 12  # a ranking longer than this is drawn in two columns on a wide screen


@dataclass(frozen=True)
class Series:
    """One named series of a chart, values aligned with ChartData.categories (None = no value)."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartData:
    """The numbers behind a slide's figure, for native charts (PPTX): `kind` is 'bar' (horizontal,
    first category on top) or 'line' (categories are ISO dates); `unit` is 'persen' or 'angka'."""

    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str
    target: float | None = None


@dataclass(frozen=True)
class Slide:
    """One point of a presentation. Text is Bahasa Indonesia with Indonesian number formats."""

    key: str
    title: str
    headline: str
    footnote: str
    figure: go.Figure | None = None
    table: pl.DataFrame | None = None
    bullets: list[str] = field(default_factory=list)
    numbers: list[tuple[str, str]] = field(default_factory=list)  # (label, formatted value), shown big
    figure_data: ChartData | None = None
    figure_columns: tuple[go.Figure, ...] = ()  # the figure split side by side for a wide screen (long rankings)


def is_demo(db: Database) -> bool:
    return (db.store.data_dir / "DEMO").exists()


def footnote(tanggal: date, demo: bool) -> str:
    return f"{SOURCE} · data per {fmt.tanggal(tanggal)}" + (" · DATA DEMO" if demo else "")


def build_slides(db: Database, wilayah: str, tanggal: date | None = None, banding: date | None = None) -> list[Slide]:
    """The slides of `wilayah` ('' = Indonesia) as of `tanggal` (default: latest report), changes
    against `banding` (default: a week earlier). Empty list for an empty store."""
    tanggal = tanggal or db.latest_date()
    if tanggal is None:
        return []
    banding = banding or tanggal - timedelta(days=7)
    if banding >= tanggal:
        banding = tanggal - timedelta(days=7)
    return _Builder(db, wilayah, tanggal, banding).slides()


class _Builder:
    def __init__(self, db: Database, wilayah: str, tanggal: date, banding: date):
        self.db, self.wilayah, self.tanggal, self.banding = db, wilayah, tanggal, banding
        self._seen: dict[tuple, pl.DataFrame] = {}
        self.demo = is_demo(db)
        self.name = regions.name_of(wilayah) or wilayah or "Indonesia"
        self.note = footnote(tanggal, self.demo)
        self.summary = self._row("ringkasan", wilayah=wilayah, tanggal=tanggal)
        self.countdown = self._row("hitung_mundur", wilayah=wilayah, tanggal=tanggal)
        self.target = self.countdown["target_persen"] if self.countdown else None
        self.has_children = regions.level_of(wilayah) != "desa"
        if self.has_children:
            scope, level = wilayah, child_level(wilayah)
        else:  # a village is ranked among the villages of its kecamatan
            scope, level = regions.parent_of(wilayah), "desa"
        self.scope_name = regions.name_of(scope) or scope or "Indonesia"
        self.level_label = regions.LEVEL_LABELS[level].lower()
        self.children = self._run("peringkat", wilayah=scope, tanggal=tanggal, tingkat=level, banding=banding)

    def _run(self, name: str, **params) -> pl.DataFrame:
        key = (name, tuple(sorted(params.items())))
        if key not in self._seen:  # several slides share a query (e.g. ringkasan as of banding)
            self._seen[key] = self.db.run(name, params).rows
        return self._seen[key]

    def _trend(self, dari: date) -> pl.DataFrame:
        """Coverage per day from `dari`: one query of TREND_DAYS shared by the slides when it covers `dari`."""
        start = self.tanggal - timedelta(days=TREND_DAYS)
        if dari < start:
            return self._run("tren", wilayah=self.wilayah, dari=dari, sampai=self.tanggal)
        return self._run("tren", wilayah=self.wilayah, dari=start, sampai=self.tanggal).filter(
            pl.col("tanggal") >= dari
        )

    def _row(self, name: str, **params) -> dict | None:
        rows = self._run(name, **params)
        return rows.row(0, named=True) if rows.height else None

    def slide(self, key: str, title: str, headline: str, **parts) -> Slide:
        return Slide(key=key, title=title, headline=headline, footnote=self.note, **parts)

    def slides(self) -> list[Slide]:
        if self.summary is None or self.summary["wajib_ktp"] is None:
            return [
                self.slide(
                    "cakupan",
                    f"Cakupan perekaman e-KTP {self.name}",
                    f"Belum ada laporan perekaman untuk {self.name} sampai {fmt.tanggal(self.tanggal)}.",
                )
            ]
        built = [self.cakupan(), self.peringkat()]
        if self.has_children:
            built.append(self.terendah())
        built += [self.hitung_mundur(), self.cetak(), self.perubahan()]
        return [s for s in built if s is not None]

    # --- cakupan ---------------------------------------------------------------------------------

    def cakupan(self) -> Slide:
        s = self.summary
        before = self._row("ringkasan", wilayah=self.wilayah, tanggal=self.banding)
        headline = narasi.headline(s, before if before and before["wajib_ktp"] is not None else None)
        tren = self._trend(self.tanggal - timedelta(days=TREND_DAYS))
        numbers = [
            ("Cakupan", fmt.persen(s["persen_rekam"])),
            ("Sudah rekam", fmt.angka(s["sudah_rekam"])),
            ("Belum rekam", fmt.angka(s["belum_rekam"])),
        ]
        bullets = []
        if self.target is not None:
            numbers.append(("Target", fmt.persen(self.target)))
            short = proyeksi.kekurangan_target(s["sudah_rekam"], s["wajib_ktp"], self.target)
            if short:
                bullets.append(
                    f"Masih perlu {fmt.jumlah(short, 'orang')} direkam untuk mencapai target {fmt.persen(self.target)}."
                )
            else:
                bullets.append(f"Target {fmt.persen(self.target)} sudah tercapai.")
        two_weeks = self._row("ringkasan", wilayah=self.wilayah, tanggal=self.tanggal - timedelta(days=14))
        if change := narasi.belum_rekam_change(s, two_weeks if two_weeks and two_weeks["wajib_ktp"] else None):
            bullets.append(change)
        if float(s["persen_rekam"] or 0) > 100:
            bullets.append("Cakupan di atas 100% ditampilkan apa adanya: periksa data wajib KTP-nya.")
        figure = data = None
        if tren.height:
            figure = charts.coverage_trend(tren, target_persen=self.target, as_of=self.tanggal, demo=self.demo)
            ordered = tren.sort("tanggal")
            data = ChartData(
                "line",
                tuple(d.isoformat() for d in ordered["tanggal"]),
                (Series("Cakupan", tuple(ordered["persen_rekam"])),),
                "persen",
                self.target,
            )
        return self.slide(
            "cakupan",
            f"Cakupan perekaman e-KTP {self.name}",
            headline,
            figure=figure,
            bullets=bullets,
            numbers=numbers,
            figure_data=data,
        )

    # --- peringkat -------------------------------------------------------------------------------

    def peringkat(self) -> Slide | None:
        ranked = self.children.filter(pl.col("peringkat").is_not_null())
        level = self.level_label
        title = f"Peringkat {level} di {self.scope_name}"
        if ranked.is_empty():
            return self.slide(
                "peringkat",
                title,
                f"Belum ada {level} di {self.scope_name} yang melaporkan perekaman sampai {fmt.tanggal(self.tanggal)}.",
                bullets=[
                    f"Laporan {self.scope_name} tidak dirinci per {level}, sehingga peringkat {level} belum dapat "
                    "disusun."
                ]
                if self.has_children
                else [],
            )
        ordered = ranked.sort(["peringkat", "kode_wilayah"])
        top = ordered.row(0, named=True)
        if self.has_children:
            headline = (
                f"{top['nama_wilayah']} tertinggi di antara {fmt.angka(ranked.height)} {level} di "
                f"{self.scope_name} dengan cakupan {fmt.persen(top['persen_rekam'])}"
            )
        else:
            own = ordered.filter(pl.col("kode_wilayah") == self.wilayah)
            position = (
                f"{self.name} di peringkat {own['peringkat'][0]} dari {fmt.angka(ranked.height)} {level} "
                f"di {self.scope_name}"
                if own.height
                else f"{self.name} belum masuk peringkat"
            )
            headline = f"{position}; tertinggi {top['nama_wilayah']} ({fmt.persen(top['persen_rekam'])})"
        bullets = []
        if self.target is not None:
            below = ranked.filter(pl.col("persen_rekam") < self.target).height
            headline += (
                f"; {fmt.angka(below)} dari {fmt.angka(ranked.height)} di bawah target {fmt.persen(self.target)}."
                if below
                else f"; semua mencapai target {fmt.persen(self.target)}."
            )
        else:
            headline += "."
        if over := narasi.above_hundred(ranked.to_dicts(), level):
            bullets.append(over)
        if missing := self.children.height - ranked.height:
            bullets.append(f"{fmt.angka(missing)} {level} belum melaporkan perekaman.")
        figure = charts.ranking_bar(self.children, target_persen=self.target, as_of=self.tanggal, demo=self.demo)
        columns = ()
        if ranked.height > SPLIT_RANKING:
            shown = ranked.sort(["persen_rekam", "kode_wilayah"], descending=[True, False], nulls_last=True)
            if shown.height > 60:  # as charts.ranking_bar: the 30 highest and the 30 lowest
                shown = pl.concat([shown.head(30), shown.tail(30)])
            half = math.ceil(shown.height / 2)
            columns = tuple(
                charts.ranking_bar(part, target_persen=self.target, as_of=self.tanggal, demo=self.demo)
                for part in (shown.head(half), shown.tail(shown.height - half))
            )
            top = max([100.0, self.target or 0, *shown["persen_rekam"].to_list()]) * 1.04
            for column in columns:
                column.update_xaxes(range=[0, top])
        data = ChartData(
            "bar",
            tuple(ordered["nama_wilayah"]),
            (Series("Cakupan", tuple(ordered["persen_rekam"])),),
            "persen",
            self.target,
        )
        return self.slide(
            "peringkat", title, headline, figure=figure, bullets=bullets, figure_data=data, figure_columns=columns
        )

    # --- terendah --------------------------------------------------------------------------------

    def terendah(self) -> Slide | None:
        ranked = self.children.filter(pl.col("peringkat").is_not_null())
        level = self.level_label
        title = f"{level.capitalize()} dengan cakupan terendah"
        if ranked.is_empty():
            return None
        lowest = ranked.sort(["persen_rekam", "kode_wilayah"]).head(LOWEST)
        headline = narasi.lowest_region(lowest.to_dicts(), self.target, self.scope_name)
        short = [
            proyeksi.kekurangan_target(r["sudah_rekam"], r["wajib_ktp"], self.target)
            for r in lowest.iter_rows(named=True)
        ]
        table = pl.DataFrame(
            {
                "Peringkat": [fmt.angka(v) for v in lowest["peringkat"]],
                "Wilayah": lowest["nama_wilayah"],
                "Cakupan": [fmt.persen(v) for v in lowest["persen_rekam"]],
                "Belum rekam": [fmt.angka(v) for v in lowest["belum_rekam"]],
                "Kurang untuk target": [fmt.angka(v) if self.target is not None else fmt.KOSONG for v in short],
            }
        )
        bullets = [
            f"{r['nama_wilayah']}: {fmt.jumlah(r['belum_rekam'], 'orang')} belum rekam"
            + (f", {fmt.angka(k)} lagi untuk target" if k else "")
            for r, k in zip(lowest.iter_rows(named=True), short)
        ]
        figure = charts.ranking_bar(lowest, target_persen=self.target, as_of=self.tanggal, demo=self.demo)
        shown = lowest.sort(["persen_rekam", "kode_wilayah"], descending=[True, False])
        data = ChartData(
            "bar",
            tuple(shown["nama_wilayah"]),
            (Series("Cakupan", tuple(shown["persen_rekam"])),),
            "persen",
            self.target,
        )
        return self.slide("terendah", title, headline, figure=figure, table=table, bullets=bullets, figure_data=data)

    # --- hitung mundur ---------------------------------------------------------------------------

    def hitung_mundur(self) -> Slide:
        c = self.countdown
        if c is None:
            return self.slide(
                "hitung_mundur",
                "Hitung mundur pemilu",
                f"Belum ada pemilu terjadwal untuk {self.name} setelah {fmt.tanggal(self.tanggal)}.",
                bullets=["Tambahkan pemilu berikutnya ke kalender pemilu (halaman Status data)."],
            )
        day, target, pace = c["tanggal_pemilu"], c["target_persen"], c["laju_harian"]
        title = f"Menuju {c['nama_pemilu']}: {fmt.hitung_mundur(c['hari_tersisa'])}"
        numbers = [
            ("Hari tersisa", fmt.jumlah(c["hari_tersisa"], "hari")),
            ("Hari kerja tersisa", fmt.jumlah(c["hari_kerja_tersisa"], "hari")),
        ]
        if target is not None and c["kebutuhan_harian"]:
            numbers.append(("Perlu direkam per hari", fmt.angka(round(c["kebutuhan_harian"]))))
        numbers.append(("Laju per hari (14 hari terakhir)", fmt.angka(round(pace or 0))))
        bullets = [f"Hari pemungutan suara: {fmt.hari(day)}."]
        if target is not None and c["wajib_ktp"] is not None:
            hasil = proyeksi.pencapaian_target(c["sudah_rekam"], c["wajib_ktp"], target, pace, self.tanggal, day)
            bullets.append(hasil.teks(target, day))
        if c["proyeksi_persen"] is not None:
            bullets.append(
                f"Proyeksi cakupan pada Hari H: {fmt.persen(c['proyeksi_persen'])} bila laju 14 hari terakhir bertahan."
            )
        tren = self._trend(self.tanggal - timedelta(days=TREND_DAYS))
        figure = data = None
        if tren.height:
            if target is None:
                figure = charts.coverage_trend(
                    tren, mode="jumlah", elections=[(c["nama_pemilu"], day)], as_of=self.tanggal, demo=self.demo
                )
            else:
                figure = charts.burn_down(
                    tren, target, day, c["nama_pemilu"], pace=pace, as_of=self.tanggal, demo=self.demo
                )
            ordered = tren.sort("tanggal")
            data = ChartData(
                "line",
                tuple(d.isoformat() for d in ordered["tanggal"]),
                (Series("Belum rekam", tuple(ordered["belum_rekam"])),),
                "angka",
            )
        headline = narasi.countdown(c) or title
        return self.slide(
            "hitung_mundur", title, headline, figure=figure, bullets=bullets, numbers=numbers, figure_data=data
        )

    # --- cetak -----------------------------------------------------------------------------------

    def cetak(self) -> Slide:
        # print logs are kept per kabupaten/kota: below that level, the parent regency's log
        level_index = regions.LEVELS.index(regions.level_of(self.wilayah))
        log_code = self.wilayah if level_index <= 2 else regions.ancestors(self.wilayah)[2]
        log_name = regions.name_of(log_code) or log_code or "Indonesia"
        dari = self.tanggal - timedelta(days=PRINT_DAYS - 1)
        raw = self._run("cetak_harian", wilayah=log_code, dari=dari, sampai=self.tanggal)
        stock = self._run("blangko_harian", wilayah=log_code, dari=dari, sampai=self.tanggal)
        stocks = cetak.blangko_cover(
            self._run("blangko_wilayah", wilayah=log_code, tanggal=self.tanggal), BLANGKO_THRESHOLD_DAYS, self.tanggal
        )
        log = cetak.with_daily_stock(cetak.complete_days(raw), stock)
        summary = cetak.summarise(log)
        cover = cetak.total_cover(stocks)
        title = f"Produksi cetak dan stok blangko {log_name}"
        if summary.tanggal_terakhir is None:
            last = f" Laporan cetak terakhir: {fmt.tanggal(cover.tanggal_stok)}." if cover.tanggal_stok else ""
            return self.slide(
                "cetak",
                title,
                f"Belum ada log cetak untuk {log_name} dalam {PRINT_DAYS} hari sampai "
                f"{fmt.tanggal(self.tanggal)}.{last}",
            )
        rate = summary.rata_7_hari or 0
        headline = f"Dalam 7 hari terakhir rata-rata {fmt.jumlah(round(rate), 'keping')} e-KTP tercetak per hari"
        if cover.hari_cukup is not None:
            headline += (
                f"; stok blangko {fmt.jumlah(cover.stok, 'keping')} cukup untuk "
                f"±{fmt.jumlah(math.floor(cover.hari_cukup), 'hari')}."
            )
        elif cover.stok is not None:
            headline += f"; stok blangko {fmt.jumlah(cover.stok, 'keping')}."
        else:
            headline += "; stok blangko tidak dilaporkan."
        numbers = [
            ("Tercetak per hari (7 hari)", fmt.angka(round(rate))),
            (f"Tercetak {PRINT_DAYS} hari", fmt.angka(summary.tercetak)),
            ("Stok blangko", fmt.angka(cover.stok)),
            (
                "Cukup untuk",
                fmt.KOSONG if cover.hari_cukup is None else f"±{fmt.jumlah(math.floor(cover.hari_cukup), 'hari')}",
            ),
        ]
        bullets = []
        if summary.selisih < 0:
            bullets.append(
                f"Permohonan menumpuk: {fmt.angka(summary.permohonan)} permohonan, "
                f"{fmt.angka(summary.tercetak)} tercetak dalam {PRINT_DAYS} hari."
            )
        else:
            bullets.append(
                f"Pencetakan mengejar permintaan: {fmt.angka(summary.tercetak)} tercetak untuk "
                f"{fmt.angka(summary.permohonan)} permohonan dalam {PRINT_DAYS} hari."
            )
        low = stocks.filter(pl.col("di_bawah_batas"))
        if stocks.height > 1 and low.height:
            names = ", ".join(
                f"{r['nama_wilayah']} ({fmt.angka(math.floor(r['hari_cukup']))} hari)"
                for r in low.head(MOVERS).iter_rows(named=True)
            )
            more = f" dan {fmt.angka(low.height - MOVERS)} lainnya" if low.height > MOVERS else ""
            bullets.append(f"Stok di bawah {BLANGKO_THRESHOLD_DAYS} hari: {names}{more}.")
        if self.summary.get("prr") is not None:
            bullets.append(f"Antrean PRR (siap cetak) {self.name}: {fmt.jumlah(self.summary['prr'], 'orang')}.")
        if summary.hari_layanan_libur:
            bullets.append(f"Layanan hari libur: {fmt.jumlah(summary.hari_layanan_libur, 'hari')} dengan cetak.")
        figure = charts.print_daily(log, as_of=self.tanggal, demo=self.demo)
        days = log.filter(pl.col("layanan") == "semua").sort("tanggal")
        data = ChartData(
            "line",
            tuple(d.isoformat() for d in days["tanggal"]),
            (Series("Tercetak", tuple(days["tercetak"])),),
            "angka",
        )
        return self.slide("cetak", title, headline, figure=figure, bullets=bullets, numbers=numbers, figure_data=data)

    # --- perubahan -------------------------------------------------------------------------------

    def perubahan(self) -> Slide:
        s = self.summary
        title = f"Perubahan sejak {fmt.tanggal(self.banding)}"
        before = self._row("ringkasan", wilayah=self.wilayah, tanggal=self.banding)
        if before is None or before["wajib_ktp"] is None:
            return self.slide(
                "perubahan",
                title,
                f"Belum ada laporan perekaman {self.name} per {fmt.tanggal(self.banding)} untuk dibandingkan.",
            )
        delta = round(float(s["persen_rekam"]) - float(before["persen_rekam"]), 2)
        recorded = int(s["sudah_rekam"]) - int(before["sudah_rekam"])
        if delta == 0 and recorded == 0:
            headline = (
                f"Sejak {fmt.tanggal(self.banding)}, tidak ada perubahan: cakupan {self.name} tetap "
                f"{fmt.persen(s['persen_rekam'])} dan belum rekam {fmt.jumlah(s['belum_rekam'], 'orang')}."
            )
        else:
            movement = (
                "tetap"
                if delta == 0
                else f"{'naik' if delta > 0 else 'turun'} {fmt.persen_poin(abs(delta)).lstrip('+')} menjadi"
            )
            headline = (
                f"Sejak {fmt.tanggal(self.banding)}, cakupan {self.name} {movement} "
                f"{fmt.persen(s['persen_rekam'])}: sudah rekam "
                f"{'bertambah' if recorded >= 0 else 'berkurang'} {fmt.jumlah(abs(recorded), 'orang')}, "
                f"belum rekam dari {fmt.angka(before['belum_rekam'])} menjadi {fmt.angka(s['belum_rekam'])}."
            )
        numbers = [
            ("Cakupan", fmt.persen_poin(delta)),
            ("Sudah rekam", fmt.selisih(recorded)),
            ("Belum rekam", fmt.selisih(int(s["belum_rekam"]) - int(before["belum_rekam"]))),
        ]
        bullets, table, figure, data = [], None, None, None
        if s["tanggal_laporan"] is not None and s["tanggal_laporan"] <= self.banding:
            bullets.append(
                f"Laporan terakhir {self.name} bertanggal {fmt.tanggal(s['tanggal_laporan'])}: "
                "belum ada laporan baru dalam periode ini."
            )
        ranked = self.children.filter(pl.col("peringkat").is_not_null())
        if self.has_children and ranked.height:
            bullets += _rank_moves(ranked)
            changed = ranked.filter(pl.col("persen_rekam_banding").is_not_null()).with_columns(
                poin=(pl.col("persen_rekam") - pl.col("persen_rekam_banding")).round(2)
            )
            stalled = changed.filter(pl.col("poin") <= 0)
            if stalled.height:
                names = ", ".join(stalled.sort("persen_rekam")["nama_wilayah"].head(MOVERS).to_list())
                more = f" dan {fmt.angka(stalled.height - MOVERS)} lainnya" if stalled.height > MOVERS else ""
                bullets.append(f"Stagnan (cakupan tidak naik): {names}{more}.")
            if changed.height:
                top = changed.sort(["poin", "kode_wilayah"], descending=[True, False]).head(10)
                table = pl.DataFrame(
                    {
                        "Wilayah": top["nama_wilayah"],
                        "Cakupan kini": [fmt.persen(v) for v in top["persen_rekam"]],
                        "Perubahan": [fmt.persen_poin(v) for v in top["poin"]],
                        "Peringkat": [
                            f"{r} ({_arrow(m)})" for r, m in zip(top["peringkat"], top["perubahan_peringkat"])
                        ],
                    }
                )
                data = ChartData(
                    "bar", tuple(top["nama_wilayah"]), (Series("Perubahan (poin)", tuple(top["poin"])),), "poin"
                )
        tren = self._trend(self.banding)
        if tren.height:
            figure = charts.coverage_trend(tren, target_persen=self.target, as_of=self.tanggal, demo=self.demo)
        return self.slide(
            "perubahan", title, headline, figure=figure, table=table, bullets=bullets, numbers=numbers, figure_data=data
        )


def _arrow(change: int | None) -> str:
    if change is None:
        return "baru"
    if change == 0:
        return "tetap"
    return f"▲{change}" if change > 0 else f"▼{-change}"


def _rank_moves(ranked: pl.DataFrame) -> list[str]:
    moved = ranked.filter(pl.col("perubahan_peringkat").is_not_null() & (pl.col("perubahan_peringkat") != 0))
    up = moved.filter(pl.col("perubahan_peringkat") > 0).sort("perubahan_peringkat", descending=True).head(MOVERS)
    down = moved.filter(pl.col("perubahan_peringkat") < 0).sort("perubahan_peringkat").head(MOVERS)
    lines = [
        f"▲ {r['nama_wilayah']} naik {r['perubahan_peringkat']} peringkat ke #{r['peringkat']}"
        for r in up.iter_rows(named=True)
    ]
    lines += [
        f"▼ {r['nama_wilayah']} turun {-r['perubahan_peringkat']} peringkat ke #{r['peringkat']}"
        for r in down.iter_rows(named=True)
    ]
    return lines or ["Tidak ada perubahan peringkat."]


def for_projector(
    fig: go.Figure, height: int, scale: float = 1.5, keep_title: bool = False, legend: bool = True
) -> go.Figure:
    """A copy of a charts.py figure for a full-screen slide: fonts `scale` times larger, `height`
    pixels tall, without the source line (the slide shows it) and, unless `keep_title`, without its
    own title (the slide's title and headline say it). A legend over a top x-axis moves below the plot."""
    out = go.Figure(fig)
    base = out.layout.font.size or charts.FONT

    def grow(font, default: float = base) -> None:
        font.size = round((font.size or default) * scale)

    out.update_layout(height=height, hoverlabel=dict(font=dict(size=round(base * scale))))
    grow(out.layout.font, charts.FONT)
    grow(out.layout.legend.font)
    if keep_title:
        grow(out.layout.title.font, charts.TITLE_FONT)
    else:
        out.update_layout(title=dict(text="", subtitle=dict(text="")), margin=dict(t=16, b=16))
    out.for_each_xaxis(lambda ax: grow(ax.tickfont))
    out.for_each_yaxis(lambda ax: grow(ax.tickfont))
    out.for_each_trace(lambda t: grow(t.textfont) if "textfont" in t else None)
    if not legend:
        out.update_layout(showlegend=False, margin=dict(b=40))
    elif any(ax.side == "top" for ax in out.select_xaxes()):
        out.update_layout(legend=dict(y=0, yref="paper", yanchor="top", x=0, xanchor="left"), margin=dict(b=70))
    out.layout.annotations = [a for a in out.layout.annotations if a.name != "sumber"]
    for annotation in out.layout.annotations:
        grow(annotation.font)
    for shape in out.layout.shapes:  # target and election lines carry their own labels
        if shape.label.text:
            grow(shape.label.font)
    return out


def keys(slides: Sequence[Slide]) -> list[str]:
    return [s.key for s in slides]
