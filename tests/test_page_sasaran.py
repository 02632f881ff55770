"""The Sasaran jemput bola page in the real frame (AppTest), on the base store of tests/test_queries.py and
on the demo. Hand-computed for Kabupaten Sragen as of 2024-01-20 (see tests/test_query_sasaran.py): units
Plupuh (kecamatan report) 50, Trobayan 20, Keden 10, Masaran (kecamatan report) 0; region total 80."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from pantau import demo, fmt
from pantau.ingest import ingest_frame
from pantau.queries import run_query
from pantau.store import Store
from tests.apptest import open_dashboard
from tests.test_queries import SRAGEN_0110, build_base, rekam_frame

PAGE = "pages/sasaran.py"


def open_page(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **query: str) -> AppTest:
    at = open_dashboard(monkeypatch, data_dir, PAGE, reuse_cache=True, **query)
    assert not at.exception, at.exception[0].message[:2000]
    assert at.title[0].value == "Sasaran jemput bola"
    return at


def texts(at: AppTest) -> str:
    kinds = (at.markdown, at.info, at.caption, at.warning, at.error)
    return "\n".join(str(e.value) for kind in kinds for e in kind)


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hal_sasaran")
    build_base(Store(path))
    return path


@pytest.fixture(scope="module")
def kecamatan_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hal_sasaran_kec")
    ingest_frame(Store(path), "rekam", rekam_frame("2024-01-10", SRAGEN_0110), "sragen.csv")
    return path


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hal_sasaran_demo")
    demo.build(Store(path), provinces=["34"], level="desa")
    return path


def test_hand_computed_worklist(base_dir, monkeypatch):
    at = open_page(monkeypatch, base_dir, wilayah="33.14")
    table = at.dataframe[0].value
    assert table["Kode"].tolist() == ["33.14.02", "33.14.01.2002", "33.14.01.2001", "33.14.03"]
    assert table["Desa/kelurahan"].tolist() == ["(seluruh kecamatan)", "Trobayan", "Keden", "(seluruh kecamatan)"]
    assert table["Belum rekam"].tolist() == [50, 20, 10, 0]
    assert table["Porsi"].tolist() == ["62,50%", "25,00%", "12,50%", "0,00%"]
    assert table["Kumulatif"].tolist() == ["62,50%", "87,50%", "100,00%", "100,00%"]
    assert "Kabupaten/kota" not in table.columns
    text = texts(at)
    assert "**4 dari 4 desa/kelurahan** dengan belum rekam terbanyak memuat **100,00%** dari 80 penduduk" in text
    assert "2 kecamatan belum melaporkan rincian per desa" in text
    assert len(at.get("plotly_chart")) == 1
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Unduh daftar cetak (PDF)", "Unduh XLSX", "Unduh CSV"]


def test_url_level_and_top_n(base_dir, monkeypatch):
    at = open_page(monkeypatch, base_dir, wilayah="33", tingkat="kecamatan", jumlah="5")
    assert at.selectbox(key="sasaran_tingkat_33").value == "kecamatan"
    assert at.slider(key="sasaran_jumlah").value == 5
    table = at.dataframe[0].value
    # Jawa Tengah as of 2024-01-20: Jatipuro 600, Jatiyoso 600, Plupuh 50, Kalijambe 30, Masaran 0
    assert table["Kecamatan"].tolist() == ["Jatipuro", "Jatiyoso", "Plupuh", "Kalijambe", "Masaran"]
    assert table["Kabupaten/kota"].tolist()[:3] == [
        "Kabupaten Karanganyar",
        "Kabupaten Karanganyar",
        "Kabupaten Sragen",
    ]
    at.slider(key="sasaran_jumlah").set_value(10).run()
    assert at.query_params["jumlah"] == "10"
    at.selectbox(key="sasaran_tingkat_33").set_value("desa").run()
    assert "tingkat" not in at.query_params
    assert at.dataframe[0].value["Kode"].tolist()[:2] == ["33.13.01", "33.13.02"]


def test_kecamatan_only_data_says_so(kecamatan_dir, monkeypatch):
    at = open_page(monkeypatch, kecamatan_dir, wilayah="33.14")
    assert "Data desa belum tersedia" in at.info[0].value
    table = at.dataframe[0].value
    assert table["Kode"].tolist() == ["33.14.02", "33.14.01", "33.14.03"]
    assert "Desa/kelurahan" not in table.columns and table["Kecamatan"].tolist()[0] == "Plupuh"
    # as of 2024-01-10: Plupuh 500, Kalijambe 100, Masaran 0 (521 of 500): 600 belum rekam in all
    assert "**3 dari 3 kecamatan** dengan belum rekam terbanyak memuat **100,00%** dari 600 penduduk" in texts(at)


def test_region_without_reports(base_dir, monkeypatch):
    at = open_page(monkeypatch, base_dir, wilayah="35")
    assert "Belum ada laporan perekaman untuk Jawa Timur" in at.info[0].value
    assert not at.dataframe


def test_village_region_lists_itself(base_dir, monkeypatch):
    at = open_page(monkeypatch, base_dir, wilayah="33.14.01.2001")
    assert at.selectbox(key="sasaran_tingkat_33.14.01.2001").options == ["Desa/kelurahan"]
    assert at.dataframe[0].value["Desa/kelurahan"].tolist() == ["Keden"]


def test_demo_village_data_matches_the_query_and_downloads(demo_dir, monkeypatch):
    at = open_page(monkeypatch, demo_dir, wilayah="34.02")
    rows = run_query(Store(demo_dir), "sasaran", {"wilayah": "34.02"})
    table = at.dataframe[0].value
    assert table.shape[0] == 20
    assert table["Kode"].tolist() == rows["kode_wilayah"].head(20).to_list()
    assert table["% rekam"].tolist() == [fmt.persen(v) for v in rows["persen_rekam"].head(20)]
    assert "DATA DEMO" in texts(at)


def test_xlsx_download_content(demo_dir, monkeypatch):
    # the page's XLSX is sasaran.to_xlsx of the shown rows: read the same bytes back
    from pantau import sasaran

    rows = run_query(Store(demo_dir), "sasaran", {"wilayah": "34.02"})
    info = sasaran.lembar(rows, "34.02", "desa", demo=True)
    sheet = openpyxl.load_workbook(io.BytesIO(sasaran.to_xlsx(rows, info))).active
    assert sheet["A1"].value == "Sasaran jemput bola: Kabupaten Bantul (34.02)"
    assert "DATA DEMO" in sheet["A5"].value
    assert [sheet.cell(r, 2).value for r in range(8, 28)] == rows["kode_wilayah"].head(20).to_list()


def test_top_five_of_a_long_list_counts_the_whole_list(demo_dir, monkeypatch):
    # the query returns the five rows shown; the sentence and the shares still speak of every village
    at = open_page(monkeypatch, demo_dir, wilayah="34.02", jumlah="5")
    every = run_query(Store(demo_dir), "sasaran", {"wilayah": "34.02", "jumlah": 0})
    table = at.dataframe[0].value
    assert table["Kode"].tolist() == every["kode_wilayah"].head(5).to_list()
    assert table["Kumulatif"].tolist() == [fmt.persen(v) for v in every["porsi_kumulatif"].head(5)]
    assert f"5 dari {fmt.jumlah(every.height, 'desa/kelurahan')}" in texts(at)
    assert fmt.jumlah(int(every["belum_rekam"].sum()), "penduduk") in texts(at)
