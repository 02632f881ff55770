"""Hitung mundur pemilu: days left to the region's next election, the pace needed against the recent
pace, the belum-rekam burn-down with its projection, and the child regions projected below target."""

import html
from datetime import timedelta

import duckdb
import polars as pl
import streamlit as st

from pantau import charts, fmt, proyeksi, regions, skenario, ui
from pantau.queries import child_level

ctx = ui.context()
print_log = ctx.tingkat in ("nasional", "provinsi", "kabkota")  # print logs are kept per kabupaten/kota
if ctx.has_data:  # the page's questions, side by side from the start (ui.prefetch)
    ninety_days = {"wilayah": ctx.wilayah, "tanggal": ctx.tanggal, "dari": ctx.tanggal - timedelta(days=90),
                   "sampai": ctx.tanggal}
    # the log from twice the supply window back, so a log older than the window is seen as such
    log_window = {"wilayah": ctx.wilayah, "dari": ctx.tanggal - timedelta(days=2 * skenario.SUPPLY_DAYS),
                  "sampai": ctx.tanggal}
    supply_window = {"wilayah": ctx.wilayah, "dari": ctx.tanggal - timedelta(days=skenario.SUPPLY_DAYS),
                     "sampai": ctx.tanggal}
    ui.prefetch(
        ("hitung_mundur", ctx.params()),
        ("tren", ninety_days),
        *([("cetak_harian", log_window), ("blangko_harian", supply_window), ("blangko_wilayah", ctx.params())]
          if print_log else []),
        *([("risiko_anak", ctx.params())] if ctx.tingkat != "desa" else []),
        ("ringkasan", ctx.params()),  # last: the header asks it first, and this thread computes it
    )
ui.header(ctx, "Hitung mundur pemilu", "Berapa hari lagi, cukupkah laju perekaman, dan wilayah mana yang berisiko?")


def tone(value: float | None) -> dict:
    """Delta colour and arrow from the sign: st.metric reads fmt's real minus sign (U+2212) as positive."""
    if not value:
        return dict(delta_color="off", delta_arrow="off")
    return dict(delta_color="green" if value > 0 else "red", delta_arrow="up" if value > 0 else "down")


def finish() -> None:
    st.caption(ui.footnote(ctx))
    st.stop()


if not ctx.has_data:
    ui.no_data()
    finish()
countdown = ui.query("hitung_mundur", **ctx.params())
if countdown.is_empty():
    st.info(f"Belum ada pemilu terjadwal untuk {ctx.nama_wilayah} setelah {fmt.tanggal(ctx.tanggal)}. "
            "Tambahkan pemilu berikutnya ke kalender pemilu di halaman Status data.")
    st.page_link("pages/status-data.py", label="Buka kalender pemilu (Status data)", icon=":material/fact_check:")
    finish()
c = countdown.row(0, named=True)
target, laju, day = c["target_persen"], c["laju_harian"], c["tanggal_pemilu"]

big, figures = st.columns([2, 5], vertical_alignment="center")
big.markdown(
    "<div style='line-height:1.1'><div style='font-size:clamp(4rem,9vw,8rem);font-weight:800;color:#0072B2'>"
    f"{fmt.hitung_mundur(c['hari_tersisa'])}</div><div style='font-size:1.8rem;font-weight:700'>"
    f"{html.escape(c['nama_pemilu'])}</div><div style='font-size:1.3rem'>{fmt.hari(day)}</div></div>",
    unsafe_allow_html=True)
if c["wajib_ktp"] is None:
    ui.no_data(f"Belum ada laporan perekaman untuk {ctx.nama_wilayah} sampai {fmt.tanggal(ctx.tanggal)}.")
    finish()
top, bottom = figures.columns(3), figures.columns(3)
top[0].metric("Hari kerja tersisa", fmt.jumlah(c["hari_kerja_tersisa"], "hari"), border=True,
              help="Senin sampai Jumat sesudah tanggal data dan sebelum hari pemilu, tanpa libur nasional.")
short = proyeksi.kekurangan_target(c["sudah_rekam"], c["wajib_ktp"], target)
top[1].metric("Belum rekam", fmt.angka(c["belum_rekam"]), f"{fmt.angka(short)} lagi untuk target" if short else None,
              delta_color="off", delta_arrow="off", border=True)
gap = c["proyeksi_persen"] - target if target is not None and c["proyeksi_persen"] is not None else None
top[2].metric("Proyeksi cakupan Hari H", fmt.persen(c["proyeksi_persen"]),
              f"{fmt.persen_poin(gap)} dari target {fmt.persen(target)}" if gap is not None else "tanpa target",
              **tone(gap), border=True,
              help="Cakupan pada hari pemilu bila laju 14 hari terakhir bertahan (tidak dibatasi 100%).")
bottom[0].metric("Laju 14 hari terakhir", fmt.jumlah(laju, "orang/hari"), border=True,
                 help="Tambahan sudah rekam per hari, rata-rata 14 hari sampai tanggal data.")
bottom[1].metric("Laju yang dibutuhkan", fmt.jumlah(c["kebutuhan_harian"], "orang/hari") if target else "–",
                 border=True, help="Kekurangan terhadap target dibagi hari tersisa.")
bottom[2].metric("Cakupan saat ini", fmt.persen(c["persen_rekam"]), border=True)
hasil = proyeksi.pencapaian_target(c["sudah_rekam"], c["wajib_ktp"], target, laju, ctx.tanggal, day)
vonis = proyeksi.vonis_laju(laju, c["kebutuhan_harian"] if target is not None else None)
plain = target is None or hasil.status == proyeksi.SUDAH
message = hasil.teks(target, day) if plain else f"**{vonis.teks}** {hasil.teks(target, day)}"
{True: st.success, False: st.error}.get(vonis.cukup, st.info)(message)

try:
    tren = ui.query("tren", **ninety_days)
except duckdb.Error:  # the 90-day series of a very large region can exceed the database's memory
    tren = None
    st.warning("Grafik sisa belum rekam terlalu berat untuk wilayah ini; pilih wilayah yang lebih kecil.")
if tren is None:
    pass
elif tren.is_empty():
    ui.no_data("Belum ada laporan perekaman dalam 90 hari terakhir untuk grafik sisa belum rekam.")
elif target is None:
    st.plotly_chart(ui.figure(charts.coverage_trend, tren, mode="jumlah", elections=[(c["nama_pemilu"], day)],
                              as_of=ctx.tanggal, demo=ctx.demo), key="grafik_sisa", theme=None)
else:
    st.plotly_chart(ui.figure(charts.burn_down, tren, target, day, c["nama_pemilu"], pace=laju, as_of=ctx.tanggal,
                              demo=ctx.demo), key="grafik_sisa", theme=None)

st.subheader("Skenario: bagaimana jika laju berubah?")
bawaan = None
if print_log:
    bawaan = skenario.bawaan_cetak(ui.query("cetak_harian", **log_window), ui.query("blangko_harian", **supply_window),
                                   ui.query("blangko_wilayah", **ctx.params()), ctx.tanggal)
supply_help = {"diterima": "Bawaan: rata-rata blangko diterima 28 hari terakhir.",
               "turunan": "Bawaan: diturunkan dari perubahan stok ditambah kartu tercetak, 28 hari terakhir.",
               "tidak_ada": "Tidak ada data stok blangko: stok tidak dihitung sebagai pembatas."}
inputs = st.columns(3)
key = f"{ctx.wilayah}_{ctx.tanggal}"
pace = inputs[0].number_input("Laju perekaman (orang/hari)", min_value=0, value=max(round(laju or 0), 0), step=10,
                              key=f"skenario_laju_{key}", help="Bawaan: laju 14 hari terakhir.")
capacity = inputs[1].number_input(
    "Kapasitas cetak (keping/hari)", min_value=0, value=round(bawaan.kapasitas or 0) if bawaan else 0, step=10,
    key=f"skenario_cetak_{key}", disabled=not print_log, help="Bawaan: rata-rata cetak 14 hari terakhir.")
supply = inputs[2].number_input(
    "Pasokan blangko (keping/minggu)", min_value=0, value=round(bawaan.pasokan or 0) if bawaan else 0, step=50,
    key=f"skenario_blangko_{key}", disabled=not (bawaan and bawaan.stok is not None),
    help=supply_help[bawaan.sumber_pasokan] if bawaan else None)
s = skenario.Skenario(
    tanggal=ctx.tanggal, wajib_ktp=c["wajib_ktp"], sudah_rekam=c["sudah_rekam"], target_persen=target,
    prr=next(iter(ui.query("ringkasan", **ctx.params())["prr"]), None), blangko_sisa=bawaan.stok if bawaan else None,
    laju_rekam=pace, kapasitas_cetak=capacity, pasokan_blangko=supply, tanggal_pemilu=day)
BADGE = {True: ":green-badge[Sebelum Hari H]", False: ":red-badge[Sesudah Hari H]", None: ""}
DONE = {"Perekaman": ":green-badge[Sudah tercapai]", "Pencetakan": ":green-badge[Tidak ada antrean]"}
for label, hasil, text in (("Perekaman", skenario.rekam(s), skenario.teks_rekam),
                           ("Pencetakan", skenario.cetak(s) if print_log else None, skenario.teks_cetak)):
    box = st.container(border=True)
    if hasil is None:
        box.markdown(f"**{label}** · Log cetak dicatat per kabupaten/kota: pilih kabupaten/kota atau wilayah di "
                     "atasnya untuk skenario pencetakan.")
        continue
    badge = DONE[label] if hasil.status == skenario.SUDAH else BADGE[hasil.tepat_waktu]
    box.markdown(f"**{label}** {badge}  \n{text(s, hasil)}")
notes = ["Laju per hari kalender; pasokan mingguan dihitung merata per hari; perekaman baru dianggap langsung siap "
         "cetak (penunggalan tidak dimodelkan)."]
if bawaan and bawaan.kapasitas is None:
    notes.insert(0, f"Belum ada log cetak 14 hari terakhir untuk {ctx.nama_wilayah}: isi kapasitas cetak sendiri.")
if bawaan and bawaan.stok is not None:
    notes.insert(0, f"Stok blangko {fmt.jumlah(bawaan.stok, 'keping')} per {fmt.tanggal(bawaan.tanggal_stok)}.")
st.caption(" ".join(notes))

if ctx.tingkat != "desa":
    level = regions.LEVEL_LABELS[child_level(ctx.wilayah)].lower()
    st.subheader(f"{level.capitalize()} berisiko tidak mencapai target pada Hari H")
    risiko = ui.query("risiko_anak", **ctx.params())
    at_risk = risiko.filter(pl.col("selisih_target") < 0)
    if target is None:
        st.info("Pemilu ini belum punya target cakupan di kalender: risiko per wilayah tidak dihitung.")
    elif risiko.is_empty():
        st.info(f"Laporan {ctx.nama_wilayah} tidak dirinci per {level}: risiko per {level} tidak dapat dihitung.")
    elif at_risk.is_empty():
        st.success(f"Semua {fmt.angka(risiko.height)} {level} yang melapor diproyeksikan mencapai target "
                   f"{fmt.persen(target)} pada Hari H.")
    else:
        st.markdown(f"**{fmt.angka(at_risk.height)} dari {fmt.angka(risiko.height)} {level}** diproyeksikan di bawah "
                    f"target {fmt.persen(target)} pada laju 14 hari terakhir, diurutkan dari selisih terbesar.")
        table = pl.DataFrame({
            "Wilayah": at_risk["nama_wilayah"],
            "Cakupan kini": [fmt.persen(v) for v in at_risk["persen_rekam"]],
            "Proyeksi Hari H": [fmt.persen(v) for v in at_risk["proyeksi_persen"]],
            "Selisih dari target": [fmt.persen_poin(v) for v in at_risk["selisih_target"]],
            "Kurang pada Hari H (orang)": [fmt.angka(v) for v in at_risk["kekurangan_proyeksi"]],
            "Belum rekam": [fmt.angka(v) for v in at_risk["belum_rekam"]],
            "Laju (orang/hari)": [fmt.angka(v) for v in at_risk["laju_harian"]],
            "Dibutuhkan (orang/hari)": [fmt.angka(v) for v in at_risk["kebutuhan_harian"]],
        })
        right = {name: st.column_config.TextColumn(alignment="right") for name in table.columns[1:]}
        right["Kurang pada Hari H (orang)"] = st.column_config.TextColumn(
            alignment="right", help="Orang yang masih kurang untuk target pada hari pemilu bila laju ini bertahan.")
        st.dataframe(table, hide_index=True, key="tabel_risiko", height=min(38 + 35 * table.height, 38 + 35 * 25),
                     column_config={"Wilayah": st.column_config.TextColumn(pinned=True), **right})

finish()
