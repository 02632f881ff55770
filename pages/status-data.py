"""Status data: snapshots present, who reports, validation warnings, the election calendar, uploads, audit log."""

from datetime import date, timedelta

import streamlit as st

from pantau import audit, fmt, status, ui, upload
from pantau.config import load_settings

COUNT = "%'.,d"  # whole numbers with Indonesian thousands dots: 6.000
DAY = "DD/MM/YYYY"
number = st.column_config.NumberColumn
day = st.column_config.DateColumn
text = st.column_config.TextColumn


def send(check_only: bool, max_mb: int) -> None:
    """Upload callback (runs before the rerun, so it may move the shared date picker to the new data)."""
    uploaded = st.session_state.get("unggah_berkas")
    if uploaded is None:
        return
    if not (user := ui.current_access()) or not user.boleh_ubah_data:
        st.session_state["unggah_galat"] = ui.AccessError("Hanya admin yang boleh mengunggah data.")
        return
    latest_before = ui.database().latest_date()
    shown = st.session_state.get("tanggal_dipilih")
    try:
        hasil = upload.proses(
            ui.database().store, st.session_state["unggah_jenis"], uploaded.name, uploaded.getvalue(),
            snapshot_date=st.session_state.get("unggah_tanggal"), replace=st.session_state.get("unggah_ganti", False),
            check_only=check_only, max_mb=max_mb, actor=ui.actor(),
        )
    except Exception as exc:  # a user never sees a traceback; a failed publish leaves the store unchanged
        st.session_state["unggah_galat"] = exc
        return
    st.session_state["unggah_hasil"] = hasil
    if hasil.disimpan:
        st.cache_data.clear()  # every page must show the new version
        if shown is None or shown == latest_before:  # the user was viewing the latest: follow it
            st.session_state["tanggal_dipilih"] = ui.database().latest_date()


def take_back() -> None:
    """Undo callback: publish the state before the latest change (admins only), then show every page anew."""
    if not (user := ui.current_access()) or not user.boleh_ubah_data:
        st.session_state["batal_hasil"] = ui.AccessError("Hanya admin yang boleh membatalkan perubahan data.")
        return
    try:
        st.session_state["batal_hasil"] = audit.undo(ui.database().store, actor=ui.actor())
    except Exception as exc:  # a refused or failed undo leaves the store unchanged; say why
        st.session_state["batal_hasil"] = exc
        return
    st.cache_data.clear()
    st.session_state.pop("tanggal_dipilih", None)  # the latest date may have gone with the undone change


ctx = ui.context()
ui.header(ctx, "Status data", "Data mana yang sudah masuk, siapa yang belum melapor, dan apa yang perlu diperiksa?")
settings = load_settings()
st.caption(f"Direktori data: `{settings.data_dir}` · versi data `{ctx.version}`")
if ctx.demo:
    st.info("Direktori ini berisi **DATA DEMO** buatan, bukan laporan resmi. Data yang diunggah di sini akan "
            "tercampur dengan data demo: untuk data resmi, gunakan direktori data baru (PANTAU_DATA_DIR).")

if ctx.has_data:
    default_dari, default_sampai = ctx.tanggal - timedelta(days=89), ctx.tanggal
    sampai = min(ui.url_date("sampai") or default_sampai, ctx.tanggal_terbaru)
    dari = ui.url_date("dari") or default_dari
    if dari > sampai:
        dari, sampai = default_dari, default_sampai
    chosen = st.date_input("Periode snapshot dan peringatan", value=(dari, sampai), format="DD/MM/YYYY",
                           max_value=ctx.tanggal_terbaru, key=f"status_periode_{ctx.tanggal}", width=320)
    if isinstance(chosen, tuple | list) and len(chosen) == 2:
        dari, sampai = chosen
    ui.url_set("dari", dari if dari != default_dari else None)
    ui.url_set("sampai", sampai if sampai != default_sampai else None)
    period = f"{fmt.tanggal(dari)} – {fmt.tanggal(sampai)}"
    scope, scope_level = status.kualitas_scope(ctx.wilayah)
    scope_asked = {"wilayah": scope, "tanggal": ctx.tanggal, "tingkat": scope_level}
    period_asked = {"wilayah": ctx.wilayah, "dari": dari, "sampai": sampai}
    ui.prefetch(("kualitas", scope_asked), ("laporan_harian", period_asked), ("peringatan_ringkas", period_asked),
                ("peringatan_terbaru", period_asked), ("kalender_lengkap", ctx.params()))
    kualitas = ui.query("kualitas", **scope_asked)
    laporan = ui.query("laporan_harian", **period_asked)

tabs = st.tabs(["Snapshot", "Kelengkapan laporan", "Peringatan", "Kalender pemilu", "Unggah data",
               "Riwayat perubahan"])
if ctx.has_data:
    with tabs[0]:
        if laporan.is_empty():
            ui.no_data(f"Belum ada laporan perekaman untuk {ctx.nama_wilayah} pada {period}.")
        else:
            latest = laporan.row(0, named=True)
            cards = st.columns(3)
            cards[0].metric("Tanggal laporan dalam periode", fmt.angka(laporan.height), border=True)
            cards[1].metric(f"Kecamatan melapor {fmt.tanggal_pendek(latest['tanggal'])}",
                            fmt.angka(latest["kecamatan_melapor"]), border=True)
            cards[2].metric(f"Kab/kota melapor {fmt.tanggal_pendek(latest['tanggal'])}",
                            fmt.angka(latest["kabkota_melapor"]), border=True)
            units = int(kualitas["unit_total"].sum()) if kualitas.height else None
            st.plotly_chart(ui.figure(status.reporting_chart, laporan, units, as_of=sampai, demo=ctx.demo),
                            key="status_lapor")
            st.dataframe(laporan, hide_index=True, placeholder="–", column_config={
                "tanggal": day("Tanggal laporan", format=DAY), "baris": number("Baris", format=COUNT),
                "kecamatan_melapor": number("Kecamatan melapor", format=COUNT),
                "kabkota_melapor": number("Kab/kota melapor", format=COUNT),
                "tingkat_unit": text("Tingkat unit"), "peringatan": number("Peringatan", format=COUNT)})

    with tabs[1]:
        st.markdown(f"Unit laporan adalah kecamatan. Per {fmt.tanggal(ctx.tanggal)}: **tertinggal** = laporan "
                    "terakhirnya lebih dari 7 hari sebelumnya; **belum pernah** = belum pernah melapor.")
        if kualitas.is_empty():
            ui.no_data(f"Tidak ada kecamatan dalam {ctx.nama_wilayah}.")
        else:
            totals = kualitas.select("unit_total", "unit_melapor", "unit_tertinggal", "unit_belum_pernah").sum().row(0)
            cards = st.columns(4)
            for card, label, value in zip(cards, ("Kecamatan", "Pernah melapor", "Tertinggal (> 7 hari)",
                                                  "Belum pernah melapor"), totals):
                card.metric(label, fmt.angka(value), border=True)
            st.dataframe(kualitas.drop("tingkat", "tanggal"), hide_index=True, placeholder="–", column_config={
                "kode_wilayah": text("Kode"), "nama_wilayah": text("Wilayah"),
                "unit_total": number("Kecamatan", format=COUNT), "unit_melapor": number("Melapor", format=COUNT),
                "unit_lapor_hari_ini": number("Lapor pada tanggal ini", format=COUNT),
                "unit_tertinggal": number("Tertinggal", format=COUNT),
                "unit_belum_pernah": number("Belum pernah", format=COUNT),
                "tanggal_laporan_terakhir": day("Laporan terakhir", format=DAY),
                "peringatan": number("Peringatan 7 hari", format=COUNT)})

    with tabs[2]:
        ringkas = ui.query("peringatan_ringkas", **period_asked)
        if ringkas.is_empty():
            st.success(f"Tidak ada peringatan validasi untuk {ctx.nama_wilayah} pada {period}.")
        else:
            st.markdown(f"Peringatan tidak menolak data: data tetap disimpan dan ditandai. Periode {period}.")
            st.subheader("Per jenis peringatan")
            st.dataframe(status.rule_totals(ringkas), hide_index=True, placeholder="–", column_config={
                "jenis_peringatan": text("Jenis peringatan"), "jenis_data": text("Data"),
                "jumlah": number("Jumlah", format=COUNT), "wilayah": number("Wilayah", format=COUNT),
                "tanggal_pertama": day("Pertama", format=DAY), "tanggal_terakhir": day("Terakhir", format=DAY)})
            st.subheader("Per jenis dan wilayah")
            st.dataframe(ringkas, hide_index=True, placeholder="–", column_config={
                "jenis_peringatan": text("Jenis peringatan"), "jenis_data": text("Data"),
                "kode_wilayah": text("Kode"), "nama_wilayah": text("Wilayah"),
                "jumlah": number("Jumlah", format=COUNT),
                "tanggal_pertama": day("Pertama", format=DAY), "tanggal_terakhir": day("Terakhir", format=DAY)})
            terbaru = ui.query("peringatan_terbaru", **period_asked)
            st.subheader(f"{fmt.angka(terbaru.height)} peringatan terbaru")
            st.dataframe(terbaru, hide_index=True, placeholder="–", column_config={
                             "tanggal": day("Tanggal laporan", format=DAY), "jenis_data": text("Data"),
                             "kode_wilayah": text("Kode"), "nama_wilayah": text("Wilayah"), "kolom": text("Kolom"),
                             "nilai": text("Nilai"), "aturan": text("Aturan"), "berkas": text("Berkas")})
else:
    for tab in tabs[:3]:
        with tab:
            ui.no_data("Belum ada laporan perekaman. Unggah berkas rekam di tab Unggah data.")

with tabs[3]:
    # tanggal given, so the calendar needs no read of the coverage files (it still shows when one is damaged)
    as_of = ctx.tanggal or date.today()
    kalender = status.calendar_table(ui.query("kalender_lengkap", wilayah=ctx.wilayah, tanggal=as_of), as_of)
    if kalender.is_empty():
        ui.no_data("Kalender pemilu kosong.")
    else:
        st.markdown(f"Seluruh kalender pemilu; kolom *{ctx.nama_wilayah}* menandai pemilu yang berlaku untuk "
                    "wilayah terpilih (nasional, wilayah yang mencakupnya, atau wilayah di dalamnya).")
        st.dataframe(kalender, hide_index=True, placeholder="–", column_config={
            "berlaku": st.column_config.CheckboxColumn(ctx.nama_wilayah), "nama": text("Pemilu"),
            "tanggal": text("Tanggal"),
            "hitung_mundur": text("Hitung mundur", help=f"Dari {fmt.tanggal(ctx.tanggal or date.today())}."),
            "nama_cakupan": text("Cakupan"), "cakupan": text("Kode cakupan"), "target": text("Target"),
            "catatan": text("Catatan")})
    st.caption("Tambah pemilu: unggah berkas jenis *pemilu* (kolom `nama`, `tanggal`, opsional `cakupan`, "
               "`target_persen`, `catatan`). Dengan pilihan ganti, seluruh kalender diganti oleh berkas itu.")

with tabs[5]:
    if ctx.pengguna.terbatas:
        st.info("Riwayat perubahan data mencakup seluruh wilayah; hanya pengguna nasional, analis dan admin "
                "yang dapat melihatnya.")
    else:
        log = audit.entries_frame(ui.database().store)
        st.markdown("Setiap pengiriman, penggantian dan pembatalan data tercatat di sini (terbaru di atas), "
                    "juga dari perintah `python -m pantau`.")
        if ctx.pengguna.boleh_ubah_data:
            last = audit.undoable(ui.database().store)
            st.button(f"Batalkan perubahan terakhir ({last.berkas}, versi {last.versi_sesudah})" if last else
                      "Batalkan perubahan terakhir", icon=":material/undo:", key="batal_terakhir",
                      disabled=last is None, on_click=take_back,
                      help="Menerbitkan versi baru yang isinya sama dengan sebelum perubahan itu.")
        if (batal := st.session_state.pop("batal_hasil", None)) is not None:
            if isinstance(batal, Exception):
                ui.show_error(batal)
            else:
                st.success(f"Perubahan versi {batal.membatalkan} dibatalkan; "
                           f"versi data sekarang {batal.versi_sesudah}.")
        if log.is_empty():
            ui.no_data("Log audit masih kosong.")
        else:
            st.dataframe(log, hide_index=True, placeholder="–", column_config={
                "waktu": text("Waktu (UTC)"), "oleh": text("Oleh"), "aksi": text("Aksi"), "jenis": text("Data"),
                "berkas": text("Berkas"), "sha256": text("SHA-256", help="12 karakter pertama"),
                "baris": number("Baris", format=COUNT), "unit": number("Kecamatan", format=COUNT),
                "versi_sebelum": text("Versi sebelum"), "versi_sesudah": text("Versi sesudah"),
                "membatalkan": text("Membatalkan versi")})

with tabs[4]:
    if not ctx.pengguna.boleh_ubah_data:
        st.info("Hanya admin yang boleh mengunggah, mengganti atau membatalkan data.")
    else:
        st.markdown("Berkas diperiksa dengan aturan yang sama seperti perintah `python -m pantau ingest`. "
                    "Bila ada kesalahan, berkas ditolak seluruhnya dan tidak ada data yang disimpan.")
        kind = st.radio("Jenis data", list(upload.KINDS), format_func=upload.KINDS.__getitem__, horizontal=True,
                        key="unggah_jenis")
        uploaded = st.file_uploader(f"Berkas (CSV, XLSX atau Parquet; paling besar {settings.max_upload_mb} MB)",
                                    type=list(upload.FILE_TYPES), max_upload_size=settings.max_upload_mb,
                                    key="unggah_berkas", on_change=lambda: st.session_state.pop("unggah_hasil", None))
        st.date_input("Tanggal snapshot (hanya untuk rekam, bila berkas tanpa kolom tanggal)", value=None,
                      format="DD/MM/YYYY", key="unggah_tanggal", disabled=kind != "rekam")
        st.checkbox("Ganti data yang sudah ada (replace)", key="unggah_ganti",
                    help="Rekam: mengganti kecamatan yang sama pada tanggal yang sama. Cetak: mengganti baris "
                         "(tanggal, wilayah, layanan) yang sama. Pemilu: mengganti seluruh kalender.")
        buttons = st.container(horizontal=True)
        for label, only_check, style in (("Periksa saja", True, "secondary"), ("Simpan", False, "primary")):
            buttons.button(label, type=style, key=f"unggah_{'periksa' if only_check else 'simpan'}",
                           disabled=uploaded is None, on_click=send, args=(only_check, settings.max_upload_mb))
        if failure := st.session_state.pop("unggah_galat", None):
            ui.show_error(failure)
        if (hasil := st.session_state.get("unggah_hasil")) is not None:
            if not hasil.berhasil:
                st.error(hasil.pesan)
            else:
                version = f" Versi data: {hasil.versi}." if hasil.versi else ""
                (st.success if hasil.disimpan else st.info)(hasil.pesan + version)
                if hasil.peringatan:
                    lines = [f"- {w}" for w in hasil.peringatan]
                    if hasil.peringatan_lain:
                        lines.append(f"- ... dan {fmt.angka(hasil.peringatan_lain)} peringatan lain.")
                    st.warning("**Peringatan** (tidak menolak berkas; data ditandai):\n" + "\n".join(lines))
st.caption(ui.footnote(ctx))
