"""Login and region scope through the real dashboard in AppTest: `at.secrets` turns login on, `at.user`
plays the identity provider's logged-in user, and a roles file in a temporary directory gives the roles.

Real DuckDB over real Parquet; the only spy wraps `Database.run` to prove no query ran before login.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pantau import audit, demo, regions, ui
from pantau.ingest import ingest_frame
from pantau.queries import Database
from pantau.store import Store

REPO = Path(__file__).resolve().parent.parent
START = demo.DEMO_END - timedelta(days=30)
AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "uji-bukan-rahasia-sungguhan-0123456789",
        "client_id": "pantau-uji",
        "client_secret": "uji",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}
ROLES = """
[[pengguna]]
email = "kadis@jateng.go.id"
peran = "provinsi"
wilayah = "33"

[[pengguna]]
email = "kadis@sragenkab.go.id"
peran = "kabkota"
wilayah = "33.14"

[[pengguna]]
email = "analis@kemendagri.go.id"
peran = "analis"

[[pengguna]]
email = "admin@kemendagri.go.id"
peran = "admin"
"""
PROVINSI, KABKOTA = "kadis@jateng.go.id", "kadis@sragenkab.go.id"
ANALIS, ADMIN = "analis@kemendagri.go.id", "admin@kemendagri.go.id"
YOGYA_NAMES = ("Kulon Progo", "Bantul", "Sleman", "Gunungkidul", "Yogyakarta")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A month of recording reports for Jawa Tengah (33) and DI Yogyakarta (34), the print log, and roles."""
    path = tmp_path_factory.mktemp("akses")
    store = Store(path)
    frame = pl.concat(list(demo.generate_rekam(start=START, provinces=["33", "34"])))
    ingest_frame(store, "rekam", frame, "demo-rekam", actor="demo")
    (path / "peran.toml").write_text(ROLES, encoding="utf-8")
    return path


def open_as(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, user: str | None, page: str = "pages/ringkasan.py", **query: str
) -> AppTest:
    """The dashboard with login on, as `user` (an e-mail; None = not logged in), on `page`."""
    monkeypatch.setenv("PANTAU_DATA_DIR", str(data_dir))
    monkeypatch.delenv("PANTAU_ROLES_FILE", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": True, "email": user, "name": user} if user else {"is_logged_in": False}
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    if user and page != "pages/ringkasan.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception[0].message
    return at


def shown_text(at: AppTest) -> str:
    """Every text the page shows, as one string (markdown, captions, metrics, alerts, tables)."""
    parts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader") for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [str(e.value) for kind in ("info", "warning", "error", "success") for e in at.get(kind)]
    for table in at.dataframe:
        parts.append(table.value.to_string() if hasattr(table.value, "to_string") else str(table.value))
    return "\n".join(parts)


@pytest.fixture
def query_log(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict]]:
    """Every query the dashboard runs (a spy that still runs the real query)."""
    calls: list[tuple[str, dict]] = []
    real_run = Database.run

    def spy(self, name, params=None):
        calls.append((name, dict(params or {})))
        return real_run(self, name, params)

    monkeypatch.setattr(Database, "run", spy)
    return calls


def test_unauthenticated_sees_the_login_screen_and_no_query_runs(monkeypatch, data_dir, query_log):
    at = open_as(monkeypatch, data_dir, None, wilayah="33")
    assert [b.label for b in at.button] == ["Masuk"]
    assert [t.value for t in at.title] == ["Pantau e-KTP"]
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox and not at.get("plotly_chart")
    assert query_log == []
    for page in ("pages/peringkat.py", "pages/status-data.py"):  # no page is even registered before login
        with pytest.raises(ValueError, match=r"Known pages: \['Masuk'\]"):
            at.switch_page(page)


def test_login_on_never_builds_the_demo(monkeypatch, tmp_path, query_log):
    empty = tmp_path / "kosong"
    empty.mkdir()
    (empty / "peran.toml").write_text(ROLES, encoding="utf-8")
    at = open_as(monkeypatch, empty, ADMIN)
    assert Store(empty).current_version() is None
    assert not (empty / "DEMO").exists()
    assert any(i.value.startswith("Belum ada data") for i in at.info)
    assert not at.get("status")  # no "building the demo" box either


def test_a_user_without_a_role_sees_a_message_and_no_data(monkeypatch, data_dir, query_log):
    at = open_as(monkeypatch, data_dir, "orang.lain@contoh.id")
    assert "belum diberi peran" in at.error[0].value
    assert [b.label for b in at.button] == ["Keluar"]
    assert not at.metric and not at.dataframe and query_log == []


def test_an_unverified_email_is_refused(monkeypatch, data_dir, query_log):
    monkeypatch.setenv("PANTAU_DATA_DIR", str(data_dir))
    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": True, "email": ADMIN, "email_verified": False}
    at.run()
    assert "terverifikasi" in at.error[0].value
    assert not at.metric and query_log == []


def test_a_broken_roles_file_is_named_and_shows_no_data(monkeypatch, data_dir, tmp_path, query_log):
    broken = tmp_path / "peran.toml"
    broken.write_text('[[pengguna]]\nemail = "kadis@jateng.go.id"\nperan = "gubernur"\n', encoding="utf-8")
    monkeypatch.setenv("PANTAU_ROLES_FILE", str(broken))
    monkeypatch.setenv("PANTAU_DATA_DIR", str(data_dir))
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": True, "email": PROVINSI}
    at.run()
    assert "gubernur" in at.error[0].value and str(broken) in at.error[0].value
    assert not at.metric and query_log == []


@pytest.mark.parametrize(
    ("user", "asked", "kept"),
    [
        (PROVINSI, "34.01", "33"),  # another province's regency: back to the own province
        (PROVINSI, "34", "33"),
        (PROVINSI, "", "33"),  # the national view is not the province head's detail either
        (PROVINSI, "33.14", "33.14"),  # below the own province: allowed
        (KABKOTA, "33.15", "33.14"),  # the neighbour regency
        (KABKOTA, "33", "33.14"),  # its own province as a whole
        (KABKOTA, "33.14.10", "33.14.10"),
    ],
)
def test_a_scoped_user_editing_the_url_gets_their_own_region_back(monkeypatch, data_dir, query_log, user, asked, kept):
    at = open_as(monkeypatch, data_dir, user, wilayah=asked)
    assert at.query_params["wilayah"] == [kept] or at.query_params["wilayah"] == kept
    changed = asked != kept
    assert any("hanya berhak melihat" in w.value for w in at.warning) is changed
    ran = {str(params.get("wilayah", "")) for _, params in query_log}
    assert ran and all(code == kept or code.startswith(kept + ".") for code in ran), ran
    if user == PROVINSI:
        text = shown_text(at)
        assert not any(name in text for name in YOGYA_NAMES), "data of DI Yogyakarta reached a Jawa Tengah head"


def test_the_picker_fixes_the_levels_above_the_users_region(monkeypatch, data_dir):
    at = open_as(monkeypatch, data_dir, KABKOTA)
    boxes = [(s.label, s.value, s.disabled) for s in at.sidebar.selectbox]
    assert boxes[:2] == [("Provinsi", "Jawa Tengah", True), ("Kabupaten/Kota", "Kabupaten Sragen", True)]
    assert boxes[2][0] == "Kecamatan" and not boxes[2][2]
    at.sidebar.text_input(key="cari_wilayah").input("Gemolong").run()  # a kecamatan of Sragen
    assert any("Gemolong" in b.label for b in at.sidebar.button)
    at.sidebar.text_input(key="cari_wilayah").input("Kulon Progo").run()
    assert not [b for b in at.sidebar.button if b.label != "Keluar"]


def test_a_province_head_sees_the_ranking_of_peer_provinces(monkeypatch, data_dir, query_log):
    at = open_as(monkeypatch, data_dir, PROVINSI, "pages/peringkat.py")
    rank = {m.label: m.value for m in at.metric}["Peringkat Jawa Tengah"]
    assert rank.endswith("dari 2")  # Jawa Tengah among the two provinces with data
    peers = [p for name, p in query_log if name == "peringkat" and p.get("wilayah") == ""]
    assert peers and all(p.get("tingkat") == "provinsi" for p in peers)
    table = next(
        t.value
        for t in at.dataframe
        if list(t.value.columns)[:2] == ["peringkat", "nama_wilayah"] and len(t.value) == len(regions.children(""))
    )  # every province of the master, those without data unranked
    ranked = table[table["peringkat"].notna()]
    assert sorted(ranked["nama_wilayah"]) == sorted([regions.name_of("33"), regions.name_of("34")])


def test_a_shared_trend_link_cannot_compare_with_another_province(monkeypatch, data_dir, query_log):
    at = open_as(monkeypatch, data_dir, PROVINSI, "pages/tren.py", pembanding="34,33.14")
    chooser = at.multiselect[0]
    assert "34" not in chooser.options and "34" not in chooser.value
    assert all("34" not in str(p.get("wilayah", "")).split(",") for _, p in query_log)


def test_the_query_layer_refuses_an_out_of_scope_region(monkeypatch, data_dir):
    """The last line of defence: a page that forgot the scope gets an error, not the data."""
    script = """
import streamlit as st
from pantau import ui
try:
    ui.query("ringkasan", wilayah="34", tanggal=None)
    st.write("BOCOR")
except ui.AccessError as exc:
    st.write(f"DITOLAK: {exc}")
st.write(ui.query("ringkasan", wilayah="33.14")["kode_wilayah"][0])
"""
    monkeypatch.setenv("PANTAU_DATA_DIR", str(data_dir))
    st.cache_resource.clear()
    at = AppTest.from_string(script, default_timeout=60)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": True, "email": PROVINSI}
    at.run()
    texts = [m.value for m in at.markdown]
    assert texts[0].startswith("DITOLAK: Data wilayah ini di luar wilayah Anda (Jawa Tengah)")
    assert texts[1] == "33.14"


@pytest.mark.parametrize(
    ("user", "upload", "log", "undo"),
    [(PROVINSI, False, False, False), (ANALIS, False, True, False), (ADMIN, True, True, True)],
)
def test_status_page_upload_log_and_undo_by_role(monkeypatch, data_dir, user, upload, log, undo):
    at = open_as(monkeypatch, data_dir, user, "pages/status-data.py")
    assert bool(at.get("file_uploader")) is upload
    assert any(b.key == "batal_terakhir" for b in at.button) is undo
    tables = [t.value for t in at.dataframe]
    has_log = any("versi_sesudah" in getattr(t, "columns", []) for t in tables)
    assert has_log is log


def test_an_admin_undoes_the_last_change_from_the_status_page(monkeypatch, tmp_path):
    path = tmp_path / "data"
    store = Store(path)
    frame = pl.concat(list(demo.generate_rekam(start=START, provinces=["34"])))
    ingest_frame(store, "rekam", frame.filter(pl.col("tanggal") < demo.DEMO_END), "awal", actor="demo")
    ingest_frame(store, "rekam", frame.filter(pl.col("tanggal") == demo.DEMO_END), "terakhir.csv", actor="operator")
    (path / "peran.toml").write_text(ROLES, encoding="utf-8")
    at = open_as(monkeypatch, path, ADMIN, "pages/status-data.py")
    button = next(b for b in at.button if b.key == "batal_terakhir")
    assert "terakhir.csv" in button.label
    button.click().run()
    assert not at.exception
    assert any("dibatalkan" in s.value for s in at.success)
    last = audit.entries(store)[-1]
    assert (last.aksi, last.oleh, last.membatalkan) == ("undo", ADMIN, "v000002")
    assert ui.database().latest_date() == demo.DEMO_END - timedelta(days=1)


def test_login_off_is_a_local_admin(monkeypatch, data_dir):
    monkeypatch.setenv("PANTAU_DATA_DIR", str(data_dir))
    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.query_params["wilayah"] = "34"
    at.run()
    at.switch_page("pages/status-data.py").run()
    assert at.query_params["wilayah"] in ("34", ["34"])
    assert at.get("file_uploader") and not any(b.label == "Keluar" for b in at.sidebar.button)


def test_an_upload_by_the_admin_is_logged_with_the_login_email_and_the_file_hash(monkeypatch, tmp_path):
    path = tmp_path / "data"
    store = Store(path)
    frame = pl.concat(list(demo.generate_rekam(start=START, provinces=["34"])))
    ingest_frame(store, "rekam", frame.filter(pl.col("tanggal") < demo.DEMO_END), "awal", actor="demo")
    (path / "peran.toml").write_text(ROLES, encoding="utf-8")
    report = b"tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n2024-11-20,34.01.01,1000,900\n"
    at = open_as(monkeypatch, path, ADMIN, "pages/status-data.py")
    at.radio(key="unggah_jenis").set_value("rekam")
    at.file_uploader(key="unggah_berkas").set_value(("laporan.csv", report, "text/csv"))
    at.run()
    at.button(key="unggah_simpan").click().run()
    assert not at.exception and at.success
    last = audit.entries(store)[-1]
    assert (last.oleh, last.berkas, last.aksi, last.unit) == (ADMIN, "laporan.csv", "ingest", ["34.01.01"])
    assert last.sha256 == hashlib.sha256(report).hexdigest()


def test_presentation_mode_keeps_a_scoped_user_in_their_region(monkeypatch, data_dir, query_log):
    """Slides are built from the URL alone; an edited `wilayah` is clamped there too."""
    at = open_as(monkeypatch, data_dir, PROVINSI, presentasi="1", wilayah="34")
    assert any("hanya berhak melihat" in w.value for w in at.warning)
    ran = {str(params.get("wilayah", "")) for _, params in query_log}
    assert ran and all(code == "33" or code.startswith("33.") for code in ran), ran
    text = shown_text(at)
    assert "Jawa Tengah" in text
    assert not any(name in text for name in YOGYA_NAMES), "data of DI Yogyakarta reached a Jawa Tengah head"
