"""Ringkasan: the headline figures of the selected region, its countdown, lowest children, movers."""

from datetime import timedelta

import polars as pl
import streamlit as st

from pantau import charts, fmt, laporan, narasi, presentasi, regions, ui

ctx = ui.context()
if ctx.has_data:  # the page's questions, side by side from the start (ui.prefetch)
    two_months = {"wilayah": ctx.wilayah, "dari": ctx.tanggal - timedelta(days=60), "sampai": ctx.tanggal}
    asked = (
        ("hitung_mundur", ctx.params()),
        ("tren", two_months),
        ("cetak_harian", two_months),
        ("peringkat", ctx.params()),
        ("ringkasan", ctx.params(tanggal=ctx.tanggal - timedelta(days=7))),
        ("ringkasan", ctx.params(tanggal=ctx.tanggal - timedelta(days=14))),
        ("ringkasan", ctx.params()),  # last: the header asks it first, and this thread computes it
    )
    ui.prefetch(*asked)
ui.header(ctx, "Ringkasan perekaman e-KTP", "Berapa yang sudah rekam, berapa yang tersisa, dan siapa yang tertinggal?")
if not ctx.has_data:
    ui.no_data()
    st.stop()
presentasi.start_button(ctx)

countdown, trend, cetak, children, week_ago, two_weeks_ago, summary = ui.query_many(*asked)
row = summary.row(0, named=True)
if row["wajib_ktp"] is None:
    ui.no_data(f"Belum ada laporan perekaman untuk {ctx.nama_wilayah} sampai {fmt.tanggal(ctx.tanggal)}.")
    st.stop()
target = countdown["target_persen"][0] if countdown.height else None
child_level = regions.LEVEL_LABELS[children["tingkat"][0]].lower() if children.height else "wilayah"
story = narasi.briefing(
    row,
    week_ago.row(0, named=True) if week_ago.height else None,
    two_weeks_ago.row(0, named=True) if two_weeks_ago.height else None,
    children.to_dicts(),
    countdown.row(0, named=True) if countdown.height else None,
    child_level,
)
if story:
    st.info("\n".join(f"- {sentence}" for sentence in story), icon=":material/campaign:")
stock = cetak.filter(pl.col("layanan") == "semua").sort("tanggal")


def card(column, label: str, value: str, delta: str | None, series: list, help_text: str, inverse: bool = False):
    with column.container(border=True):
        st.metric(label, value, ui.metric_delta(delta), delta_color="inverse" if inverse else "normal", help=help_text)
        if len(series) > 1:
            st.plotly_chart(ui.figure(charts.sparkline, series), config={"displayModeBar": False}, key=f"spark_{label}")


def change(column: str) -> str | None:
    before = row.get(f"{column}_sebelumnya")
    if before is None or row[column] is None:
        return None
    return f"{fmt.selisih(row[column] - before)} sejak {fmt.tanggal_pendek(row['tanggal_sebelumnya'])}"


top = st.columns(4)
card(
    top[0],
    "Wajib KTP",
    fmt.angka(row["wajib_ktp"]),
    change("wajib_ktp"),
    trend["wajib_ktp"].to_list(),
    "Penduduk yang wajib memiliki e-KTP (17 tahun ke atas atau sudah kawin).",
)
card(
    top[1],
    "Sudah rekam",
    fmt.angka(row["sudah_rekam"]),
    change("sudah_rekam"),
    trend["sudah_rekam"].to_list(),
    "Sudah perekaman biometrik.",
)
card(
    top[2],
    "Belum rekam",
    fmt.angka(row["belum_rekam"]),
    change("belum_rekam"),
    trend["belum_rekam"].to_list(),
    "Wajib KTP yang belum rekam (dijumlah per unit, tidak dikurangi unit di atas 100%).",
    inverse=True,
)
persen_delta = None
if row["persen_rekam_sebelumnya"] is not None:
    persen_delta = fmt.persen_poin(row["persen_rekam"] - row["persen_rekam_sebelumnya"])
target_text = f"Target {fmt.persen(target)}" if target else "Tanpa target"
card(
    top[3],
    f"% rekam · {target_text}",
    fmt.persen(row["persen_rekam"]),
    persen_delta,
    trend["persen_rekam"].to_list(),
    "Sudah rekam dibagi wajib KTP. Di atas 100% bisa terjadi (penduduk luar daerah, data pembagi usang).",
)
bottom = st.columns(4)
card(
    bottom[0],
    "PRR (siap cetak)",
    fmt.angka(row["prr"]),
    change("prr"),
    trend["prr"].drop_nulls().to_list(),
    "Print ready record: sudah rekam dan lolos penunggalan, menunggu dicetak.",
    inverse=True,
)
card(
    bottom[1],
    "Sudah cetak",
    fmt.angka(row["sudah_cetak"]),
    change("sudah_cetak"),
    trend["sudah_cetak"].drop_nulls().to_list(),
    "Keping e-KTP yang sudah dicetak.",
)
stock_now = stock["blangko_sisa"].drop_nulls()
card(
    bottom[2],
    "Stok blangko",
    fmt.angka(stock_now[-1]) if len(stock_now) else "–",
    None,
    stock_now.to_list(),
    "Sisa blangko di akhir hari laporan cetak terakhir.",
)
with bottom[3].container(border=True):
    if countdown.height:
        c = countdown.row(0, named=True)
        st.metric(
            f"Menuju {c['nama_pemilu']}",
            fmt.hitung_mundur(c["hari_tersisa"]),
            f"{fmt.tanggal(c['tanggal_pemilu'])}",
            delta_color="off",
            delta_arrow="off",
        )
        if c["kebutuhan_harian"] is not None:
            st.caption(
                f"Perlu {fmt.jumlah(round(c['kebutuhan_harian']), 'orang')}/hari untuk target; "
                f"laju 14 hari terakhir {fmt.jumlah(round(c['laju_harian'] or 0), 'orang')}/hari."
            )
    else:
        st.metric("Pemilu berikutnya", "–")
        st.caption("Belum ada pemilu terjadwal setelah tanggal ini. Tambahkan di kalender (Status data).")

ranked = children.filter(pl.col("peringkat").is_not_null())
if ranked.height:
    left, right = st.columns(2)
    with left:
        st.subheader("Lima wilayah terendah")
        lowest = ranked.sort("persen_rekam").head(5)
        st.plotly_chart(
            ui.figure(charts.ranking_bar, lowest, target_persen=target, as_of=ctx.tanggal, demo=ctx.demo),
            key="terendah",
        )
    with right:
        st.subheader(f"Perubahan sejak {fmt.tanggal(children['tanggal_banding'][0])}")
        moved = ranked.filter(pl.col("perubahan_peringkat").is_not_null() & (pl.col("perubahan_peringkat") != 0))
        up = moved.filter(pl.col("perubahan_peringkat") > 0).sort("perubahan_peringkat", descending=True).head(3)
        down = moved.filter(pl.col("perubahan_peringkat") < 0).sort("perubahan_peringkat").head(3)
        stalled = ranked.filter(pl.col("persen_rekam") <= pl.col("persen_rekam_banding"))
        lines = [
            f"- ▲ **{r['nama_wilayah']}** naik {r['perubahan_peringkat']} peringkat ke #{r['peringkat']}"
            for r in up.iter_rows(named=True)
        ]
        lines += [
            f"- ▼ **{r['nama_wilayah']}** turun {-r['perubahan_peringkat']} peringkat ke #{r['peringkat']}"
            for r in down.iter_rows(named=True)
        ]
        st.markdown("\n".join(lines) if lines else "Tidak ada perubahan peringkat.")
        if stalled.height:
            names = ", ".join(stalled.sort("persen_rekam")["nama_wilayah"].head(8).to_list())
            st.warning(
                f"**Stagnan** (cakupan tidak naik dalam 7 hari): {names}"
                + (" dan lainnya." if stalled.height > 8 else ".")
            )
        stale = children.filter(pl.col("unit_tertinggal") > 0)
        if stale.height:
            st.caption(
                "Unit dengan laporan lebih dari 7 hari: "
                + ", ".join(
                    f"{r['nama_wilayah']} ({r['unit_tertinggal']})" for r in stale.head(8).iter_rows(named=True)
                )
            )


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def bahan_rapat(wilayah: str, tanggal, banding, version: str) -> tuple[bytes, bytes, str]:
    """PDF and PPTX of the briefing pack, made once per region, dates and store version."""
    pack = laporan.collect(ui.database(), wilayah, tanggal, banding)
    return laporan.render_bytes(pack, "pdf"), laporan.render_bytes(pack, "pptx"), pack.file_stem


banding = ui.url_date("banding")
banding = banding if banding and banding < ctx.tanggal else ctx.tanggal - timedelta(days=7)
wanted = (ctx.wilayah, ctx.tanggal, banding, ctx.version)
with st.container(border=True):
    st.subheader("Unduh bahan rapat")
    st.caption(
        f"PDF dan PPTX (bisa disunting) untuk {ctx.nama_wilayah}, data per {fmt.tanggal(ctx.tanggal)} dibanding "
        f"{fmt.tanggal(banding)}: slide utama, ringkasan naratif, dan rapor tiap {child_level} dengan lampu status."
    )
    st.button(
        "Siapkan bahan rapat",
        icon=":material/slideshow:",
        key="siapkan_bahan_rapat",
        on_click=st.session_state.__setitem__,
        args=("bahan_rapat", wanted),
    )
    if st.session_state.get("bahan_rapat") == wanted:
        try:
            with st.spinner("Menyusun bahan rapat (grafik digambar satu per satu, bisa sampai satu menit)..."):
                pdf, pptx, stem = bahan_rapat(*wanted)
        except (laporan.LaporanError, RuntimeError) as exc:  # no data; no Chromium for the chart images
            st.error(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown to the user as a message, never a traceback
            ui.show_error(exc)
        else:
            left, right = st.columns(2)
            left.download_button("Unduh PDF", pdf, f"{stem}.pdf", "application/pdf", icon=":material/picture_as_pdf:")
            right.download_button(
                "Unduh PPTX",
                pptx,
                f"{stem}.pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                icon=":material/co_present:",
            )
st.caption(ui.footnote(ctx))
