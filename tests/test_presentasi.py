"""Presentation mode (`?presentasi=1`) in AppTest: slides from pantau.slides, URL slide number and
auto-advance with hostile values, buttons, the way in from Ringkasan and the way out.

The data directory holds the demo for DI Yogyakarta (34), reports up to 20 November 2024.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pantau import demo, slides, ui
from pantau.queries import Database
from pantau.store import Store
from tests.apptest import REPO, open_dashboard

COUNTER = re.compile(r"data-testid='pres-counter'>(\d+) / (\d+)<")
KEY = re.compile(r"data-testid='pres-title' data-key='([a-z_]+)'>([^<]*)<")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("presentasi_demo")
    demo.build(Store(path), provinces=["34"])
    return path


@pytest.fixture(scope="module")
def deck(data_dir: Path) -> list[slides.Slide]:
    return slides.build_slides(Database(Store(data_dir)), "34", demo.DEMO_END, None)


def present(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **query: str) -> AppTest:
    monkeypatch.setenv("PANTAU_DATA_DIR", str(data_dir))
    if ui.database().store.data_dir.resolve() != data_dir.resolve():
        st.cache_resource.clear()
        st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.query_params["presentasi"] = "1"
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def html_text(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def position(at: AppTest) -> tuple[int, int, str, str]:
    """(slide number, slide count, slide key, title) as drawn."""
    text = html_text(at)
    number, count = COUNTER.search(text).groups()
    key, title = KEY.search(text).groups()
    return int(number), int(count), key, title


def test_first_slide_full_screen_without_sidebar(monkeypatch, data_dir, deck):
    at = present(monkeypatch, data_dir, wilayah="34")
    assert position(at) == (1, len(deck), "cakupan", deck[0].title)
    text = html_text(at)
    assert deck[0].headline in text
    assert "DATA DEMO</span>" in text  # the badge
    assert "data per 20 November 2024" in text
    assert '[data-testid="stSidebar"]' in text  # the CSS that hides the sidebar and header
    assert len(at.sidebar) == 0  # no region picker, no navigation
    assert not at.get("title")  # the normal page did not run
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("raw, expected", [("3", 3), ("6", 6), ("1", 1)])
def test_slide_from_the_url(monkeypatch, data_dir, deck, raw, expected):
    at = present(monkeypatch, data_dir, wilayah="34", slide=raw)
    number, count, key, _ = position(at)
    assert (number, key) == (expected, deck[expected - 1].key)


@pytest.mark.parametrize(
    "raw, expected",
    [("0", 1), ("-2", 1), ("abc", 1), ("2.5", 1), ("99", 6), ("9" * 40, 1), ("<script>alert(1)</script>", 1), ("", 1)],
)
def test_hostile_slide_values_fall_back(monkeypatch, data_dir, raw, expected):
    at = present(monkeypatch, data_dir, wilayah="34", slide=raw)
    assert position(at)[0] == expected
    assert "<script>" not in html_text(at)


@pytest.mark.parametrize(
    "raw, seconds", [("30", 30), ("1", 5), ("99999", 3600), ("abc", None), ("-5", None), ("0", None), ("1e9", None)]
)
def test_auto_advance_seconds_are_clamped(monkeypatch, data_dir, raw, seconds):
    at = present(monkeypatch, data_dir, wilayah="34", otomatis=raw)
    text = html_text(at)
    if seconds is None:
        assert "berganti otomatis" not in text
    else:
        assert f"berganti otomatis tiap {seconds} detik" in text


def test_buttons_walk_the_deck_and_write_the_url(monkeypatch, data_dir, deck):
    at = present(monkeypatch, data_dir, wilayah="34")
    assert at.button(key="pres_sebelumnya").disabled
    for expected in range(2, len(deck) + 1):
        at.button(key="pres_berikutnya").click().run()
        assert position(at)[:3] == (expected, len(deck), deck[expected - 1].key)
        assert at.query_params["slide"] == str(expected)
    assert at.button(key="pres_berikutnya").disabled
    at.button(key="pres_sebelumnya").click().run()
    assert position(at)[0] == len(deck) - 1
    at.button(key="pres_pagedown").click().run()  # what a clicker sends, hidden from view
    assert position(at)[0] == len(deck)
    at.button(key="pres_pageup").click().run()
    assert position(at)[0] == len(deck) - 1


def test_date_and_banding_from_the_url(monkeypatch, data_dir):
    at = present(monkeypatch, data_dir, wilayah="34", tanggal="2024-11-13", banding="2024-11-01", slide="6")
    number, _, key, title = position(at)
    assert key == "perubahan" and title == "Perubahan sejak 1 November 2024"
    assert "data per 13 November 2024" in html_text(at)


@pytest.mark.parametrize("banding", ["2024-11-20", "2030-01-01", "kemarin"])
def test_banding_not_before_tanggal_is_a_week_earlier(monkeypatch, data_dir, banding):
    at = present(monkeypatch, data_dir, wilayah="34", banding=banding, slide="6")
    assert position(at)[3] == "Perubahan sejak 13 November 2024"


def test_unknown_region_is_ignored_with_a_message(monkeypatch, data_dir):
    at = present(monkeypatch, data_dir, wilayah="99.99")
    assert "Wilayah di tautan diabaikan" in at.warning[0].value
    assert "Indonesia · data per" in html_text(at)


def test_kecamatan_without_village_reports_has_no_lowest_slide(monkeypatch, data_dir):
    # Tegalrejo, Kota Yogyakarta: the demo reports per kecamatan, so none of its villages is ranked
    at = present(monkeypatch, data_dir, wilayah="34.71.01", slide="99")
    number, count, key, _ = position(at)
    assert key == "perubahan" and number == count
    at = present(monkeypatch, data_dir, wilayah="34.71.01", slide="2")
    assert position(at)[2] == "peringkat"
    assert "Laporan Tegalrejo tidak dirinci per desa/kelurahan" in html_text(at)


def test_exit_returns_to_the_normal_page(monkeypatch, data_dir):
    at = present(monkeypatch, data_dir, wilayah="34", slide="2")
    at.button(key="pres_keluar").click().run()
    assert not at.exception
    assert "presentasi" not in at.query_params and "slide" not in at.query_params
    assert at.query_params["wilayah"] == "34"
    assert at.title[0].value == "Ringkasan perekaman e-KTP"
    assert len(at.sidebar) > 0


def test_ringkasan_button_opens_the_mode_for_the_current_region(monkeypatch, data_dir, deck):
    at = open_dashboard(monkeypatch, data_dir, "pages/ringkasan.py", reuse_cache=True, wilayah="34")
    assert any("(?presentasi=1&wilayah=34)" in c.value for c in at.caption)  # the link for another tab
    at.button(key="mulai_presentasi").click().run()
    assert not at.exception
    assert at.query_params["presentasi"] == "1"
    assert position(at)[:3] == (1, len(deck), "cakupan")
