"""The dashboard's upload: one file through the same validation and publish as `python -m pantau ingest`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pantau.ingest import IngestError, ingest_file
from pantau.store import Store, StoreError

KINDS = {
    "rekam": "Perekaman (rekam)",
    "cetak": "Log cetak (cetak)",
    "pemilu": "Kalender pemilu (pemilu)",
}
FILE_TYPES = ("csv", "xlsx", "parquet")
BYTES_PER_MB = 1_000_000  # as ingest reports sizes


@dataclass(frozen=True)
class Hasil:
    """What an upload did, in words for the page: saved or only checked, or rejected."""

    berhasil: bool
    disimpan: bool
    pesan: str
    peringatan: tuple[str, ...] = ()
    peringatan_lain: int = 0
    versi: str | None = None


def proses(
    store: Store,
    kind: str,
    name: str,
    data: bytes,
    *,
    snapshot_date: date | None = None,
    replace: bool = False,
    check_only: bool = False,
    max_mb: int,
    actor: str | None = None,
) -> Hasil:
    """Validate (and unless `check_only`, publish) an uploaded file; a rejection writes nothing.

    `snapshot_date` only applies to coverage reports (rekam) without a `tanggal` column. `actor` (the
    logged-in user, or the OS user when login is off) is written to the audit log.
    """
    try:
        report = ingest_file(
            store,
            kind,
            path=Path(name),
            data=data,
            label=name,
            snapshot_date=snapshot_date if kind == "rekam" else None,
            replace=replace,
            check_only=check_only,
            max_bytes=max_mb * BYTES_PER_MB,
            actor=actor,
        )
    except IngestError as exc:
        return Hasil(berhasil=False, disimpan=False, pesan=exc.message)
    except StoreError as exc:  # the file was valid, but the store could not take it (full disk, damaged store)
        return Hasil(berhasil=False, disimpan=False, pesan=str(exc))
    warnings = tuple(str(w) for w in report.warnings)
    return Hasil(
        berhasil=True,
        disimpan=report.version is not None,
        pesan=report.summary(),
        peringatan=warnings,
        peringatan_lain=max(report.warning_count - len(warnings), 0),
        versi=report.version,
    )
