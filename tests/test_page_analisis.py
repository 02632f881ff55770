"""Analisis wilayah page in AppTest: the table equals the query layer, URL parameters, filters, villages.

The data directory holds the demo's kecamatan reports for Jawa Tengah (33) and village reports for
DI Yogyakarta (34) over the last month of the demo, so both "village data missing" and "village data
present" are on hand.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pantau import analisis, demo, fmt
from pantau.ingest import ingest_file, ingest_frame
from pantau.queries import run_query
from pantau.store import Store
from tests.apptest import open_dashboard

REPO = Path(__file__).resolve().parent.parent
PAGE = "pages/analisis.py"
START = demo.DEMO_END - timedelta(days=30)
NO_VILLAGE_DATA = "Data desa belum tersedia: laporan wilayah ini masih tingkat kecamatan"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("analisis")
    store = Store(path)
    for level, province in (("kecamatan", "33"), ("desa", "34")):
        frame = pl.concat(list(demo.generate_rekam(level, start=START, provinces=[province])))
        ingest_frame(store, "rekam", frame, f"{level}-{province}")
    return path


@pytest.fixture(scope="module")
def calendar_only_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kalender_saja")
    csv = path.parent / "kalender.csv"
    csv.write_text("nama,tanggal,target_persen\nPemilu 2029,2029-02-14,98\n", encoding="utf-8")
    ingest_file(Store(path), "pemilu", csv)
    return path


def open_page(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **query: str) -> AppTest:
    at = open_dashboard(monkeypatch, data_dir, PAGE, **query)
    assert not at.exception, at.exception[0].message
    return at


def table(at: AppTest):
    assert len(at.dataframe) == 1, "the page shows one table"
    return at.dataframe[0].value


def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.markdown, at.info, at.caption) for e in kind)


def url(at: AppTest, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def expected_rows(data_dir: Path, **params) -> pl.DataFrame:
    rows = run_query(Store(data_dir), "peringkat", params)
    return rows.sort(["belum_rekam", "kode_wilayah"], descending=[True, False], nulls_last=True)


def test_children_of_the_region_by_default_equal_the_query(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="33")
    shown = table(at)
    expected = expected_rows(data_dir, wilayah="33")
    assert expected.height == 35
    assert shown["kode_wilayah"].tolist() == expected["kode_wilayah"].to_list()
    for column in ("wajib_ktp", "sudah_rekam", "belum_rekam", "persen_rekam", "prr", "sudah_cetak"):
        assert shown[column].tolist() == expected[column].to_list(), column
    first = expected.row(0, named=True)
    total = run_query(Store(data_dir), "ringkasan", {"wilayah": "33"})["belum_rekam"][0]
    assert shown["persen_rekam_teks"][0].strip() == fmt.persen(first["persen_rekam"])
    assert shown["porsi_belum_rekam_teks"][0].strip() == fmt.persen(round(100 * first["belum_rekam"] / total, 2))
    assert "Menampilkan 35 dari 35 kabupaten/kota di Jawa Tengah" in texts(at)
    assert [b.label for b in at.get("download_button")] == ["Unduh CSV (35 baris)", "Unduh XLSX (35 baris)"]
    assert url(at, "tingkat") is None and url(at, "urut") is None  # defaults stay out of the URL


def test_url_tingkat_urut_and_tanggal_are_honoured(monkeypatch, data_dir):
    day = demo.DEMO_END - timedelta(days=10)
    at = open_page(monkeypatch, data_dir, wilayah="33.14", tingkat="kecamatan", urut="persen_terendah",
                   tanggal=day.isoformat())
    assert [s.value for s in at.main.selectbox] == ["kecamatan", "persen_terendah"]
    expected = run_query(Store(data_dir), "peringkat", {"wilayah": "33.14", "tanggal": day}).sort(
        ["persen_rekam", "kode_wilayah"], nulls_last=True)
    shown = table(at)
    assert shown["kode_wilayah"].tolist() == expected["kode_wilayah"].to_list()
    assert shown["sudah_rekam"].tolist() == expected["sudah_rekam"].to_list()
    assert url(at, "tingkat") is None  # kecamatan is the default below a regency
    assert url(at, "urut") == "persen_terendah"


def test_changing_level_and_sort_writes_the_url(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="33")
    at.selectbox(key="analisis_tingkat_33").set_value("kecamatan").run()
    at.selectbox(key="analisis_urut").set_value("nama").run()
    assert url(at, "tingkat") == "kecamatan" and url(at, "urut") == "nama"
    shown = table(at)
    assert len(shown) == run_query(Store(data_dir), "peringkat", {"wilayah": "33", "tingkat": "kecamatan"}).height
    assert shown["nama_wilayah"].tolist() == sorted(shown["nama_wilayah"].tolist())
    assert "nama_induk" in shown.columns  # kecamatan of many regencies: the regency is named
    at.selectbox(key="analisis_tingkat_33").set_value("kabkota").run()
    assert url(at, "tingkat") is None


@pytest.mark.parametrize("bad", [{"tingkat": "provinsi"}, {"tingkat": "x'); --"}, {"urut": "persen_rekam desc"}])
def test_bad_url_values_fall_back_to_defaults(monkeypatch, data_dir, bad):
    at = open_page(monkeypatch, data_dir, wilayah="33", **bad)
    assert [s.value for s in at.main.selectbox] == ["kabkota", "belum_rekam"]
    assert len(table(at)) == 35


@pytest.mark.parametrize(("wilayah", "hint"), [("33.14", True), ("33.14.01", False)])
def test_village_level_without_village_reports(monkeypatch, data_dir, wilayah, hint):
    at = open_page(monkeypatch, data_dir, wilayah=wilayah, tingkat="desa")
    assert [i.value for i in at.info] and at.info[0].value.startswith(NO_VILLAGE_DATA)
    assert ("Pilih tingkat Kecamatan" in at.info[0].value) is hint  # a kecamatan has no kecamatan level below
    assert not at.dataframe and not at.get("download_button")


def test_village_level_with_village_reports(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="34", tingkat="desa")
    assert NO_VILLAGE_DATA not in texts(at)
    expected = expected_rows(data_dir, wilayah="34", tingkat="desa")
    shown = table(at)
    assert shown["kode_wilayah"].tolist() == expected["kode_wilayah"].to_list()
    assert shown["belum_rekam"].tolist()[:20] == expected["belum_rekam"].to_list()[:20]
    assert shown["nama_induk"].notna().all()


def test_search_and_below_target_filters(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="33", tingkat="kecamatan")
    at.text_input(key="analisis_cari").input("33.14.").run()
    shown = table(at)
    assert len(shown) > 0 and shown["kode_wilayah"].str.startswith("33.14.").all()
    assert "Saringan: nama atau kode memuat “33.14.”" in texts(at)
    at.text_input(key="analisis_cari").input("").run()
    target = run_query(Store(data_dir), "hitung_mundur", {"wilayah": "33"})["target_persen"][0]
    at.checkbox(key="analisis_di_bawah_target").check().run()
    shown = table(at)
    expected = run_query(Store(data_dir), "peringkat", {"wilayah": "33", "tingkat": "kecamatan"}).filter(
        pl.col("persen_rekam") < target)
    assert len(shown) == expected.height > 0
    assert (shown["persen_rekam"] < target).all()
    assert f"di bawah target {fmt.persen(target)}" in texts(at)
    labels = [b.label for b in at.get("download_button")]
    assert labels[0] == f"Unduh CSV ({fmt.angka(expected.height)} baris)"


def test_display_limit_says_so_and_downloads_keep_every_row(monkeypatch, data_dir):
    monkeypatch.setattr(analisis, "DISPLAY_LIMIT", 100)
    at = open_page(monkeypatch, data_dir, wilayah="33", tingkat="kecamatan")
    total = run_query(Store(data_dir), "peringkat", {"wilayah": "33", "tingkat": "kecamatan"}).height
    assert len(table(at)) == 100
    assert f"Tabel memuat 100 teratas menurut “Belum rekam terbanyak”; unduhan berisi semua {fmt.angka(total)}" in (
        texts(at))
    assert at.get("download_button")[0].label == f"Unduh CSV ({fmt.angka(total)} baris)"


def test_region_without_reports(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="32")
    assert any("Belum ada laporan perekaman untuk Jawa Barat" in i.value for i in at.info)


def test_store_with_only_a_calendar(monkeypatch, calendar_only_dir):
    at = open_page(monkeypatch, calendar_only_dir)
    assert at.title[0].value == "Analisis wilayah"
    assert at.info and not at.dataframe


def test_a_village_shows_itself(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="34.04.01.2001")
    assert [s.value for s in at.main.selectbox][0] == "desa"
    shown = table(at)
    assert shown["kode_wilayah"].tolist() == ["34.04.01.2001"]
