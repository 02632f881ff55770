"""Produksi cetak in AppTest: the cards equal the query layer, URL range, threshold warning, empty data.

The data directory holds the demo for Jawa Tengah (33) and DI Yogyakarta (34); the print log is kept
per kabupaten/kota. Expected figures come from `run_query` and `pantau.cetak`, formatted with pantau.fmt.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pantau import cetak, demo, fmt
from pantau.ingest import ingest_file, ingest_frame
from pantau.queries import Database
from pantau.store import Store
from tests.apptest import open_dashboard

REPO = Path(__file__).resolve().parent.parent
PAGE = "pages/cetak.py"
LATEST = demo.DEMO_END


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cetak_demo")
    demo.build(Store(path), provinces=["33", "34"])
    return path


@pytest.fixture(scope="module")
def rekam_only_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Recording reports for DI Yogyakarta, no print log at all."""
    path = tmp_path_factory.mktemp("tanpa_cetak")
    frame = pl.concat(list(demo.generate_rekam(start=LATEST - timedelta(days=30), provinces=["34"])))
    ingest_frame(Store(path), "rekam", frame, "rekam-34")
    return path


@pytest.fixture(scope="module")
def calendar_only_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kalender_saja")
    csv = path.parent / "kalender_cetak.csv"
    csv.write_text("nama,tanggal,target_persen\nPemilu 2029,2029-02-14,98\n", encoding="utf-8")
    ingest_file(Store(path), "pemilu", csv)
    return path


_DATABASES: dict[Path, Database] = {}


def query(data_dir: Path, name: str, **params) -> pl.DataFrame:
    if data_dir not in _DATABASES:
        _DATABASES[data_dir] = Database(Store(data_dir))
    return _DATABASES[data_dir].run(name, params).rows


def open_page(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **params: str) -> AppTest:
    at = open_dashboard(monkeypatch, data_dir, PAGE, reuse_cache=True, **params)
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, at.exception[0].message
    assert at.title and at.title[0].value == "Produksi cetak e-KTP"


def metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.proto.delta or None) for m in at.metric}


def url(at: AppTest, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def range_input(at: AppTest):
    return next(d for d in at.date_input if d.key.startswith("cetak_rentang"))


def charts(at: AppTest) -> list[str]:
    return [c.key for c in at.get("plotly_chart")]


def expected(data_dir: Path, code: str, dari: date, sampai: date, threshold: int = 14):
    log = cetak.complete_days(query(data_dir, "cetak_harian", wilayah=code, dari=dari, sampai=sampai))
    stocks = query(data_dir, "blangko_wilayah", wilayah=code, tanggal=sampai)
    return cetak.summarise(log), cetak.total_cover(stocks), cetak.blangko_cover(stocks, threshold, sampai)


def test_province_cards_equal_the_query_layer(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="33")
    dari, sampai = LATEST - timedelta(days=89), LATEST
    summary, cover, _ = expected(data_dir, "33", dari, sampai)
    shown = metrics(at)
    assert shown[f"Tercetak {fmt.tanggal(dari)} – {fmt.tanggal(sampai)}"][0] == fmt.jumlah(summary.tercetak, "keping")
    assert shown["Rata-rata 7 hari terakhir"][0] == f"{fmt.angka(summary.rata_7_hari)} keping/hari"
    assert shown["Rata-rata 7 hari terakhir"][1].startswith(
        fmt.selisih(summary.rata_7_hari - summary.rata_7_hari_sebelumnya))
    requests = f"{fmt.angka(summary.permohonan)} permohonan"
    assert shown["Permohonan vs tercetak"] == (fmt.selisih(summary.selisih), requests)
    assert shown["Stok blangko cukup untuk"] == (
        f"±{fmt.angka(int(cover.hari_cukup))} hari",
        f"{fmt.jumlah(cover.stok, 'keping')} per {fmt.tanggal_pendek(cover.tanggal_stok)}")
    assert charts(at) == ["cetak_harian", "permohonan", "layanan", "prr", "blangko"]
    assert url(at, "dari") is None and url(at, "sampai") is None, "the default range stays out of the URL"
    # one row per regency with a stock figure, shortest cover first
    table = at.dataframe[0].value
    stocks = query(data_dir, "blangko_wilayah", wilayah="33", tanggal=sampai)
    assert len(table) == stocks.height == 35
    covers = table["hari_cukup"].dropna().tolist()
    assert covers == sorted(covers)


def test_range_from_the_url_and_back(monkeypatch, data_dir):
    dari, sampai = date(2024, 9, 1), date(2024, 9, 30)
    at = open_page(monkeypatch, data_dir, wilayah="33.14", dari=dari.isoformat(), sampai=sampai.isoformat())
    summary, cover, _ = expected(data_dir, "33.14", dari, sampai)
    label = f"Tercetak {fmt.tanggal(dari)} – {fmt.tanggal(sampai)}"
    assert metrics(at)[label][0] == fmt.jumlah(summary.tercetak, "keping")
    assert range_input(at).value == (dari, sampai)
    assert (url(at, "dari"), url(at, "sampai")) == ("2024-09-01", "2024-09-30")
    assert not at.dataframe, "a single regency has no per-region stock table"

    range_input(at).set_value((date(2024, 10, 1), date(2024, 10, 31))).run()
    assert_ok(at)
    assert (url(at, "dari"), url(at, "sampai")) == ("2024-10-01", "2024-10-31")
    summary, _, _ = expected(data_dir, "33.14", date(2024, 10, 1), date(2024, 10, 31))
    assert metrics(at)["Tercetak 1 Oktober 2024 – 31 Oktober 2024"][0] == fmt.jumlah(summary.tercetak, "keping")


def test_threshold_warns_when_the_stock_runs_short(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="33.14")
    _, cover, _ = expected(data_dir, "33.14", LATEST - timedelta(days=89), LATEST)
    days = int(cover.hari_cukup)
    below = [w.value for w in at.warning if "hanya cukup" in w.value]
    assert bool(below) == (cover.hari_cukup < 14)
    at.number_input[0].set_value(days + 5).run()
    assert_ok(at)
    warning = next(w.value for w in at.warning if "hanya cukup" in w.value)
    assert f"Stok blangko Kabupaten Sragen hanya cukup ±{fmt.angka(days)} hari" in warning
    assert f"(batas {days + 5} hari)" in warning
    at.number_input[0].set_value(max(1, days - 1)).run()
    assert not [w for w in at.warning if "hanya cukup" in w.value]


def test_province_lists_regencies_below_the_threshold(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="33")
    _, _, table = expected(data_dir, "33", LATEST - timedelta(days=89), LATEST, threshold=30)
    at.number_input[0].set_value(30).run()
    low = table.filter(pl.col("di_bawah_batas"))
    assert low.height, "the demo has regencies with less than 30 days of blangko"
    warning = next(w.value for w in at.warning if "wilayah dengan stok di bawah 30 hari" in w.value)
    assert warning.startswith(f"**{fmt.angka(low.height)} wilayah")
    assert low["nama_wilayah"][0] in warning


def test_kecamatan_shows_its_regencys_print_log(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="33.14.10")
    assert any("Log cetak dicatat per kabupaten/kota" in i.value and "Kabupaten Sragen" in i.value for i in at.info)
    summary, _, _ = expected(data_dir, "33.14", LATEST - timedelta(days=89), LATEST)
    assert metrics(at)["Rata-rata 7 hari terakhir"][0] == f"{fmt.angka(summary.rata_7_hari)} keping/hari"
    assert "prr" in charts(at)


def test_a_date_before_any_data(monkeypatch, data_dir):
    first = query(data_dir, "laporan_harian", wilayah="33", dari="2015-01-01", sampai=LATEST)["tanggal"].min()
    before = first - timedelta(days=40)
    at = open_page(monkeypatch, data_dir, wilayah="33", tanggal=before.isoformat())
    period = f"{fmt.tanggal(before - timedelta(days=89))} – {fmt.tanggal(before)}"
    assert any(f"Belum ada log cetak untuk Jawa Tengah pada {period}" in i.value for i in at.info)
    assert any("Belum ada angka PRR" in i.value for i in at.info)
    assert not at.metric and not charts(at)


def test_recording_without_a_print_log(monkeypatch, rekam_only_dir):
    at = open_page(monkeypatch, rekam_only_dir, wilayah="34")
    assert any("Belum ada log cetak untuk Daerah Istimewa Yogyakarta" in i.value for i in at.info)
    assert charts(at) == ["prr"] or any("PRR" in i.value for i in at.info)
    assert not at.metric


def test_store_with_only_a_calendar(monkeypatch, calendar_only_dir):
    at = open_page(monkeypatch, calendar_only_dir)
    assert at.info, "an empty store says so"
    assert not at.metric and not charts(at)


def test_charts_are_drawn_anew_when_new_data_changes_them(monkeypatch, tmp_path):
    """Figures are kept between reruns (ui.figure), but a new store version whose numbers differ
    shows them: the daily chart after a corrected print report for the last day."""
    store = Store(tmp_path)
    start = LATEST - timedelta(days=20)
    ingest_frame(store, "rekam", pl.concat(list(demo.generate_rekam(start=start, provinces=["34"]))), "rekam-34")
    log = pl.concat(list(demo.generate_cetak(start=start, provinces=["34"])))
    ingest_frame(store, "cetak", log, "cetak-34")
    at = open_dashboard(monkeypatch, tmp_path, PAGE, wilayah="34")
    assert_ok(at)
    before = at.get("plotly_chart")[charts(at).index("cetak_harian")].proto.spec
    assert at.run().get("plotly_chart")[charts(at).index("cetak_harian")].proto.spec == before

    last = log.filter(pl.col("tanggal") == LATEST).sort("kode_wilayah", "layanan").head(1)
    ingest_frame(store, "cetak", last.with_columns(tercetak=pl.col("tercetak") + 4321), "koreksi", replace=True)
    at.run()
    assert_ok(at)
    after = at.get("plotly_chart")[charts(at).index("cetak_harian")].proto.spec
    assert after != before
    total = query(tmp_path, "cetak_harian", wilayah="34", dari=LATEST, sampai=LATEST)
    tercetak = total.filter(pl.col("layanan") == "semua")["tercetak"][0]
    assert fmt.angka(tercetak) in after and fmt.angka(tercetak) not in before  # the last day's hover text
