"""Tren cakupan: coverage over time for the region and up to 10 compared regions, with the target,
election days and a projection to the next election at the pace of the last 14 days."""

from datetime import date, timedelta

import duckdb
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from pantau import charts, fmt, proyeksi, regions, ui
from pantau.queries import QueryError, parse_wilayah

NASIONAL = "nasional"  # Indonesia in the `pembanding` URL parameter (its code is the empty string)
MAX_PEMBANDING = 10
HORIZON = 365  # the next election and the projection are drawn when at most a year ahead
TAMPILAN = {"persen": "Persen cakupan", "jumlah": "Jumlah orang"}

ctx = ui.context()
if ctx.has_data:  # asked below whatever the chosen range and regions: side by side from the start (ui.prefetch)
    ui.prefetch(("hitung_mundur", ctx.params()), ("kalender_pemilu", {"wilayah": ctx.wilayah}))
ui.header(ctx, "Tren cakupan perekaman", "Bagaimana cakupan bergerak, dibanding wilayah lain, kapan target tercapai?")
if not ctx.has_data:
    ui.no_data()
    st.stop()


def tone(value: float | None) -> dict:
    """Delta colour and arrow from the sign: st.metric reads fmt's real minus sign (U+2212) as positive."""
    if not value:
        return dict(delta_color="off", delta_arrow="off")
    return dict(delta_color="green" if value > 0 else "red", delta_arrow="up" if value > 0 else "down")


def label(code: str) -> str:
    level, name = regions.level_of(code), regions.name_of(code) or code
    return f"{name} ({regions.LEVEL_LABELS[level].lower()})" if level in ("kecamatan", "desa") else name


def url_regions() -> list[str]:
    codes = []
    for part in filter(None, (p.strip() for p in ui.url_get("pembanding").split(","))):
        try:
            codes.append("" if part == NASIONAL else parse_wilayah(part))
        except QueryError:
            st.warning(f"Kode pembanding {part[:20]!r} di tautan diabaikan.")
    return [c for c in dict.fromkeys(codes) if c != ctx.wilayah][:MAX_PEMBANDING]


# options: the region's ancestors, its siblings, its children, and whatever a shared link brought
family = regions.ancestors(ctx.wilayah)[:-1]
if ctx.wilayah:
    family += [c for c, _ in regions.children(regions.parent_of(ctx.wilayah)) if c != ctx.wilayah]
if ctx.tingkat != "desa":
    family += [c for c, _ in regions.children(ctx.wilayah)]
family = [c for c in family if ctx.pengguna.boleh_lihat(c)]  # a scoped user compares within their own region
from_url = [c for c in url_regions() if ctx.pengguna.boleh_lihat(c)]
default_dari, floor = ctx.tanggal - timedelta(days=365), ctx.tanggal - timedelta(days=3650)
keys = {name: f"tren_{name}_{ctx.wilayah}_{ctx.tanggal}" for name in ("pembanding", "dari", "sampai")}
if keys["pembanding"] not in st.session_state:
    sampai = max(min(ui.url_date("sampai") or ctx.tanggal, ctx.tanggal), floor)
    dari = max(ui.url_date("dari") or default_dari, floor)
    st.session_state[keys["pembanding"]] = from_url
    st.session_state[keys["sampai"]] = sampai
    st.session_state[keys["dari"]] = dari if dari <= sampai else max(sampai - timedelta(days=365), floor)
if "tren_tampilan" not in st.session_state:
    st.session_state["tren_tampilan"] = ui.url_get("tampilan") if ui.url_get("tampilan") in TAMPILAN else "persen"

chosen = st.multiselect(
    "Bandingkan dengan", list(dict.fromkeys(family + from_url)), key=keys["pembanding"],
    format_func=lambda c: label(c) if c else regions.NATIONAL_NAME, max_selections=MAX_PEMBANDING,
    placeholder="Pilih hingga 10 wilayah", help="Wilayah induk, wilayah setingkat dan wilayah di bawahnya.")
mid, right, last = st.columns([2, 2, 3], vertical_alignment="bottom")
dari = mid.date_input("Dari", key=keys["dari"], min_value=floor, max_value=ctx.tanggal, format="DD/MM/YYYY")
sampai = right.date_input("Sampai", key=keys["sampai"], min_value=floor, max_value=ctx.tanggal, format="DD/MM/YYYY")
mode = last.radio("Tampilan", list(TAMPILAN), format_func=TAMPILAN.get, key="tren_tampilan", horizontal=True)
ui.url_set("pembanding", ",".join(c or NASIONAL for c in chosen) or None)
ui.url_set("dari", dari if dari != default_dari else None)
ui.url_set("sampai", sampai if sampai != ctx.tanggal else None)
ui.url_set("tampilan", mode if mode != "persen" else None)
if dari > sampai:
    st.warning("Tanggal 'dari' sesudah 'sampai': keduanya ditukar.")
    dari, sampai = sampai, dari

codes = [ctx.wilayah, *chosen]
order = {code: i for i, code in enumerate(codes)}
try:
    tren = ui.query("tren", wilayah=",".join(codes), tanggal=ctx.tanggal, dari=dari, sampai=sampai)
except duckdb.Error:  # a long range over many large regions can exceed the database's memory
    st.error("Tren ini terlalu berat untuk dihitung: perpendek rentang tanggal atau kurangi wilayah pembanding.")
    st.caption(ui.footnote(ctx))
    st.stop()
tren = tren.sort(pl.col("kode_wilayah").replace_strict(order, default=len(codes)), "tanggal")  # the region first
own = tren.filter(pl.col("kode_wilayah") == ctx.wilayah)
countdown = ui.query("hitung_mundur", **ctx.params())
c = countdown.row(0, named=True) if countdown.height else None
target, laju = (c["target_persen"], c["laju_harian"]) if c else (None, None)
ahead = c is not None and sampai == ctx.tanggal and 0 < c["hari_tersisa"] <= HORIZON and c["sudah_rekam"] is not None
end = c["tanggal_pemilu"] if ahead else sampai
kalender = ui.query("kalender_pemilu", wilayah=ctx.wilayah)
elections = [(r["nama"], r["tanggal"]) for r in kalender.iter_rows(named=True) if dari <= r["tanggal"] <= end]

projection = None
if tren.is_empty():
    ui.no_data(f"Belum ada laporan perekaman antara {fmt.tanggal(dari)} dan {fmt.tanggal(sampai)} untuk wilayah ini.")
elif own.is_empty():
    st.info(f"{ctx.nama_wilayah} belum punya laporan perekaman dalam rentang ini; yang tampil hanya pembanding.")
else:
    first, now = own.row(0, named=True), own.row(-1, named=True)
    ends = first["persen_rekam"], now["persen_rekam"]
    change = None if None in ends else ends[1] - ends[0]
    cards = st.columns(4)
    cards[0].metric(f"Cakupan per {fmt.tanggal_pendek(now['tanggal'])}", fmt.persen(now["persen_rekam"]),
                    f"{fmt.persen_poin(change)} sejak {fmt.tanggal_pendek(first['tanggal'])}", **tone(change),
                    border=True)
    cards[1].metric("Laju 14 hari terakhir", fmt.jumlah(laju, "orang/hari"), border=True,
                    help="Tambahan sudah rekam per hari, rata-rata 14 hari sampai tanggal data.")
    if ahead:
        day, name = c["tanggal_pemilu"], c["nama_pemilu"]
        gap = c["proyeksi_persen"] - target if target is not None else None
        cards[2].metric(f"Proyeksi Hari H {name}", fmt.persen(c["proyeksi_persen"]),
                        f"{fmt.persen_poin(gap)} dari target" if gap is not None else None, **tone(gap), border=True,
                        help=f"Cakupan pada {fmt.tanggal(day)} bila laju 14 hari terakhir bertahan.")
        hasil = proyeksi.pencapaian_target(c["sudah_rekam"], c["wajib_ktp"], target, laju, ctx.tanggal, day)
        shown = {proyeksi.SUDAH: ("Sudah tercapai", None, "off"), proyeksi.TANPA_TARGET: ("Tanpa target", None, "off"),
                 proyeksi.TIDAK_TERCAPAI: ("Tidak tercapai", "sebelum Hari H", "red")}.get(hasil.status)
        if hasil.status == proyeksi.TERCAPAI:
            left_days = fmt.hitung_mundur((day - hasil.tanggal).days)
            shown = (fmt.tanggal_pendek(hasil.tanggal), f"{left_days} {name}", "green")
        cards[3].metric("Target tercapai", shown[0], shown[1], delta_color=shown[2], delta_arrow="off", border=True,
                        help=hasil.teks(target, day))
        if laju is not None:
            projection = proyeksi.projection_series(ctx.tanggal, c["sudah_rekam"], c["wajib_ktp"], c["belum_rekam"],
                                                    laju, day)
        note = ("Garis putus-putus: proyeksi pada laju 14 hari terakhir." if projection is not None
                else "Laju belum dapat dihitung: tidak ada data 14 hari sebelumnya.")
        st.markdown(f"**{hasil.teks(target, day)}** {note}")


def trend_figure(tren: pl.DataFrame, target: float | None, elections: list, projection: pl.DataFrame | None, mode: str,
                 as_of: date, demo: bool) -> go.Figure:
    fig = charts.coverage_trend(tren, target_persen=target, elections=elections, projection=projection, mode=mode,
                                as_of=as_of, demo=demo)
    if mode == "persen":  # keep the target line and its label inside the plot when it is the highest value
        values = [*tren["persen_rekam"].drop_nulls(), *([] if projection is None else projection["persen_rekam"])]
        values += [target] if target is not None and values else []
        pad = max((max(values or [0]) - min(values or [0])) * 0.08, 0.25)
        fig.update_yaxes(range=[min(values) - pad, max(values) + pad] if values else None)
    return fig


if not tren.is_empty():
    fig = ui.figure(trend_figure, tren, target, elections, projection, mode, sampai, ctx.demo)
    st.plotly_chart(fig, key="grafik_tren", theme=None)
    if c is None:
        st.caption("Belum ada pemilu terjadwal setelah tanggal data: tidak ada proyeksi. Kalender ada di Status data.")
    elif sampai != ctx.tanggal:
        st.caption(f"Proyeksi hanya digambar bila rentang berakhir pada tanggal data ({fmt.tanggal(ctx.tanggal)}).")
    elif c["hari_tersisa"] > HORIZON:
        st.caption(f"{c['nama_pemilu']} ({fmt.tanggal(c['tanggal_pemilu'])}) masih "
                   f"{fmt.hitung_mundur(c['hari_tersisa'])}: proyeksi tidak digambar.")
    if mode == "jumlah" and projection is not None:
        st.caption("Proyeksi dan garis target tampil pada tampilan persen cakupan.")
    st.download_button("Unduh data tren (CSV)", tren.write_csv(), file_name="tren_cakupan.csv", mime="text/csv",
                       key="unduh_tren", on_click="ignore")
st.caption(ui.footnote(ctx))
