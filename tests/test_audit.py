"""The audit log and undo, on real files, a real Store and real DuckDB queries."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pantau import audit, cli
from pantau import store as store_module
from pantau.ingest import IngestError, ingest_file, ingest_frame
from pantau.queries import run_query
from pantau.store import KEEP_VERSIONS, Store

# Kabupaten Sragen (33.14), Jawa Tengah: A is the first report, B corrects two kecamatan of it.
A = (
    b"tanggal,kode_wilayah,wajib_ktp,sudah_rekam,prr,sudah_cetak\n"
    b"2024-02-10,33.14.01,40000,39000,400,38000\n"
    b"2024-02-10,33.14.02,36000,35000,300,34000\n"
    b"2024-02-10,33.14.03,58000,57000,500,56000\n"
)
B = (
    b"tanggal,kode_wilayah,wajib_ktp,sudah_rekam,prr,sudah_cetak\n"
    b"2024-02-10,33.14.01,40000,20000,400,19000\n"
    b"2024-02-10,33.14.02,36000,10000,300,9000\n"
)
LATER = (
    b"tanggal,kode_wilayah,wajib_ktp,sudah_rekam,prr,sudah_cetak\n"
    b"2024-02-17,33.14.01,40000,39500,300,38500\n"
    b"2024-02-17,33.14.02,36000,35400,200,34600\n"
    b"2024-02-17,33.14.03,58000,57300,400,56500\n"
)
DAY, NEXT = date(2024, 2, 10), date(2024, 2, 17)


def send(store: Store, tmp_path: Path, name: str, content: bytes, kind: str = "rekam", **kwargs):
    path = tmp_path / name
    path.write_bytes(content)
    return ingest_file(store, kind, path, **kwargs)


def answers(store: Store) -> dict[str, list[dict]]:
    """What the dashboard would show: a few queries over Sragen and the nation."""
    asked = {
        "ringkasan_sragen": ("ringkasan", {"wilayah": "33.14", "tanggal": "2024-02-17"}),
        "ringkasan_nasional": ("ringkasan", {"wilayah": "", "tanggal": "2024-02-17"}),
        "peringkat": ("peringkat", {"wilayah": "33.14", "tanggal": "2024-02-17", "tingkat": "kecamatan"}),
    }
    return {key: run_query(store, name, params).to_dicts() for key, (name, params) in asked.items()}


def stored_dates(store: Store) -> list[str]:
    return [Path(p).parent.name for p in store.relative_files("rekam")]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


def test_an_ingest_appends_one_complete_line(store, tmp_path):
    report = send(store, tmp_path, "sragen.csv", A, actor="operator@sragen.go.id")
    lines = audit.log_path(store).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["oleh"] == "operator@sragen.go.id"
    assert entry["aksi"] == "ingest" and entry["jenis"] == "rekam" and entry["berkas"] == "sragen.csv"
    assert entry["sha256"] == hashlib.sha256(A).hexdigest()
    assert entry["baris"] == 3
    assert entry["unit"] == ["33.14.01", "33.14.02", "33.14.03"]
    assert entry["versi_sebelum"] is None and entry["versi_sesudah"] == report.version == "v000001"
    assert "rekam/tanggal=2024-02-10/data.parquet" in entry["partisi"]
    assert entry["waktu"].endswith("+00:00")


def test_a_replacement_is_logged_as_replace_with_the_versions(store, tmp_path):
    send(store, tmp_path, "a.csv", A)
    send(store, tmp_path, "b.csv", B, replace=True, actor="kepala")
    first, second = audit.entries(store)
    assert (first.aksi, second.aksi) == ("ingest", "replace")
    assert (second.versi_sebelum, second.versi_sesudah) == ("v000001", "v000002")
    assert second.unit == ["33.14.01", "33.14.02"] and second.oleh == "kepala"


def test_the_command_line_logs_the_os_user(store, tmp_path, capsys):
    path = tmp_path / "a.csv"
    path.write_bytes(A)
    assert cli.main(["--data-dir", str(store.data_dir), "ingest", "rekam", str(path)]) == 0
    assert audit.entries(store)[0].oleh == audit.os_user() != ""


def test_a_demo_frame_is_logged_as_demo_without_a_file_hash(store):
    frame = pl.read_csv(A, schema_overrides={"kode_wilayah": pl.String})
    ingest_frame(store, "rekam", frame, "demo-rekam", replace=True, actor="demo")
    (entry,) = audit.entries(store)
    assert (entry.oleh, entry.berkas, entry.sha256, entry.aksi) == ("demo", "demo-rekam", None, "ingest")


def test_the_log_is_read_once_until_the_next_change(store, tmp_path):
    """The Status data page shows the log on every rerun: it is parsed again only after an append."""
    send(store, tmp_path, "a.csv", A)
    shown = audit.entries_frame(store)
    assert audit.entries_frame(store) is shown
    send(store, tmp_path, "b.csv", B, replace=True)
    assert audit.entries_frame(store)["aksi"].to_list() == ["replace", "ingest"]
    assert [e.aksi for e in audit.entries(store)] == ["ingest", "replace"]
    assert audit.undoable(store).versi_sesudah == "v000002"


@pytest.mark.parametrize("check_only", [True, False])
def test_a_rejected_or_checked_file_logs_nothing(store, tmp_path, check_only):
    send(store, tmp_path, "a.csv", A)
    if check_only:
        send(store, tmp_path, "later.csv", LATER, check_only=True)
    else:
        with pytest.raises(IngestError):
            send(store, tmp_path, "clash.csv", B)  # same units and date, without replace
    assert len(audit.entries(store)) == 1


def test_undo_a_replacement_gives_back_the_answers_of_a(store, tmp_path):
    send(store, tmp_path, "a.csv", A)
    before = answers(store)
    send(store, tmp_path, "b.csv", B, replace=True)
    assert answers(store) != before
    entry = audit.undo(store, actor="admin@example.org")
    assert answers(store) == before
    assert (entry.aksi, entry.membatalkan, entry.versi_sebelum, entry.versi_sesudah) == (
        "undo", "v000002", "v000002", "v000003",
    )  # fmt: skip
    assert audit.entries(store)[-1] == entry and entry.oleh == "admin@example.org"


def test_undo_of_an_ingest_that_added_a_date_removes_the_date(store, tmp_path):
    send(store, tmp_path, "a.csv", A)
    send(store, tmp_path, "later.csv", LATER)
    assert stored_dates(store) == ["tanggal=2024-02-10", "tanggal=2024-02-17"]
    audit.undo(store, actor="admin")
    assert stored_dates(store) == ["tanggal=2024-02-10"]
    latest = run_query(store, "ringkasan", {"wilayah": "33.14"})
    assert latest["tanggal"][0] == DAY


def test_undo_works_after_the_old_version_was_cleaned_up(store, tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "RETIRE_AFTER_SECONDS", -1.0)  # old versions go at once
    send(store, tmp_path, "a.csv", A)
    before = answers(store)
    send(store, tmp_path, "b.csv", B, replace=True)
    for i in range(KEEP_VERSIONS + 1):  # unrelated changes push v000001 out of the store
        send(store, tmp_path, f"pemilu{i}.csv", f"nama,tanggal\nPilkada uji {i},2029-11-2{i}\n".encode(), kind="pemilu")
    assert not (store.versions_dir / "v000001").exists()
    audit.undo(store, actor="admin", version=2)
    after = answers(store)
    assert after == before


def test_undo_twice_walks_back_two_changes_and_undo_of_the_undo_redoes(store, tmp_path):
    send(store, tmp_path, "a.csv", A)
    send(store, tmp_path, "later.csv", LATER)
    send(store, tmp_path, "b.csv", B, replace=True)
    audit.undo(store, actor="admin")  # takes back b.csv
    audit.undo(store, actor="admin")  # takes back later.csv
    assert stored_dates(store) == ["tanggal=2024-02-10"]
    undo_of_later = audit.entries(store)[-1]
    redo = audit.undo(store, actor="admin", version=undo_of_later.versi_sesudah)  # redo later.csv
    assert stored_dates(store) == ["tanggal=2024-02-10", "tanggal=2024-02-17"]
    assert audit.undoable(store) == redo  # the redo is now the latest change: a plain undo takes it back
    assert redo.berkas == f"batal {undo_of_later.versi_sesudah} (later.csv)"
    audit.undo(store, actor="admin")
    assert stored_dates(store) == ["tanggal=2024-02-10"]
    assert audit.undoable(store).berkas == "a.csv"


def test_undo_refuses_when_a_later_change_touched_the_same_partition(store, tmp_path):
    send(store, tmp_path, "a.csv", A)
    send(store, tmp_path, "b.csv", B, replace=True)
    send(store, tmp_path, "a-again.csv", A, replace=True)
    current = store.current_version()
    with pytest.raises(audit.UndoError, match="v000003"):
        audit.undo(store, actor="admin", version="v000002")
    assert store.current_version() == current and len(audit.entries(store)) == 3


@pytest.mark.parametrize(
    ("version", "expected"),
    [("v000009", "tidak ada di log"), ("abc", "tidak dikenal"), (None, "Tidak ada perubahan")],
)
def test_undo_errors_say_why_and_write_nothing(store, tmp_path, version, expected):
    if version is not None:
        send(store, tmp_path, "a.csv", A)
    else:
        send(store, tmp_path, "a.csv", A)
        audit.undo(store, actor="admin")
    count = len(audit.entries(store))
    with pytest.raises(audit.UndoError, match=expected):
        audit.undo(store, actor="admin", version=version)
    assert len(audit.entries(store)) == count


def test_cli_undo_and_list(store, tmp_path, capsys):
    send(store, tmp_path, "a.csv", A)
    send(store, tmp_path, "later.csv", LATER)
    data_dir = str(store.data_dir)
    assert cli.main(["--data-dir", data_dir, "undo"]) == 0
    assert "v000002 dibatalkan: versi baru v000003" in capsys.readouterr().out
    assert cli.main(["--data-dir", data_dir, "undo", "--daftar"]) == 0
    listing = capsys.readouterr().out
    assert "later.csv" in listing and "undo" in listing
    assert cli.main(["--data-dir", data_dir, "undo", "--versi", "2"]) == 1
    assert "sudah dibatalkan" in capsys.readouterr().err


def test_a_torn_last_line_is_skipped(store, tmp_path):
    send(store, tmp_path, "a.csv", A)
    with open(audit.log_path(store), "a", encoding="utf-8") as handle:
        handle.write('{"waktu": "2024-')
    assert len(audit.entries(store)) == 1
