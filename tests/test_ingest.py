"""The input contract of `pantau.ingest`, on real files written to disk and a real Store.

Every rule of the contract has a row in one of the tables below: accepted formats, hard errors,
warnings, and how files for the same date merge in the store. Each rejected file must leave the
data directory byte-identical.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from lokal import wilayah

from pantau.ingest import IngestError, ingest_file
from pantau.queries import run_query
from pantau.store import Store

DAY = date(2024, 2, 10)
PREV = date(2024, 2, 3)
FUTURE = date.today() + timedelta(days=30)

# Kabupaten Sragen (33.14) and Kabupaten Grobogan (33.15), Jawa Tengah.
SRAGEN_PREV = (
    "tanggal,kode_wilayah,nama_wilayah,wajib_ktp,sudah_rekam,prr,sudah_cetak\n"
    "2024-02-03,33.14.01,Kalijambe,40210,39105,410,38700\n"
    "2024-02-03,33.14.02,Plupuh,36480,35770,290,35300\n"
    "2024-02-03,33.14.03,Masaran,58930,57002,505,56100\n"
)


def test_region_codes_used_here_are_in_the_master():
    kecamatan = dict((w.code, w.name) for w in wilayah.list_wilayah("33.14"))
    assert kecamatan["33.14.01"] == "Kalijambe" and kecamatan["33.14.02"] == "Plupuh"
    assert [f"33.14.{i:02d}" for i in range(1, 21)] == sorted(kecamatan)
    desa = dict((w.code, w.name) for w in wilayah.list_wilayah("33.14.01"))
    assert desa["33.14.01.2001"] == "Keden" and desa["33.14.01.2002"] == "Trobayan"
    assert wilayah.wilayah_name("33.15.01") == "Kedungjati"


# ---- helpers -------------------------------------------------------------------------------------


def write_input(path: Path, content: bytes | list | pl.DataFrame) -> Path:
    """Write an input file: raw bytes (CSV etc.), a list of rows (XLSX) or a frame (Parquet)."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, list):
        book = openpyxl.Workbook()
        sheet = book.active
        for row in content:
            sheet.append(row)
        book.save(path)
    else:
        content.write_parquet(path)
    return path


def tree_hash(data_dir: Path) -> dict[str, str]:
    """Hash of every file (and the name of every folder) under the data dir, except the lock file."""
    found = {}
    if not data_dir.exists():
        return found
    for path in sorted(data_dir.rglob("*")):
        rel = str(path.relative_to(data_dir))
        if rel == ".kunci":
            continue
        found[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def ingest(store: Store, tmp_path: Path, name: str, content, kind: str = "rekam", **kwargs):
    return ingest_file(store, kind, write_input(tmp_path / name, content), **kwargs)


def rejected(store: Store, tmp_path: Path, name: str, content, kind: str = "rekam", **kwargs) -> IngestError:
    """Ingest a file that must be rejected; check that nothing under the data dir changed."""
    before = tree_hash(store.data_dir)
    with pytest.raises(IngestError) as caught:
        ingest(store, tmp_path, name, content, kind, **kwargs)
    assert tree_hash(store.data_dir) == before
    return caught.value


def assert_lines(message: str, expected: list[str]) -> None:
    """Each expected problem appears as a line of the message, and the count in the header matches."""
    lines = message.splitlines()
    assert lines[0] == f"Berkas ditolak, tidak ada data yang disimpan ({len(expected)} kesalahan):"
    for problem in expected:
        assert any(line.startswith(f"- {problem}") for line in lines[1:]), f"{problem!r} not in:\n{message}"
    assert len(lines) == 1 + len(expected)


def stored(store: Store, kind: str = "rekam") -> list[tuple]:
    columns = {
        "rekam": [
            "tanggal",
            "kode_wilayah",
            "tingkat",
            "kode_kecamatan",
            "wajib_ktp",
            "sudah_rekam",
            "prr",
            "sudah_cetak",
        ],
        "cetak": ["tanggal", "kode_wilayah", "tingkat", "layanan", "tercetak", "blangko_sisa"],
    }[kind]
    return store.read_kind(kind).select(columns).sort(columns[:4]).rows()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def seeded(store: Store, tmp_path: Path) -> Store:
    """A store holding Sragen's report of 2024-02-03 and a print log, so a failure has files to disturb."""
    ingest(store, tmp_path, "seed_rekam.csv", SRAGEN_PREV.encode())
    ingest(store, tmp_path, "seed_cetak.csv", b"tanggal,kode_wilayah,tercetak\n2024-02-01,33.14,612\n", "cetak")
    return store


# ---- accepted formats ----------------------------------------------------------------------------

K = "kecamatan"
ACCEPTED = [
    pytest.param(
        "a.csv",
        b"kode_wilayah,wajib_ktp,sudah_rekam,prr,sudah_cetak\n33.14.01,40210,39350,420,38900\n",
        [("33.14.01", K, 40210, 39350, 420, 38900)],
        id="csv-comma-utf8",
    ),
    pytest.param(
        "a.csv",
        b"kode_wilayah;wajib_ktp;sudah_rekam\n33.14.01;738.385;700.000\n33.14.02;1.234.567;36\n",
        [("33.14.01", K, 738385, 700000, None, None), ("33.14.02", K, 1234567, 36, None, None)],
        id="csv-semicolon-dot-thousands",
    ),
    pytest.param(  # found by the fuzzed battery: the delimiter was read from the blank first line
        "a.csv",
        b"\n\r\nkode_wilayah;wajib_ktp;sudah_rekam\n33.14.01;738.385;700.000\n",
        [("33.14.01", K, 738385, 700000, None, None)],
        id="csv-semicolon-after-blank-lines",
    ),
    pytest.param(
        "a.csv",
        b'kode_wilayah,wajib_ktp,sudah_rekam\r\n33.14.01,"738,385","700,000"\r\n',
        [("33.14.01", K, 738385, 700000, None, None)],
        id="csv-crlf-quoted-comma-thousands",
    ),
    pytest.param(
        "a.csv",
        "\ufeffKode Wilayah;Wajib KTP;Sudah Rekam;Nama Wilayah\n33.14.01;40210;39350;Kalijambe\n".encode(),
        [("33.14.01", K, 40210, 39350, None, None)],
        id="csv-utf8-bom-spaced-headers",
    ),
    pytest.param(
        "a.csv",
        b" KODE_WILAYAH , WAJIB_KTP ,SUDAH_REKAM\n33.14.01,40210,39350\n",
        [("33.14.01", K, 40210, 39350, None, None)],
        id="csv-upper-underscore-headers",
    ),
    pytest.param(
        "a.csv",
        "kode_wilayah;wajib_ktp;sudah_rekam;keterangan\n33.14.01;40.210;39.350;jemput bola ± 120 jiwa, é\n".encode(
            "latin-1"
        ),
        [("33.14.01", K, 40210, 39350, None, None)],
        id="csv-latin1",
    ),
    pytest.param(
        "a.txt",
        b"kode_wilayah,wajib_ktp,sudah_rekam\n331401,40210,39350\n 331402 ,36480,35801\n",
        [("33.14.01", K, 40210, 39350, None, None), ("33.14.02", K, 36480, 35801, None, None)],
        id="csv-codes-without-dots",
    ),
    pytest.param(
        "a.csv",
        b"kode_wilayah,wajib_ktp,sudah_rekam\n33.14.01.2001,4100,4012\n3314012002,3900,3850\n",
        [("33.14.01.2001", "desa", 4100, 4012, None, None), ("33.14.01.2002", "desa", 3900, 3850, None, None)],
        id="csv-desa-level",
    ),
    pytest.param(
        "a.xlsx",
        [
            ["Kode Wilayah", "Wajib KTP", "Sudah Rekam", "PRR"],
            ["33.14.01", 40210, 39350, 420],
            [331402, 36480.0, "35.801", None],
        ],
        [("33.14.01", K, 40210, 39350, 420, None), ("33.14.02", K, 36480, 35801, None, None)],
        id="xlsx-text-code-and-number-331402",
    ),
    pytest.param(
        "a.parquet",
        pl.DataFrame({"Kode Wilayah": ["33.14.01"], "WAJIB_KTP": [40210], "sudah_rekam": [39350]}),
        [("33.14.01", K, 40210, 39350, None, None)],
        id="parquet-string-code",
    ),
    pytest.param(
        "a.parquet",
        pl.DataFrame({"kode_wilayah": [331401, 331402], "wajib_ktp": [40210, 36480], "sudah_rekam": [39350, 35801]}),
        [("33.14.01", K, 40210, 39350, None, None), ("33.14.02", K, 36480, 35801, None, None)],
        id="parquet-integer-code",
    ),
    pytest.param(
        "a.parquet",
        pl.DataFrame(
            {"kode_wilayah": [331401.0, 331402.0], "wajib_ktp": [40210.0, 36480.0], "sudah_rekam": [39350, 35801]}
        ),
        [("33.14.01", K, 40210, 39350, None, None), ("33.14.02", K, 36480, 35801, None, None)],
        id="parquet-float-code",
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), ACCEPTED)
def test_accepted_formats_store_normalised_codes_and_counts(store, tmp_path, name, content, expected):
    report = ingest(store, tmp_path, name, content, snapshot_date=DAY)
    assert report.warnings == []
    assert report.dates == [DAY]
    assert stored(store) == [(DAY, code, level, code[:8], *counts) for code, level, *counts in expected]


def test_latin1_text_is_decoded_not_mangled(store, tmp_path):
    content = "kode_wilayah;nama_wilayah;wajib_ktp;sudah_rekam\n33.14.01;Kalijambé;40.210;39.350\n".encode("latin-1")
    report = ingest(store, tmp_path, "latin1.csv", content, snapshot_date=DAY)
    assert [str(w) for w in report.warnings] == [
        "latin1.csv, baris 2, kolom 'nama_wilayah', nilai 'Kalijambé': nama tidak sama dengan daftar Kemendagri "
        "(Kalijambe); data tetap disimpan"
    ]


def test_xlsx_dates_and_tanggal_column_give_one_snapshot_per_date(store, tmp_path):
    rows = [
        ["TANGGAL", "kode wilayah", "wajib ktp", "sudah rekam"],
        [datetime(2024, 2, 3), "33.14.01", 40210, 39105],
        [PREV, "33.14.02", 36480, 35770],
        ["10/02/2024", "33.14.01", 40210, 39350],
        ["2024-02-10", "33.14.02", 36480, 35801],
    ]
    report = ingest(store, tmp_path, "dua_tanggal.xlsx", rows)
    assert report.summary() == "dua_tanggal.xlsx: 4 baris rekam disimpan, tanggal 2024-02-03 s.d. 2024-02-10."
    assert store.relative_files("rekam") == [
        "rekam/tanggal=2024-02-03/data.parquet",
        "rekam/tanggal=2024-02-10/data.parquet",
    ]
    assert [(r[0], r[1], r[5]) for r in stored(store)] == [
        (PREV, "33.14.01", 39105),
        (PREV, "33.14.02", 35770),
        (DAY, "33.14.01", 39350),
        (DAY, "33.14.02", 35801),
    ]


def test_cetak_log_kabkota_layanan_normalised_and_default_kantor(store, tmp_path):
    content = (
        b"tanggal,kode_wilayah,tercetak,permohonan,layanan,blangko_sisa\n"
        b"2024-02-01,33.14,612,650,,4.500\n"
        b"2024-02-01,3314,85,90,Jemput Bola,\n"
        b"2024-02-03,33.14,1.040,1.100,keliling,3.375\n"
        b"2024-03-02,33.14,410,415,KANTOR,2965\n"
    )
    report = ingest(store, tmp_path, "cetak.csv", content, "cetak")
    assert report.summary() == "cetak.csv: 4 baris cetak disimpan, tanggal 2024-02-01 s.d. 2024-03-02."
    assert store.relative_files("cetak") == ["cetak/bulan=2024-02/data.parquet", "cetak/bulan=2024-03/data.parquet"]
    assert stored(store, "cetak") == [
        (date(2024, 2, 1), "33.14", "kabkota", "jemput_bola", 85, None),
        (date(2024, 2, 1), "33.14", "kabkota", "kantor", 612, 4500),
        (date(2024, 2, 3), "33.14", "kabkota", "keliling", 1040, 3375),
        (date(2024, 3, 2), "33.14", "kabkota", "kantor", 410, 2965),
    ]


def test_cetak_log_at_kecamatan_level(store, tmp_path):
    content = b"Tanggal;Kode Wilayah;Tercetak;Layanan\n2024-02-01;33.14.10;120;kecamatan\n2024-02-01;33.14.10;30;\n"
    ingest(store, tmp_path, "cetak_kec.csv", content, "cetak")
    assert stored(store, "cetak") == [
        (date(2024, 2, 1), "33.14.10", "kecamatan", "kantor", 30, None),
        (date(2024, 2, 1), "33.14.10", "kecamatan", "kecamatan", 120, None),
    ]


# ---- hard errors ---------------------------------------------------------------------------------

REKAM_HEAD = "kode_wilayah,wajib_ktp,sudah_rekam\n"
NOT_INT = "harus bilangan bulat (boleh dengan pemisah ribuan seperti 738.385 atau 738,385)"
HEADERS_MISSING = "kolom wajib tidak ada (tanggal boleh diganti opsi --date); judul kolom yang ada: "

ERRORS = [
    pytest.param(
        "bad.csv",
        b"kode_wilayah,wajib_ktp\n33.14.01,40210\n",
        "rekam",
        DAY,
        [f"bad.csv, baris 1, kolom 'sudah_rekam': {HEADERS_MISSING}kode_wilayah, wajib_ktp"],
        id="missing-required-column",
    ),
    pytest.param(
        "bad.csv",
        (REKAM_HEAD + "33.14.01,40210,39350\n").encode(),
        "rekam",
        None,
        [f"bad.csv, baris 1, kolom 'tanggal': {HEADERS_MISSING}kode_wilayah, wajib_ktp, sudah_rekam"],
        id="no-date-column-and-no-date-option",
    ),
    pytest.param(
        "bad.csv",
        (REKAM_HEAD + "33.14.01,40210,39350\n33.14.99,100,90\n").encode(),
        "rekam",
        DAY,
        ["bad.csv, baris 3, kolom 'kode_wilayah', nilai '33.14.99': kode wilayah tidak ada dalam daftar wilayah"],
        id="unknown-region-code",
    ),
    pytest.param(
        "bad.csv",
        (REKAM_HEAD + "33-14-01,40210,39350\n33.14.1,1,1\n").encode(),
        "rekam",
        DAY,
        [
            "bad.csv, baris 2, kolom 'kode_wilayah', nilai '33-14-01': bentuk kode wilayah tidak dikenal",
            "bad.csv, baris 3, kolom 'kode_wilayah', nilai '33.14.1': bentuk kode wilayah tidak dikenal",
        ],
        id="malformed-region-code",
    ),
    pytest.param(
        "bad.csv",
        (REKAM_HEAD + ",40210,39350\n").encode(),
        "rekam",
        DAY,
        ["bad.csv, baris 2, kolom 'kode_wilayah', nilai '': kode wilayah wajib diisi"],
        id="empty-region-code",
    ),
    pytest.param(
        "bad.xlsx",
        [["Kode Wilayah", "Wajib KTP", "Sudah Rekam"], ["33.14.01", 40210, 39350], [33.1, 36480, 35801]],
        "rekam",
        DAY,
        [
            "bad.xlsx, baris 3, kolom 'kode_wilayah', nilai '33.1': kode wilayah terbaca sebagai angka desimal, "
            "sehingga angka nol di belakang hilang (33.10 menjadi 33.1): format kolom ini sebagai Teks di Excel"
        ],
        id="xlsx-decimal-code-33.1-hint",
    ),
    pytest.param(
        "bad.parquet",
        pl.DataFrame({"kode_wilayah": [331401.0, 33.1], "wajib_ktp": [40210, 36480], "sudah_rekam": [39350, 35801]}),
        "rekam",
        DAY,
        ["bad.parquet, baris 3, kolom 'kode_wilayah', nilai '33.1': kode wilayah terbaca sebagai angka desimal"],
        id="parquet-float-code-33.1-hint",
    ),
    pytest.param(
        "bad.csv",
        (
            REKAM_HEAD + '33.14.01,x,39350\n33.14.02,"1,5",35801\n33.14.03,12.5,57002\n'
            "33.14.04,1.2345,100\n33.14.05,1000.000.0,100\n"
        ).encode(),
        "rekam",
        DAY,
        [
            f"bad.csv, baris 2, kolom 'wajib_ktp', nilai 'x': {NOT_INT}",
            f"bad.csv, baris 3, kolom 'wajib_ktp', nilai '1,5': {NOT_INT}",
            f"bad.csv, baris 4, kolom 'wajib_ktp', nilai '12.5': {NOT_INT}",
            f"bad.csv, baris 5, kolom 'wajib_ktp', nilai '1.2345': {NOT_INT}",
            f"bad.csv, baris 6, kolom 'wajib_ktp', nilai '1000.000.0': {NOT_INT}",
        ],
        id="non-integer-counts-in-text",
    ),
    pytest.param(
        "bad.csv",
        (REKAM_HEAD + "33.14.01,40210,-5\n33.14.02,-1.000,10\n").encode(),
        "rekam",
        DAY,
        [
            "bad.csv, baris 2, kolom 'sudah_rekam', nilai '-5': tidak boleh negatif",
            "bad.csv, baris 3, kolom 'wajib_ktp', nilai '-1.000': tidak boleh negatif",
        ],
        id="negative-counts",
    ),
    pytest.param(
        "bad.csv",
        (REKAM_HEAD + "33.14.01,40210,\n33.14.02,36480\n").encode(),
        "rekam",
        DAY,
        [
            "bad.csv, baris 2, kolom 'sudah_rekam', nilai '': wajib diisi dengan bilangan bulat",
            "bad.csv, baris 3, kolom 'sudah_rekam', nilai '': wajib diisi dengan bilangan bulat",
        ],
        id="required-count-empty",
    ),
    pytest.param(
        "bad.csv",
        b"kode_wilayah,wajib_ktp,sudah_rekam,prr\n33.14.01,40210,39350,banyak\n",
        "rekam",
        DAY,
        [f"bad.csv, baris 2, kolom 'prr', nilai 'banyak': {NOT_INT}"],
        id="optional-count-not-integer",
    ),
    pytest.param(
        "bad.xlsx",
        [["kode_wilayah", "wajib_ktp", "sudah_rekam"], ["33.14.01", 40210, 39350.5]],
        "rekam",
        DAY,
        [f"bad.xlsx, baris 2, kolom 'sudah_rekam', nilai '39350.5': {NOT_INT}"],
        id="xlsx-fractional-count",
    ),
    pytest.param(
        "bad.parquet",
        pl.DataFrame(
            {"kode_wilayah": ["33.14.01", "33.14.02"], "wajib_ktp": [40210.0, 36480.5], "sudah_rekam": [-3, 35801]}
        ),
        "rekam",
        DAY,
        [
            "bad.parquet, baris 2, kolom 'sudah_rekam', nilai '-3': tidak boleh negatif",
            f"bad.parquet, baris 3, kolom 'wajib_ktp', nilai '36480.5': {NOT_INT}",
        ],
        id="parquet-typed-counts",
    ),
    pytest.param(
        "bad.csv",
        (REKAM_HEAD + "33.14.01,40210,39350\n33.14.02,36480,35801\n331401,40210,39350\n").encode(),
        "rekam",
        DAY,
        [
            "bad.csv, baris 4, kolom 'kode_wilayah', nilai '33.14.01': duplikat unit pada tanggal yang sama "
            "(sudah ada di baris 2)"
        ],
        id="duplicate-unit-after-normalising",
    ),
    pytest.param(
        "bad.csv",
        f"tanggal,{REKAM_HEAD}{FUTURE.isoformat()},33.14.01,40210,39350\n".encode(),
        "rekam",
        None,
        [f"bad.csv, baris 2, kolom 'tanggal', nilai '{FUTURE.isoformat()}': tanggal di masa depan tidak diterima"],
        id="future-date-in-column",
    ),
    pytest.param(
        "bad.csv",
        (REKAM_HEAD + "33.14.01,40210,39350\n").encode(),
        "rekam",
        FUTURE,
        [f"bad.csv, kolom '--date', nilai '{FUTURE.isoformat()}': tanggal di masa depan tidak diterima"],
        id="future-date-option",
    ),
    pytest.param(
        "bad.csv",
        f"tanggal,{REKAM_HEAD}kemarin,33.14.01,40210,39350\n2024-02-30,33.14.02,1,1\n".encode(),
        "rekam",
        None,
        [
            "bad.csv, baris 2, kolom 'tanggal', nilai 'kemarin': bukan tanggal yang dikenal: gunakan YYYY-MM-DD",
            "bad.csv, baris 3, kolom 'tanggal', nilai '2024-02-30': bukan tanggal yang dikenal",
        ],
        id="unreadable-date",
    ),
    pytest.param(
        "bad.csv",
        f"tanggal,{REKAM_HEAD}2024-02-10,33.14.01,40210,39350\n".encode(),
        "rekam",
        DAY,
        ["bad.csv, baris 1, kolom 'tanggal': berkas sudah punya kolom tanggal; jangan pakai opsi --date juga"],
        id="date-column-and-date-option",
    ),
    pytest.param(
        "bad.csv",
        (REKAM_HEAD + "33.14.01.2001,4100,4012\n33.14.01.2002,3900,3850\n33.14.02,36480,35801\n").encode(),
        "rekam",
        DAY,
        [
            "bad.csv, baris 4, kolom 'kode_wilayah', nilai '33.14.02': tingkat wilayah campuran: berkas berisi desa "
            "dan kecamatan; satu berkas hanya satu tingkat"
        ],
        id="mixed-levels",
    ),
    pytest.param(
        "bad.csv",
        (REKAM_HEAD + "33.14,40210,39350\n33,1,1\n").encode(),
        "rekam",
        DAY,
        [
            "bad.csv, baris 2, kolom 'kode_wilayah', nilai '33.14': berkas ini hanya menerima kode tingkat "
            "kecamatan atau desa/kelurahan",
            "bad.csv, baris 3, kolom 'kode_wilayah', nilai '33': berkas ini hanya menerima kode tingkat",
        ],
        id="rekam-wrong-level",
    ),
    pytest.param(
        "bad.csv",
        REKAM_HEAD.encode(),
        "rekam",
        DAY,
        ["bad.csv: berkas tidak berisi baris data"],
        id="header-only",
    ),
    pytest.param(
        "bad.csv",
        b"",
        "rekam",
        DAY,
        ["bad.csv: berkas kosong: tidak ada judul kolom maupun data"],
        id="empty-file",
    ),
    pytest.param(
        "bad.csv",
        b" \r\n\n  \n",
        "rekam",
        DAY,
        ["bad.csv: berkas kosong: tidak ada judul kolom maupun data"],
        id="blank-lines-only",
    ),
    pytest.param(
        "bad.xlsx",
        b"\x00\x01\x02garbage\xff",
        "rekam",
        DAY,
        ["bad.xlsx: bukan berkas XLSX yang dapat dibaca (rusak atau format lain)"],
        id="garbage-xlsx",
    ),
    pytest.param(
        "bad.xlsx",
        (REKAM_HEAD + "33.14.01,40210,39350\n").encode(),
        "rekam",
        DAY,
        ["bad.xlsx: bukan berkas XLSX yang dapat dibaca (rusak atau format lain)"],
        id="csv-named-xlsx",
    ),
    pytest.param(
        "bad.parquet",
        b"PAR1\x00\x01garbage",
        "rekam",
        DAY,
        ["bad.parquet: bukan berkas Parquet yang dapat dibaca (rusak atau format lain)"],
        id="garbage-parquet",
    ),
    pytest.param(
        "bad.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "rekam",
        DAY,
        [f"bad.csv, baris 1, kolom '{c}': {HEADERS_MISSING}" for c in ("kode_wilayah", "wajib_ktp", "sudah_rekam")],
        id="garbage-bytes-csv",
    ),
    pytest.param(
        "bad.xls",
        (REKAM_HEAD + "33.14.01,40210,39350\n").encode(),
        "rekam",
        DAY,
        ["bad.xls: format tidak didukung: gunakan .csv, .xlsx atau .parquet"],
        id="wrong-extension-xls",
    ),
    pytest.param(
        "bad.json",
        b'[{"kode_wilayah": "33.14.01"}]',
        "rekam",
        DAY,
        ["bad.json: format tidak didukung: gunakan .csv, .xlsx atau .parquet"],
        id="wrong-extension-json",
    ),
    pytest.param(
        "bad.csv",
        b"kode_wilayah,wajib_ktp,sudah_rekam,Kode Wilayah\n33.14.01,40210,39350,33.14.01\n",
        "rekam",
        DAY,
        ["bad.csv, baris 1, kolom 'Kode Wilayah': kolom ini muncul lebih dari sekali (judul kolom harus unik)"],
        id="duplicate-header",
    ),
    pytest.param(
        "bad.csv",
        (REKAM_HEAD + "33.14.01,40210,39350,99\n").encode(),
        "rekam",
        DAY,
        ["bad.csv, baris 2: baris berisi 4 sel, lebih banyak dari 3 judul kolom"],
        id="row-wider-than-header",
    ),
    # cetak: the daily print log
    pytest.param(
        "cetak.csv",
        b"kode_wilayah,tercetak\n33.14,500\n",
        "cetak",
        None,
        ["cetak.csv, baris 1, kolom 'tanggal': kolom wajib tidak ada; judul kolom yang ada: kode_wilayah, tercetak"],
        id="cetak-missing-tanggal",
    ),
    pytest.param(
        "cetak.csv",
        b"tanggal,kode_wilayah,tercetak,layanan\n2024-02-05,33.14,500,posyandu\n",
        "cetak",
        None,
        [
            "cetak.csv, baris 2, kolom 'layanan', nilai 'posyandu': layanan harus salah satu dari: kantor, kecamatan, "
            "jemput_bola, keliling, lainnya"
        ],
        id="cetak-unknown-layanan",
    ),
    pytest.param(
        "cetak.csv",
        b"tanggal,kode_wilayah,tercetak,layanan\n2024-02-05,33.14,500,jemput_bola\n"
        b"2024-02-05,3314,20,Jemput Bola\n2024-02-05,33.14,480,\n2024-02-05,33.14,3,kantor\n",
        "cetak",
        None,
        [
            "cetak.csv, baris 3, kolom 'kode_wilayah', nilai '33.14': duplikat (tanggal, kode_wilayah, layanan) "
            "(sudah ada di baris 2)",
            "cetak.csv, baris 5, kolom 'kode_wilayah', nilai '33.14': duplikat (tanggal, kode_wilayah, layanan) "
            "(sudah ada di baris 4)",
        ],
        id="cetak-duplicate-day-region-service",
    ),
    pytest.param(
        "cetak.csv",
        b"tanggal,kode_wilayah,tercetak\n2024-02-05,33.14.01.2001,5\n",
        "cetak",
        None,
        [
            "cetak.csv, baris 2, kolom 'kode_wilayah', nilai '33.14.01.2001': berkas ini hanya menerima kode tingkat "
            "kabupaten/kota atau kecamatan"
        ],
        id="cetak-desa-level",
    ),
    pytest.param(
        "cetak.csv",
        b"tanggal,kode_wilayah,tercetak\n2024-02-05,33.14,500\n2024-02-05,33.15,400\n2024-02-05,33.14.10,50\n",
        "cetak",
        None,
        [
            "cetak.csv, baris 4, kolom 'kode_wilayah', nilai '33.14.10': tingkat wilayah campuran: berkas berisi "
            "kabkota dan kecamatan"
        ],
        id="cetak-mixed-levels",
    ),
    pytest.param(
        "cetak.csv",
        f"tanggal,kode_wilayah,tercetak,blangko_sisa\n{FUTURE},33.14,500,-20\n".encode(),
        "cetak",
        None,
        [
            f"cetak.csv, baris 2, kolom 'tanggal', nilai '{FUTURE}': tanggal di masa depan tidak diterima",
            "cetak.csv, baris 2, kolom 'blangko_sisa', nilai '-20': tidak boleh negatif",
        ],
        id="cetak-future-date-negative-stock",
    ),
    # pemilu: the election calendar
    pytest.param(
        "pemilu.csv",
        b"tanggal,cakupan\n2029-02-14,\n",
        "pemilu",
        None,
        ["pemilu.csv, baris 1, kolom 'nama': kolom wajib tidak ada; judul kolom yang ada: tanggal, cakupan"],
        id="pemilu-missing-nama",
    ),
    pytest.param(
        "pemilu.csv",
        b"nama,tanggal,cakupan,target_persen\nPilkada Sragen 2029,2029-11-28,33.99,98\n"
        b"Pemilu 2029,14 Feb 2029,,101\n,2029-03-01,,\n",
        "pemilu",
        None,
        [
            "pemilu.csv, baris 2, kolom 'cakupan', nilai '33.99': kode wilayah tidak ada dalam daftar wilayah",
            "pemilu.csv, baris 3, kolom 'tanggal', nilai '14 Feb 2029': bukan tanggal yang dikenal",
            "pemilu.csv, baris 3, kolom 'target_persen', nilai '101': target harus angka persen di atas 0 sampai 100",
            "pemilu.csv, baris 4, kolom 'nama', nilai '': nama pemilu wajib diisi",
        ],
        id="pemilu-bad-values",
    ),
    pytest.param(
        "pemilu.csv",
        b"nama,tanggal,cakupan\nPilkada Sragen 2029,2029-11-28,33.14\nPilkada Sragen 2029,2029-11-29,3314\n",
        "pemilu",
        None,
        [
            "pemilu.csv, baris 3, kolom 'nama', nilai 'Pilkada Sragen 2029': pemilu dengan nama dan cakupan yang sama "
            "sudah ada di baris 2"
        ],
        id="pemilu-duplicate-in-file",
    ),
]


@pytest.mark.parametrize(("name", "content", "kind", "snapshot_date", "expected"), ERRORS)
def test_hard_errors_reject_the_file_and_write_nothing(seeded, tmp_path, name, content, kind, snapshot_date, expected):
    error = rejected(seeded, tmp_path, name, content, kind, snapshot_date=snapshot_date)
    assert_lines(error.message, expected)


def test_hard_error_on_an_empty_store_creates_nothing(store, tmp_path):
    rejected(store, tmp_path, "bad.csv", (REKAM_HEAD + "33.14.99,1,1\n").encode(), snapshot_date=DAY)
    assert not store.data_dir.exists()


def test_every_error_of_a_file_is_reported_in_row_order(seeded, tmp_path):
    content = (
        "tanggal;kode_wilayah;wajib_ktp;sudah_rekam\n"
        "2024-02-10;33.14.01;40210;39350\n"
        f"{FUTURE};33.14.02;x;-5\n"
        "kemarin;99.99.99;1,5;\n"
    ).encode()
    error = rejected(seeded, tmp_path, "banyak.csv", content)
    assert_lines(
        error.message,
        [
            f"banyak.csv, baris 3, kolom 'tanggal', nilai '{FUTURE}': tanggal di masa depan tidak diterima",
            f"banyak.csv, baris 3, kolom 'wajib_ktp', nilai 'x': {NOT_INT}",
            "banyak.csv, baris 3, kolom 'sudah_rekam', nilai '-5': tidak boleh negatif",
            "banyak.csv, baris 4, kolom 'tanggal', nilai 'kemarin': bukan tanggal yang dikenal",
            "banyak.csv, baris 4, kolom 'kode_wilayah', nilai '99.99.99': kode wilayah tidak ada dalam daftar",
            f"banyak.csv, baris 4, kolom 'wajib_ktp', nilai '1,5': {NOT_INT}",
            "banyak.csv, baris 4, kolom 'sudah_rekam', nilai '': wajib diisi dengan bilangan bulat",
        ],
    )
    rows = [p.row for p in error.problems]
    assert rows == sorted(rows)


def test_duplicates_are_reported_together_with_other_errors(seeded, tmp_path):
    content = (REKAM_HEAD + "33.14.01,40210,39350\n33.14.01,40210,39350\n33.14.02,x,35801\n").encode()
    error = rejected(seeded, tmp_path, "dup.csv", content, snapshot_date=DAY)
    assert_lines(
        error.message,
        [
            "dup.csv, baris 3, kolom 'kode_wilayah', nilai '33.14.01': duplikat unit pada tanggal yang sama",
            f"dup.csv, baris 4, kolom 'wajib_ktp', nilai 'x': {NOT_INT}",
        ],
    )


def _many_bad_rows(n: int, bad_rekam: bool) -> bytes:
    # distinct kecamatan of Jawa Tengah, so that only the counts are wrong (no duplicate units)
    codes = [k.code for kab in wilayah.list_wilayah("33") for k in wilayah.list_wilayah(kab.code)][:n]
    rows = "".join(f"{code},x,{'y' if bad_rekam else '1'}\n" for code in codes)
    return (REKAM_HEAD + rows).encode()


def test_more_than_fifty_errors_are_capped_in_the_message(seeded, tmp_path):
    error = rejected(seeded, tmp_path, "banyak.csv", _many_bad_rows(35, bad_rekam=True), snapshot_date=DAY)
    lines = error.message.splitlines()
    assert lines[0] == "Berkas ditolak, tidak ada data yang disimpan (70 kesalahan):"
    assert len(lines) == 1 + 50 + 1
    assert lines[1] == f"- banyak.csv, baris 2, kolom 'wajib_ktp', nilai 'x': {NOT_INT}"
    assert lines[50] == f"- banyak.csv, baris 26, kolom 'sudah_rekam', nilai 'y': {NOT_INT}"
    assert lines[-1] == "- ... dan 20 kesalahan lain."


def test_error_count_is_exact_when_one_column_has_more_than_fifty_errors(seeded, tmp_path):
    error = rejected(seeded, tmp_path, "banyak.csv", _many_bad_rows(70, bad_rekam=False), snapshot_date=DAY)
    lines = error.message.splitlines()
    assert lines[0] == "Berkas ditolak, tidak ada data yang disimpan (70 kesalahan):"
    assert len(lines) == 1 + 50
    assert lines[-1].startswith("- banyak.csv, baris 51, kolom 'wajib_ktp', nilai 'x': ")
    assert lines[-1].endswith("(dan 20 baris lain dengan kesalahan yang sama)")


# ---- warnings: kept and reported, never reject ---------------------------------------------------

WARNINGS = [
    pytest.param(
        "kode_wilayah,wajib_ktp,sudah_rekam\n33.14.01,40210,40500\n33.14.02,36480,35801\n33.14.03,58930,57100\n",
        [
            "w.csv, baris 2, kolom 'sudah_rekam', nilai '40500': sudah_rekam melebihi wajib_ktp (cakupan di atas "
            "100%); data tetap disimpan dan ditandai"
        ],
        id="sudah-rekam-above-wajib-ktp",
    ),
    pytest.param(
        "kode_wilayah,wajib_ktp,sudah_rekam,sudah_cetak\n33.14.01,40210,39350,39400\n33.14.02,36480,35801,35000\n"
        "33.14.03,58930,57100,\n",
        ["w.csv, baris 2, kolom 'sudah_cetak', nilai '39400': sudah_cetak melebihi sudah_rekam; data tetap disimpan"],
        id="sudah-cetak-above-sudah-rekam",
    ),
    pytest.param(
        "kode_wilayah,wajib_ktp,sudah_rekam\n33.14.01,40210,39350\n33.14.02,36480,35700\n33.14.03,58930,57100\n",
        [
            "w.csv, baris 3, kolom 'sudah_rekam', nilai '35700': sudah_rekam turun dari 35770 pada laporan 2024-02-03; "
            "data tetap disimpan"
        ],
        id="fall-against-previous-report",
    ),
    pytest.param(
        "kode_wilayah,wajib_ktp,sudah_rekam\n33.14.01,40210,39350\n33.14.03,58930,57100\n",
        [
            "w.csv, kolom 'kode_wilayah', nilai '33.14.02': unit ini ada di laporan 2024-02-03 tetapi tidak ada di "
            "laporan 2024-02-10"
        ],
        id="unit-of-previous-report-missing",
    ),
    pytest.param(
        "kode_wilayah,nama_wilayah,wajib_ktp,sudah_rekam\n33.14.01,Kalijambi,40210,39350\n"
        "33.14.02,KECAMATAN PLUPUH,36480,35801\n33.14.03,Kec. Masaran,58930,57100\n",
        [
            "w.csv, baris 2, kolom 'nama_wilayah', nilai 'Kalijambi': nama tidak sama dengan daftar Kemendagri "
            "(Kalijambe); data tetap disimpan"
        ],
        id="nama-wilayah-mismatch",
    ),
    pytest.param(
        "kode_wilayah,nama_wilayah,wajib_ktp,sudah_rekam\n33.14.01,Kalijambe,40210,39350\n"
        "33.14.02,Plupuh,36480,35801\n33.14.03,Masaran,58930,57100\n",
        [],
        id="clean-report-no-warning",
    ),
]


@pytest.mark.parametrize(("content", "expected"), WARNINGS)
def test_warnings_are_kept_reported_and_stored(seeded, tmp_path, content, expected):
    report = ingest(seeded, tmp_path, "w.csv", content.encode(), snapshot_date=DAY)
    assert [str(w) for w in report.warnings] == expected
    assert report.version is not None
    lines = content.strip().splitlines()[1:]
    assert len(seeded.read_kind("rekam", since=DAY)) == len(lines)
    kept = seeded.read_kind("peringatan").filter(pl.col("berkas") == "w.csv")
    assert sorted(kept.select("tanggal", "kolom", "nilai", "aturan").rows()) == sorted(
        (DAY, w.column, w.value, w.rule) for w in report.warnings
    )
    if expected:
        assert report.summary().endswith(f"; {len(expected)} peringatan.")


def test_warnings_from_a_multi_date_file_compare_within_the_file(store, tmp_path):
    content = (
        "tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n"
        "2024-02-03,33.14.01,40210,39105\n2024-02-03,33.14.02,36480,35770\n"
        "2024-02-10,33.14.01,40210,39000\n"
    )
    report = ingest(store, tmp_path, "dua.csv", content.encode())
    assert sorted(str(w) for w in report.warnings) == [
        "dua.csv, baris 4, kolom 'sudah_rekam', nilai '39000': sudah_rekam turun dari 39105 pada laporan 2024-02-03; "
        "data tetap disimpan",
        "dua.csv, kolom 'kode_wilayah', nilai '33.14.02': unit ini ada di laporan 2024-02-03 tetapi tidak ada di "
        "laporan 2024-02-10",
    ]


def test_another_regency_is_not_compared_with_sragen(seeded, tmp_path):
    report = ingest(
        seeded,
        tmp_path,
        "grobogan.csv",
        b"kode_wilayah,wajib_ktp,sudah_rekam\n33.15.01,52310,50100\n",
        snapshot_date=DAY,
    )
    assert report.warnings == []


# ---- the store: merge by unit, conflicts, replace --------------------------------------------------

SRAGEN_DAY = (
    "tanggal,kode_wilayah,wajib_ktp,sudah_rekam,prr,sudah_cetak\n"
    "2024-02-10,33.14.01,40210,39350,420,38900\n"
    "2024-02-10,33.14.02,36480,35801,300,35400\n"
    "2024-02-10,33.14.03,58930,57100,510,56200\n"
)
GROBOGAN_DAY = (
    "tanggal,kode_wilayah,wajib_ktp,sudah_rekam,prr,sudah_cetak\n"
    "2024-02-10,33.15.01,52310,50100,380,49500\n"
    "2024-02-10,33.15.02,61020,59870,450,59000\n"
)


def test_two_regency_files_for_the_same_date_merge(seeded, tmp_path):
    first = ingest(seeded, tmp_path, "sragen.csv", SRAGEN_DAY.encode())
    second = ingest(seeded, tmp_path, "grobogan.csv", GROBOGAN_DAY.encode())
    assert (first.replaced, second.replaced, second.warnings) == (0, 0, [])
    assert [r for r in stored(seeded) if r[0] == DAY] == [
        (DAY, "33.14.01", K, "33.14.01", 40210, 39350, 420, 38900),
        (DAY, "33.14.02", K, "33.14.02", 36480, 35801, 300, 35400),
        (DAY, "33.14.03", K, "33.14.03", 58930, 57100, 510, 56200),
        (DAY, "33.15.01", K, "33.15.01", 52310, 50100, 380, 49500),
        (DAY, "33.15.02", K, "33.15.02", 61020, 59870, 450, 59000),
    ]
    sragen = run_query(seeded, "ringkasan", {"wilayah": "33.14", "tanggal": "2024-02-10"}).to_dicts()
    assert len(sragen) == 1
    assert {
        k: sragen[0][k]
        for k in (
            "nama_wilayah",
            "tanggal_laporan",
            "wajib_ktp",
            "sudah_rekam",
            "belum_rekam",
            "persen_rekam",
            "prr",
            "sudah_cetak",
            "unit_melapor",
            "tanggal_sebelumnya",
            "wajib_ktp_sebelumnya",
            "sudah_rekam_sebelumnya",
        )
    } == {
        "nama_wilayah": "Kabupaten Sragen",
        "tanggal_laporan": DAY,
        "wajib_ktp": 135620,  # 40210 + 36480 + 58930
        "sudah_rekam": 132251,  # 39350 + 35801 + 57100
        "belum_rekam": 3369,  # 860 + 679 + 1830
        "persen_rekam": 97.52,  # 132251 / 135620
        "prr": 1230,
        "sudah_cetak": 130500,
        "unit_melapor": 3,
        "tanggal_sebelumnya": PREV,
        "wajib_ktp_sebelumnya": 135620,
        "sudah_rekam_sebelumnya": 131877,  # 39105 + 35770 + 57002
    }
    province = run_query(seeded, "ringkasan", {"wilayah": "33", "tanggal": "2024-02-10"}).row(0, named=True)
    assert (province["wajib_ktp"], province["sudah_rekam"], province["unit_melapor"]) == (
        135620 + 113330,
        132251 + 109970,
        5,
    )


def test_file_touching_stored_kecamatan_is_rejected_without_replace(seeded, tmp_path):
    ingest(seeded, tmp_path, "sragen.csv", SRAGEN_DAY.encode())
    again = (
        "tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n2024-02-10,33.14.04,41000,40000\n2024-02-10,33.14.02,36480,35900\n"
    )
    error = rejected(seeded, tmp_path, "koreksi.csv", again.encode())
    assert_lines(
        error.message,
        [
            "koreksi.csv, baris 3, kolom 'kode_wilayah', nilai '33.14.02': kecamatan ini sudah tersimpan untuk tanggal "
            "ini; kirim ulang dengan --replace untuk menggantinya"
        ],
    )


def test_desa_file_for_a_stored_kecamatan_conflicts_and_replace_swaps_level(seeded, tmp_path):
    ingest(seeded, tmp_path, "sragen.csv", SRAGEN_DAY.encode())
    desa = "kode_wilayah,wajib_ktp,sudah_rekam\n33.14.01.2001,4100,4012\n33.14.01.2002,3900,3850\n"
    error = rejected(seeded, tmp_path, "desa.csv", desa.encode(), snapshot_date=DAY)
    assert_lines(
        error.message,
        [
            f"desa.csv, baris {n}, kolom 'kode_wilayah', nilai '33.14.01.200{n - 1}': kecamatan ini sudah tersimpan"
            for n in (2, 3)
        ],
    )
    report = ingest(seeded, tmp_path, "desa.csv", desa.encode(), snapshot_date=DAY, replace=True)
    assert report.replaced == 1
    assert [r[1:6] for r in stored(seeded) if r[0] == DAY] == [
        ("33.14.01.2001", "desa", "33.14.01", 4100, 4012),
        ("33.14.01.2002", "desa", "33.14.01", 3900, 3850),
        ("33.14.02", K, "33.14.02", 36480, 35801),
        ("33.14.03", K, "33.14.03", 58930, 57100),
    ]


def test_replace_replaces_exactly_the_units_in_the_file(seeded, tmp_path):
    ingest(seeded, tmp_path, "sragen.csv", SRAGEN_DAY.encode())
    ingest(seeded, tmp_path, "grobogan.csv", GROBOGAN_DAY.encode())
    before = stored(seeded)
    fix = (
        "tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n2024-02-10,33.14.02,36480,35990\n2024-02-10,33.14.04,41000,40000\n"
    )
    report = ingest(seeded, tmp_path, "koreksi.csv", fix.encode(), replace=True)
    assert report.replaced == 1
    assert report.summary().startswith("koreksi.csv: 2 baris rekam disimpan, tanggal 2024-02-10; 1 unit diganti")
    after = stored(seeded)
    untouched = [r for r in before if not (r[0] == DAY and r[1] == "33.14.02")]
    assert [r for r in after if not (r[0] == DAY and r[1] in ("33.14.02", "33.14.04"))] == untouched
    assert [r for r in after if r[0] == DAY and r[1] in ("33.14.02", "33.14.04")] == [
        (DAY, "33.14.02", K, "33.14.02", 36480, 35990, None, None),
        (DAY, "33.14.04", K, "33.14.04", 41000, 40000, None, None),
    ]
    sragen = run_query(seeded, "ringkasan", {"wilayah": "33.14", "tanggal": "2024-02-10"}).row(0, named=True)
    assert (sragen["wajib_ktp"], sragen["sudah_rekam"], sragen["unit_melapor"]) == (
        40210 + 36480 + 58930 + 41000,
        39350 + 35990 + 57100 + 40000,
        4,
    )


def test_replacing_one_unit_does_not_warn_about_units_still_stored_that_day(seeded, tmp_path):
    ingest(seeded, tmp_path, "sragen.csv", SRAGEN_DAY.encode())
    fix = "tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n2024-02-10,33.14.02,36480,35990\n"
    report = ingest(seeded, tmp_path, "koreksi.csv", fix.encode(), replace=True)
    assert [str(w) for w in report.warnings] == []


def test_cetak_rows_merge_by_month_conflict_and_replace(seeded, tmp_path):
    head = "tanggal,kode_wilayah,tercetak,layanan\n"
    ingest(seeded, tmp_path, "grobogan_cetak.csv", (head + "2024-02-01,33.15,700,\n").encode(), "cetak")
    error = rejected(
        seeded, tmp_path, "ulang.csv", (head + "2024-02-02,33.14,650,\n2024-02-01,33.14,600,\n").encode(), "cetak"
    )
    assert_lines(
        error.message,
        [
            "ulang.csv, baris 3, kolom 'kode_wilayah', nilai '33.14': baris (tanggal, kode_wilayah, layanan) ini sudah "
            "tersimpan; kirim ulang dengan --replace untuk menggantinya"
        ],
    )
    ingest(
        seeded,
        tmp_path,
        "ulang.csv",
        (head + "2024-02-02,33.14,650,\n2024-02-01,33.14,600,\n").encode(),
        "cetak",
        replace=True,
    )
    assert [(r[0], r[1], r[3], r[4]) for r in stored(seeded, "cetak")] == [
        (date(2024, 2, 1), "33.14", "kantor", 600),
        (date(2024, 2, 1), "33.15", "kantor", 700),
        (date(2024, 2, 2), "33.14", "kantor", 650),
    ]


# ---- the election calendar -------------------------------------------------------------------------

PEMILU_NEW = (
    'nama,tanggal,cakupan,target_persen\nPilkada Sragen 2029,2029-11-28,3314,"98,5"\nPemilu 2029,2029-02-14,,98\n'
)


def calendar_rows(store: Store) -> list[tuple]:
    return store.calendar().select("nama", "tanggal", "cakupan", "target_persen").sort("tanggal", "nama").rows()


def test_pemilu_add_keeps_the_calendar_and_allows_future_dates(store, tmp_path):
    builtin = calendar_rows(store)
    assert [r[0] for r in builtin] == ["Pemilu 2019", "Pilkada 2020", "Pemilu 2024", "Pilkada 2024"]
    report = ingest(store, tmp_path, "pemilu.csv", PEMILU_NEW.encode(), "pemilu")
    assert report.summary() == "pemilu.csv: 2 baris pemilu disimpan, tanggal 2029-02-14 s.d. 2029-11-28."
    assert calendar_rows(store) == [
        *builtin,
        ("Pemilu 2029", date(2029, 2, 14), "", 98.0),
        ("Pilkada Sragen 2029", date(2029, 11, 28), "33.14", 98.5),
    ]


@pytest.mark.parametrize(
    ("content", "name"),
    [
        pytest.param("nama,tanggal\nPemilu 2024,2024-02-14\n", "Pemilu 2024", id="already-built-in"),
        pytest.param(
            "nama,tanggal,cakupan\nPilkada Sragen 2029,2029-11-27,33.14\n", "Pilkada Sragen 2029", id="already-added"
        ),
    ],
)
def test_pemilu_duplicate_add_is_rejected(store, tmp_path, content, name):
    ingest(store, tmp_path, "pemilu.csv", PEMILU_NEW.encode(), "pemilu")
    error = rejected(store, tmp_path, "lagi.csv", content.encode(), "pemilu")
    assert_lines(
        error.message,
        [
            f"lagi.csv, baris 2, kolom 'nama', nilai '{name}': pemilu ini sudah ada di kalender; "
            "gunakan --replace untuk mengganti seluruh kalender"
        ],
    )


def test_pemilu_duplicate_add_names_the_row(store, tmp_path):
    ingest(store, tmp_path, "pemilu.csv", PEMILU_NEW.encode(), "pemilu")
    content = "nama,tanggal,cakupan\nPilkada Kudus 2029,2029-11-28,33.19\nPilkada Sragen 2029,2029-11-27,33.14\n"
    error = rejected(store, tmp_path, "lagi.csv", content.encode(), "pemilu")
    assert_lines(error.message, ["lagi.csv, baris 3, kolom 'nama', nilai 'Pilkada Sragen 2029': pemilu ini sudah ada"])


def test_pemilu_replace_replaces_the_whole_calendar(store, tmp_path):
    ingest(store, tmp_path, "pemilu.csv", PEMILU_NEW.encode(), "pemilu")
    content = "Nama;Tanggal;Cakupan;Target Persen\nPemilu 2024;2024-02-14;;98\nPilkada 2031;28/11/2031;33;97\n"
    ingest(store, tmp_path, "kalender.csv", content.encode(), "pemilu", replace=True)
    assert calendar_rows(store) == [
        ("Pemilu 2024", date(2024, 2, 14), "", 98.0),
        ("Pilkada 2031", date(2031, 11, 28), "33", 97.0),
    ]


def test_xlsx_formula_without_a_saved_value_is_rejected_not_stored_empty(seeded, tmp_path):
    """Found by the fuzzed battery: a formula cell that no Excel ever computed read as empty, so an
    optional count (prr) was stored as missing without a word. Now the cell is named with its formula."""
    rows = [["kode_wilayah", "wajib_ktp", "sudah_rekam", "prr"], ["33.14.01", 40210, 39350, "=SUM(B2:C2)"]]
    error = rejected(seeded, tmp_path, "rumus.xlsx", rows, snapshot_date=DAY)
    assert [(p.row, p.column, p.value) for p in error.problems] == [(2, "prr", "=SUM(B2:C2)")]
