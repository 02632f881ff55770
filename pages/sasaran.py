"""Sasaran jemput bola: the villages (or districts) with the most belum rekam in the selected region,
their two-week trend and share of the region's gap, as a chart, a table and lists for a field team."""

import streamlit as st

from pantau import fmt, regions, sasaran, ui

COUNT = "%'.,d"  # whole numbers with Indonesian thousands dots: 738.385
LEVEL_NAMES = {"desa": "Desa/kelurahan", "kecamatan": "Kecamatan"}

ctx = ui.context()
ui.header(ctx, "Sasaran jemput bola", "Ke desa mana tim jemput bola berangkat minggu ini?")
if not ctx.has_data:
    ui.no_data("Belum ada laporan perekaman di direktori data ini. Unggah laporan di halaman Status data.")
    st.caption(ui.footnote(ctx))
    st.stop()

depth = regions.LEVELS.index(ctx.tingkat)
levels = [level for level in sasaran.LEVELS if regions.LEVELS.index(level) > depth] or ["desa"]
url_level = ui.url_get("tingkat")
url_top = ui.url_get("jumlah")
pick, size = st.columns([1, 2])
tingkat = pick.selectbox(
    "Unit sasaran",
    levels,
    index=levels.index(url_level) if url_level in levels else 0,
    format_func=LEVEL_NAMES.__getitem__,
    key=f"sasaran_tingkat_{ctx.wilayah}",
    help="Desa/kelurahan: kecamatan yang laporannya belum dirinci per desa tampil sebagai satu unit.",
)
jumlah = size.slider(
    "Jumlah unit teratas",
    5,
    100,
    int(url_top) if url_top.isdigit() and 5 <= int(url_top) <= 100 else sasaran.DEFAULT_TOP,
    step=5,
    key="sasaran_jumlah",
)
ui.url_set("tingkat", tingkat if tingkat != levels[0] else None)
ui.url_set("jumlah", jumlah if jumlah != sasaran.DEFAULT_TOP else None)

shown = ui.query("sasaran", **ctx.params(tingkat=tingkat, jumlah=jumlah))
if shown.is_empty():
    ui.no_data(f"Belum ada laporan perekaman untuk {ctx.nama_wilayah} sampai {fmt.tanggal(ctx.tanggal)}.")
    st.caption(ui.footnote(ctx))
    st.stop()
info = sasaran.lembar(shown, ctx.wilayah, tingkat, demo=ctx.demo)

whole = info.unit_kecamatan if tingkat == "desa" else 0
if whole == info.jumlah_unit:
    st.info("Data desa belum tersedia: laporan wilayah ini masih tingkat kecamatan, jadi daftar berisi kecamatan.")
elif whole:
    st.caption(
        f"{fmt.jumlah(whole, 'kecamatan')} belum melaporkan rincian per desa dan tampil sebagai satu unit "
        f"{sasaran.WHOLE_KECAMATAN}."
    )
st.markdown(sasaran.ringkasan(shown, info))

buttons = st.container(horizontal=True)
for ext, label, mime, writer in (
    ("pdf", "Unduh daftar cetak (PDF)", "application/pdf", sasaran.to_pdf),
    ("xlsx", "Unduh XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", sasaran.to_xlsx),
    ("csv", "Unduh CSV", "text/csv", sasaran.to_csv),
):
    buttons.download_button(
        label,
        data=lambda w=writer: w(shown, info),
        mime=mime,
        file_name=sasaran.file_name(info, ext),
        icon=":material/download:",
        on_click="ignore",
        key=f"sasaran_unduh_{ext}",
    )

st.plotly_chart(ui.figure(sasaran.figure, shown, info, as_of=ctx.tanggal), key="grafik_sasaran", theme=None)
table = sasaran.for_display(shown, info)
right = {name: st.column_config.TextColumn(alignment="right") for name in ("% rekam", "Porsi", "Kumulatif")}
st.dataframe(
    table,
    hide_index=True,
    placeholder="–",
    height=min(40 + 35 * table.height, 740),
    key="tabel_sasaran",
    column_config={
        **right,
        "No.": st.column_config.NumberColumn(format="%d", width="small"),
        "Wajib KTP": st.column_config.NumberColumn(format=COUNT),
        "Belum rekam": st.column_config.NumberColumn(format=COUNT),
        "Perubahan": st.column_config.TextColumn(
            f"Perubahan sejak {fmt.tanggal_pendek(info.tanggal_dari)}",
            alignment="right",
            help="Perubahan belum rekam: negatif berarti berkurang.",
        ),
        "Porsi": st.column_config.TextColumn(
            alignment="right", help=f"Bagian dari seluruh belum rekam {ctx.nama_wilayah}."
        ),
        "Laporan terakhir": st.column_config.DateColumn(format="DD/MM/YYYY"),
    },
)
st.caption(ui.footnote(ctx))
