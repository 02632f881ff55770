"""The `python -m pantau` command: demo, ingest, query, sasaran, laporan, agregat, check, undo."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from pantau import audit, fmt, ingest, queries, regions
from pantau.config import ConfigError, load_settings
from pantau.store import DERIVED_KINDS, Store, StoreError

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
    demo.add_argument(
        "--years", type=int, help="rentang data dalam tahun sampai tanggal akhir demo (bawaan: sejak 2 Januari 2023)"
    )
    demo.add_argument(
        "--every-day",
        action="store_true",
        help="setiap kabupaten/kota melapor setiap hari (skala uji beban: --level desa --years 3 = 92 juta baris)",
    )

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

    pack = commands.add_parser("laporan", help="buat bahan rapat (PDF atau PPTX) untuk satu wilayah")
    pack.add_argument("--wilayah", default="", help="kode wilayah Kemendagri, mis. 33.14 (kosong = Indonesia)")
    pack.add_argument("--tanggal", help="data per tanggal YYYY-MM-DD (bawaan: laporan terbaru)")
    pack.add_argument("--banding", help="tanggal pembanding YYYY-MM-DD (bawaan: seminggu sebelum --tanggal)")
    pack.add_argument("--format", choices=("pdf", "pptx"), help="bawaan: dari akhiran nama --out")
    pack.add_argument("--out", required=True, type=Path, help="berkas keluaran, mis. bahan-rapat.pdf")

    commands.add_parser(
        "agregat",
        help="bangun ulang ringkasan per wilayah dan hari (agregat, peringatan_harian) dari laporan dan peringatan",
    )
    worklist = commands.add_parser("sasaran", help="daftar sasaran jemput bola (XLSX, PDF atau CSV) untuk tim lapangan")
    worklist.add_argument("--wilayah", required=True, help="kode wilayah Kemendagri (mis. 33.14)")
    worklist.add_argument("--tanggal", help="data per tanggal YYYY-MM-DD (bawaan: laporan terbaru)")
    worklist.add_argument("--tingkat", choices=("desa", "kecamatan"), help="unit sasaran (bawaan: desa)")
    worklist.add_argument("--jumlah", type=int, default=20, help="jumlah unit teratas, 0 = semua (bawaan: 20)")
    worklist.add_argument("--format", choices=("xlsx", "pdf", "csv"), required=True)
    worklist.add_argument("--out", type=Path, required=True, help="berkas keluaran")

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
    span = {}
    if args.years is not None:
        if not 1 <= args.years <= 5:
            raise UsageError("--years harus antara 1 dan 5.")
        span["start"] = demo.DEMO_END - timedelta(days=round(365.25 * args.years) - 1)
    summary = demo.build(
        store, level=args.level, seed=args.seed, provinces=provinces, progress=print, every_day=args.every_day, **span
    )
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


def _run_laporan(store: Store, args: argparse.Namespace) -> int:
    from pantau import laporan

    kind = args.format or args.out.suffix.lower().lstrip(".")
    if kind not in ("pdf", "pptx"):
        raise UsageError("Pilih --format pdf atau pptx (atau beri --out berakhiran .pdf atau .pptx).")
    out = args.out.expanduser().resolve()
    if not out.parent.is_dir():
        raise UsageError(f"Folder {out.parent} tidak ada; buat dulu atau pilih --out lain.")
    if out.is_dir():
        raise UsageError(f"{out} adalah folder; beri nama berkas untuk --out.")
    if not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise UsageError(f"Tidak bisa menulis ke {out}: periksa izin folder atau pilih --out lain.")
    dates = {name: queries.parse_date(name, getattr(args, name)) for name in ("tanggal", "banding")}
    db = queries.Database(store)
    try:
        pack = laporan.collect(db, args.wilayah, dates["tanggal"], dates["banding"])
        data = laporan.render_bytes(pack, kind)
    except laporan.LaporanError as exc:
        raise UsageError(str(exc)) from None
    except RuntimeError as exc:  # charts.to_png: no Chromium to draw the chart images
        raise UsageError(str(exc)) from None
    temporary = out.with_name(f".{out.name}.sementara")
    try:
        temporary.write_bytes(data)
        temporary.replace(out)  # a failed write never leaves half a file under the chosen name
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UsageError(f"Tidak bisa menulis ke {out}: {exc.strerror or exc}.") from None
    print(
        f"Bahan rapat {pack.nama_wilayah} per {pack.tanggal.isoformat()} tersimpan: {out} "
        f"({laporan.page_count(pack)} halaman, {len(pack.rapor)} rapor)."
    )
    return 0


def _run_agregat(store: Store, args: argparse.Namespace) -> int:
    from pantau import agregat

    started = time.perf_counter()
    version = agregat.rebuild(store)
    if version is None:
        print("Store masih kosong: tidak ada yang diringkas.")
    else:
        print(f"Agregat dibangun ulang (versi {version}) dalam {time.perf_counter() - started:.1f} detik.")
    return 0


def _run_sasaran(store: Store, args: argparse.Namespace) -> int:
    from pantau import sasaran

    if args.jumlah < 0:
        raise UsageError("--jumlah tidak boleh negatif (0 = semua unit).")
    params = {"wilayah": args.wilayah, "tanggal": args.tanggal, "tingkat": args.tingkat}
    result = queries.Database(store).run("sasaran", {**{k: v for k, v in params.items() if v}, "jumlah": args.jumlah})
    shown = result.rows
    nama = regions.name_of(result.params["wilayah"]) or "Indonesia"
    if shown.is_empty():
        print(
            f"Belum ada laporan perekaman untuk {nama} sampai {fmt.tanggal(result.params['tanggal'])}.", file=sys.stderr
        )
        return 1
    demo = (store.data_dir / "DEMO").exists()
    info = sasaran.lembar(shown, result.params["wilayah"], result.params["tingkat"], demo=demo)
    writer = {"xlsx": sasaran.to_xlsx, "pdf": sasaran.to_pdf, "csv": sasaran.to_csv}[args.format]
    content = writer(shown, info)
    try:
        args.out.write_bytes(content)
    except OSError as exc:
        raise UsageError(f"Tidak dapat menulis {args.out}: {exc.strerror or exc}.") from None
    print(
        f"{fmt.angka(shown.height)} dari {fmt.jumlah(info.jumlah_unit, 'unit')} ({info.satuan}) {nama}, data per "
        f"{fmt.tanggal(info.tanggal)}, memuat {fmt.persen(shown['porsi_kumulatif'][-1])} belum rekam: "
        f"ditulis ke {args.out}"
    )
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
            if any(f"/{kind}/" in path for path, _ in damaged for kind in DERIVED_KINDS):
                print(
                    "Berkas agregat dan peringatan_harian dapat dibangun ulang dari laporan dan peringatan: "
                    "python -m pantau agregat",
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
            "demo": _run_demo,
            "ingest": _run_ingest,
            "query": _run_query,
            "check": _run_check,
            "laporan": _run_laporan,
            "agregat": _run_agregat,
            "sasaran": _run_sasaran,
            "undo": _run_undo,
        }[args.command]
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
