"""Status data page in AppTest: figures equal the query layer, URL period, calendar, and the upload form.

The upload goes through the real page: `file_uploader.set_value`, then the 'Periksa saja' or
'Simpan' button, against a real store in a temporary directory.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pantau import demo, fmt
from pantau.ingest import ingest_file, ingest_frame
from pantau.queries import run_query
from pantau.store import Store
from tests.apptest import open_dashboard

REPO = Path(__file__).resolve().parent.parent
PAGE = "pages/status-data.py"
START = demo.DEMO_END - timedelta(days=40)
REKAM_CSV = (
    b"tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n"
    b"2024-11-20,34.01.01,1000,900\n"
    b"2024-11-20,34.01.02,2000,2050\n"  # above 100%: a warning, still saved
)
BAD_CSV = b"tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n2024-11-20,34.01.01,1000,abc\n"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("status")
    store = Store(path)
    for level, province in (("kecamatan", "33"), ("desa", "34")):
        frame = pl.concat(list(demo.generate_rekam(level, start=START, provinces=[province])))
        ingest_frame(store, "rekam", frame, f"demo-{level}-{province}")
    (path / "DEMO").write_text("data demo untuk pengujian\n", encoding="utf-8")
    return path


def calendar_only(path: Path) -> Path:
    """A data directory whose only content is an uploaded election calendar."""
    csv = path / "kalender.csv"
    csv.write_text("nama,tanggal,cakupan,target_persen\nPilkada Sleman 2029,2029-11-28,34.04,97.5\n",
                   encoding="utf-8")
    ingest_file(Store(path / "data"), "pemilu", csv)
    return path / "data"


def open_page(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **query: str) -> AppTest:
    at = open_dashboard(monkeypatch, data_dir, PAGE, **query)
    assert not at.exception, at.exception[0].message
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in (at.markdown, at.info, at.caption, at.success, at.subheader)
                     for e in kind)


def url(at: AppTest, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def test_directory_version_and_demo_notice(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir)
    assert at.title[0].value == "Status data"
    assert f"`{data_dir.resolve()}`" in texts(at)
    assert f"versi data `{Store(data_dir).current_version()}`" in texts(at)
    assert any("DATA DEMO" in i.value for i in at.info)
    assert [t.label for t in at.tabs] == ["Snapshot", "Kelengkapan laporan", "Peringatan", "Kalender pemilu",
                                          "Unggah data", "Riwayat perubahan"]


def test_snapshot_and_completeness_figures_equal_the_queries(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="33")
    store = Store(data_dir)
    tanggal = demo.DEMO_END
    laporan = run_query(store, "laporan_harian", {"wilayah": "33", "dari": tanggal - timedelta(days=89),
                                                  "sampai": tanggal})
    shown = metrics(at)
    assert shown["Tanggal laporan dalam periode"] == fmt.angka(laporan.height)
    latest = laporan.row(0, named=True)
    assert shown[f"Kecamatan melapor {fmt.tanggal_pendek(latest['tanggal'])}"] == fmt.angka(latest["kecamatan_melapor"])
    assert shown[f"Kab/kota melapor {fmt.tanggal_pendek(latest['tanggal'])}"] == fmt.angka(latest["kabkota_melapor"])
    kualitas = run_query(store, "kualitas", {"wilayah": "33", "tingkat": "kabkota"})
    assert shown["Kecamatan"] == fmt.angka(kualitas["unit_total"].sum())
    assert shown["Tertinggal (> 7 hari)"] == fmt.angka(kualitas["unit_tertinggal"].sum())
    assert shown["Belum pernah melapor"] == fmt.angka(kualitas["unit_belum_pernah"].sum())
    tables = {tuple(d.value.columns): d.value for d in at.dataframe}
    kualitas_table = next(v for k, v in tables.items() if "unit_tertinggal" in k)
    assert kualitas_table["kode_wilayah"].tolist() == kualitas["kode_wilayah"].to_list()
    chart = at.get("plotly_chart")
    assert len(chart) == 1


def test_warnings_grouped_by_kind_and_region(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="33")
    store = Store(data_dir)
    period = {"wilayah": "33", "dari": demo.DEMO_END - timedelta(days=89), "sampai": demo.DEMO_END}
    ringkas = run_query(store, "peringatan_ringkas", period)
    assert ringkas.height, "the fixture has coverage above 100%: warnings are expected"
    frames = [d.value for d in at.dataframe]
    by_kind = next(f for f in frames if "wilayah" in f.columns and "jenis_peringatan" in f.columns)
    assert by_kind["jumlah"].sum() == ringkas["jumlah"].sum()
    assert set(by_kind["jenis_peringatan"]) == set(ringkas["jenis_peringatan"].to_list())
    assert not any(ch.isdigit() for kind in by_kind["jenis_peringatan"] for ch in kind)
    latest = next(f for f in frames if "aturan" in f.columns)
    every = run_query(store, "peringatan", period)
    assert len(latest) == min(200, every.height)
    assert f"{fmt.angka(len(latest))} peringatan terbaru" in texts(at)
    assert latest["tanggal"].iloc[0].date() == every["tanggal"].max()


def test_url_period_is_honoured_and_written_back(monkeypatch, data_dir):
    dari, sampai = date(2024, 11, 10), date(2024, 11, 15)
    at = open_page(monkeypatch, data_dir, dari=dari.isoformat(), sampai=sampai.isoformat())
    laporan = run_query(Store(data_dir), "laporan_harian", {"wilayah": "", "dari": dari, "sampai": sampai})
    assert metrics(at)["Tanggal laporan dalam periode"] == fmt.angka(laporan.height)
    assert at.date_input(key=f"status_periode_{demo.DEMO_END}").value == (dari, sampai)
    at.date_input(key=f"status_periode_{demo.DEMO_END}").set_value(
        (demo.DEMO_END - timedelta(days=89), demo.DEMO_END)).run()
    assert url(at, "dari") is None and url(at, "sampai") is None


def test_calendar_lists_every_election_and_marks_the_regions(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="34")
    calendar = next(d.value for d in at.dataframe if "nama_cakupan" in d.value.columns)
    expected = run_query(Store(data_dir), "kalender_lengkap", {"wilayah": "34"})
    assert calendar["nama"].tolist() == expected.sort("tanggal", "nama")["nama"].to_list()
    concerning = run_query(Store(data_dir), "kalender_pemilu", {"wilayah": "34"})["nama"].to_list()
    assert calendar[calendar["berlaku"]]["nama"].tolist() == concerning
    pilkada = calendar[calendar["nama"] == "Pilkada 2024"].iloc[0]
    assert pilkada["hitung_mundur"] == "H-7" and pilkada["tanggal"] == "27 November 2024"


def test_a_village_reports_through_its_kecamatan(monkeypatch, data_dir):
    at = open_page(monkeypatch, data_dir, wilayah="34.04.01.2001")
    kualitas = run_query(Store(data_dir), "kualitas", {"wilayah": "34.04.01", "tingkat": "kecamatan"})
    assert metrics(at)["Kecamatan"] == fmt.angka(kualitas["unit_total"].sum()) == "1"


def test_calendar_only_store_then_upload_check_and_save(monkeypatch, tmp_path):
    data_dir = calendar_only(tmp_path)
    at = open_page(monkeypatch, data_dir)
    assert any("Belum ada laporan perekaman" in i.value for i in at.info)
    calendar = next(d.value for d in at.dataframe)
    assert "Pilkada Sleman 2029" in calendar["nama"].tolist()
    assert calendar["berlaku"].all()  # seen from Indonesia every scope is inside
    version = Store(data_dir).current_version()

    at.file_uploader(key="unggah_berkas").set_value(("laporan.csv", REKAM_CSV, "text/csv"))
    at.run()
    at.button(key="unggah_periksa").click().run()
    assert not at.exception
    assert any(i.value.startswith("laporan.csv: 2 baris rekam valid (tidak disimpan)") for i in at.info)
    assert any("melebihi wajib_ktp" in w.value for w in at.warning)
    assert Store(data_dir).current_version() == version

    at.button(key="unggah_simpan").click().run()
    assert not at.exception, at.exception[0].message
    new_version = Store(data_dir).current_version()
    assert new_version != version
    assert any("2 baris rekam disimpan" in s.value and new_version in s.value for s in at.success)
    # the caches were cleared: the page now shows the new data and version
    assert f"versi data `{new_version}`" in texts(at)
    assert metrics(at)["Tanggal laporan dalam periode"] == "1"
    assert metrics(at)["Kecamatan melapor 20 Nov 2024"] == "2"
    assert "Data per 20 November 2024" in texts(at)


def test_after_saving_a_newer_snapshot_the_view_follows_the_latest_date(monkeypatch, tmp_path):
    data_dir = calendar_only(tmp_path)
    at = open_page(monkeypatch, data_dir)
    at.file_uploader(key="unggah_berkas").set_value(("laporan.csv", REKAM_CSV, "text/csv"))
    at.run()
    at.button(key="unggah_simpan").click().run()
    assert at.date_input(key="tanggal_dipilih").value == date(2024, 11, 20)
    newer = REKAM_CSV.replace(b"2024-11-20", b"2024-11-21")
    at.file_uploader(key="unggah_berkas").set_value(("laporan_21.csv", newer, "text/csv"))
    at.run()
    at.button(key="unggah_simpan").click().run()
    assert not at.exception and at.success, [e.value for e in at.error]
    assert at.date_input(key="tanggal_dipilih").value == date(2024, 11, 21)
    assert "Data per 21 November 2024" in texts(at)
    assert url(at, "tanggal") is None  # still 'the latest', not pinned to a date


def test_rejected_upload_shows_every_error_and_writes_nothing(monkeypatch, tmp_path):
    data_dir = calendar_only(tmp_path)
    at = open_page(monkeypatch, data_dir)
    version = Store(data_dir).current_version()
    at.file_uploader(key="unggah_berkas").set_value(("salah.csv", BAD_CSV, "text/csv"))
    at.run()
    at.button(key="unggah_simpan").click().run()
    assert not at.exception
    assert at.error and at.error[0].value.startswith("Berkas ditolak, tidak ada data yang disimpan (1 kesalahan):")
    assert "salah.csv, baris 2, kolom 'sudah_rekam', nilai 'abc'" in at.error[0].value
    assert Store(data_dir).current_version() == version


def test_snapshot_date_and_replace_reach_the_ingest(monkeypatch, tmp_path):
    data_dir = calendar_only(tmp_path)
    at = open_page(monkeypatch, data_dir)
    no_date = b"kode_wilayah,wajib_ktp,sudah_rekam\n34.01.03,500,450\n"
    at.file_uploader(key="unggah_berkas").set_value(("tanpa_tanggal.csv", no_date, "text/csv"))
    at.date_input(key="unggah_tanggal").set_value(date(2024, 11, 19))
    at.run()
    at.button(key="unggah_simpan").click().run()
    assert any("tanggal 2024-11-19" in s.value for s in at.success), [e.value for e in at.error]
    at.button(key="unggah_simpan").click().run()
    assert at.error and "sudah tersimpan" in at.error[0].value
    at.checkbox(key="unggah_ganti").check().run()
    at.button(key="unggah_simpan").click().run()
    assert any("1 unit diganti" in s.value for s in at.success), [e.value for e in at.error]
    assert Store(data_dir).read_kind("rekam")["tanggal"].to_list() == [date(2024, 11, 19)]
