"""The versioned store: atomic publish, hard-linked unchanged files, cleanup, damage reports, killed writers."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from pantau import store as store_module
from pantau.config import REPO_ROOT
from pantau.ingest import ingest_frame
from pantau.queries import Database, run_query
from pantau.store import KEEP_VERSIONS, REKAM_SCHEMA, Store, StoreError, partition_path
from tests.reliability import scale, tally

DAY_1 = date(2024, 1, 10)
DAY_2 = date(2024, 1, 11)
REL_1 = partition_path("rekam", DAY_1)
REL_2 = partition_path("rekam", DAY_2)


def rekam(day: date, sudah: int) -> pl.DataFrame:
    """One kecamatan-level report for Kalijambe (33.14.01), in the stored schema."""
    return pl.DataFrame(
        [(day, "33.14.01", "kecamatan", "33.14.01", 1000, sudah, None, None)],
        schema=REKAM_SCHEMA,
        orient="row",
    )


def publish(store: Store, changes) -> str:
    with store.lock():
        return store.publish(changes)


def versions(store: Store) -> list[str]:
    return sorted(p.name for p in store.versions_dir.iterdir() if not p.name.startswith("."))


def leftovers(store: Store) -> list[str]:
    return sorted(p.name for p in store.versions_dir.iterdir() if p.name.startswith("."))


def sragen(day: date, sudah: list[int]) -> pl.DataFrame:
    codes = ["33.14.01", "33.14.02", "33.14.03"]
    return pl.DataFrame({"tanggal": [day] * 3, "kode_wilayah": codes, "wajib_ktp": [1000] * 3, "sudah_rekam": sudah})


@pytest.fixture
def ingested(tmp_path) -> Store:
    """A store with one real ingest: Sragen, 3 kecamatan, 2100 of 3000 recorded on 2024-01-10."""
    store = Store(tmp_path / "data")
    ingest_frame(store, "rekam", sragen(DAY_1, [600, 700, 800]), "sragen.csv")
    return store


class UnwritableFrame:
    """Stands in for a frame whose write fails halfway: it leaves a partial file, then raises."""

    def write_parquet(self, target, **_kwargs):
        Path(target).write_bytes(b"PAR1 setengah")
        raise OSError("disk penuh")


# ---- publishing -------------------------------------------------------------------------------------


def test_creating_a_store_touches_nothing(tmp_path):
    store = Store(tmp_path / "data")
    assert store.current_version() is None
    assert store.snapshot().is_empty
    assert not (tmp_path / "data").exists()


def test_publish_creates_a_version_and_current(tmp_path):
    store = Store(tmp_path / "data")
    assert publish(store, {REL_1: rekam(DAY_1, 900)}) == "v000001"
    assert store.current_file.read_text(encoding="ascii").strip() == "v000001"
    assert (store.versions_dir / "v000001" / REL_1).is_file()
    assert store.read(REL_1)["sudah_rekam"].to_list() == [900]

    assert publish(store, {REL_2: rekam(DAY_2, 950)}) == "v000002"
    assert store.current_version() == "v000002"
    assert store.relative_files("rekam") == [REL_1, REL_2]
    assert leftovers(store) == []


def test_unchanged_files_are_hard_links_and_old_versions_stay_intact(tmp_path):
    store = Store(tmp_path / "data")
    publish(store, {REL_1: rekam(DAY_1, 900), REL_2: rekam(DAY_2, 950)})
    publish(store, {REL_2: rekam(DAY_2, 990)})
    old, new = store.versions_dir / "v000001", store.versions_dir / "v000002"
    assert (old / REL_1).stat().st_ino == (new / REL_1).stat().st_ino
    assert (old / REL_2).stat().st_ino != (new / REL_2).stat().st_ino
    assert pl.read_parquet(old / REL_2)["sudah_rekam"].to_list() == [950]
    assert pl.read_parquet(new / REL_2)["sudah_rekam"].to_list() == [990]


def test_publish_none_removes_a_file_from_the_new_version_only(tmp_path):
    store = Store(tmp_path / "data")
    publish(store, {REL_1: rekam(DAY_1, 900), REL_2: rekam(DAY_2, 950)})
    publish(store, {REL_2: None})
    assert store.relative_files("rekam") == [REL_1]
    assert store.read(REL_2) is None
    assert (store.versions_dir / "v000001" / REL_2).is_file()


def test_readers_switch_to_a_new_version_after_publish(ingested):
    db = Database(ingested)
    assert db.run("ringkasan", {"wilayah": "33.14"}).rows["sudah_rekam"].item() == 2100
    ingest_frame(ingested, "rekam", sragen(DAY_2, [610, 720, 830]), "sragen2.csv")
    row = db.run("ringkasan", {"wilayah": "33.14"}).rows.row(0, named=True)
    assert (row["tanggal_laporan"], row["sudah_rekam"]) == (DAY_2, 2160)


# ---- failed publishes -------------------------------------------------------------------------------


def assert_unchanged(store: Store, db: Database, version: str) -> None:
    assert store.current_version() == version
    assert store.snapshot().version == version
    assert db.version == version
    assert db.run("ringkasan", {"wilayah": "33.14"}).rows["sudah_rekam"].item() == 2100
    assert run_query(store, "ringkasan", {"wilayah": "33.14"})["sudah_rekam"].item() == 2100


def test_publish_failing_while_writing_leaves_current_and_readers_unchanged(ingested):
    db = Database(ingested)
    version = ingested.current_version()
    with pytest.raises(OSError, match="disk penuh"):
        publish(ingested, {REL_2: UnwritableFrame()})
    assert_unchanged(ingested, db, version)
    assert len(leftovers(ingested)) == 1, "the half-built version stays in a temporary folder"

    ingest_frame(ingested, "rekam", sragen(DAY_2, [610, 720, 830]), "sragen2.csv")
    assert leftovers(ingested) == []
    assert db.run("ringkasan", {"wilayah": "33.14"}).rows["sudah_rekam"].item() == 2160
    assert ingested.damaged_files() == []


def test_publish_failing_at_rename_leaves_current_and_readers_unchanged(ingested, monkeypatch):
    db = Database(ingested)
    version = ingested.current_version()

    def refuse(*_args, **_kwargs):
        raise OSError("rename gagal")

    monkeypatch.setattr(os, "rename", refuse)
    with pytest.raises(OSError, match="rename gagal"):
        publish(ingested, {REL_2: rekam(DAY_2, 990)})
    monkeypatch.undo()
    assert_unchanged(ingested, db, version)
    assert len(leftovers(ingested)) == 1

    new = publish(ingested, {REL_2: rekam(DAY_2, 990)})
    assert leftovers(ingested) == []
    assert ingested.current_version() == new
    assert ingested.read(REL_2)["sudah_rekam"].to_list() == [990]


def test_publish_failing_to_swap_current_leaves_readers_on_the_old_version(ingested, monkeypatch):
    db = Database(ingested)
    version = ingested.current_version()

    def refuse(*_args, **_kwargs):
        raise OSError("replace gagal")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="replace gagal"):
        publish(ingested, {REL_2: rekam(DAY_2, 990)})
    monkeypatch.undo()
    assert_unchanged(ingested, db, version)
    orphan = f"v{int(version[1:]) + 1:06d}"
    assert orphan in versions(ingested), "the complete but unpublished version is still on disk"

    assert publish(ingested, {REL_2: rekam(DAY_2, 970)}) == orphan
    assert ingested.read(REL_2)["sudah_rekam"].to_list() == [970]
    assert [p for p in ingested.data_dir.iterdir() if p.name.startswith(".CURRENT")] == []


def test_old_versions_beyond_keep_versions_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "RETIRE_AFTER_SECONDS", -1.0)  # no reader is left to wait for
    store = Store(tmp_path / "data")
    for n in range(1, 7):
        publish(store, {REL_1: rekam(DAY_1, 900 + n)})
        kept = versions(store)
        assert f"v{n:06d}" in kept and len(kept) <= KEEP_VERSIONS + 1
    assert "v000001" not in versions(store) and "v000002" not in versions(store)
    store.cleanup()
    assert versions(store) == [f"v{n:06d}" for n in range(7 - KEEP_VERSIONS, 7)]
    assert store.read(REL_1)["sudah_rekam"].to_list() == [906]


def test_current_pointing_to_a_missing_version_is_a_store_error(ingested):
    ingested.current_file.write_text("v999999", encoding="ascii")
    with pytest.raises(StoreError, match="v999999"):
        ingested.snapshot()


# ---- damaged files ------------------------------------------------------------------------------------


def truncate_first_rekam_file(store: Store) -> str:
    path = store.snapshot().files["rekam"][0]
    size = os.path.getsize(path)
    with open(path, "r+b") as handle:
        handle.truncate(size // 2)
    return path


def test_damaged_files_names_a_truncated_file(ingested):
    assert ingested.damaged_files() == []
    path = truncate_first_rekam_file(ingested)
    damaged = ingested.damaged_files()
    assert [p for p, _reason in damaged] == [path]
    assert damaged[0][1]
    with pytest.raises(StoreError, match="rusak"):
        ingested.read(str(Path(path).relative_to(ingested.versions_dir / ingested.current_version())))


def test_query_on_a_damaged_file_raises_store_error(ingested):
    db = Database(ingested)
    path = ingested.snapshot().files["agregat"][-1]
    with open(path, "r+b") as handle:
        handle.truncate(os.path.getsize(path) // 2)
    with pytest.raises(StoreError, match="bulan="):
        db.run("ringkasan", {"wilayah": "33.14"})


def test_a_damaged_report_file_leaves_the_rollup_questions_working(ingested):
    """Questions down to kecamatan read the rollup; a damaged report file stops only those that read it."""
    db = Database(ingested)
    before = db.run("ringkasan", {"wilayah": "33.14"}).rows
    truncate_first_rekam_file(ingested)
    assert db.run("ringkasan", {"wilayah": "33.14"}).rows.equals(before)


# ---- a writer killed at a random point ------------------------------------------------------------------

FIRST_DAY = date(2023, 3, 1)
CHILD = """
import sys
from datetime import date, timedelta
import polars as pl
from pantau.ingest import ingest_frame
from pantau.store import Store

store = Store(sys.argv[1])
first = date.fromisoformat(sys.argv[2])
codes = ["33.14.01", "33.14.02", "33.14.03"]
k = 0
while True:
    day = first + timedelta(days=k)
    frame = pl.DataFrame(
        {"tanggal": [day] * 3, "kode_wilayah": codes, "wajib_ktp": [1000] * 3, "sudah_rekam": [500 + k] * 3}
    )
    ingest_frame(store, "rekam", frame, f"hari{k}.csv")
    if k == 0:
        print("siap", flush=True)
        sys.stdin.readline()  # wait until every trial is ready, so the kill lands in the loop
    k += 1
"""


def assert_complete(store: Store, db: Database) -> int:
    """The store holds days 0..n-1 of the child's loop, each whole; returns n."""
    assert store.current_version() is not None
    assert store.damaged_files() == []
    days = [date.fromisoformat(rel.split("=")[1][:10]) for rel in store.relative_files("rekam")]
    n = len(days)
    assert n >= 1
    assert days == [FIRST_DAY + timedelta(days=i) for i in range(n)]
    row = db.run("ringkasan", {"wilayah": "33.14"}).rows.row(0, named=True)
    assert row["tanggal_laporan"] == days[-1]
    assert (row["wajib_ktp"], row["sudah_rekam"], row["unit_melapor"]) == (3000, 3 * (500 + n - 1), 3)
    trend = db.run("tren", {"wilayah": "33.14", "dari": FIRST_DAY, "sampai": days[-1]}).rows
    assert trend["sudah_rekam"].to_list() == [3 * (500 + i) for i in range(n)]
    return n


KILL_TRIALS = scale(5, 60)  # writers killed: a few in every run, >= 50 with PANTAU_LONG=1
KILL_BATCH = 5  # writers running at once (the machine has few cores)


def consistent(row: dict) -> bool:
    """A reader's ringkasan row belongs to one whole version of the child's loop (or to an empty store)."""
    if row["tanggal_laporan"] is None:
        return row["sudah_rekam"] is None
    k = (row["tanggal_laporan"] - FIRST_DAY).days
    return (row["wajib_ktp"], row["sudah_rekam"], row["unit_melapor"]) == (3000, 3 * (500 + k), 3)


def kill_batch(stores: list[Store], rng: random.Random) -> tuple[int, list[str]]:
    """Start a writer per store, SIGKILL each at a random moment while a reader queries every store.

    Returns how many reads the reader made and what it saw that was not one whole version.
    """
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    readers = [Database(store) for store in stores]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(store.data_dir), FIRST_DAY.isoformat()],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for store in stores
    ]
    seen: list[str] = []
    reads = 0
    stop = threading.Event()

    def read_loop() -> None:
        nonlocal reads
        while not stop.is_set():
            for db in readers:
                try:
                    row = db.run("ringkasan", {"wilayah": "33.14"}).rows.row(0, named=True)
                except Exception as exc:  # any failure to read is what this test looks for
                    seen.append(f"{type(exc).__name__}: {exc}")
                    continue
                reads += 1
                if not consistent(row):
                    seen.append(f"partial version: {row}")

    try:
        for child in children:
            line = child.stdout.readline()
            assert line.strip() == "siap", child.stderr.read()
        reader = threading.Thread(target=read_loop, daemon=True)
        reader.start()
        start = time.monotonic()
        for child in children:
            child.stdin.write("mulai\n")
            child.stdin.flush()
        deadlines = sorted((rng.uniform(0.0, 0.6), i) for i in range(len(children)))
        for deadline, i in deadlines:
            time.sleep(max(0.0, start + deadline - time.monotonic()))
            assert children[i].poll() is None, children[i].stderr.read()
            os.kill(children[i].pid, signal.SIGKILL)
        for child in children:
            child.wait(timeout=10)
        stop.set()
        reader.join(timeout=60)
    finally:
        stop.set()
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=10)
            for stream in (child.stdin, child.stdout, child.stderr):
                stream.close()
    return reads, seen


@pytest.mark.reliab
def test_killed_ingest_leaves_a_complete_version(tmp_path):
    rng = random.Random(20240214)
    survived = reads = 0
    for first in range(0, KILL_TRIALS, KILL_BATCH):
        stores = [Store(tmp_path / f"data{i}") for i in range(first, min(first + KILL_BATCH, KILL_TRIALS))]
        batch_reads, seen = kill_batch(stores, rng)
        reads += batch_reads
        assert seen == [], f"a reader saw a partial version or failed while writers were killed: {seen[:5]}"
        for store in stores:
            db = Database(store)
            had_leftovers = bool(leftovers(store))
            n = assert_complete(store, db)
            # the next writer gets the lock, cleans what the killed one left, and publishes whole
            day = FIRST_DAY + timedelta(days=n)
            ingest_frame(store, "rekam", sragen(day, [500 + n] * 3), "lanjut.csv")
            assert leftovers(store) == []
            assert [p for p in store.data_dir.iterdir() if p.name.startswith(".CURRENT")] == []
            assert assert_complete(store, db) == n + 1
            survived += 1
            tally("2. crash safety", penulis_dibunuh=1, sisa_dibersihkan=int(had_leftovers))
    tally("2. crash safety", kueri_selama_pembunuhan=reads)
    assert survived == KILL_TRIALS


def test_a_version_replaced_moments_ago_stays_for_readers_still_using_it(tmp_path):
    """A reader that listed v000001's files may open them after many quick publications."""
    store = Store(tmp_path / "data")
    publish(store, {REL_1: rekam(DAY_1, 901)})
    held = store.snapshot()
    for n in range(2, KEEP_VERSIONS + 4):
        publish(store, {REL_1: rekam(DAY_1, 900 + n)})
    assert versions(store)[0] == "v000001"
    assert pl.read_parquet(held.files["rekam"][0])["sudah_rekam"].to_list() == [901]

    # once the versions after it have been current for longer than any query runs, old ones go
    past = time.time() - store_module.RETIRE_AFTER_SECONDS - 10
    for name in versions(store)[:-1]:
        os.utime(store.versions_dir / name, (past, past))
    store.cleanup()
    newest = KEEP_VERSIONS + 3
    assert versions(store) == [f"v{n:06d}" for n in range(newest - KEEP_VERSIONS + 1, newest + 1)]
