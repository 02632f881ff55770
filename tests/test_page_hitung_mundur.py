"""The Hitung mundur page in the real frame (AppTest): the countdown, the pace verdict, the burn-down and
the child regions at risk, against the query layer on the demo and against hand-computed numbers on the
small store of tests/test_query_risiko.py (Kabupaten Sragen, Pilkada Sragen on 25 January 2024).

Hand-computed for Sragen (33.14) as of 2024-01-15, H-10 before Pilkada Sragen (target 98%):
    wajib 1000+2000+500+100 = 3600, sudah 870+1914+400+99 = 3283, belum 130+86+100+1 = 317
    pace (3283 - 3100) / 14 = 13,07 a day; need (0,98 * 3600 - 3283) / 10 = 245 / 10 = 24,5 a day
    24,5 / 13,07 = 1,87 -> "perlu 1,9x lebih cepat"; 245 / 13,07 = 18,7 -> 19 days: after election day
    projection (3283 + 183 / 14 * 10) / 3600 = 3413,71 / 3600 = 94,83%, 3,17 points below target
    working days 16..24 January: Tue 16 - Fri 19, Mon 22 - Wed 24 = 7
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pantau import demo, fmt, proyeksi
from pantau.ingest import ingest_frame
from pantau.queries import run_query
from pantau.store import Store
from tests.apptest import open_dashboard
from tests.test_query_risiko import build_risiko, rekam_frame

REPO = Path(__file__).resolve().parent.parent
PAGE = "pages/hitung-mundur.py"
RISIKO_COLUMNS = ["Wilayah", "Cakupan kini", "Proyeksi Hari H", "Selisih dari target", "Kurang pada Hari H (orang)"]


def open_page(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **query: str) -> AppTest:
    at = open_dashboard(monkeypatch, data_dir, PAGE, **query)
    assert not at.exception, at.exception[0].message[:2000]
    assert at.title[0].value == "Hitung mundur pemilu"
    return at


def metric(at: AppTest, label: str) -> tuple[str, str]:
    found = [(m.value, m.delta) for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}: {[m.label for m in at.metric]}"
    return found[0]


def texts(at: AppTest) -> str:
    kinds = (at.markdown, at.info, at.success, at.error, at.warning, at.caption, at.subheader)
    return "\n".join(str(e.value) for kind in kinds for e in kind)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hm_demo")
    demo.build(Store(path), provinces=["33", "34"])
    return path


@pytest.fixture(scope="module")
def risiko_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hm_risiko")
    build_risiko(Store(path))
    return path


@pytest.fixture(scope="module")
def hari_h_dir(tmp_path_factory) -> Path:
    """The same reports, with Pilkada Sragen on the latest report date."""
    path = tmp_path_factory.mktemp("hm_hari_h")
    build_risiko(Store(path), calendar=False)
    calendar = pl.DataFrame({"nama": ["Pilkada Sragen"], "tanggal": ["2024-01-15"], "cakupan": ["33.14"],
                             "target_persen": ["98"]})
    ingest_frame(Store(path), "pemilu", calendar, "kalender.csv", replace=True)
    return path


@pytest.fixture(scope="module")
def lewat_dir(tmp_path_factory) -> Path:
    """A report after the last election of the built-in calendar (Pilkada 2024, 27 November 2024)."""
    path = tmp_path_factory.mktemp("hm_lewat")
    ingest_frame(Store(path), "rekam", rekam_frame("2024-12-10", [("33.14.01", 1000, 990)]), "x.csv")
    return path


@pytest.fixture(scope="module")
def kalender_dir(tmp_path_factory) -> Path:
    """An initialised store whose only content is an election calendar."""
    path = tmp_path_factory.mktemp("hm_kalender")
    calendar = pl.DataFrame({"nama": ["Pemilu 2029"], "tanggal": ["2029-02-14"], "target_persen": ["98"]})
    ingest_frame(Store(path), "pemilu", calendar, "kalender.csv")
    return path


def test_demo_province_matches_the_query_layer(demo_dir, monkeypatch):
    at = open_page(monkeypatch, demo_dir, wilayah="34")
    c = run_query(Store(demo_dir), "hitung_mundur", {"wilayah": "34"}).row(0, named=True)
    big = at.markdown[[i for i, m in enumerate(at.markdown) if "font-size" in m.value][0]].value
    assert fmt.hitung_mundur(c["hari_tersisa"]) in big and c["nama_pemilu"] in big
    assert fmt.hari(c["tanggal_pemilu"]) in big
    assert metric(at, "Hari kerja tersisa")[0] == fmt.jumlah(c["hari_kerja_tersisa"], "hari")
    assert metric(at, "Belum rekam")[0] == fmt.angka(c["belum_rekam"])
    assert metric(at, "Proyeksi cakupan Hari H")[0] == fmt.persen(c["proyeksi_persen"])
    assert metric(at, "Laju 14 hari terakhir")[0] == fmt.jumlah(c["laju_harian"], "orang/hari")
    assert metric(at, "Laju yang dibutuhkan")[0] == fmt.jumlah(c["kebutuhan_harian"], "orang/hari")
    assert metric(at, "Cakupan saat ini")[0] == fmt.persen(c["persen_rekam"])
    hasil = proyeksi.pencapaian_target(c["sudah_rekam"], c["wajib_ktp"], c["target_persen"], c["laju_harian"],
                                       c["tanggal"], c["tanggal_pemilu"])
    vonis = proyeksi.vonis_laju(c["laju_harian"], c["kebutuhan_harian"])
    expected = hasil.teks(c["target_persen"], c["tanggal_pemilu"])
    if hasil.status != proyeksi.SUDAH:
        expected = f"**{vonis.teks}** {expected}"
    assert expected in [e.value for kind in (at.success, at.error, at.info) for e in kind]
    assert len(at.get("plotly_chart")) == 1
    risk = run_query(Store(demo_dir), "risiko_anak", {"wilayah": "34"}).filter(pl.col("selisih_target") < 0)
    if risk.height:
        table = at.dataframe[0].value
        assert table["Wilayah"].tolist() == risk["nama_wilayah"].to_list()
        assert table["Proyeksi Hari H"].tolist() == [fmt.persen(v) for v in risk["proyeksi_persen"]]
    else:
        assert "diproyeksikan mencapai target" in texts(at)
    assert "DATA DEMO" in texts(at)


def test_hand_computed_countdown_verdict_and_risk(risiko_dir, monkeypatch):
    at = open_page(monkeypatch, risiko_dir, wilayah="33.14", tanggal="2024-01-15")
    text = texts(at)
    assert "H-10" in text and "Pilkada Sragen" in text and "Kamis, 25 Januari 2024" in text
    assert metric(at, "Hari kerja tersisa")[0] == "7 hari"
    assert metric(at, "Belum rekam") == ("317", "245 lagi untuk target")
    assert metric(at, "Proyeksi cakupan Hari H") == ("94,83%", "−3,17 poin dari target 98,00%")
    assert metric(at, "Laju 14 hari terakhir")[0] == "13 orang/hari"
    assert metric(at, "Laju yang dibutuhkan")[0] == "25 orang/hari"
    assert [e.value for e in at.error] == [
        "**Laju saat ini tidak cukup: perlu 1,9x lebih cepat.** "
        "Pada laju ini target 98,00% tidak tercapai sebelum hari pemilu."]
    # the at-risk kecamatan from tests/test_query_risiko.py, largest gap first; Kedawung (99%) is not at risk
    table = at.dataframe[0].value
    assert table[RISIKO_COLUMNS].values.tolist() == [
        ["Masaran", "80,00%", "80,00%", "−18,00 poin", "90"],
        ["Kalijambe", "87,00%", "92,00%", "−6,00 poin", "60"],
        ["Plupuh", "95,70%", "96,20%", "−1,80 poin", "36"],
    ]
    assert "3 dari 4 kecamatan" in text


def test_url_date_is_honoured_and_no_pace_without_older_data(risiko_dir, monkeypatch):
    # as of 1 January: H-24, 3100 / 3500 = 88,57%, nothing reported 14 days before
    at = open_page(monkeypatch, risiko_dir, wilayah="33.14", tanggal="2024-01-01")
    assert "H-24" in texts(at)
    assert metric(at, "Cakupan saat ini")[0] == "88,57%"
    assert metric(at, "Laju 14 hari terakhir")[0] == "–"
    assert "Laju belum dapat dihitung" in at.info[0].value
    assert at.query_params["tanggal"] == "2024-01-01"


def test_election_without_target(risiko_dir, monkeypatch):
    at = open_page(monkeypatch, risiko_dir, wilayah="33.13")
    assert "Pilkada Karanganyar" in texts(at)
    assert metric(at, "Proyeksi cakupan Hari H")[1] == "tanpa target"
    assert "belum punya target" in texts(at)
    assert not at.dataframe
    assert len(at.get("plotly_chart")) == 1


def test_hari_h(hari_h_dir, monkeypatch):
    at = open_page(monkeypatch, hari_h_dir, wilayah="33.14")
    assert "Hari H" in texts(at)
    assert metric(at, "Hari kerja tersisa")[0] == "0 hari"
    assert metric(at, "Proyeksi cakupan Hari H")[0] == "91,19%"  # today's coverage: 3283 / 3600
    assert "Tidak ada hari tersisa" in at.info[0].value


def test_no_election_ahead_points_to_the_calendar(lewat_dir, monkeypatch):
    at = open_page(monkeypatch, lewat_dir, wilayah="33.14")
    assert "Belum ada pemilu terjadwal" in at.info[0].value
    assert "Status data" in at.info[0].value
    assert [link.label for link in at.get("page_link")] == ["Buka kalender pemilu (Status data)"]


def test_calendar_only_store(kalender_dir, monkeypatch):
    at = open_page(monkeypatch, kalender_dir)
    assert at.info and "Belum ada data" in at.info[0].value


def test_region_without_reports(risiko_dir, monkeypatch):
    at = open_page(monkeypatch, risiko_dir, wilayah="33.14.01.2001")
    assert "Belum ada laporan perekaman untuk Keden" in texts(at)
