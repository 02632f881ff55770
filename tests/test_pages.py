"""Every dashboard page: registered once, reachable at its URL, and rendering without an exception.

The meta-tests read dashboard.py's `st.Page(...)` calls with `ast` (no Streamlit run needed), so they
report a missing or unregistered page file by name. The smoke tests run the real frame
(dashboard.py) in `streamlit.testing.v1.AppTest` on three data directories: the demo for two
provinces, an empty one (the frame builds the demo itself) and a partial one (recording for one
province only, no print log). URL parameters are checked on the Ringkasan page against the query layer.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pantau import demo, fmt, ui
from pantau.ingest import ingest_frame
from pantau.queries import Database
from pantau.results import ResultCache
from pantau.store import Store

REPO = Path(__file__).resolve().parent.parent
DASHBOARD = REPO / "dashboard.py"
PAGES_DIR = REPO / "pages"

# url_path -> page file, in navigation order; the default page (served at '/') comes first
EXPECTED = {
    "ringkasan": "pages/ringkasan.py",
    "tren": "pages/tren.py",
    "cetak": "pages/cetak.py",
    "peringkat": "pages/peringkat.py",
    "hitung-mundur": "pages/hitung-mundur.py",
    "analisis": "pages/analisis.py",
    "sasaran": "pages/sasaran.py",
    "status-data": "pages/status-data.py",
}
DEFAULT_URL_PATH = "ringkasan"
PAGE_FILES = list(EXPECTED.values())
RINGKASAN_TITLE = "Ringkasan perekaman e-KTP"
TIMEOUT = 60  # seconds per script run: a cold first run opens DuckDB and imports plotly


# ---- meta: dashboard.py registers exactly the files in pages/ ----------------------------------


def _registered_pages() -> list[dict[str, object]]:
    """The literal arguments of every `st.Page(...)` call in dashboard.py."""
    tree = ast.parse(DASHBOARD.read_text(encoding="utf-8"), filename=str(DASHBOARD))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Page"):
            continue
        args = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg}
        if node.args:
            args["page"] = ast.literal_eval(node.args[0])
        found.append(args)
    return found


def test_dashboard_registers_pages() -> None:
    pages = _registered_pages()
    assert len(pages) == len(EXPECTED), f"dashboard.py registers {len(pages)} pages, expected {len(EXPECTED)}"
    assert all(isinstance(p.get("page"), str) for p in pages), "every st.Page must name its file literally"


def test_every_registered_page_file_exists() -> None:
    missing = [p["page"] for p in _registered_pages() if not (REPO / str(p["page"])).is_file()]
    assert not missing, f"st.Page points to files that do not exist: {missing}"


def test_every_page_file_is_registered() -> None:
    registered = {Path(str(p["page"])).as_posix() for p in _registered_pages()}
    on_disk = {f"pages/{f.name}" for f in PAGES_DIR.glob("*.py") if not f.name.startswith("_")}
    assert on_disk - registered == set(), f"files in pages/ that dashboard.py does not register: {on_disk - registered}"
    assert registered <= {f"pages/{f.name}" for f in PAGES_DIR.glob("*.py")}


def test_url_paths_are_exactly_the_documented_ones() -> None:
    pages = _registered_pages()
    by_url = {p.get("url_path"): Path(str(p["page"])).as_posix() for p in pages}
    assert by_url == EXPECTED
    assert [p.get("url_path") for p in pages] == list(EXPECTED), "navigation order differs from README"
    defaults = [p.get("url_path") for p in pages if p.get("default")]
    assert defaults == [DEFAULT_URL_PATH], f"exactly one default page (served at '/'), ringkasan; got {defaults}"
    assert all(p.get("title") for p in pages), "every page needs a navigation title"


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_follows_the_frame_contract(page: str) -> None:
    """A page renders inside the frame: reads the context, draws the shared header, ends with the footnote."""
    path = REPO / page
    if not path.is_file():
        pytest.fail(f"{page} does not exist yet")
    source = path.read_text(encoding="utf-8")
    ast.parse(source, filename=page)
    uses_context = "ui.context()" in source or re.search(r"""st\.session_state\[["']konteks["']\]""", source)
    assert uses_context, "page must take the frame's context (ui.context() or st.session_state['konteks'])"
    assert "ui.header(" in source, "page must draw ui.header(ctx, title, question)"
    assert "ui.footnote(" in source, "page must end with st.caption(ui.footnote(ctx))"
    assert "set_page_config" not in source, "only dashboard.py sets the page config"


# ---- running the frame ----------------------------------------------------------------------------


def _use_data_dir(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Point the dashboard at `data_dir`, forgetting cached state when it served another directory.

    ui.database() is a cache_resource, and query results are cached by store version, which two
    directories can share ('v000002'): both caches are cleared whenever the directory changes.
    They are kept otherwise, since a cold start (DuckDB views, first queries) costs several seconds.
    """
    monkeypatch.setenv("PANTAU_DATA_DIR", str(data_dir))
    if ui.database().store.data_dir.resolve() != Path(data_dir).resolve():
        st.cache_resource.clear()
        st.cache_data.clear()


def open_page(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, page: str = EXPECTED[DEFAULT_URL_PATH],
    timeout: float = TIMEOUT, **query: str,
) -> AppTest:
    """Run the dashboard on `data_dir` with URL parameters `query`, then switch to `page`."""
    _use_data_dir(monkeypatch, data_dir)
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT)
    for name, value in query.items():
        at.query_params[name] = value
    at.run(timeout=timeout)
    if page != EXPECTED[DEFAULT_URL_PATH] and not at.exception:
        at.switch_page(page).run()
    return at


_DATABASES: dict[Path, Database] = {}


def from_query_layer(data_dir: Path, name: str, params: dict[str, object]) -> pl.DataFrame:
    """The query layer's answer (what run_query returns), on one Database per directory for speed."""
    if data_dir not in _DATABASES:
        _DATABASES[data_dir] = Database(Store(data_dir))
    return _DATABASES[data_dir].run(name, params).rows


def assert_rendered(at: AppTest, page: str) -> None:
    errors = [e.message for e in at.exception]
    assert not errors, f"{page} raised: {errors[0][:2000] if errors else ''}"
    shown = [e.value for e in at.error]
    assert not any("Terjadi kesalahan tak terduga" in e for e in shown), f"{page}: the frame caught an error: {shown}"
    assert at.title, f"{page} shows no title (ui.header); errors shown: {shown}"
    assert not any("Traceback" in m.value for m in at.markdown), f"{page} prints a traceback"


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r}; metrics: {[m.label for m in at.metric]}"
    return values[0]


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in (at.title, at.caption, at.markdown, at.subheader) for e in kind]
    return "\n".join(str(p) for p in parts)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo_33_34")
    demo.build(Store(path), provinces=["33", "34"])
    return path


@pytest.fixture(scope="module")
def partial_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Recording reports for province 34 only; no print log, no uploaded calendar."""
    path = tmp_path_factory.mktemp("partial_34_rekam")
    frame = pl.concat(list(demo.generate_rekam(provinces=["34"])))
    ingest_frame(Store(path), "rekam", frame, "x")
    return path


# ---- (a) demo data -----------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_renders_on_demo_data(page: str, demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not (REPO / page).is_file():
        pytest.fail(f"{page} does not exist yet")
    at = open_page(monkeypatch, demo_dir, page)
    assert_rendered(at, page)
    assert "DATA DEMO" in _texts(at), f"{page} does not show the DATA DEMO badge on demo data"


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_renders_for_a_province_on_demo_data(
    page: str, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (REPO / page).is_file():
        pytest.fail(f"{page} does not exist yet")
    at = open_page(monkeypatch, demo_dir, page, wilayah="34")
    assert_rendered(at, page)
    assert "Daerah Istimewa Yogyakarta" in _texts(at) or "Yogyakarta" in _texts(at)


# ---- URL parameters on Ringkasan --------------------------------------------------------------------


def test_default_page_is_ringkasan(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(monkeypatch, demo_dir)
    assert not at.exception
    assert [t.value for t in at.title] == [RINGKASAN_TITLE]


def test_url_wilayah_selects_the_region(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(monkeypatch, demo_dir, wilayah="33")
    assert not at.exception
    breadcrumb = at.caption[0].value
    assert "Jawa Tengah" in breadcrumb, breadcrumb
    expected = from_query_layer(demo_dir, "ringkasan", {"wilayah": "33"})["sudah_rekam"][0]
    assert metric(at, "Sudah rekam") == fmt.angka(expected)
    assert at.query_params["wilayah"] in ("33", ["33"])
    nasional = from_query_layer(demo_dir, "ringkasan", {"wilayah": ""})["sudah_rekam"][0]
    assert fmt.angka(nasional) != fmt.angka(expected)


def test_url_tanggal_shows_that_days_figures(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    day = date(2024, 6, 3)
    latest = open_page(monkeypatch, demo_dir)
    at = open_page(monkeypatch, demo_dir, tanggal=day.isoformat())
    assert not at.exception
    then = from_query_layer(demo_dir, "ringkasan", {"wilayah": "", "tanggal": day})["sudah_rekam"][0]
    now = from_query_layer(demo_dir, "ringkasan", {"wilayah": ""})["sudah_rekam"][0]
    assert then != now
    assert metric(at, "Sudah rekam") == fmt.angka(then)
    assert metric(latest, "Sudah rekam") == fmt.angka(now)
    assert f"Data per {fmt.tanggal(day)}" in _texts(at)
    assert at.date_input[0].value == day


@pytest.mark.parametrize(
    "hostile",
    ["'; DROP TABLE x; --", "x" * 100_000, "33,34", "99.99", "<script>alert(1)</script>", "../../etc/passwd"],
    ids=["sql", "huge", "many", "unknown", "html", "path"],
)
def test_hostile_wilayah_is_ignored_with_a_warning(
    hostile: str, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(monkeypatch, demo_dir, wilayah=hostile)
    assert not at.exception, at.exception[0].message[:500]
    warnings = [w.value for w in at.warning]
    assert any("Wilayah di tautan diabaikan" in w for w in warnings), warnings
    assert all(len(w) < 500 for w in warnings), "the warning must not echo a huge parameter"
    assert "Indonesia" in at.caption[0].value
    assert at.title[0].value == RINGKASAN_TITLE
    assert "wilayah" not in at.query_params, "the ignored parameter must be dropped from the URL"


def test_hostile_tanggal_falls_back_to_latest(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(monkeypatch, demo_dir, tanggal="2024-13-45'; --")
    assert not at.exception, at.exception[0].message[:500]
    now = from_query_layer(demo_dir, "ringkasan", {"wilayah": ""})["sudah_rekam"][0]
    assert metric(at, "Sudah rekam") == fmt.angka(now)


# ---- (b) empty data directory: the frame builds the demo itself ------------------------------------


def test_empty_data_dir_builds_demo_then_every_page_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subtests: pytest.Subtests
) -> None:
    # PANTAU_DEMO_PROVINSI restricts the automatic demo to one province (fast); ui.ensure_data must
    # honour it. Until it does, the national demo is built here (about 30 s), hence the long timeout.
    monkeypatch.setenv("PANTAU_DEMO_PROVINSI", "33")
    data_dir = tmp_path / "kosong"
    data_dir.mkdir()
    at = open_page(monkeypatch, data_dir, timeout=120)
    labels = [s.label for s in at.status]
    assert any("data demo" in label.lower() for label in labels), f"no status about building demo data: {labels}"
    assert not at.exception, at.exception[0].message if at.exception else ""
    assert Store(data_dir).current_version() is not None, "the demo was not published"
    assert (data_dir / "DEMO").exists()
    only = from_query_layer(data_dir, "ringkasan", {"wilayah": "34"})["sudah_rekam"][0]
    assert only is None, "ui.ensure_data ignored PANTAU_DEMO_PROVINSI=33 (province 34 has data)"
    for page in PAGE_FILES:
        with subtests.test(page=page):
            if not (REPO / page).is_file():
                pytest.fail(f"{page} does not exist yet")
            at.switch_page(page).run()
            assert_rendered(at, page)


# ---- (c) partial data: recording for one province, no print log ------------------------------------


@pytest.mark.parametrize("wilayah", ["", "33"], ids=["indonesia", "region-without-reports"])
@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_renders_on_partial_data(
    page: str, wilayah: str, partial_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (REPO / page).is_file():
        pytest.fail(f"{page} does not exist yet")
    at = open_page(monkeypatch, partial_dir, page, wilayah=wilayah)
    assert_rendered(at, page)


# ---- questions started side by side (ui.prefetch) ----------------------------------------------------

# a question a page starts before it knows whether it will show its answer: the newest warnings are
# listed only when the period has any (their count comes with the summary asked beside them)
MAY_GO_UNASKED = {("pages/status-data.py", "peringatan_terbaru")}


@pytest.mark.parametrize("wilayah", ["", "34", "34.04"])
@pytest.mark.parametrize("page", PAGE_FILES)
def test_a_page_starts_only_questions_it_then_asks(
    page: str, wilayah: str, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every question a page starts in the background is one it then asks with the same parameters
    (a mismatch would compute a question nobody reads), and the pages with several questions start them."""
    at = open_page(monkeypatch, demo_dir, page, wilayah=wilayah)
    started: list[tuple] = []
    asked: list[tuple] = []
    real_start, real_get = ResultCache.start, ResultCache.get

    def start(self, key, compute):
        started.append(key)
        return real_start(self, key, compute)

    def get(self, key, compute):
        asked.append(key)
        return real_get(self, key, compute)

    monkeypatch.setattr(ResultCache, "start", start)
    monkeypatch.setattr(ResultCache, "get", get)
    ui.database().results.clear()
    at.run()
    assert_rendered(at, page)
    unasked = {key[0] for key in set(started) - set(asked)} - {q for p, q in MAY_GO_UNASKED if p == page}
    assert not unasked, f"{page} ({wilayah or 'Indonesia'}) started questions it did not ask: {sorted(unasked)}"
    if page != "pages/sasaran.py":  # one question besides the header's
        assert len(set(started)) >= 2, f"{page} asks {len({k for k in asked})} questions one after another"
