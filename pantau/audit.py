"""Who changed the data, and how to take a change back: an append-only audit log and undo.

Layout under the data directory::

    audit/audit.jsonl            one JSON object per line, one line per published change
    audit/undo/v000042/          what version v000042 overwrote, so that it can be undone
        manifest.json            every partition the change touched: existed before?, sha256 after
        files/<partition path>   the partition as it was before (hard link, so it costs little)

A publish is logged right after the store's atomic swap, under the same writer lock, and the line is
fsynced before the lock is released. The store itself keeps only three versions; the undo folder keeps
the replaced partitions of every change, so any change can be undone as long as no later change
touched the same partitions (undo those first) and its undo folder was not pruned by the operator.

An undo publishes a NEW version whose touched partitions equal those before the change; it is logged
(action "undo") with its own undo folder, so an undo can itself be undone.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import polars as pl

from pantau import agregat
from pantau.store import DERIVED_KINDS, Store, StoreError

ACTIONS = ("ingest", "replace", "undo")
LOG_NAME = "audit.jsonl"


@dataclass(frozen=True)
class Source:
    """Who sent a change and what it was: the actor and the sha256 of the file's bytes (None for a frame)."""

    actor: str
    sha256: str | None = None

    @classmethod
    def of_bytes(cls, actor: str, data: bytes) -> Source:
        return cls(actor, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Entry:
    """One line of the audit log."""

    waktu: str  # UTC, ISO 8601
    oleh: str
    aksi: str  # ingest | replace | undo
    jenis: str  # rekam | cetak | pemilu | undo
    berkas: str
    sha256: str | None
    baris: int
    unit: list[str]
    versi_sebelum: str | None
    versi_sesudah: str
    partisi: list[str] = field(default_factory=list)
    membatalkan: str | None = None  # for an undo: the version whose change it took back


class UndoError(StoreError):
    """An undo that cannot be done; nothing was written. The message says why, in Bahasa Indonesia."""


def os_user() -> str:
    """The operating-system user running this process (the actor for the command line)."""
    with contextlib.suppress(Exception):
        return getpass.getuser()
    return "tidak diketahui"


def audit_dir(store: Store) -> Path:
    return store.data_dir / "audit"


def log_path(store: Store) -> Path:
    return audit_dir(store) / LOG_NAME


def undo_dir(store: Store, version: str) -> Path:
    return audit_dir(store) / "undo" / version


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _append(store: Store, entry: Entry) -> None:
    path = log_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(entry), ensure_ascii=False, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def record(
    store: Store,
    *,
    source: Source,
    action: str,
    kind: str,
    label: str,
    rows: int,
    units: list[str],
    before: str | None,
    after: str,
    changed: Mapping[str, object],
    undoes: str | None = None,
) -> Entry:
    """Log a change that was just published (call under the store's lock) and keep what it replaced.

    `changed` holds the partition paths the publish wrote or removed (the keys of `Store.publish`'s
    `changes`); the files they had in version `before` are kept under audit/undo/<after>/.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    keep = undo_dir(store, after)
    staging = keep.with_name(f".{after}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    manifest = []
    old_root = store.versions_dir / before if before else None
    new_root = store.versions_dir / after
    derived = tuple(f"{kind}/" for kind in DERIVED_KINDS)  # recomputed on undo
    changed = {rel: None for rel in changed if not rel.startswith(derived)}
    for rel in sorted(changed):
        old = old_root / rel if old_root else None
        existed = bool(old and old.exists())
        if existed:
            _link_or_copy(old, staging / "files" / rel)
        new = new_root / rel
        manifest.append(
            {"partisi": rel, "ada_sebelum": existed, "sha256_sesudah": _sha256_file(new) if new.exists() else None}
        )
    staging.mkdir(parents=True, exist_ok=True)
    (staging / "manifest.json").write_text(
        json.dumps({"versi_sebelum": before, "versi_sesudah": after, "partisi": manifest}, indent=1), encoding="utf-8"
    )
    shutil.rmtree(keep, ignore_errors=True)
    os.rename(staging, keep)
    entry = Entry(
        waktu=datetime.now(UTC).isoformat(timespec="seconds"),
        oleh=source.actor,
        aksi=action,
        jenis=kind,
        berkas=label,
        sha256=source.sha256,
        baris=rows,
        unit=sorted(units),
        versi_sebelum=before,
        versi_sesudah=after,
        partisi=sorted(changed),
        membatalkan=undoes,
    )
    _append(store, entry)
    return entry


def entries(store: Store) -> list[Entry]:
    """Every entry of the log, oldest first. A line cut short by a crash (the last one) is skipped."""
    return list(_read_log(*_log_stamp(store)))


def _log_stamp(store: Store) -> tuple[str, int, int]:
    """The log's path, modification time and size: the log is only ever appended to, so a read is
    reused until these change (the Status data page reads it on every rerun; it grows with every ingest)."""
    path = log_path(store)
    try:
        found = path.stat()
    except FileNotFoundError:
        return str(path), -1, -1
    return str(path), found.st_mtime_ns, found.st_size


@lru_cache(maxsize=4)
def _read_log(path: str, modified_ns: int, size: int) -> tuple[Entry, ...]:
    if size < 0:
        return ()
    found = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            found.append(Entry(**json.loads(line)))
        except (json.JSONDecodeError, TypeError):
            continue
    return tuple(found)


def entries_frame(store: Store) -> pl.DataFrame:
    """The log as a table for the Status data page, newest first (units counted, not listed). Do not mutate."""
    return _log_frame(*_log_stamp(store))


@lru_cache(maxsize=4)
def _log_frame(path: str, modified_ns: int, size: int) -> pl.DataFrame:
    rows = [
        {
            "waktu": e.waktu,
            "oleh": e.oleh,
            "aksi": e.aksi,
            "jenis": e.jenis,
            "berkas": e.berkas,
            "sha256": (e.sha256 or "")[:12],
            "baris": e.baris,
            "unit": len(e.unit),
            "versi_sebelum": e.versi_sebelum or "",
            "versi_sesudah": e.versi_sesudah,
            "membatalkan": e.membatalkan or "",
        }
        for e in reversed(_read_log(path, modified_ns, size))
    ]
    schema = {
        "waktu": pl.String, "oleh": pl.String, "aksi": pl.String, "jenis": pl.String, "berkas": pl.String,
        "sha256": pl.String, "baris": pl.Int64, "unit": pl.Int64, "versi_sebelum": pl.String,
        "versi_sesudah": pl.String, "membatalkan": pl.String,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def _normalise_version(version: str | int) -> str:
    text = str(version).strip().lower().lstrip("v")
    if not text.isdigit():
        raise UndoError(f"Versi {str(version)[:20]!r} tidak dikenal: tulis nomornya, mis. 12 atau v000012.")
    return f"v{int(text):06d}"


def undoable(store: Store) -> Entry | None:
    """The latest change still in effect, or None: what a plain `undo` takes back.

    Ingests and replacements are changes until undone. An undo of an undo re-applies a change (a redo),
    so it is itself a change that a later `undo` takes back; a plain undo is not (undo walks back).
    """
    applies: dict[str, bool] = {}  # version -> did it (re)apply a change, rather than take one back?
    active: dict[str, Entry] = {}
    for entry in entries(store):
        version = entry.versi_sesudah
        if entry.aksi != "undo":
            applies[version], active[version] = True, entry
            continue
        active.pop(entry.membatalkan or "", None)
        applies[version] = not applies.get(entry.membatalkan or "", True)
        if applies[version]:
            active[version] = entry
    return next(reversed(active.values()), None)


def _file_of(entry: Entry) -> str:
    """The file a change came from; for an undo, the file of the change it took back."""
    if entry.aksi == "undo" and entry.berkas.endswith(")") and " (" in entry.berkas:
        return entry.berkas.split(" (", 1)[1][:-1]
    return entry.berkas


def undo(store: Store, actor: str, version: str | int | None = None) -> Entry:
    """Take back the change that produced `version` (default: the latest change not undone yet).

    Publishes a new version whose touched partitions equal those before that change, and logs it.
    Raises UndoError, writing nothing, when a later change touched the same partitions.
    """
    with store.lock():
        log = entries(store)
        if version is None:
            target = undoable(store)
            if target is None:
                raise UndoError(
                    "Tidak ada perubahan data yang bisa dibatalkan (log audit kosong atau sudah dibatalkan)."
                )
        else:
            name = _normalise_version(version)
            target = next((e for e in log if e.versi_sesudah == name), None)
            if target is None:
                raise UndoError(f"Versi {name} tidak ada di log audit: lihat `python -m pantau undo --daftar`.")
            if any(e.aksi == "undo" and e.membatalkan == name for e in log):
                raise UndoError(f"Perubahan versi {name} sudah dibatalkan.")
        kept = undo_dir(store, target.versi_sesudah)
        try:
            manifest = json.loads((kept / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            raise UndoError(
                f"Cadangan untuk membatalkan versi {target.versi_sesudah} tidak ada di {kept}; "
                "perubahan ini tidak bisa dibatalkan otomatis."
            ) from None
        current = store.current_version()
        root = store.versions_dir / current if current else None
        changes: dict[str, pl.DataFrame | None] = {}
        for part in manifest["partisi"]:
            rel = part["partisi"]
            now = root / rel if root else None
            now_hash = _sha256_file(now) if now and now.exists() else None
            if now_hash != part["sha256_sesudah"]:
                later = [e.versi_sesudah for e in log if e.versi_sesudah > target.versi_sesudah and rel in e.partisi]
                raise UndoError(
                    f"Partisi {rel} sudah diubah lagi setelah versi {target.versi_sesudah}"
                    + (f" (oleh versi {', '.join(later)})" if later else "")
                    + ". Batalkan perubahan yang lebih baru dulu."
                )
            changes[rel] = pl.read_parquet(kept / "files" / rel) if part["ada_sebelum"] else None
        restored = dict(changes)
        changes.update(agregat.plan(store, changes))  # the rollup follows the restored reports
        changes.update(agregat.plan_warnings(store, changes))  # and the counts the restored warnings
        after = store.publish(changes)
        changes = restored
        return record(
            store,
            source=Source(actor),
            action="undo",
            kind="undo",
            label=f"batal {target.versi_sesudah} ({_file_of(target)})",
            rows=0,
            units=target.unit,
            before=current,
            after=after,
            changed=changes,
            undoes=target.versi_sesudah,
        )
