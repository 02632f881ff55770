"""Produksi cetak: cards printed per day, requests vs printed, PRR backlog, blangko stock and days of cover."""

from datetime import timedelta

import polars as pl
import streamlit as st

from pantau import cetak, charts, fmt, regions, ui

COUNT = "%'.,d"  # whole numbers with Indonesian thousands dots: 6.000
DAY = "DD/MM/YYYY"

ctx = ui.context()
ui.header(ctx, "Produksi cetak e-KTP", "Apakah pencetakan mengejar permintaan, dan kapan blangko habis?")
if not ctx.has_data:
    ui.no_data()
    st.stop()

# print logs are kept per kabupaten/kota: below that level, show the parent regency's
log_code = ctx.wilayah if regions.LEVELS.index(ctx.tingkat) <= 2 else regions.ancestors(ctx.wilayah)[2]
log_name = regions.name_of(log_code) or log_code
if log_code != ctx.wilayah:
    st.info(f"Log cetak dicatat per kabupaten/kota: halaman ini menampilkan log **{log_name}**. "
            f"Antrean PRR tetap untuk {ctx.nama_wilayah}.")

default_dari, default_sampai = ctx.tanggal - timedelta(days=89), ctx.tanggal
sampai = min(ui.url_date("sampai") or default_sampai, ctx.tanggal_terbaru)
dari = ui.url_date("dari") or default_dari
if dari > sampai:
    dari, sampai = default_dari, default_sampai
pick, limit = st.columns([2, 1])
chosen = pick.date_input("Rentang tanggal", value=(dari, sampai), max_value=ctx.tanggal_terbaru, format="DD/MM/YYYY",
                         key=f"cetak_rentang_{ctx.tanggal}")
if isinstance(chosen, tuple | list) and len(chosen) == 2:
    dari, sampai = chosen
ui.url_set("dari", dari if dari != default_dari else None)
ui.url_set("sampai", sampai if sampai != default_sampai else None)
threshold = limit.number_input("Batas peringatan stok blangko (hari)", min_value=1, max_value=120, value=14, step=1,
                               help="Peringatan muncul bila stok cukup untuk kurang dari sekian hari cetak.")

log_range = {"wilayah": log_code, "dari": dari, "sampai": sampai}
raw_log, stock, stock_by_region, tren = ui.query_many(
    ("cetak_harian", log_range),
    ("blangko_harian", log_range),
    ("blangko_wilayah", {"wilayah": log_code, "tanggal": sampai}),
    ("tren", {"wilayah": ctx.wilayah, "dari": dari, "sampai": sampai}),
)
log = cetak.with_daily_stock(cetak.complete_days(raw_log), stock)
stocks = cetak.blangko_cover(stock_by_region, threshold, sampai)
summary = cetak.summarise(log)
cover = cetak.total_cover(stocks)
period = f"{fmt.tanggal(dari)} – {fmt.tanggal(sampai)}"

if summary.tanggal_terakhir is None:
    last = f" Laporan cetak terakhir: {fmt.tanggal(cover.tanggal_stok)}." if cover.tanggal_stok else ""
    ui.no_data(f"Belum ada log cetak untuk {log_name} pada {period}.{last}")
else:
    cards = st.columns(4)
    cards[0].metric(f"Tercetak {period}", fmt.jumlah(summary.tercetak, "keping"), border=True,
                    help="Jumlah kartu e-KTP yang dicetak dalam rentang tanggal.")
    change = None
    if summary.rata_7_hari_sebelumnya is not None:
        change = f"{fmt.selisih(summary.rata_7_hari - summary.rata_7_hari_sebelumnya)} dari 7 hari sebelumnya"
    cards[1].metric("Rata-rata 7 hari terakhir", f"{fmt.angka(summary.rata_7_hari)} keping/hari", change, border=True,
                    help="Per hari kalender: hari tanpa cetak dihitung nol.")
    cards[2].metric("Permohonan vs tercetak", fmt.selisih(summary.selisih), border=True,
                    delta=f"{fmt.angka(summary.permohonan)} permohonan", delta_color="off", delta_arrow="off",
                    help="Tercetak dikurangi permohonan dalam rentang: negatif berarti permohonan menumpuk.")
    days_text = fmt.KOSONG if cover.hari_cukup is None else f"±{fmt.angka(int(cover.hari_cukup))} hari"
    stock_text = (f"{fmt.jumlah(cover.stok, 'keping')} per {fmt.tanggal_pendek(cover.tanggal_stok)}"
                  if cover.stok is not None else "stok tidak dilaporkan")
    cards[3].metric("Stok blangko cukup untuk", days_text, stock_text, border=True, delta_color="off",
                    delta_arrow="off",
                    help=f"Sisa blangko dibagi rata-rata tercetak per hari dalam {cetak.COVER_DAYS} hari terakhir "
                         f"({fmt.angka(cover.laju_harian)} keping/hari).")
    if cover.hari_cukup is not None and cover.hari_cukup < threshold:
        st.warning(f"**Stok blangko {log_name} hanya cukup ±{fmt.angka(int(cover.hari_cukup))} hari** pada laju "
                   f"{fmt.angka(cover.laju_harian)} keping/hari (batas {threshold} hari). Ajukan kiriman blangko.")
    low = stocks.filter(pl.col("di_bawah_batas"))
    if stocks.height > 1 and low.height:
        names = ", ".join(f"{r['nama_wilayah']} ({fmt.angka(int(r['hari_cukup']))} hari)"
                          for r in low.head(8).iter_rows(named=True))
        more = f" dan {low.height - 8} lainnya" if low.height > 8 else ""
        st.warning(f"**{fmt.angka(low.height)} wilayah dengan stok di bawah {threshold} hari:** {names}{more}.")

    st.plotly_chart(ui.figure(charts.print_daily, log, as_of=sampai, demo=ctx.demo), key="cetak_harian")
    holiday_days = fmt.jumlah(summary.hari_layanan_libur, "hari")
    st.caption(f"Batang oranye: layanan di akhir pekan atau hari libur ({holiday_days} "
               "dalam rentang ini). Hari tanpa laporan cetak dihitung nol.")
    left, right = st.columns(2)
    left.plotly_chart(ui.figure(charts.requests_vs_printed, raw_log, as_of=sampai, demo=ctx.demo), key="permohonan")
    right.plotly_chart(ui.figure(charts.service_breakdown, cetak.whole_weeks(raw_log), as_of=sampai, demo=ctx.demo),
                      key="layanan")
    right.caption("Hanya pekan penuh (Senin–Minggu); hari-hari terakhir ada di grafik harian.")

left, right = st.columns(2)
if tren["prr"].drop_nulls().len():
    left.plotly_chart(ui.figure(cetak.prr_figure, tren, as_of=sampai, demo=ctx.demo), key="prr")
else:
    left.info(f"Belum ada angka PRR untuk {ctx.nama_wilayah} pada {period}.")
if summary.tanggal_terakhir is not None and stock.height:
    right.plotly_chart(ui.figure(cetak.blangko_figure, log, cover, threshold, as_of=sampai, demo=ctx.demo),
                       key="blangko")
elif summary.tanggal_terakhir is not None:
    right.info(f"Log cetak {log_name} tidak memuat sisa blangko (kolom `blangko_sisa`).")

if stocks.height > 1:
    st.subheader(f"Stok blangko per {regions.LEVEL_LABELS[stocks['tingkat'][0]].lower()}, tersingkat dulu")
    # numbers stay numbers (the grid sorts and formats them): a pandas Styler of 514 regencies took
    # ~40 ms of every rerun
    table = cetak.stock_table(stocks).with_columns(
        pl.col("laju_harian").round(0).cast(pl.Int64),
        pl.col("hari_cukup").floor().clip(lower_bound=0).cast(pl.Int64),
    )
    column = st.column_config
    st.dataframe(table, hide_index=True, placeholder=fmt.KOSONG, height=min(40 + 35 * table.height, 430),
                 column_config={
                     "nama_wilayah": column.TextColumn("Wilayah", pinned=True),
                     "blangko_sisa": column.NumberColumn("Sisa blangko (keping)", format=COUNT),
                     "laju_harian": column.NumberColumn("Tercetak/hari (14 hari)", format=COUNT),
                     "hari_cukup": column.NumberColumn("Cukup (hari)", format="±%d"),
                     "habis_sekitar": column.DateColumn("Perkiraan habis", format=DAY),
                     "tanggal_stok": column.DateColumn("Laporan stok", format=DAY),
                     "catatan": column.TextColumn("Catatan"),
                 })
st.caption(ui.footnote(ctx))
