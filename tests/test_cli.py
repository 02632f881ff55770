"""`python -m pantau` as a user runs it: a real subprocess over a real data directory.

Every bad input must end with exit code 1 and a message in Bahasa Indonesia, never a traceback, and
must leave the data directory as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pantau.ingest import ingest_file
from pantau.queries import query_names
from pantau.store import Store

REPO_ROOT = Path(__file__).resolve().parent.parent
DAY = date(2024, 2, 10)

SRAGEN = (
    "tanggal,kode_wilayah,wajib_ktp,sudah_rekam,prr,sudah_cetak\n"
    "2024-02-03,33.14.01,40210,39105,410,38700\n"
    "2024-02-03,33.14.02,36480,35770,290,35300\n"
    "2024-02-10,33.14.01,40210,39350,420,38900\n"
    "2024-02-10,33.14.02,36480,35801,300,35400\n"
)
GROBOGAN = "kode_wilayah,wajib_ktp,sudah_rekam\n33.15.01,52310,50100\n"
REKAM_DAY = "kode_wilayah,wajib_ktp,sudah_rekam\n33.14.01,40210,39350\n331402,36480,35801\n33.14.03,58930,57100\n"


def run_cli(data_dir: Path, *args: object) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PANTAU_DEBUG"}
    env["PANTAU_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [sys.executable, "-m", "pantau", *map(str, args)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def tree_hash(data_dir: Path) -> dict[str, str]:
    """Hash of every file (and the name of every folder) under the data dir, except the lock file."""
    return {
        str(p.relative_to(data_dir)): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data_dir.rglob("*"))
        if p.name != ".kunci"
    }


def seed(data_dir: Path, work: Path) -> Store:
    store = Store(data_dir)
    (work / "sragen.csv").write_text(SRAGEN, encoding="utf-8")
    (work / "grobogan.csv").write_text(GROBOGAN, encoding="utf-8")
    ingest_file(store, "rekam", work / "sragen.csv")
    ingest_file(store, "rekam", work / "grobogan.csv", snapshot_date=DAY)
    return store


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory) -> Store:
    """A seeded store the read-only tests (query, check) share."""
    work = tmp_path_factory.mktemp("cli_shared")
    return seed(work / "data", work)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return seed(tmp_path / "data", tmp_path)


# ---- ingest ----------------------------------------------------------------------------------------


def test_ingest_success_prints_a_summary_and_stores_the_rows(tmp_path):
    path = tmp_path / "rekam_sragen.csv"
    path.write_text(REKAM_DAY, encoding="utf-8")
    result = run_cli(tmp_path / "data", "ingest", "rekam", path, "--date", "2024-02-10")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "rekam_sragen.csv: 3 baris rekam disimpan, tanggal 2024-02-10.\n"
    rows = Store(tmp_path / "data").read_kind("rekam").select("kode_wilayah", "sudah_rekam").sort("kode_wilayah")
    assert rows.rows() == [("33.14.01", 39350), ("33.14.02", 35801), ("33.14.03", 57100)]


def test_ingest_prints_each_warning(store, tmp_path):
    path = tmp_path / "sragen_17.csv"
    path.write_text("kode_wilayah,wajib_ktp,sudah_rekam\n33.14.01,40210,40500\n33.14.02,36480,35700\n")
    result = run_cli(store.data_dir, "ingest", "rekam", path, "--date", "2024-02-17")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "sragen_17.csv: 2 baris rekam disimpan, tanggal 2024-02-17; 2 peringatan.",
        "  peringatan: sragen_17.csv, baris 2, kolom 'sudah_rekam', nilai '40500': sudah_rekam melebihi wajib_ktp "
        "(cakupan di atas 100%); data tetap disimpan dan ditandai",
        "  peringatan: sragen_17.csv, baris 3, kolom 'sudah_rekam', nilai '35700': sudah_rekam turun dari 35801 "
        "pada laporan 2024-02-10; data tetap disimpan",
    ]


@pytest.mark.parametrize(
    ("name", "content", "extra", "expected"),
    [
        pytest.param(
            "rekam_salah.csv",
            REKAM_DAY.replace("57100", "57.10"),
            ["--date", "2024-02-17"],
            "- rekam_salah.csv, baris 4, kolom 'sudah_rekam', nilai '57.10': harus bilangan bulat",
            id="bad-count",
        ),
        pytest.param(
            "rekam.xlsx",
            b"PK\x03\x04 not really a workbook",
            ["--date", "2024-02-17"],
            "- rekam.xlsx: bukan berkas XLSX yang dapat dibaca (rusak atau format lain)",
            id="garbage-xlsx",
        ),
        pytest.param(
            "rekam.csv",
            REKAM_DAY,
            ["--date", "kemarin"],
            "Kesalahan: --date harus tanggal YYYY-MM-DD, bukan 'kemarin'.",
            id="bad-date-option",
        ),
        pytest.param(
            "rekam.csv",
            REKAM_DAY,
            ["--date", "2024-02-10"],
            "- rekam.csv, baris 2, kolom 'kode_wilayah', nilai '33.14.01': kecamatan ini sudah tersimpan untuk "
            "tanggal ini; kirim ulang dengan --replace untuk menggantinya",
            id="conflict-without-replace",
        ),
    ],
)
def test_ingest_bad_file_exits_1_with_a_message_and_changes_nothing(store, tmp_path, name, content, extra, expected):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = tree_hash(store.data_dir)
    result = run_cli(store.data_dir, "ingest", "rekam", path, *extra)
    assert result.returncode == 1
    assert result.stdout == ""
    assert any(line.startswith(expected) for line in result.stderr.splitlines()), result.stderr
    assert tree_hash(store.data_dir) == before


def test_ingest_missing_file_exits_1(store, tmp_path):
    before = tree_hash(store.data_dir)
    result = run_cli(store.data_dir, "ingest", "rekam", tmp_path / "tidak_ada.csv", "--date", "2024-02-17")
    assert result.returncode == 1
    assert "- tidak_ada.csv: berkas tidak dapat dibuka (No such file or directory)" in result.stderr
    assert tree_hash(store.data_dir) == before


def test_ingest_replace_on_the_command_line(store, tmp_path):
    path = tmp_path / "koreksi.csv"
    path.write_text("kode_wilayah,wajib_ktp,sudah_rekam\n33.14.02,36480,35990\n")
    result = run_cli(store.data_dir, "ingest", "rekam", path, "--date", "2024-02-10", "--replace")
    assert result.returncode == 0
    assert result.stdout.startswith("koreksi.csv: 1 baris rekam disimpan, tanggal 2024-02-10; 1 unit diganti")
    day = store.read_kind("rekam", since=DAY, until=DAY).select("kode_wilayah", "sudah_rekam").sort("kode_wilayah")
    assert day.rows() == [("33.14.01", 39350), ("33.14.02", 35990), ("33.15.01", 50100)]


# ---- query -----------------------------------------------------------------------------------------

SRAGEN_ARGS = ["--param", "wilayah=33.14", "--param", "tanggal=2024-02-10"]


def test_query_json_is_an_array_with_real_numbers(shared_store):
    result = run_cli(shared_store.data_dir, "query", "ringkasan", *SRAGEN_ARGS, "--format", "json")
    assert (result.returncode, result.stderr) == (0, "")
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and len(rows) == 1
    row = rows[0]
    assert {
        k: row[k]
        for k in (
            "kode_wilayah",
            "nama_wilayah",
            "tanggal",
            "wajib_ktp",
            "sudah_rekam",
            "belum_rekam",
            "persen_rekam",
            "prr",
            "unit_melapor",
            "tanggal_sebelumnya",
            "sudah_rekam_sebelumnya",
        )
    } == {
        "kode_wilayah": "33.14",
        "nama_wilayah": "Kabupaten Sragen",
        "tanggal": "2024-02-10",
        "wajib_ktp": 76690,  # 40210 + 36480
        "sudah_rekam": 75151,  # 39350 + 35801
        "belum_rekam": 1539,
        "persen_rekam": 97.99,  # 75151 / 76690
        "prr": 720,
        "unit_melapor": 2,
        "tanggal_sebelumnya": "2024-02-03",
        "sudah_rekam_sebelumnya": 74875,  # 39105 + 35770
    }
    for key in ("wajib_ktp", "sudah_rekam", "belum_rekam", "prr", "sudah_cetak", "unit_melapor"):
        assert type(row[key]) is int, key
    assert type(row["persen_rekam"]) is float


def test_query_json_ranking_numbers_are_numbers(shared_store):
    result = run_cli(shared_store.data_dir, "query", "peringkat", *SRAGEN_ARGS, "--format", "json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 20  # every kecamatan of Sragen; the 18 without a report have no rank
    assert [(r["kode_wilayah"], r["peringkat"], r["persen_rekam"]) for r in rows[:2]] == [
        ("33.14.02", 1, 98.14),  # 35801 / 36480
        ("33.14.01", 2, 97.86),  # 39350 / 40210
    ]
    assert all(type(r["wajib_ktp"]) is int and type(r["persen_rekam"]) is float for r in rows[:2])
    assert {(r["peringkat"], r["wajib_ktp"]) for r in rows[2:]} == {(None, None)}


def test_query_csv(shared_store):
    result = run_cli(shared_store.data_dir, "query", "ringkasan", *SRAGEN_ARGS, "--format", "csv")
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    assert (rows[0]["kode_wilayah"], rows[0]["wajib_ktp"], rows[0]["sudah_rekam"], rows[0]["persen_rekam"]) == (
        "33.14",
        "76690",
        "75151",
        "97.99",
    )


def test_query_unknown_name_exits_1_with_the_choices(shared_store):
    result = run_cli(shared_store.data_dir, "query", "tidak_ada")
    assert result.returncode == 1
    assert result.stdout == ""
    names = ", ".join(query_names())  # the files in queries/, which grow over time
    assert {"ringkasan", "peringkat", "tren", "cetak_harian", "hitung_mundur", "kualitas"} <= set(query_names())
    assert result.stderr.strip() == f"Kesalahan: Kueri 'tidak_ada' tidak dikenal. Pilihan: {names}."


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        pytest.param(
            "wilayah=; DROP TABLE x",
            "Kesalahan: Kode wilayah '; DROP TABLE x' tidak sah: gunakan kode Kemendagri seperti 33.14.",
            id="wilayah-sql",
        ),
        pytest.param(
            "tanggal=kemarin",
            "Kesalahan: Parameter tanggal harus tanggal berformat YYYY-MM-DD, bukan 'kemarin'.",
            id="tanggal-word",
        ),
        pytest.param(
            "tingkat=bogus",
            "Kesalahan: Parameter tingkat harus salah satu dari: nasional, provinsi, kabkota, kecamatan, desa.",
            id="tingkat-unknown",
        ),
        pytest.param(
            "wilayah=99.99",
            "Kesalahan: Kode wilayah '99.99' tidak ada dalam daftar wilayah Kemendagri.",
            id="wilayah-unknown",
        ),
        pytest.param("kota=33.14", "Kesalahan: Parameter tidak dikenal: kota.", id="unknown-parameter"),
        pytest.param("wilayah", "Kesalahan: --param harus berbentuk kunci=nilai, bukan 'wilayah'.", id="no-equals"),
    ],
)
def test_query_bad_parameter_exits_1_without_traceback(shared_store, param, expected):
    result = run_cli(shared_store.data_dir, "query", "ringkasan", "--param", param, "--format", "json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == expected


# ---- check -----------------------------------------------------------------------------------------


def test_check_a_good_store(shared_store):
    total = sum(len(files) for files in shared_store.snapshot().files.values())
    assert total >= 2
    result = run_cli(shared_store.data_dir, "check")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        f"Store baik: {total} berkas Parquet terbaca utuh (versi {shared_store.current_version()}).\n"
    )


def _truncate_latest_rekam(store: Store) -> Path:
    version = store.versions_dir / store.current_version()
    path = version / "rekam" / "tanggal=2024-02-10" / "data.parquet"
    data = path.read_bytes()
    path.unlink()  # a new inode: the other versions keep their hard-linked copy whole
    path.write_bytes(data[: len(data) // 2])
    return path


def test_check_names_a_truncated_parquet_file(store):
    damaged = _truncate_latest_rekam(store)
    total = sum(len(files) for files in store.snapshot().files.values())
    result = run_cli(store.data_dir, "check")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"1 dari {total} berkas Parquet rusak (versi {store.current_version()}):"
    assert lines[1].startswith(f"- {damaged}: ")
    assert lines[2] == "Pulihkan berkas itu dari cadangan, atau kirim ulang data tanggal tersebut dengan --replace."


def test_query_over_a_truncated_file_points_to_check(store):
    rollup = store.versions_dir / store.current_version() / "agregat" / "bulan=2024-02" / "data.parquet"
    data = rollup.read_bytes()
    rollup.unlink()
    rollup.write_bytes(data[: len(data) // 2])
    result = run_cli(store.data_dir, "query", "ringkasan", *SRAGEN_ARGS)
    assert result.returncode == 1
    assert "python -m pantau check" in result.stderr
    assert "python -m pantau agregat" in result.stderr  # the rollup is rebuilt from the reports
    assert run_cli(store.data_dir, "agregat").returncode == 0
    assert run_cli(store.data_dir, "query", "ringkasan", *SRAGEN_ARGS).returncode == 0


def test_check_file_validates_without_writing(store, tmp_path):
    good = tmp_path / "rekam_17.csv"
    good.write_text("tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n2024-02-17,33.14.01,40210,39400\n")
    before = tree_hash(store.data_dir)
    result = run_cli(store.data_dir, "check", good)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == (
        "rekam_17.csv: 1 baris rekam valid (tidak disimpan), tanggal 2024-02-17; 1 peringatan."
    )
    assert result.stdout.splitlines()[1].startswith(
        "  peringatan: rekam_17.csv, kolom 'kode_wilayah', nilai '33.14.02': unit ini ada di laporan 2024-02-10"
    )
    assert tree_hash(store.data_dir) == before


@pytest.mark.parametrize(
    ("content", "args", "expected"),
    [
        pytest.param(
            "tanggal,kode_wilayah,tercetak\n2024-02-17,33.14,-4\n",
            [],
            "- cek.csv, baris 2, kolom 'tercetak', nilai '-4': tidak boleh negatif",
            id="cetak-detected-negative",
        ),
        pytest.param(
            "kode,jumlah\n33.14,4\n",
            [],
            "- cek.csv, baris 1: jenis berkas tidak dikenali dari judul kolomnya (rekam, cetak atau pemilu)",
            id="kind-not-detected",
        ),
        pytest.param(
            "tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n2024-02-10,33.14.01,40210,39350\n",
            ["--kind", "rekam"],
            "- cek.csv, baris 2, kolom 'kode_wilayah', nilai '33.14.01': kecamatan ini sudah tersimpan",
            id="rekam-conflict",
        ),
    ],
)
def test_check_bad_file_exits_1_and_writes_nothing(store, tmp_path, content, args, expected):
    path = tmp_path / "cek.csv"
    path.write_text(content)
    before = tree_hash(store.data_dir)
    result = run_cli(store.data_dir, "check", path, *args)
    assert result.returncode == 1
    assert any(line.startswith(expected) for line in result.stderr.splitlines()), result.stderr
    assert tree_hash(store.data_dir) == before
