"""The `python -m pantau` command: demo, ingest, query, check, undo."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl

from pantau import audit, ingest, queries
from pantau.config import ConfigError, load_settings
from pantau.store import Store, StoreError

PROG = "python -m pantau"


class UsageError(ValueError):
    """A command-line argument a user gave is not acceptable."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Pantau e-KTP: data perekaman dan pencetakan e-KTP.")
    parser.add_argument("--data-dir", help="direktori data (bawaan: PANTAU_DATA_DIR atau data/)")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="bangun data demo nasional yang deterministik")
    demo.add_argument("--level", choices=("kecamatan", "desa"), default="kecamatan", help="tingkat unit laporan")
    demo.add_argument("--provinsi", help="batasi ke kode provinsi, dipisah koma (mis. 33,34)")
    demo.add_argument("--seed", type=int, default=2024)

    load = commands.add_parser("ingest", help="validasi lalu simpan berkas rekam, cetak atau pemilu")
    load.add_argument("kind", choices=tuple(ingest.SPECS), help="jenis data")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--date", dest="snapshot_date", help="tanggal snapshot (YYYY-MM-DD) bila berkas tanpa kolom tanggal"
    )
    load.add_argument("--replace", action="store_true", help="ganti unit yang sudah tersimpan (pemilu: ganti kalender)")

    query = commands.add_parser("query", help="jalankan kueri dari folder queries/")
    query.add_argument("name", help=f"nama kueri: {', '.join(queries.query_names())}")
    query.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="parameter, boleh berulang")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")

    check = commands.add_parser("check", help="periksa store, atau validasi berkas tanpa menyimpan")
    check.add_argument("files", nargs="*", type=Path)
    check.add_argument("--kind", choices=tuple(ingest.SPECS), help="jenis data berkas (bawaan: ditebak dari kolom)")
    undo = commands.add_parser("undo", help="batalkan pengiriman data terakhir (atau versi tertentu)")
    undo.add_argument("--versi", help="versi yang perubahannya dibatalkan (mis. 12 atau v000012); bawaan: terakhir")
    undo.add_argument("--daftar", action="store_true", help="tampilkan log audit saja, tanpa membatalkan")
    return parser


def _parse_params(pairs: Sequence[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"--param harus berbentuk kunci=nilai, bukan {pair[:60]!r}.")
        params[key.strip()] = value.strip()
    return params


def _print_frame(frame: pl.DataFrame, fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(frame.to_dicts(), default=str, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        sys.stdout.write(frame.write_csv())
    else:
        with pl.Config(tbl_rows=200, tbl_cols=30, tbl_width_chars=200, fmt_str_lengths=40):
            print(frame)


def _run_demo(store: Store, args: argparse.Namespace) -> int:
    from pantau import demo

    provinces = [p.strip() for p in args.provinsi.split(",")] if args.provinsi else None
    summary = demo.build(store, level=args.level, seed=args.seed, provinces=provinces, progress=print)
    print(summary)
    return 0


def _run_ingest(store: Store, args: argparse.Namespace) -> int:
    snapshot_date = None
    if args.snapshot_date:
        try:
            snapshot_date = date.fromisoformat(args.snapshot_date)
        except ValueError:
            raise UsageError(f"--date harus tanggal YYYY-MM-DD, bukan {args.snapshot_date[:40]!r}.") from None
    report = ingest.ingest_file(store, args.kind, args.file, snapshot_date=snapshot_date, replace=args.replace)
    print(report.summary())
    _print_warnings(report)
    return 0


def _print_warnings(report: ingest.Report) -> None:
    for warning in report.warnings:
        print(f"  peringatan: {warning}")
    if report.warning_count > len(report.warnings):
        print(f"  ... dan {report.warning_count - len(report.warnings)} peringatan lain.")


def _run_query(store: Store, args: argparse.Namespace) -> int:
    frame = queries.run_query(store, args.name, _parse_params(args.param))
    _print_frame(frame, args.format)
    return 0


def _run_check(store: Store, args: argparse.Namespace) -> int:
    if not args.files:
        damaged = store.damaged_files()
        snapshot = store.snapshot()
        total = sum(len(files) for files in snapshot.files.values())
        if damaged:
            print(f"{len(damaged)} dari {total} berkas Parquet rusak (versi {snapshot.version}):", file=sys.stderr)
            for path, reason in damaged:
                print(f"- {path}: {reason}", file=sys.stderr)
            print(
                "Pulihkan berkas itu dari cadangan, atau kirim ulang data tanggal tersebut dengan --replace.",
                file=sys.stderr,
            )
            return 1
        print(f"Store baik: {total} berkas Parquet terbaca utuh (versi {snapshot.version}).")
        return 0
    failed = 0
    for path in args.files:
        try:
            kind = args.kind or ingest.detect_kind(path)
            report = ingest.ingest_file(store, kind, path, check_only=True)
        except ingest.IngestError as exc:
            print(exc.message, file=sys.stderr)
            failed += 1
            continue
        print(report.summary())
        _print_warnings(report)
    return 1 if failed else 0


def _run_undo(store: Store, args: argparse.Namespace) -> int:
    if args.daftar:
        log = audit.entries_frame(store)
        if log.is_empty():
            print("Log audit kosong.")
        else:
            _print_frame(log, "table")
        return 0
    entry = audit.undo(store, actor=audit.os_user(), version=args.versi)
    print(
        f"Perubahan versi {entry.membatalkan} dibatalkan: versi baru {entry.versi_sesudah} "
        f"({len(entry.partisi)} partisi dipulihkan)."
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0 success, 1 bad input or damaged store, 2 usage)."""
    args = _parser().parse_args(argv)
    try:
        store = Store(load_settings(args.data_dir).data_dir)
        handler = {
            "demo": _run_demo, "ingest": _run_ingest, "query": _run_query, "check": _run_check, "undo": _run_undo,
        }[args.command]  # fmt: skip
        return handler(store, args)
    except ingest.IngestError as exc:
        print(exc.message, file=sys.stderr)
    except (queries.QueryError, UsageError, ConfigError, StoreError) as exc:
        print(f"Kesalahan: {exc}", file=sys.stderr)
    except Exception as exc:  # last resort: a user never sees a raw traceback
        if os.environ.get("PANTAU_DEBUG"):
            raise
        print(
            f"Kesalahan tak terduga ({type(exc).__name__}). Data tidak diubah. "
            "Jalankan ulang dengan PANTAU_DEBUG=1 untuk rincian teknis, lalu laporkan.",
            file=sys.stderr,
        )
    return 1


if __name__ == "__main__":
    sys.exit(main())
