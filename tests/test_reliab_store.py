"""Reliability battery, parts 2 and 3: a full disk during publish, and readers during many publications.

Part 2 (the SIGKILL trials live in tests/test_store.py): a write error (ENOSPC) injected at a random
point of a publish, and in the long run a real full disk (a small tmpfs), must give a clear Indonesian
message while the previous version keeps serving, and leave nothing behind.

Part 3: reader threads sharing one Database, as the dashboard's sessions do, query in a loop while a
writer process publishes version after version; every answer must be one whole published version.
"""

from __future__ import annotations

import errno
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from pantau import upload
from pantau.config import REPO_ROOT
from pantau.ingest import ingest_frame
from pantau.queries import Database
from pantau.store import Store, StoreError
from tests.reliability import scale, tally

pytestmark = pytest.mark.reliab

SEED_DAY = date(2024, 1, 10)
NEW_DAY = date(2024, 1, 11)
CODES = ["33.14.01", "33.14.02", "33.14.03"]


def sragen(day: date, sudah: list[int], wajib: int = 1000) -> pl.DataFrame:
    return pl.DataFrame({"tanggal": [day] * 3, "kode_wilayah": CODES, "wajib_ktp": [wajib] * 3, "sudah_rekam": sudah})


def villages(day: date, sudah: int) -> pl.DataFrame:
    """Every village of Jawa Tengah (about 8,500 rows): a report big enough to fill a small disk."""
    from pantau import regions

    table = regions.region_table().filter(pl.col("tingkat") == "desa", pl.col("kode_wilayah").str.starts_with("33."))
    codes = table["kode_wilayah"].to_list()
    return pl.DataFrame(
        {
            "tanggal": [day] * len(codes),
            "kode_wilayah": codes,
            "wajib_ktp": [5000 + i % 997 for i in range(len(codes))],
            "sudah_rekam": [sudah + i % 991 for i in range(len(codes))],
            "nama_wilayah": [uuid.uuid4().hex * 4 for _ in codes],  # incompressible, so the files are big
        }
    )


def total(db: Database) -> int:
    return db.run("ringkasan", {"wilayah": "33.14"}).rows["sudah_rekam"].item()


def leftovers(store: Store) -> list[str]:
    found = [p.name for p in store.versions_dir.iterdir() if p.name.startswith(".")]
    return found + [p.name for p in store.data_dir.glob(".CURRENT.tmp-*")]


# ---- part 2: a write error at a random point of publish ----------------------------------------------

WRITE_POINTS = ("write_parquet", "link", "rename", "replace", "fsync")


@pytest.mark.parametrize("trial", range(scale(6, 40)))
def test_write_error_during_publish_keeps_the_previous_version(trial: int, tmp_path: Path, monkeypatch) -> None:
    rng = random.Random(trial)
    store = Store(tmp_path / "data")
    ingest_frame(store, "rekam", sragen(SEED_DAY, [600, 700, 800]), "awal.csv")
    ingest_frame(store, "cetak", pl.DataFrame({"tanggal": [SEED_DAY], "kode_wilayah": ["33.14"], "tercetak": [5]}), "c")
    db = Database(store)
    version = store.current_version()
    assert total(db) == 2100

    point = WRITE_POINTS[trial % len(WRITE_POINTS)]
    fail_at = rng.randint(1, 3)  # which call of that kind fails
    calls = {"n": 0}

    def failing(original):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise OSError(errno.ENOSPC, "No space left on device")
            return original(*args, **kwargs)

        return wrapper

    if point == "write_parquet":
        monkeypatch.setattr(pl.DataFrame, "write_parquet", failing(pl.DataFrame.write_parquet))
    else:
        monkeypatch.setattr(os, point, failing(getattr(os, point)))
    data = sragen(NEW_DAY, [610, 720, 830]).write_csv().encode()
    try:
        hasil = upload.proses(store, "rekam", "baru.csv", data, max_mb=5)
    finally:
        monkeypatch.undo()
    if hasil.berhasil:  # the failing call came after the last one, or publish recovered (link -> copy)
        assert calls["n"] < fail_at or point in ("link", "fsync"), hasil.pesan  # directory fsync is best effort
        assert total(db) == 2160
        assert store.damaged_files() == []
        tally("2. crash safety", disk_penuh_disuntik=1, disk_penuh_tidak_kena=1)
        return
    assert "ruang disk penuh" in hasil.pesan and "versi sebelumnya" in hasil.pesan, hasil.pesan
    assert "Errno" not in hasil.pesan and "Traceback" not in hasil.pesan
    assert store.current_version() == version
    assert total(db) == 2100, "the previous version must keep serving"
    assert leftovers(store) == [], "a failed publish must not leave its half-built version"
    assert store.damaged_files() == []
    again = upload.proses(store, "rekam", "baru.csv", data, max_mb=5)
    assert again.berhasil, again.pesan
    assert total(db) == 2160
    tally("2. crash safety", disk_penuh_disuntik=1, disk_penuh_ditolak_jelas=1)


def test_full_disk_message_in_the_cli(tmp_path: Path, monkeypatch, capsys) -> None:
    from pantau import cli

    store = Store(tmp_path / "data")
    ingest_frame(store, "rekam", sragen(SEED_DAY, [600, 700, 800]), "awal.csv")
    source = tmp_path / "baru.csv"
    sragen(NEW_DAY, [610, 720, 830]).write_csv(source)

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    code = cli.main(["--data-dir", str(store.data_dir), "ingest", "rekam", str(source)])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Kesalahan: Data tidak dapat disimpan: ruang disk penuh"), err
    assert "tak terduga" not in err and "Errno" not in err
    assert store.current_version() == "v000001"


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 3 MB tmpfs (needs root and mount); skipped where it cannot be mounted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"tmpfs cannot be mounted here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.mark.long
def test_real_full_disk_keeps_the_previous_version(small_disk: Path) -> None:
    store = Store(small_disk / "data")
    ingest_frame(store, "rekam", sragen(SEED_DAY, [600, 700, 800]), "awal.csv")
    db = Database(store)
    rejected = accepted = 0
    filler = small_disk / "pengisi"
    rng = random.Random(7)
    for trial in range(scale(3, 30)):
        free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
        filler.write_bytes(b"\0" * max(0, free - rng.randint(0, 900_000)))  # leave a random amount free
        version = store.current_version()
        before = total(db)
        try:
            ingest_frame(store, "rekam", villages(SEED_DAY + timedelta(days=trial + 1), 100 + trial), f"desa{trial}")
            accepted += 1
            assert store.current_version() != version
        except StoreError as exc:
            rejected += 1
            assert "ruang disk penuh" in str(exc) and "versi sebelumnya" in str(exc), str(exc)
            assert store.current_version() == version
            assert total(db) == before
            assert leftovers(store) == []
        assert store.damaged_files() == []
        filler.unlink()
    assert rejected, "no trial ran out of space: the disk was not small enough"
    tally("2. crash safety", disk_penuh_nyata=accepted + rejected, disk_penuh_nyata_ditolak=rejected)


# ---- part 3: readers during many publications ----------------------------------------------------------

WRITER = """
import sys
from datetime import date, timedelta
import polars as pl
from pantau.ingest import ingest_frame
from pantau.store import Store

store = Store(sys.argv[1])
first = date.fromisoformat(sys.argv[2])
count = int(sys.argv[3])
codes = ["33.14.01", "33.14.02", "33.14.03"]
for k in range(1, count + 1):
    # version k: a new day k, and day 0 rewritten, so a reader mixing two versions sees day 0 disagree
    days = [first] * 3 + [first + timedelta(days=k)] * 3
    frame = pl.DataFrame(
        {"tanggal": days, "kode_wilayah": codes * 2, "wajib_ktp": [1000] * 6,
         "sudah_rekam": [400 + k] * 3 + [500 + k] * 3}
    )
    ingest_frame(store, "rekam", frame, f"versi{k}.csv", replace=True)
print("selesai", flush=True)
"""
FIRST = date(2023, 6, 1)


def check_trend(rows: pl.DataFrame) -> int:
    """The trend (one row per calendar day) of one whole version k; returns k.

    Version k holds day 0 = 3*(400+k) and day i = 3*(500+i) for 1 <= i <= k; later days carry day k forward.
    """
    values = rows.sort("tanggal")["sudah_rekam"].to_list()
    k = values[0] // 3 - 400
    latest = 3 * (500 + k) if k else values[0]
    expected = [values[0]] + [3 * (500 + i) for i in range(1, k + 1)] + [latest] * (len(values) - k - 1)
    assert values[0] % 3 == 0 and values == expected, f"a mixed or partial version: {values[: k + 3]}"
    return k


def test_readers_never_see_a_partial_version(tmp_path: Path) -> None:
    publications = scale(12, 100)
    window = {"wilayah": "33.14", "dari": FIRST, "sampai": FIRST + timedelta(days=publications + 3)}
    store = Store(tmp_path / "data")
    frame = sragen(FIRST, [400] * 3)
    ingest_frame(store, "rekam", frame, "awal.csv")
    db = Database(store)  # one Database shared by every reader, as ui.database() is
    seen: set[int] = set()
    problems: list[str] = []
    reads = {"n": 0}
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                latest = db.run("ringkasan", {"wilayah": "33.14"}).rows.row(0, named=True)
                trend = db.run("tren", window)
                k = check_trend(trend.rows)
                days = (latest["tanggal_laporan"] - FIRST).days
                if days and latest["sudah_rekam"] != 3 * (500 + days):
                    problems.append(f"ringkasan of a mixed version: {latest}")
                seen.add(k)
                reads["n"] += 1
            except Exception as exc:  # any read failure is what this test looks for
                problems.append(f"{type(exc).__name__}: {str(exc)[:300]}")

    threads = [threading.Thread(target=reader, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    start = time.monotonic()
    writer = subprocess.run(
        [sys.executable, "-c", WRITER, str(store.data_dir), FIRST.isoformat(), str(publications)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    assert writer.returncode == 0, writer.stderr[-2000:]
    assert problems == [], f"{len(problems)} bad reads, first: {problems[:3]}"
    assert check_trend(db.run("tren", window).rows) == publications
    assert reads["n"] > 0 and seen, "the readers read nothing while the writer published"
    tally(
        "3. pembaca selama publikasi",
        publikasi=publications,
        versi_teramati=len(seen),
        kueri=2 * reads["n"],
        detik=round(time.monotonic() - start),
    )


def test_polars_full_disk_error_is_explained(tmp_path: Path, monkeypatch) -> None:
    """Regression (found on a real full tmpfs): polars raises ComputeError, not OSError, when the disk is full."""
    store = Store(tmp_path / "data")
    ingest_frame(store, "rekam", sragen(SEED_DAY, [600, 700, 800]), "awal.csv")

    def full(*_args, **_kwargs):
        raise pl.exceptions.ComputeError("parquet: underlying IO error: No space left on device (os error 28)")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    hasil = upload.proses(store, "rekam", "baru.csv", sragen(NEW_DAY, [1, 2, 3]).write_csv().encode(), max_mb=5)
    monkeypatch.undo()
    assert not hasil.berhasil
    assert hasil.pesan.startswith("Data tidak dapat disimpan: ruang disk penuh"), hasil.pesan
    assert store.current_version() == "v000001" and leftovers(store) == []
