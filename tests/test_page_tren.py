"""The Tren cakupan page in the real frame (AppTest): compared regions, date range and view from the URL
and back into it, the projection to the next election, against the query layer on the demo and against
hand-computed numbers on the small store of tests/test_query_risiko.py.

Hand-computed for Sragen (33.14) as of 2024-01-15 (first report 2024-01-01: 3100 / 3500 = 88,57%):
    coverage 3283 / 3600 = 91,19%, +2,62 points since 1 January
    Pilkada Sragen on 25 January (H-10), pace 13,07 a day: (3283 + 130,7) / 3600 = 94,83% on election day;
    target 98%: 245 short at 13,07 a day = 19 days, 3 February: not before election day
"""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pantau import demo, fmt
from pantau.ingest import ingest_frame
from pantau.queries import run_query
from pantau.store import Store
from tests.apptest import open_dashboard
from tests.test_query_risiko import build_risiko, rekam_frame

REPO = Path(__file__).resolve().parent.parent
PAGE = "pages/tren.py"


def open_page(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **query: str) -> AppTest:
    at = open_dashboard(monkeypatch, data_dir, PAGE, **query)
    assert not at.exception, at.exception[0].message[:2000]
    assert at.title[0].value == "Tren cakupan perekaman"
    return at


def metric(at: AppTest, label: str) -> tuple[str, str]:
    found = [(m.value, m.delta) for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}: {[m.label for m in at.metric]}"
    return found[0]


def figure(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def values(column: list | dict) -> list:
    """A trace's x or y: plotly serialises numeric arrays as base64 typed arrays."""
    if isinstance(column, dict):
        return np.frombuffer(base64.b64decode(column["bdata"]), dtype=column["dtype"]).tolist()
    return column


def traces(at: AppTest) -> dict[str, dict]:
    return {t["name"]: {"x": values(t["x"]), "y": values(t["y"])} for t in figure(at)["data"]}


def vertical_lines(at: AppTest) -> list[str]:
    return [s["label"]["text"] for s in figure(at)["layout"].get("shapes", []) if s.get("yref") == "paper"]


def texts(at: AppTest) -> str:
    kinds = (at.markdown, at.info, at.success, at.error, at.warning, at.caption)
    return "\n".join(str(e.value) for kind in kinds for e in kind)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tren_demo")
    demo.build(Store(path), provinces=["33", "34"])
    return path


@pytest.fixture(scope="module")
def risiko_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tren_risiko")
    build_risiko(Store(path))
    return path


@pytest.fixture(scope="module")
def lewat_dir(tmp_path_factory) -> Path:
    """Two reports after the last election of the built-in calendar (27 November 2024): no projection."""
    path = tmp_path_factory.mktemp("tren_lewat")
    ingest_frame(Store(path), "rekam", rekam_frame("2024-12-01", [("33.14.01", 1000, 980)]), "a.csv")
    ingest_frame(Store(path), "rekam", rekam_frame("2024-12-10", [("33.14.01", 1000, 990)]), "b.csv")
    return path


@pytest.fixture(scope="module")
def kalender_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tren_kalender")
    calendar = pl.DataFrame({"nama": ["Pemilu 2029"], "tanggal": ["2029-02-14"], "target_persen": ["98"]})
    ingest_frame(Store(path), "pemilu", calendar, "kalender.csv")
    return path


def test_demo_with_compared_regions_from_the_url(demo_dir, monkeypatch):
    at = open_page(monkeypatch, demo_dir, wilayah="34", pembanding="34.71,34.04", dari="2024-06-01")
    assert at.multiselect[0].value == ["34.71", "34.04"]
    assert [d.value for d in at.date_input if d.label in ("Dari", "Sampai")] == [date(2024, 6, 1), date(2024, 11, 20)]
    rows = run_query(Store(demo_dir), "tren", {"wilayah": "34", "dari": "2024-06-01", "sampai": "2024-11-20"})
    now = run_query(Store(demo_dir), "ringkasan", {"wilayah": "34"}).row(0, named=True)
    c = run_query(Store(demo_dir), "hitung_mundur", {"wilayah": "34"}).row(0, named=True)
    assert rows["persen_rekam"][-1] == now["persen_rekam"]
    value, delta = metric(at, "Cakupan per 20 Nov 2024")
    assert value == fmt.persen(now["persen_rekam"])
    assert delta == f"{fmt.persen_poin(rows['persen_rekam'][-1] - rows['persen_rekam'][0])} sejak 1 Jun 2024"
    assert metric(at, "Laju 14 hari terakhir")[0] == fmt.jumlah(c["laju_harian"], "orang/hari")
    assert metric(at, f"Proyeksi Hari H {c['nama_pemilu']}")[0] == fmt.persen(c["proyeksi_persen"])
    lines = traces(at)
    assert list(lines) == ["Daerah Istimewa Yogyakarta", "Kota Yogyakarta", "Kabupaten Sleman", "Proyeksi"]
    assert lines["Daerah Istimewa Yogyakarta"]["y"][-1] == pytest.approx(now["persen_rekam"])
    # the projection joins today's point and ends on election day at the query's projected coverage
    assert lines["Proyeksi"]["x"][-1] == c["tanggal_pemilu"].isoformat()
    assert lines["Proyeksi"]["y"][-1] == pytest.approx(c["proyeksi_persen"], abs=0.02)
    assert vertical_lines(at) == ["Pilkada 2024"]
    assert at.query_params["pembanding"] == "34.71,34.04" and at.query_params["dari"] == "2024-06-01"
    assert "sampai" not in at.query_params, "the default end (the as-of date) stays out of the URL"


def test_widgets_write_the_url(risiko_dir, monkeypatch):
    at = open_page(monkeypatch, risiko_dir, wilayah="33.14")
    assert at.multiselect[0].value == []
    assert {"pembanding", "dari", "sampai", "tampilan"}.isdisjoint(at.query_params)
    options = at.multiselect[0].options
    assert options[:2] == ["Indonesia", "Jawa Tengah"], "ancestors first, then siblings and children"
    assert "Kabupaten Karanganyar" in options and "Kalijambe (kecamatan)" in options
    at.multiselect[0].select("").select("33.13").run()
    assert at.query_params["pembanding"] == "nasional,33.13"
    at.radio[0].set_value("jumlah").run()
    assert at.query_params["tampilan"] == "jumlah"
    assert figure(at)["layout"]["title"]["text"] == "<b>Sudah dan belum rekam e-KTP</b>"
    at.date_input(key="tren_dari_33.14_2024-01-15").set_value(date(2024, 1, 5)).run()
    assert at.query_params["dari"] == "2024-01-05"
    assert not at.exception
    names = {t["name"] for t in figure(at)["data"]}
    assert names == {f"{region}: {what}" for region in ("Kabupaten Sragen", "Indonesia", "Kabupaten Karanganyar")
                     for what in ("sudah rekam", "belum rekam")}


def test_hand_computed_projection(risiko_dir, monkeypatch):
    at = open_page(monkeypatch, risiko_dir, wilayah="33.14", pembanding="nasional")
    assert metric(at, "Cakupan per 15 Jan 2024") == ("91,19%", "+2,62 poin sejak 1 Jan 2024")
    assert metric(at, "Laju 14 hari terakhir")[0] == "13 orang/hari"
    assert metric(at, "Proyeksi Hari H Pilkada Sragen") == ("94,83%", "−3,17 poin dari target")
    assert metric(at, "Target tercapai") == ("Tidak tercapai", "sebelum Hari H")
    assert "Pada laju ini target 98,00% tidak tercapai sebelum hari pemilu." in texts(at)
    lines = traces(at)
    assert list(lines) == ["Kabupaten Sragen", "Indonesia", "Proyeksi"]
    # today's point, then 16 .. 25 January at (3283 + 13,07 k) / 3600
    assert lines["Proyeksi"]["x"][0] == "2024-01-15" and lines["Proyeksi"]["x"][-1] == "2024-01-25"
    assert lines["Proyeksi"]["y"][:2] == pytest.approx([91.19, 91.56])
    assert lines["Proyeksi"]["y"][-1] == pytest.approx(94.83)
    # Pilkada Sragen is drawn, Pemilu Uji (1 March) lies beyond the projection
    assert vertical_lines(at) == ["Pilkada Sragen"]
    target = [s for s in figure(at)["layout"]["shapes"] if s.get("xref") == "paper"]
    assert [s["y0"] for s in target] == [98.0]


def test_reached_target_date(risiko_dir, monkeypatch):
    # Kalijambe (inside Sragen, so Pilkada Sragen on 25 January): 870 / 1000 at 5 a day needs 110 more,
    # 22 days -> 6 February: too late
    at = open_page(monkeypatch, risiko_dir, wilayah="33.14.01")
    assert metric(at, "Target tercapai") == ("Tidak tercapai", "sebelum Hari H")
    # Kedawung: 99 / 100 is above 98%
    at = open_page(monkeypatch, risiko_dir, wilayah="33.14.04")
    assert metric(at, "Target tercapai")[0] == "Sudah tercapai"


def test_range_before_any_data(risiko_dir, monkeypatch):
    at = open_page(monkeypatch, risiko_dir, wilayah="33.14", dari="2023-01-01", sampai="2023-06-01")
    assert "Belum ada laporan perekaman antara 1 Januari 2023 dan 1 Juni 2023" in at.info[0].value
    assert not at.get("plotly_chart")


def test_bad_codes_in_the_url_are_ignored(risiko_dir, monkeypatch):
    at = open_page(monkeypatch, risiko_dir, wilayah="33.14", pembanding="99.99,abc,33.13,33.14,33.13")
    assert len(at.warning) == 2
    assert at.multiselect[0].value == ["33.13"]
    assert at.query_params["pembanding"] == "33.13"


def test_no_election_ahead(lewat_dir, monkeypatch):
    at = open_page(monkeypatch, lewat_dir, wilayah="33.14.01")
    assert metric(at, "Cakupan per 10 Des 2024") == ("99,00%", "+1,00 poin sejak 1 Des 2024")
    assert "Proyeksi" not in traces(at)
    assert "Belum ada pemilu terjadwal" in texts(at)


def test_calendar_only_store(kalender_dir, monkeypatch):
    at = open_page(monkeypatch, kalender_dir)
    assert at.info and "Belum ada data" in at.info[0].value
