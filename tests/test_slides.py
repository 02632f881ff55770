"""pantau.slides: the presentation slides against the query layer they are built from.

Two stores: the demo for DI Yogyakarta (34: five kabupaten/kota, a print log, Pilkada 2024 on
27 November 2024, data up to 20 November 2024), and a hand-made one of three villages of
Kalijambe (33.14.01) with a calendar holding only Pemilu 2019 and no print log:

    2024-01-10  33.14.01.2001  wajib 300  sudah 270
                33.14.01.2002  wajib 400  sudah 380
                33.14.01.2003  wajib 100  sudah  90
    2024-01-20  33.14.01.2001  wajib 300  sudah 290     96,67% (was 90,00%: +6,67 poin, +20 orang)
                33.14.01.2002  wajib 400  sudah 380     95,00%
                33.14.01.2003  wajib 100  sudah  95     95,00%
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest

from pantau import charts, demo, fmt, narasi, regions, slides
from pantau.ingest import ingest_file, ingest_frame
from pantau.queries import Database
from pantau.store import Store

LATEST = demo.DEMO_END
DIY = "34"
KEDEN = "33.14.01.2001"
KALIJAMBE = "33.14.01"
VILLAGES_0110 = [("33.14.01.2001", 300, 270), ("33.14.01.2002", 400, 380), ("33.14.01.2003", 100, 90)]
VILLAGES_0120 = [("33.14.01.2001", 300, 290), ("33.14.01.2002", 400, 380), ("33.14.01.2003", 100, 95)]


def rekam_frame(day: date, rows: list[tuple[str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "tanggal": [day] * len(rows),
            "kode_wilayah": [r[0] for r in rows],
            "wajib_ktp": [r[1] for r in rows],
            "sudah_rekam": [r[2] for r in rows],
        }
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = tmp_path_factory.mktemp("slides_demo")
    demo.build(Store(path), provinces=[DIY])
    return Database(Store(path))


@pytest.fixture(scope="module")
def deck(db: Database) -> dict[str, slides.Slide]:
    built = slides.build_slides(db, DIY, LATEST, None)
    return {s.key: s for s in built}


@pytest.fixture(scope="module")
def village_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = tmp_path_factory.mktemp("slides_desa")
    store = Store(path)
    ingest_frame(store, "rekam", rekam_frame(date(2024, 1, 10), VILLAGES_0110), "kalijambe_0110.csv")
    ingest_frame(store, "rekam", rekam_frame(date(2024, 1, 20), VILLAGES_0120), "kalijambe_0120.csv")
    calendar = path.parent / "kalender_lama.csv"
    calendar.write_text("nama,tanggal,target_persen\nPemilu 2019,2019-04-17,98\n", encoding="utf-8")
    ingest_file(store, "pemilu", calendar, replace=True)  # the whole calendar: no election after 2019
    return Database(store)


def query(db: Database, name: str, **params) -> pl.DataFrame:
    return db.run(name, params).rows


def test_province_deck_has_every_point_in_order(deck):
    assert list(deck) == list(slides.KEYS)
    for slide in deck.values():
        assert slide.title and slide.headline.endswith(".")
        assert "data per 20 November 2024" in slide.footnote
        assert slide.footnote.endswith("DATA DEMO")  # the demo store is marked
        assert slide.figure is not None


def test_cakupan_matches_ringkasan_and_trend(db, deck):
    row = query(db, "ringkasan", wilayah=DIY, tanggal=LATEST).row(0, named=True)
    before = query(db, "ringkasan", wilayah=DIY, tanggal=LATEST - timedelta(days=7)).row(0, named=True)
    slide = deck["cakupan"]
    assert slide.headline == narasi.headline(row, before)
    assert dict(slide.numbers)["Cakupan"] == fmt.persen(row["persen_rekam"])
    assert dict(slide.numbers)["Belum rekam"] == fmt.angka(row["belum_rekam"])
    assert dict(slide.numbers)["Target"] == "98,00%"
    tren = query(db, "tren", wilayah=DIY, dari=LATEST - timedelta(days=slides.TREND_DAYS), sampai=LATEST).sort(
        "tanggal"
    )
    line = slide.figure.data[0]
    assert list(line.y) == tren["persen_rekam"].to_list()
    assert slide.figure_data.categories[-1] == LATEST.isoformat()
    assert slide.figure_data.series[0].values == tuple(tren["persen_rekam"])
    assert slide.figure_data.target == 98.0


def test_peringkat_ranks_every_child(db, deck):
    ranked = query(db, "peringkat", wilayah=DIY, tanggal=LATEST).sort("peringkat")
    assert ranked.height == 5
    slide = deck["peringkat"]
    shown = {code: x for trace in slide.figure.data for code, x in zip(trace.y, trace.x)}
    assert shown == dict(zip(ranked["kode_wilayah"], ranked["persen_rekam"]))
    assert slide.figure_data.categories == tuple(ranked["nama_wilayah"])
    top = ranked.row(0, named=True)
    assert slide.headline.startswith(f"{top['nama_wilayah']} tertinggi di antara 5 kabupaten/kota")
    below = ranked.filter(pl.col("persen_rekam") < 98).height
    assert f"{below} dari 5 di bawah target 98,00%" in slide.headline


def test_terendah_lists_the_lowest_with_their_gap(db, deck):
    ranked = query(db, "peringkat", wilayah=DIY, tanggal=LATEST)
    lowest = ranked.sort("persen_rekam").head(slides.LOWEST)
    slide = deck["terendah"]
    assert slide.table["Wilayah"].to_list() == lowest["nama_wilayah"].to_list()
    assert slide.table["Cakupan"].to_list() == [fmt.persen(v) for v in lowest["persen_rekam"]]
    first = lowest.row(0, named=True)
    gap = round(98 - first["persen_rekam"], 2)
    assert slide.headline == (
        f"Wilayah terendah di Daerah Istimewa Yogyakarta adalah {first['nama_wilayah']} "
        f"({fmt.persen(first['persen_rekam'])}), {fmt.angka_desimal(gap, 2)} poin di bawah "
        "target 98,00%."
    )
    needed = max(0, -(-(98 * first["wajib_ktp"]) // 100) - first["sudah_rekam"])  # ceil(98% x wajib) - sudah
    assert slide.table["Kurang untuk target"][0] == fmt.angka(needed)


def test_hitung_mundur_matches_the_query(db, deck):
    c = query(db, "hitung_mundur", wilayah=DIY, tanggal=LATEST).row(0, named=True)
    slide = deck["hitung_mundur"]
    assert c["nama_pemilu"] == "Pilkada 2024" and c["hari_tersisa"] == 7
    assert slide.title == "Menuju Pilkada 2024: H-7"
    assert slide.headline == narasi.countdown(c)
    numbers = dict(slide.numbers)
    assert numbers["Hari tersisa"] == "7 hari"
    assert numbers["Hari kerja tersisa"] == fmt.jumlah(c["hari_kerja_tersisa"], "hari")
    assert numbers["Laju per hari (14 hari terakhir)"] == fmt.angka(round(c["laju_harian"]))
    if c["kebutuhan_harian"]:
        assert numbers["Perlu direkam per hari"] == fmt.angka(round(c["kebutuhan_harian"]))
    else:  # target reached: nothing more is needed per day, so the number is left out
        assert "Perlu direkam per hari" not in numbers
    assert "Rabu, 27 November 2024" in slide.bullets[0]


def test_cetak_matches_the_print_log(db, deck):
    dari = LATEST - timedelta(days=slides.PRINT_DAYS - 1)
    log = query(db, "cetak_harian", wilayah=DIY, dari=dari, sampai=LATEST).filter(pl.col("layanan") == "semua")
    stock = query(db, "blangko_wilayah", wilayah=DIY, tanggal=LATEST)
    slide = deck["cetak"]
    bars = sum(sum(t.y) for t in slide.figure.data if isinstance(t, go.Bar))
    assert bars == log["tercetak"].sum()
    last7 = log.filter(pl.col("tanggal") > LATEST - timedelta(days=7))["tercetak"].sum() / 7
    total = int(stock["blangko_sisa"].sum())
    days = int(total / (stock["tercetak_14_hari"].sum() / 14))
    assert slide.headline == (
        f"Dalam 7 hari terakhir rata-rata {fmt.jumlah(round(last7), 'keping')} e-KTP tercetak "
        f"per hari; stok blangko {fmt.jumlah(total, 'keping')} cukup untuk "
        f"±{fmt.jumlah(days, 'hari')}."
    )
    assert dict(slide.numbers)[f"Tercetak {slides.PRINT_DAYS} hari"] == fmt.angka(log["tercetak"].sum())


def test_perubahan_against_a_chosen_banding(db):
    banding = LATEST - timedelta(days=14)
    built = {s.key: s for s in slides.build_slides(db, DIY, LATEST, banding)}
    now = query(db, "ringkasan", wilayah=DIY, tanggal=LATEST).row(0, named=True)
    then = query(db, "ringkasan", wilayah=DIY, tanggal=banding).row(0, named=True)
    slide = built["perubahan"]
    assert slide.title == "Perubahan sejak 6 November 2024"
    numbers = dict(slide.numbers)
    assert numbers["Sudah rekam"] == fmt.selisih(now["sudah_rekam"] - then["sudah_rekam"])
    assert numbers["Belum rekam"] == fmt.selisih(now["belum_rekam"] - then["belum_rekam"])
    assert numbers["Cakupan"] == fmt.persen_poin(round(now["persen_rekam"] - then["persen_rekam"], 2))
    ranked = query(db, "peringkat", wilayah=DIY, tanggal=LATEST, banding=banding)
    best = ranked.with_columns(poin=(pl.col("persen_rekam") - pl.col("persen_rekam_banding")).round(2)).sort(
        "poin", descending=True
    )
    assert slide.table["Wilayah"][0] == best["nama_wilayah"][0]
    assert slide.figure_data.series[0].values[0] == best["poin"][0]
    assert "sejak 6 November 2024" in built["cakupan"].headline


def test_banding_on_or_after_tanggal_falls_back_to_a_week_earlier(db):
    built = {s.key: s for s in slides.build_slides(db, DIY, LATEST, LATEST + timedelta(days=3))}
    assert built["perubahan"].title == "Perubahan sejak 13 November 2024"


def test_village_without_children_election_or_print_log(village_db):
    built = slides.build_slides(village_db, KEDEN, date(2024, 1, 20), None)
    by_key = {s.key: s for s in built}
    assert list(by_key) == ["cakupan", "peringkat", "hitung_mundur", "cetak", "perubahan"]  # no 'terendah'
    assert not any("DATA DEMO" in s.footnote for s in built)
    name = regions.name_of(KEDEN)
    assert by_key["cakupan"].headline.startswith(
        f"Per 20 Januari 2024, cakupan perekaman e-KTP {name} 96,67% (naik 6,67 poin sejak 13 Januari 2024)"
    )
    others = len(regions.children(KALIJAMBE)) - 3
    peringkat = by_key["peringkat"]
    assert peringkat.title == f"Peringkat desa/kelurahan di {regions.name_of(KALIJAMBE)}"
    assert peringkat.headline.startswith(f"{name} di peringkat 1 dari 3 desa/kelurahan")
    assert f"{others} desa/kelurahan belum melaporkan perekaman." in peringkat.bullets
    assert by_key["hitung_mundur"].headline == f"Belum ada pemilu terjadwal untuk {name} setelah 20 Januari 2024."
    assert by_key["hitung_mundur"].figure is None
    assert by_key["cetak"].headline.startswith("Belum ada log cetak untuk Kabupaten Sragen")
    assert by_key["cetak"].figure is None
    perubahan = by_key["perubahan"]
    assert perubahan.headline == (
        f"Sejak 13 Januari 2024, cakupan {name} naik 6,67 poin menjadi 96,67%: sudah rekam "
        "bertambah 20 orang, belum rekam dari 30 menjadi 10."
    )


def test_kecamatan_ranks_its_villages(village_db):
    built = {s.key: s for s in slides.build_slides(village_db, KALIJAMBE, date(2024, 1, 20), None)}
    assert built["peringkat"].figure_data.categories[0] == regions.name_of(KEDEN)
    assert built["terendah"].table["Cakupan"].to_list() == ["95,00%", "95,00%", "96,67%"]


def test_region_without_reports_gets_one_honest_slide(village_db):
    built = slides.build_slides(village_db, "34", date(2024, 1, 20), None)
    assert [s.key for s in built] == ["cakupan"]
    assert built[0].headline == "Belum ada laporan perekaman untuk Daerah Istimewa Yogyakarta sampai 20 Januari 2024."


def test_empty_store_has_no_slides(tmp_path: Path):
    assert slides.build_slides(Database(Store(tmp_path)), DIY) == []


def test_for_projector_scales_fonts_and_leaves_the_original(deck):
    original = deck["peringkat"].figure
    big = slides.for_projector(original, height=820, scale=1.5)
    assert big.layout.height == 820
    assert big.layout.font.size == round(charts.FONT * 1.5)
    assert big.layout.title.text == ""
    assert big.layout.yaxis.tickfont.size == round((charts.FONT - 1) * 1.5)
    assert all(a.name != "sumber" for a in big.layout.annotations)
    assert any(a.name == "watermark" for a in big.layout.annotations)
    assert original.layout.font.size == charts.FONT and original.layout.title.text.startswith("<b>")
