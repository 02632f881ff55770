"""Analisis wilayah: every region of one level inside the selected region, filtered, sorted, downloadable."""

import streamlit as st

from pantau import analisis, export, fmt, regions, ui

COUNT = "%'.,d"  # whole numbers with Indonesian thousands dots: 738.385
COLUMNS = {
    "kode_wilayah": st.column_config.TextColumn("Kode", pinned=True),
    "nama_wilayah": st.column_config.TextColumn("Nama wilayah", pinned=True),
    "nama_induk": st.column_config.TextColumn("Wilayah induk"),
    "wajib_ktp": st.column_config.NumberColumn("Wajib KTP", format=COUNT),
    "sudah_rekam": st.column_config.NumberColumn("Sudah rekam", format=COUNT),
    "belum_rekam": st.column_config.NumberColumn("Belum rekam", format=COUNT),
    "persen_rekam_teks": st.column_config.TextColumn("% rekam", alignment="right"),
    "persen_rekam": st.column_config.ProgressColumn(
        "Cakupan", min_value=0, max_value=100, format=" ", color="blue", help="Batang penuh = 100% atau lebih."),
    "prr": st.column_config.NumberColumn("PRR", format=COUNT, help="Siap cetak (print ready record)."),
    "sudah_cetak": st.column_config.NumberColumn("Sudah cetak", format=COUNT),
    "tanggal_laporan": st.column_config.DateColumn("Laporan terakhir", format="DD/MM/YYYY"),
    "porsi_belum_rekam_teks": st.column_config.TextColumn(
        "Porsi belum rekam", alignment="right", help="Bagian dari seluruh penduduk belum rekam wilayah terpilih."),
}

ctx = ui.context()
if ctx.has_data:  # asked below whatever the chosen level: side by side from the start (ui.prefetch)
    ui.prefetch(("hitung_mundur", ctx.params()))
ui.header(ctx, "Analisis wilayah", "Di mana penduduk yang belum rekam, sampai tingkat desa?")
if not ctx.has_data:
    ui.no_data("Belum ada laporan perekaman di direktori data ini. Unggah laporan di halaman Status data.")
    st.caption(ui.footnote(ctx))
    st.stop()

levels = analisis.levels_below(ctx.wilayah)
default_level = levels[0]
url_level = ui.url_get("tingkat")
top = st.columns([1, 1, 2])
tingkat = top[0].selectbox(
    "Tingkat wilayah", levels, index=levels.index(url_level) if url_level in levels else 0,
    format_func=regions.LEVEL_LABELS.__getitem__, key=f"analisis_tingkat_{ctx.wilayah}",
)
urut = top[1].selectbox(
    "Urutkan", list(analisis.SORTS), index=list(analisis.SORTS).index(analisis.sort_key(ui.url_get("urut"))),
    format_func=lambda key: analisis.SORTS[key].label, key="analisis_urut",
)
cari = top[2].text_input("Cari nama atau kode", key="analisis_cari", placeholder="mis. Sragen atau 33.14")
ui.url_set("tingkat", tingkat if tingkat != default_level else None)
ui.url_set("urut", urut if urut != analisis.DEFAULT_SORT else None)

ui.prefetch(("peringkat", ctx.params(tingkat=tingkat)))
summary = ui.query("ringkasan", **ctx.params()).row(0, named=True)
level_name = regions.LEVEL_LABELS[tingkat].lower()
if summary["wajib_ktp"] is None:
    ui.no_data(f"Belum ada laporan perekaman untuk {ctx.nama_wilayah} sampai {fmt.tanggal(ctx.tanggal)}.")
    st.caption(ui.footnote(ctx))
    st.stop()
tabel = analisis.table(ui.query("peringkat", **ctx.params(tingkat=tingkat)), summary["belum_rekam"])
missing = analisis.without_data(tabel)
if tingkat == "desa" and missing == tabel.height:
    st.info("Data desa belum tersedia: laporan wilayah ini masih tingkat kecamatan."
            + (" Pilih tingkat Kecamatan." if "kecamatan" in levels else ""))
    st.caption(ui.footnote(ctx))
    st.stop()

countdown = ui.query("hitung_mundur", **ctx.params())
target = countdown["target_persen"][0] if countdown.height else None
persen_top, wajib_top = analisis.slider_bounds(tabel)
with st.expander("Saring menurut cakupan, ukuran dan target", expanded=False):
    middle = st.columns([2, 2, 1])
    persen = middle[0].slider("Cakupan (% rekam)", 0, persen_top, (0, persen_top), step=1, format="%d%%",
                              key=f"analisis_persen_{ctx.wilayah}_{tingkat}_{persen_top}")
    wajib = middle[1].slider("Ukuran (wajib KTP)", 0, wajib_top, (0, wajib_top), step=max(wajib_top // 200, 1),
                             format=COUNT, key=f"analisis_wajib_{ctx.wilayah}_{tingkat}_{wajib_top}")
    below = middle[2].checkbox(
        f"Hanya di bawah target ({fmt.persen(target)})" if target else "Hanya di bawah target",
        key="analisis_di_bawah_target", disabled=target is None,
        help=None if target else "Belum ada pemilu dengan target setelah tanggal ini.",
    )
saring = analisis.Saring(
    persen=None if persen == (0, persen_top) else persen,
    wajib=None if wajib == (0, wajib_top) else wajib,
    target=target if below and target else None,
    cari=cari,
    urut=urut,
)
rows = analisis.apply(tabel, saring)
shown = analisis.for_display(rows)

scope = f"{fmt.angka(rows.height)} dari {fmt.jumlah(tabel.height, level_name)} di {ctx.nama_wilayah}"
notes = [f"Menampilkan {scope} (ubah wilayah di bilah samping)."]
if active := analisis.describe(saring):
    notes.append(f"Saringan: {'; '.join(active)}.")
if rows.height > shown.height:
    notes.append(f"Tabel memuat {fmt.angka(shown.height)} teratas menurut “{analisis.SORTS[urut].label}”; "
                 f"unduhan berisi semua {fmt.angka(rows.height)} baris.")
if missing:
    notes.append(f"{fmt.jumlah(missing, level_name)} tanpa data (belum melapor"
                 + (", atau laporannya masih tingkat kecamatan)." if tingkat == "desa" else ")."))
st.markdown(" ".join(notes))

if rows.is_empty():
    ui.no_data("Tidak ada wilayah yang cocok dengan saringan ini.")
else:
    downloads = analisis.for_export(rows)
    buttons = st.container(horizontal=True)
    for ext, label, mime, writer in (
        ("csv", "Unduh CSV", "text/csv", export.to_csv),
        ("xlsx", "Unduh XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.to_xlsx),
    ):
        buttons.download_button(
            f"{label} ({fmt.jumlah(rows.height, 'baris')})", data=lambda w=writer: w(downloads), mime=mime,
            file_name=export.file_name("analisis", ctx.wilayah, tingkat, ctx.tanggal, ext), icon=":material/download:",
            on_click="ignore", key=f"unduh_{ext}",
        )
    st.dataframe(
        shown, hide_index=True, placeholder="–", height=min(40 + 35 * shown.height, 640),
        column_order=[c for c in analisis.DISPLAY_ORDER if c in shown.columns], column_config=COLUMNS,
    )
st.caption(ui.footnote(ctx))
