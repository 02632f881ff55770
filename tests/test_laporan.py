"""pantau.laporan: the briefing pack as a PDF (rendered back with poppler) and a PPTX (read back with
python-pptx), checked against the query layer it is built from.

Two stores: the demo for DI Yogyakarta (34: five kabupaten/kota, data up to 20 November 2024,
Pilkada 2024 with target 98% a week later), and a hand-made one with one kecamatan per regency so
each traffic light is known by hand (target 98,00%, built-in calendar):

    kecamatan   regency                  13 Nov 2024    20 Nov 2024      light
    34.01.01    Kabupaten Kulon Progo    9.850/10.000   9.900/10.000     99,00%  hijau
    34.02.01    Kabupaten Bantul         9.600/10.000   9.650/10.000     96,50%  kuning (1,50 poin kurang)
    34.04.01    Kabupaten Sleman         9.550/10.000   9.600/10.000     96,00%  kuning (tepat 2,00 poin)
    34.03.01    Kabupaten Gunungkidul    9.450/10.000   9.500/10.000     95,00%  merah (3,00 poin kurang)
    (none)      Kota Yogyakarta          -              -                tanpa data
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from pantau import demo, fmt, laporan, regions, slides
from pantau.ingest import ingest_frame
from pantau.queries import Database
from pantau.store import Store

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts" / "laporan"
DIY = "34"
LATEST = demo.DEMO_END
HAND_DAY, HAND_BEFORE = date(2024, 11, 20), date(2024, 11, 13)
HAND = {  # kecamatan: (sudah rekam 13 Nov, sudah rekam 20 Nov) of 10.000 wajib KTP, expected light
    "34.01.01": (9850, 9900, "hijau"),
    "34.02.01": (9600, 9650, "kuning"),
    "34.04.01": (9550, 9600, "kuning"),
    "34.03.01": (9450, 9500, "merah"),
}
SOURCE = "Sumber: laporan Disdukcapil kabupaten/kota"

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")


def flat(text: str) -> str:
    """Text with every run of whitespace as one space (pdftotext breaks lines where the layout does)."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = tmp_path_factory.mktemp("laporan_demo")
    demo.build(Store(path), provinces=[DIY])
    return Database(Store(path))


@pytest.fixture(scope="module")
def pack(db: Database) -> laporan.Pack:
    return laporan.collect(db, DIY)


@pytest.fixture(scope="module")
def pdf(pack: laporan.Pack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("laporan_pdf") / "bahan.pdf"
    laporan.render_pdf(pack, out)
    return out


@pytest.fixture(scope="module")
def pages(pdf: Path) -> list[str]:
    """The PDF's text, one string per page."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [flat(page) for page in text.split("\f")[:-1]]


@pytest.fixture(scope="module")
def deck(pack: laporan.Pack, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("laporan_pptx") / "bahan.pptx"
    laporan.render_pptx(pack, out)
    return Presentation(str(out))


@pytest.fixture(scope="module")
def hand_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = tmp_path_factory.mktemp("laporan_lampu")
    store = Store(path)
    for day, index in ((HAND_BEFORE, 0), (HAND_DAY, 1)):
        frame = pl.DataFrame(
            {
                "tanggal": [day] * len(HAND),
                "kode_wilayah": list(HAND),
                "wajib_ktp": [10_000] * len(HAND),
                "sudah_rekam": [v[index] for v in HAND.values()],
            }
        )
        ingest_frame(store, "rekam", frame, f"lampu_{day}.csv")
    return Database(store)


def query(db: Database, name: str, **params) -> pl.DataFrame:
    return db.run(name, params).rows


def titles(presentation) -> list[str]:
    return [s.shapes.title.text_frame.text for s in presentation.slides]


def texts(slide) -> str:
    """Every text of a slide: text boxes, shapes and table cells."""
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        elif shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return flat(" ".join(parts))


# --- the traffic light -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persen", "target", "expected"),
    [
        (98.0, 98.0, "hijau"),
        (101.95, 98.0, "hijau"),
        (97.99, 98.0, "kuning"),
        (96.5, 98.0, "kuning"),
        (96.0, 98.0, "kuning"),  # exactly 2 points below is still amber
        (95.99, 98.0, "merah"),
        (60.0, 98.0, "merah"),
        (None, 98.0, None),
        (97.0, None, None),
    ],
)
def test_traffic_light_rule(persen, target, expected):
    assert laporan.lampu(persen, target) == expected


def test_rapor_cards_by_hand(hand_db: Database):
    cards = {c.kode_wilayah: c for c in laporan.report_cards(hand_db, DIY, HAND_DAY, HAND_BEFORE)}
    assert set(cards) == {code for code, _ in regions.children(DIY)}
    for kecamatan, (before, now, light) in HAND.items():
        card = cards[regions.parent_of(kecamatan)]
        assert card.target_persen == 98.0
        assert card.persen_rekam == now / 100
        assert card.lampu == light
        assert (card.wajib_ktp, card.sudah_rekam, card.belum_rekam) == (10_000, now, 10_000 - now)
        assert card.sudah_rekam - card.sudah_rekam_banding == now - before == 50
        assert card.jumlah_peringkat == 4
        assert [a.kode_wilayah for a in card.terendah] == [kecamatan]
        assert card.terendah[0].lampu == light
    assert [cards[c].peringkat for c in ("34.01", "34.02", "34.04", "34.03")] == [1, 2, 3, 4]
    empty = cards["34.71"]
    assert empty.persen_rekam is None and empty.lampu is None and empty.peringkat is None
    assert laporan.light_text(empty)[0] == "TANPA DATA"


def test_rapor_pptx_lights_by_hand(hand_db: Database, tmp_path: Path):
    pack = laporan.collect(hand_db, DIY, HAND_DAY, HAND_BEFORE)
    out = tmp_path / "lampu.pptx"
    laporan.render_pptx(pack, out)
    rapor = {s.shapes.title.text_frame.text: s for s in Presentation(str(out)).slides if texts(s).count("Rapor ")}
    assert len(rapor) == 5
    for code, (_, now, light) in {regions.parent_of(k): v for k, v in HAND.items()}.items():
        slide = rapor[f"Rapor {regions.name_of(code)}"]
        lit = [shape for shape in slide.shapes if shape.name.endswith(" menyala")]
        assert [shape.name for shape in lit] == [f"Lampu {light} menyala"]
        assert str(lit[0].fill.fore_color.rgb) == laporan.LAMPU[light][2].lstrip("#").upper()
        status = next(shape for shape in slide.shapes if shape.name == "Status lampu")
        assert status.text_frame.text == light.upper()
        assert fmt.persen(now / 100) in texts(slide)
        assert "+50" in texts(slide)  # sudah rekam since 13 Nov
    dark = rapor["Rapor Kota Yogyakarta"]
    assert not [shape for shape in dark.shapes if shape.name.endswith(" menyala")]
    assert "TANPA DATA" in texts(dark)


# --- the PDF -----------------------------------------------------------------------------------------


def test_pdf_pages_render_and_are_saved(pack: laporan.Pack, pdf: Path, tmp_path: Path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("diy-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "96", "-png", str(pdf), str(ARTIFACTS / "diy")], check=True)
    images = sorted(ARTIFACTS.glob("diy-*.png"))
    assert len(pack.slides) == len(slides.KEYS) and len(pack.rapor) == 5
    assert len(images) == laporan.page_count(pack) == 2 + 6 + 5
    for image in images:
        assert image.stat().st_size > 20_000  # a rendered page, not a blank one
    shutil.copy(pdf, ARTIFACTS / "bahan-rapat-34.pdf")


def test_pdf_every_page_has_source_date_and_number(pages: list[str], pack: laporan.Pack):
    total = laporan.page_count(pack)
    assert len(pages) == total
    for number, page in enumerate(pages, start=1):
        assert SOURCE in page
        assert "data per 20 November 2024" in page
        assert f"Halaman {number} dari {total}" in page
        assert "DATA DEMO" in page


def test_pdf_cover_slides_and_narrative(pages: list[str], pack: laporan.Pack, db: Database):
    cover = pages[0]
    assert "Daerah Istimewa Yogyakarta" in cover
    assert "Data per Rabu, 20 November 2024" in cover
    assert "Dibandingkan dengan 13 November 2024" in cover
    assert "DATA DEMO: angka dalam bahan ini bukan data resmi" in cover
    for page, slide in zip(pages[1:], pack.slides, strict=False):
        assert flat(slide.title) in page
        assert flat(slide.headline)[:60] in page
    summary = query(db, "ringkasan", wilayah=DIY, tanggal=LATEST).row(0, named=True)
    cakupan = pages[1]
    for value in (
        fmt.persen(summary["persen_rekam"]),
        fmt.angka(summary["sudah_rekam"]),
        fmt.angka(summary["belum_rekam"]),
    ):
        assert value in cakupan
    narrative = pages[1 + len(pack.slides)]
    assert "Ringkasan naratif" in narrative
    assert pack.narasi and all(flat(sentence)[:50] in narrative for sentence in pack.narasi)


def test_pdf_rapor_pages_match_the_ranking(pages: list[str], pack: laporan.Pack, db: Database):
    ranking = query(db, "peringkat", wilayah=DIY, tanggal=LATEST)
    rapor_pages = pages[2 + len(pack.slides) :]
    assert len(rapor_pages) == ranking.height == 5
    for page, row in zip(rapor_pages, ranking.iter_rows(named=True), strict=True):
        assert f"Rapor {row['nama_wilayah']}" in page
        assert f"peringkat {row['peringkat']} dari 5" in page
        assert fmt.persen(row["persen_rekam"]) in page
        for column in ("wajib_ktp", "sudah_rekam", "belum_rekam", "prr"):
            assert fmt.angka(row[column]) in page
        light = laporan.lampu(row["persen_rekam"], 98.0)
        assert laporan.LAMPU[light][0] in page
        lowest = (
            query(db, "peringkat", wilayah=row["kode_wilayah"], tanggal=LATEST).sort("persen_rekam").row(0, named=True)
        )
        assert "Kecamatan terendah" in page and lowest["nama_wilayah"] in page


# --- the PPTX ----------------------------------------------------------------------------------------


def test_pptx_structure_and_titles(deck, pack: laporan.Pack):
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=1e-3)
    expected = ["Perekaman dan pencetakan e-KTP", *(s.title for s in pack.slides), "Ringkasan naratif"]
    expected += [f"Rapor {c.nama_wilayah}" for c in pack.rapor]
    assert titles(deck) == expected
    for number, slide in enumerate(deck.slides, start=1):
        text = texts(slide)
        assert SOURCE in text and "data per 20 November 2024" in text
        assert f"Halaman {number} dari {len(expected)}" in text
        assert "DATA DEMO" in text
    assert "Daerah Istimewa Yogyakarta" in texts(deck.slides[0])


def _chart(slide):
    charts = [shape.chart for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 1, [shape.name for shape in slide.shapes]
    return charts[0]


def test_pptx_ranking_is_a_native_bar_chart_of_the_query(deck, pack: laporan.Pack, db: Database):
    index = 1 + [s.key for s in pack.slides].index("peringkat")
    chart = _chart(deck.slides[index])
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    ranking = query(db, "peringkat", wilayah=DIY, tanggal=LATEST).sort("peringkat")
    assert list(chart.plots[0].categories) == ranking["nama_wilayah"].to_list()
    assert list(chart.series[0].values) == ranking["persen_rekam"].to_list()
    below = [i for i, v in enumerate(ranking["persen_rekam"]) if v < 98.0]
    assert below  # the demo has regencies below target, drawn in the warning colour
    for i in below:
        assert str(chart.series[0].points[i].format.fill.fore_color.rgb) == "D55E00"


def test_pptx_trend_is_a_native_line_chart_of_the_query(deck, pack: laporan.Pack, db: Database):
    index = 1 + [s.key for s in pack.slides].index("cakupan")
    chart = _chart(deck.slides[index])
    assert chart.chart_type == XL_CHART_TYPE.LINE
    tren = query(db, "tren", wilayah=DIY, dari=LATEST - timedelta(days=slides.TREND_DAYS), sampai=LATEST)
    values = list(chart.series[0].values)
    assert values == tren.sort("tanggal")["persen_rekam"].to_list()
    days = [date(1899, 12, 30) + timedelta(days=float(c)) for c in chart.plots[0].categories]  # Excel serials
    assert days == tren.sort("tanggal")["tanggal"].to_list()
    assert values[-1] == query(db, "ringkasan", wilayah=DIY, tanggal=LATEST)["persen_rekam"][0]
    assert list(chart.series[1].values) == [98.0] * len(values)  # the target line
    assert chart.series[1].name == "Target 98,00%"


def test_pptx_text_is_editable_text(deck, pack: laporan.Pack):
    narrative = deck.slides[1 + len(pack.slides)]
    body = next(shape for shape in narrative.shapes if shape.name == "Narasi")
    assert [p.text.removeprefix("• ") for p in body.text_frame.paragraphs] == pack.narasi
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert not pictures  # every figure of the demo deck has data: all charts are native


# --- the command line --------------------------------------------------------------------------------


def run_cli(data_dir: Path, *args: object) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PANTAU_DEBUG"}
    env["PANTAU_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [sys.executable, "-m", "pantau", *map(str, args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_cli_writes_a_pptx(hand_db: Database, tmp_path: Path):
    out = tmp_path / "rapat.pptx"
    result = run_cli(hand_db.store.data_dir, "laporan", "--wilayah", "34", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "13 halaman, 5 rapor" in result.stdout  # no print log: its slide says so, one page all the same
    deck = Presentation(str(out))
    assert titles(deck)[-1] == "Rapor Kota Yogyakarta"
    assert "data per 20 November 2024" in texts(deck.slides[0])
    assert str(out) in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--wilayah", "99.99", "--out", "{tmp}/x.pptx"), "tidak ada dalam daftar wilayah"),
        (("--wilayah", "34;DROP", "--out", "{tmp}/x.pptx"), "tidak sah"),
        (("--wilayah", "34", "--out", "{tmp}/x.txt"), "Pilih --format pdf atau pptx"),
        (("--wilayah", "34", "--out", "{tmp}/tidak/ada/x.pdf"), "tidak ada; buat dulu"),
        (("--wilayah", "34", "--tanggal", "2024-13-01", "--out", "{tmp}/x.pptx"), "YYYY-MM-DD"),
        (("--wilayah", "34", "--tanggal", "2020-01-01", "--out", "{tmp}/x.pptx"), "Belum ada laporan perekaman"),
        (
            ("--wilayah", "34", "--banding", "2024-11-25", "--out", "{tmp}/x.pptx"),
            "banding harus sebelum tanggal laporan",
        ),
    ],
)
def test_cli_bad_input_is_a_clear_message(hand_db: Database, tmp_path: Path, args, message):
    result = run_cli(hand_db.store.data_dir, "laporan", *(a.format(tmp=tmp_path) for a in args))
    assert result.returncode == 1
    assert message in result.stderr
    assert not list(tmp_path.rglob("x.*"))


def test_cli_unwritable_folder(hand_db: Database, tmp_path: Path):
    locked = tmp_path / "terkunci"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as root: permissions are not enforced")
        result = run_cli(hand_db.store.data_dir, "laporan", "--wilayah", "34", "--out", locked / "x.pdf")
    finally:
        locked.chmod(0o700)
    assert result.returncode == 1
    assert "Tidak bisa menulis" in result.stderr


def test_cli_empty_store(tmp_path: Path):
    result = run_cli(tmp_path / "kosong", "laporan", "--out", tmp_path / "x.pdf")
    assert result.returncode == 1
    assert "Belum ada data perekaman" in result.stderr


def test_cli_failed_write_is_a_clear_message(hand_db: Database):
    # /proc accepts no new files, even for root: the write itself fails after the pack is made
    result = run_cli(hand_db.store.data_dir, "laporan", "--wilayah", "34.04", "--out", "/proc/bahan-rapat.pptx")
    assert result.returncode == 1
    assert "Tidak bisa menulis ke /proc/bahan-rapat.pptx" in result.stderr


# --- the dashboard -----------------------------------------------------------------------------------


def test_ringkasan_prepares_both_files_on_click(db: Database, monkeypatch: pytest.MonkeyPatch):
    from tests.apptest import open_dashboard

    at = open_dashboard(monkeypatch, db.store.data_dir, "pages/ringkasan.py", wilayah=DIY)
    assert not at.exception, at.exception[0].message[:2000]
    assert "Unduh bahan rapat" in [s.value for s in at.subheader]
    assert not at.get("download_button")  # nothing is built before the click
    at.button(key="siapkan_bahan_rapat").click().run(timeout=900)
    assert not at.exception, at.exception[0].message[:2000]
    assert not at.error, [e.value for e in at.error]
    assert [b.label for b in at.get("download_button")] == ["Unduh PDF", "Unduh PPTX"]
    at.run(timeout=900)  # a rerun (e.g. after a download) keeps the buttons, from the cache
    assert [b.label for b in at.get("download_button")] == ["Unduh PDF", "Unduh PPTX"]


def test_no_rapor_pages_when_no_child_reported(hand_db: Database):
    # the hand store reports per kecamatan: a kecamatan's villages carry no figures of their own
    pack = laporan.collect(hand_db, "34.01.01", HAND_DAY, HAND_BEFORE, slides=[])
    assert pack.rapor == []
    assert laporan.page_count(pack) == 2
    assert laporan.narrative_lines(pack)[-1] == (
        "Rapor per desa/kelurahan tidak disertakan: belum ada laporan perekaman per desa/kelurahan."
    )
    with pytest.raises(laporan.LaporanError, match="Belum ada laporan perekaman untuk Kricak"):
        laporan.collect(hand_db, "34.71.01.1001", HAND_DAY, slides=[])
