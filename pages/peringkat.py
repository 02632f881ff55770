"""Peringkat wilayah: where the region ranks among its peers, a map and ranked bars of its sub-regions."""

from datetime import date, timedelta

import polars as pl
import streamlit as st

from pantau import charts, fmt, geo, peringkat, regions, ui

ctx = ui.context()
if ctx.has_data:  # asked below whatever the chosen level and date: side by side from the start (ui.prefetch)
    ui.prefetch(("hitung_mundur", ctx.params()))
ui.header(ctx, "Peringkat wilayah", "Di mana posisi wilayah ini, dan wilayah mana yang paling tertinggal?")
if not ctx.has_data:
    ui.no_data()
    st.stop()

options = peringkat.level_options(ctx.wilayah)
left, right = st.columns([2, 1])
if options:
    wanted = ui.url_get("tingkat")
    tingkat = left.segmented_control(
        "Tingkat yang diperingkat", options, default=wanted if wanted in options else options[0], required=True,
        format_func=regions.LEVEL_LABELS.get, key=f"tingkat_{ctx.wilayah}")
    ui.url_set("tingkat", tingkat if tingkat != options[0] else None)
else:
    tingkat = None
scope, tingkat = peringkat.ranking_scope(ctx.wilayah, tingkat)
if not options:
    left.info(f"Desa/kelurahan tidak punya wilayah di bawahnya: ini peringkat desa/kelurahan di "
              f"{regions.name_of(scope)}.")
default_banding = ctx.tanggal - timedelta(days=7)
banding = ui.url_date("banding") or default_banding
banding = right.date_input("Bandingkan peringkat dengan tanggal", value=min(banding, ctx.tanggal),
                           max_value=ctx.tanggal, format="DD/MM/YYYY", key=f"banding_{ctx.tanggal}")
ui.url_set("banding", banding if banding != default_banding else None)

ranking = {"wilayah": scope, "tanggal": ctx.tanggal, "tingkat": tingkat, "banding": banding}
peer_ranking = {"wilayah": regions.parent_of(ctx.wilayah), "tanggal": ctx.tanggal, "tingkat": ctx.tingkat,
                "banding": banding} if ctx.wilayah else None
ui.prefetch(("peringkat", ranking), *([("peringkat", peer_ranking)] if peer_ranking else []))
rows = ui.query("peringkat", **ranking)
countdown = ui.query("hitung_mundur", **ctx.params())
target = countdown["target_persen"][0] if countdown.height else None
ranked = rows.filter(pl.col("peringkat").is_not_null())
label = regions.LEVEL_LABELS[tingkat].lower()
if ranked.is_empty():
    ui.no_data(f"Belum ada laporan perekaman {label} di {regions.name_of(scope)} sampai {fmt.tanggal(ctx.tanggal)}.")
    st.stop()

cards = st.columns(4)
if not ctx.wilayah and countdown.height:
    cards[0].metric(f"Cakupan {ctx.nama_wilayah}", fmt.persen(countdown["persen_rekam"][0]), border=True,
                    help="Sudah rekam dibagi wajib KTP, seluruh Indonesia.")
elif ctx.wilayah:
    peers = ui.query("peringkat", **peer_ranking)
    place = peringkat.position(peers, ctx.wilayah)
    if place:
        move = peers.filter(pl.col("kode_wilayah") == ctx.wilayah)["perubahan_peringkat"][0]
        peer_text = f"{regions.LEVEL_LABELS[ctx.tingkat].lower()} di {regions.name_of(regions.parent_of(ctx.wilayah))}"
        cards[0].metric(f"Peringkat {ctx.nama_wilayah}", f"#{fmt.angka(place[0])} dari {fmt.angka(place[1])}",
                        f"{peringkat.rank_arrow(move)} sejak {fmt.tanggal_pendek(banding)}", delta_arrow="off",
                        delta_color="off", border=True, help=f"Di antara {peer_text} yang sudah melapor.")
below = ranked.filter(pl.col("persen_rekam") < target) if target is not None else None
cards[1].metric(f"Di bawah target {fmt.persen(target)}" if target is not None else "Tanpa target pemilu",
                f"{fmt.angka(below.height)} dari {fmt.angka(ranked.height)}" if below is not None else fmt.KOSONG,
                border=True,
                help=f"{regions.LEVEL_LABELS[tingkat]} dengan cakupan di bawah target pemilu berikutnya.")
with_parent = regions.LEVELS.index(tingkat) - regions.LEVELS.index(regions.level_of(scope)) > 1
for card, title, row in ((cards[2], "Terendah", ranked.sort("persen_rekam").row(0, named=True)),
                         (cards[3], "Tertinggi", ranked.sort("persen_rekam").row(-1, named=True))):
    card.metric(title, fmt.persen(row["persen_rekam"]), peringkat.name_with_parent(row, with_parent),
                delta_arrow="off", delta_color="off", border=True)


def peta(rows: pl.DataFrame, boundaries: geo.Boundaries, scope: str, as_of: date, demo: bool):
    """The choropleth of `rows` inside `scope` (a function of its own, so the map is kept by ui.figure)."""
    return charts.choropleth(rows, boundaries.within(scope), as_of=as_of, attribution=boundaries.attribution, demo=demo)


boundaries, problem = None, None
if tingkat in geo.FILES:
    try:
        boundaries = geo.load(tingkat)
    except geo.GeoError as exc:
        problem = str(exc)
if problem:
    st.warning(problem)
if boundaries is None and tingkat in geo.FILES:
    fallback = " Sementara itu, peta petak di bawah." if tingkat == "provinsi" else ""
    st.info(f"Peta batas {label} belum tersedia. Letakkan berkas `{geo.FILES[tingkat]}.geojson` (dan "
            f"`{geo.ATTRIBUTION_FILE}` berisi sumber dan lisensinya) di folder `geo/` direktori data, "
            "atau tunjuk folder lain dengan `PANTAU_GEO_DIR`." + fallback)
elif boundaries is None:
    st.caption(f"Peta tersedia untuk tingkat provinsi dan kabupaten/kota; {label} ditampilkan sebagai batang "
               "dan tabel.")
bars = ui.figure(charts.ranking_bar, rows, target_persen=target, as_of=ctx.tanggal, demo=ctx.demo)
if boundaries is not None or tingkat == "provinsi":
    map_column, bar_column = st.columns(2)
    with map_column:
        if boundaries is not None:
            st.plotly_chart(ui.figure(peta, rows, boundaries, scope, ctx.tanggal, ctx.demo), key="peta")
            st.caption(f"Batas wilayah: {boundaries.attribution or boundaries.path.name}")
        else:
            st.plotly_chart(ui.figure(charts.tile_grid, rows, as_of=ctx.tanggal, demo=ctx.demo), key="peta_petak")
    bar_column.plotly_chart(bars, key="batang")
else:
    st.plotly_chart(bars, key="batang")

st.subheader(f"Tabel peringkat {label} · perubahan sejak {fmt.tanggal(banding)}")
table = peringkat.table(rows, with_parent=with_parent).to_pandas()
shade = {peringkat.TERENDAH: "background-color: #FBE1C6", peringkat.TERTINGGI: "background-color: #D4E8F5"}
styled = table.style.format(na_rep=fmt.KOSONG).format(
    {"peringkat": fmt.angka, "persen_rekam": fmt.persen, "belum_rekam": fmt.angka, "sudah_rekam": fmt.angka,
     "wajib_ktp": fmt.angka},
    na_rep=fmt.KOSONG,
).apply(lambda r: [next((v for k, v in shade.items() if k in (r["catatan"] or "")), "")] * len(r), axis=1)
column = st.column_config
st.dataframe(styled, hide_index=True, height=min(40 + 35 * len(table), 640), column_config={
    "peringkat": column.Column("#", width="small"),
    "nama_wilayah": column.Column(regions.LEVEL_LABELS[tingkat], pinned=True),
    "induk": column.Column(regions.LEVEL_LABELS[regions.LEVELS[regions.LEVELS.index(tingkat) - 1]]),
    "persen_rekam": column.Column("Cakupan", help="Sudah rekam / wajib KTP; di atas 100% tetap ditampilkan."),
    "bar_cakupan": column.ProgressColumn("", min_value=0, max_value=100, format=" ", color=charts.BLUE, width="small"),
    "perubahan": column.Column(f"Perubahan sejak {fmt.tanggal_pendek(banding)}"),
    "belum_rekam": column.Column("Belum rekam"),
    "sudah_rekam": column.Column("Sudah rekam"),
    "wajib_ktp": column.Column("Wajib KTP"),
    "catatan": column.Column("Catatan"),
    "kode_wilayah": column.Column("Kode"),
})
if ctx.wilayah and place:  # the peer ranking: also all a province or regency head sees beyond their region
    with st.expander(f"Peringkat {ctx.nama_wilayah} di antara {peer_text}"):
        sejawat = peringkat.table(peers).select("peringkat", "nama_wilayah", "persen_rekam", "perubahan")
        st.dataframe(sejawat.with_columns(pl.col("persen_rekam").map_elements(fmt.persen, return_dtype=pl.String)),
                     hide_index=True, key="peringkat_sejawat", column_config={
                         "peringkat": column.Column("#", width="small"),
                         "nama_wilayah": column.Column(regions.LEVEL_LABELS[ctx.tingkat]),
                         "persen_rekam": column.Column("Cakupan"),
                         "perubahan": column.Column(f"Sejak {fmt.tanggal_pendek(banding)}")})
st.caption(ui.footnote(ctx))
