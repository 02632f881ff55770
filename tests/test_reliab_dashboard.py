"""Reliability battery, parts 4 and 5: a damaged store, and hostile input, on every page and in the CLI.

Part 4: a truncated and a garbage Parquet file in the published version. Every page (AppTest, the
real frame) and the CLI keep running, name the damaged file or say to run `python -m pantau check`,
and never show a traceback or DuckDB's own error text.

Part 5: hostile values through the URL on every page, through the CLI's --param, and SQL run on the
Database's own connection (as if injected): the DuckDB sandbox must refuse to read /etc/passwd, write
outside the data directory, ATTACH, INSTALL or LOAD, or undo its own settings; a runaway query ends in
a clear error and the process stays usable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from pantau import demo, queries
from pantau.config import REPO_ROOT
from pantau.queries import Database, QueryError
from pantau.store import Store, StoreError
from tests.apptest import open_dashboard
from tests.reliability import LONG, tally

pytestmark = pytest.mark.reliab

PAGES = [
    "pages/ringkasan.py",
    "pages/tren.py",
    "pages/cetak.py",
    "pages/peringkat.py",
    "pages/hitung-mundur.py",
    "pages/analisis.py",
    "pages/status-data.py",
]
ENGINE_TEXT = (
    "IO Error",
    "Invalid Input Error",
    "Binder Error",
    "Catalog Error",
    "Parser Error",
    "Conversion Error",
    "Permission Error",
    "INTERRUPT Error",
    "Out of Memory Error",
    "Traceback",
    "duckdb.",
    "_duckdb",
)
HOSTILE = {
    "sql": "'; DROP TABLE rekam; --",
    "read_text": "' || (SELECT content FROM read_text('/etc/passwd')) || '",
    "copy": "x'); COPY (SELECT 1) TO '/tmp/reliab-bocor.csv'; --",
    "attach": "'; ATTACH '/tmp/reliab-bocor.db'; --",
    "install": "'; INSTALL httpfs; LOAD httpfs; --",
    "traversal": "../../etc/passwd",
    "huge": "9" * 100_000,
}
URL_PARAMS = ("wilayah", "tanggal", "dari", "sampai", "tingkat", "banding", "pembanding")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reliab_demo_34")
    demo.build(Store(path), provinces=["34"])
    return path


@pytest.fixture(scope="module")
def damaged_dir(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A copy of the demo whose newest coverage file and newest rollup month are cut in half and one
    print-log file is garbage."""
    path = tmp_path_factory.mktemp("reliab_damaged") / "data"
    shutil.copytree(demo_dir, path)
    snapshot = Store(path).snapshot()
    truncated = snapshot.files["rekam"][-1]
    garbage = snapshot.files["cetak"][-1]
    # unchanged files are hard links shared with older versions: replace the files, do not write through them
    data = Path(truncated).read_bytes()
    Path(truncated).unlink()
    Path(truncated).write_bytes(data[: len(data) // 2])
    Path(garbage).unlink()
    Path(garbage).write_bytes(b"PAR1 ini bukan parquet, hanya sampah" * 10)
    # the newest rollup month too: the questions down to kecamatan read it, not the report files
    rollup = snapshot.files["agregat"][-1]
    data = Path(rollup).read_bytes()
    Path(rollup).unlink()
    Path(rollup).write_bytes(data[: len(data) // 2])
    return path, [truncated, garbage, rollup]


def shown_text(at: AppTest) -> str:
    parts = []
    for kind in (at.error, at.warning, at.info, at.markdown, at.caption, at.title, at.exception):
        parts += [str(getattr(e, "value", None) or getattr(e, "message", "")) for e in kind]
    return "\n".join(parts)


def assert_no_engine_text(text: str) -> None:
    leaked = [t for t in ENGINE_TEXT if t in text]
    assert not leaked, f"engine text reached the user: {leaked}: {text[:1500]}"


# ---- part 4: a damaged store ---------------------------------------------------------------------------


def all_hostile() -> dict[str, str]:
    """Every URL parameter hostile at once, each with a different attack."""
    return {name: HOSTILE[kind] for name, kind in zip(URL_PARAMS, list(HOSTILE) * 2)}


@pytest.mark.parametrize("page", PAGES)
def test_damaged_store_every_page_says_which_file_and_what_to_do(page, damaged_dir, monkeypatch) -> None:
    """The quick run also puts hostile URL parameters on (one AppTest run per page covers parts 4 and 5)."""
    path, damaged = damaged_dir
    at = open_dashboard(monkeypatch, path, page, reuse_cache=True, **({} if LONG else all_hostile()))
    assert not at.exception, at.exception[0].message[:1500]
    text = shown_text(at)
    assert "tak terduga" not in text, text[:1500]
    assert_no_engine_text(text)
    errors = [e.value for e in at.error]
    assert errors, f"{page} read a damaged file without saying so: {text[:500]}"
    for message in errors:
        assert "pantau check" in message or any(Path(f).name in message for f in damaged), message
    if page == "pages/status-data.py":
        assert at.title, "the status page must still render (it is where the upload form is)"
    assert not Path("/tmp/reliab-bocor.csv").exists() and not Path("/tmp/reliab-bocor.db").exists()
    tally("4. store rusak", halaman_diuji=1, halaman_memberi_pesan_rusak=int(bool(errors)))
    if not LONG:
        tally("5. keamanan kueri", url_berbahaya=len(URL_PARAMS))


def test_damaged_store_cli_check_names_the_files_and_queries_explain(damaged_dir) -> None:
    path, damaged = damaged_dir
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}

    def cli(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "pantau", "--data-dir", str(path), *args]
        return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)

    check = cli("check")
    assert check.returncode == 1
    for name in damaged:
        assert name in check.stderr, check.stderr
    assert "Pulihkan" in check.stderr
    for name in ("ringkasan", "tren", "cetak_harian", "peringkat"):
        done = cli("query", name, "--param", "wilayah=34")
        assert "Traceback" not in done.stderr and "tak terduga" not in done.stderr, done.stderr
        assert_no_engine_text(done.stderr)
        if done.returncode:
            assert "pantau check" in done.stderr, done.stderr
    tally("4. store rusak", perintah_cli_diuji=5)


# ---- part 5: hostile input -----------------------------------------------------------------------------


def hostile_cases() -> list[tuple[str, dict[str, str]]]:
    """Long run: every page with all URL parameters hostile at once, then one parameter at a time.

    (The quick run covers every page with all parameters hostile in the damaged-store test above.)
    """
    if not LONG:
        return [(PAGES[0], all_hostile())]
    values = list(HOSTILE.values())
    cases = [(page, all_hostile()) for page in PAGES]
    # each parameter alone, the attack rotating so every page meets every attack once per parameter set
    return cases + [
        (page, {name: values[(i + j) % len(values)]})
        for i, page in enumerate(PAGES)
        for j, name in enumerate(URL_PARAMS)
    ]


@pytest.mark.parametrize(("page", "params"), hostile_cases())
def test_hostile_url_parameters_are_rejected_or_harmless(page, params, demo_dir, monkeypatch) -> None:
    at = open_dashboard(monkeypatch, demo_dir, page, reuse_cache=True, **params)
    assert not at.exception, at.exception[0].message[:1500]
    text = shown_text(at)
    assert "tak terduga" not in text, text[:1500]
    assert_no_engine_text(text)
    assert "root:x:0:0" not in text, "the content of /etc/passwd reached the page"
    assert all(len(e.value) < 2000 for e in (*at.error, *at.warning)), "a message echoes a huge parameter"
    assert at.title, f"{page} did not render under hostile parameters"
    assert not Path("/tmp/reliab-bocor.csv").exists() and not Path("/tmp/reliab-bocor.db").exists()
    tally("5. keamanan kueri", url_berbahaya=len(params))


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("name", ["wilayah", "tanggal", "dari", "tingkat", "kode;DROP"])
def test_hostile_query_parameters_are_rejected_with_a_clear_message(kind, name, demo_dir) -> None:
    db = database(demo_dir)
    with pytest.raises(QueryError) as caught:
        db.run("ringkasan" if name != "dari" else "tren", {name: HOSTILE[kind]})
    message = str(caught.value)
    assert len(message) < 400 and message[0].isupper()
    assert_no_engine_text(message)
    tally("5. keamanan kueri", parameter_berbahaya=1)


def test_hostile_cli_parameters_and_names(demo_dir) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    attempts = [
        ["query", "ringkasan", "--param", f"wilayah={HOSTILE['read_text']}"],
        ["query", "ringkasan", "--param", f"tanggal={HOSTILE['sql']}"],
        ["query", "tren", "--param", f"wilayah={HOSTILE['huge']}"],
        ["query", "../../etc/passwd"],
        ["query", "ringkasan; COPY (SELECT 1) TO '/tmp/reliab-bocor.csv'"],
        ["query", "ringkasan", "--param", f"{HOSTILE['attach']}=1"],
        ["check", "/etc/passwd"],
        ["ingest", "rekam", "../../etc/passwd"],
    ]
    for args in attempts:
        done = subprocess.run(
            [sys.executable, "-m", "pantau", "--data-dir", str(demo_dir), *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode in (1, 2), (args, done.stdout[:500])
        assert "root:x:0:0" not in done.stdout + done.stderr
        assert "tak terduga" not in done.stderr and len(done.stderr) < 3000, done.stderr[:1500]
        assert_no_engine_text(done.stderr)
    assert not Path("/tmp/reliab-bocor.csv").exists()
    tally("5. keamanan kueri", cli_berbahaya=len(attempts))


_DATABASES: dict[Path, Database] = {}


def database(path: Path) -> Database:
    if path not in _DATABASES:
        _DATABASES[path] = Database(Store(path))
    return _DATABASES[path]


INJECTED = [
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd', sep=':')",
    "SELECT * FROM read_text('{data}/../../../../etc/passwd')",
    "SELECT * FROM glob('/etc/*')",
    "COPY (SELECT 42) TO '{outside}/bocor.csv'",
    "ATTACH '{outside}/bocor.duckdb'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SELECT * FROM read_parquet('https://example.com/x.parquet')",
    "SET enable_external_access = true",
    "SET allowed_directories = ['/']",
    "SET memory_limit = '100GB'",
    "SET lock_configuration = false",
    "RESET enable_external_access",
    "SET VARIABLE berkas_rekam = ['/etc/passwd']; SELECT * FROM stg_rekam",
    "SET VARIABLE versi = {{'rekam': ['/etc/passwd']}}; SELECT * FROM stg_rekam",
]


@pytest.mark.parametrize("sql", INJECTED)
def test_sandbox_refuses_injected_sql_on_the_databases_own_connection(sql, demo_dir, tmp_path) -> None:
    db = database(demo_dir)
    outside = tmp_path / "luar"
    outside.mkdir()
    cursor = db._db.cursor()  # the underlying connection, as injected SQL would run
    try:
        with pytest.raises(duckdb.Error):
            for statement in sql.format(data=demo_dir, outside=outside).split("; "):
                cursor.execute(statement).fetchall()
    finally:
        cursor.close()
    assert list(outside.iterdir()) == [], "something was written outside the data directory"
    check = db._db.cursor()
    settings = dict(
        check.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('enable_external_access', 'lock_configuration', 'memory_limit', 'threads')"
        ).fetchall()
    )
    check.close()
    assert settings["enable_external_access"] == "false" and settings["lock_configuration"] == "true"
    assert settings["threads"] == "2"
    assert db.run("ringkasan", {"wilayah": "34"}).rows.height == 1, "the database must stay usable"
    tally("5. keamanan kueri", sql_disuntik_ditolak=1)


def test_runaway_query_is_interrupted_and_the_database_stays_usable(demo_dir, monkeypatch) -> None:
    db = database(demo_dir)
    heavy = "SELECT sum(a.range * b.range) AS x FROM range(300000) a, range(300000) b"
    cursor = db.cursor()
    with pytest.raises(duckdb.InterruptException), queries.time_limit(cursor, 0.5):
        cursor.execute(heavy).fetchall()
    cursor.close()
    # the same through Database.run: a clear Indonesian message, not DuckDB's text
    monkeypatch.setattr(queries, "query_sql", lambda name: heavy)
    monkeypatch.setattr(db, "timeout", 0.5)
    with pytest.raises(QueryError, match="batas waktu") as caught:
        db.run("ringkasan", {})
    assert_no_engine_text(str(caught.value))
    monkeypatch.undo()
    assert db.run("ringkasan", {"wilayah": "34"}).rows.height == 1
    tally("5. keamanan kueri", kueri_liar_dihentikan=2)


def test_memory_hungry_query_ends_in_a_clear_error(tmp_path, demo_dir, monkeypatch) -> None:
    store = Store(demo_dir)
    db = Database(store, memory_limit="200MB")
    hungry = "SELECT string_agg(repeat('x', 1000) || range::VARCHAR, ',') AS x FROM range(10000000)"
    monkeypatch.setattr(queries, "query_sql", lambda name: hungry)
    with pytest.raises(QueryError, match="batas memori") as caught:
        db.run("ringkasan", {})
    assert_no_engine_text(str(caught.value))
    monkeypatch.undo()
    assert db.run("ringkasan", {"wilayah": "34"}).rows.height == 1
    tally("5. keamanan kueri", kueri_liar_dihentikan=1)


def test_store_error_from_a_damaged_store_is_not_engine_text(damaged_dir) -> None:
    path, _damaged = damaged_dir
    db = Database(Store(path))
    with pytest.raises(StoreError) as caught:
        db.run("ringkasan", {"wilayah": "34"})
    assert_no_engine_text(str(caught.value))
