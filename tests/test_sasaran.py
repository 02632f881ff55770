"""pantau.sasaran and `python -m pantau sasaran`: the worklist as a table, XLSX (read back with openpyxl),
PDF (read back with poppler's pdftotext/pdfinfo/pdftoppm), CSV and chart.

Small store: the base fixture of tests/test_queries.py; Kabupaten Sragen as of 2024-01-20 compared with
2024-01-10 (hand-computed in tests/test_query_sasaran.py):
    1 Plupuh (kecamatan unit) 50, was 500 -> -450 · 62,50% · 62,50%
    2 Trobayan 20 · 25,00% · 87,50%     3 Keden 10 · 12,50% · 100%     4 Masaran (kecamatan unit) 0
Long store: 56 villages of four Sragen kecamatan, for a PDF of several pages.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pantau import export, regions, sasaran
from pantau.cli import main
from pantau.ingest import ingest_frame
from pantau.queries import Database
from pantau.store import Store
from tests.test_queries import build_base, rekam_frame

D = date.fromisoformat
POPPLER = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sasaran_dasar")
    build_base(Store(path))
    return path


@pytest.fixture(scope="module")
def rows(base_dir) -> pl.DataFrame:
    return (
        Database(Store(base_dir))
        .run("sasaran", {"wilayah": "33.14", "tanggal": "2024-01-20", "dari": "2024-01-10"})
        .rows
    )


@pytest.fixture(scope="module")
def info(rows) -> sasaran.Lembar:
    return sasaran.lembar(rows, "33.14", "desa")


def villages() -> list[tuple[str, int, int]]:
    codes = [code for kec in ("33.14.01", "33.14.02", "33.14.03", "33.14.04") for code, _ in regions.children(kec)]
    # village i: wajib 1.000 + 10i, belum 3 + (7i mod 97): distinct enough to rank, all below 100
    return [(code, 1000 + 10 * i, 1000 + 10 * i - (3 + (7 * i) % 97)) for i, code in enumerate(codes)]


@pytest.fixture(scope="module")
def long_rows(tmp_path_factory) -> pl.DataFrame:
    store = Store(tmp_path_factory.mktemp("sasaran_panjang"))
    ingest_frame(store, "rekam", rekam_frame("2024-01-20", villages()), "desa.csv")
    return Database(store).run("sasaran", {"wilayah": "33.14", "tanggal": "2024-01-20", "jumlah": 0}).rows


def test_desa_list_without_village_reports_is_a_kecamatan_list(base_dir):
    rows = Database(Store(base_dir)).run("sasaran", {"wilayah": "33.14", "tanggal": "2024-01-19"}).rows
    assert set(rows["tingkat"]) == {"kecamatan"}
    assert sasaran.lembar(rows, "33.14", "desa").tingkat == "kecamatan"


def test_lembar_and_heading(info):
    assert (info.nama_wilayah, info.tanggal, info.tanggal_dari) == (
        "Kabupaten Sragen",
        D("2024-01-20"),
        D("2024-01-10"),
    )
    assert (info.jumlah_unit, info.belum_rekam_wilayah) == (4, 80)
    assert info.baris_kepala(2) == [
        "Sasaran jemput bola: Kabupaten Sragen (33.14)",
        "Data per 20 Januari 2024; perubahan belum rekam dibanding 10 Januari 2024.",
        "2 dari 4 unit (desa/kelurahan) dengan belum rekam terbanyak. Porsi = bagian dari seluruh belum rekam "
        "Kabupaten Sragen (80 orang).",
        "Kecamatan yang laporannya belum dirinci per desa tampil sebagai satu unit (seluruh kecamatan).",
        "Sumber: laporan Disdukcapil kabupaten/kota · Pantau e-KTP",
    ]


def test_export_columns(rows, info):
    frame = sasaran.for_export(rows, info)
    assert frame.columns == [
        "No.", "Kode", "Desa/kelurahan", "Kecamatan", "Kabupaten/kota", "Wajib KTP", "Sudah rekam", "Belum rekam",
        "% rekam", "Belum rekam 10 Jan 2024", "Perubahan belum rekam", "Porsi belum rekam (%)", "Porsi kumulatif (%)",
        "Laporan terakhir",
    ]  # fmt: skip
    assert frame.row(0) == (1, "33.14.02", "(seluruh kecamatan)", "Plupuh", "Kabupaten Sragen", 2000, 1950, 50, 97.5,
                            500, -450, 62.5, 62.5, D("2024-01-19"))  # fmt: skip
    assert frame["Desa/kelurahan"].to_list() == ["(seluruh kecamatan)", "Trobayan", "Keden", "(seluruh kecamatan)"]


def test_xlsx_reads_back_with_heading_and_typed_cells(rows, info):
    sheet = openpyxl.load_workbook(io.BytesIO(sasaran.to_xlsx(rows.head(3), info))).active
    assert sheet.title == "Sasaran"
    assert [sheet.cell(r, 1).value for r in range(1, 6)] == info.baris_kepala(3)
    assert sheet.cell(6, 1).value is None
    assert [c.value for c in sheet[7]][:4] == ["No.", "Kode", "Desa/kelurahan", "Kecamatan"]
    assert sheet.freeze_panes == "A8"
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=8)]
    assert len(body) == 3
    assert body[1][:9] == [2, "33.14.01.2002", "Trobayan", "Kalijambe", "Kabupaten Sragen", 400, 380, 20, 95]
    assert body[1][9:13] == [None, None, 25, 87.5]
    assert body[0][10] == -450 and body[0][13].date() == D("2024-01-19")


def test_xlsx_heading_is_never_a_formula():
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(pl.DataFrame({"a": [1]}), heading=["=1+1", "ok"]))).active
    assert sheet["A1"].value == "'=1+1" and sheet["A1"].data_type == "s"
    assert (sheet["A3"].value, sheet["A4"].value, sheet["A5"].value) == (None, "a", 1)


def test_csv(rows, info):
    text = sasaran.to_csv(rows, info).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("No.,Kode,Desa/kelurahan,Kecamatan")
    assert lines[1].startswith("1,33.14.02,(seluruh kecamatan),Plupuh,Kabupaten Sragen,2000,1950,50,97.5,500,-450,62.5")
    assert len(lines) == 5


def pdf_pages(content: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "daftar.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


@POPPLER
def test_pdf_small(rows, info, tmp_path):
    pages = pdf_pages(sasaran.to_pdf(rows, info), tmp_path)
    assert len(pages) == 1
    page = pages[0]
    assert "Sasaran jemput bola: Kabupaten Sragen (33.14)" in page
    assert "Catatan tim / jadwal" in page and "Halaman 1 dari 1" in page
    first = next(line for line in page.splitlines() if "Plupuh" in line and "97,50%" in line)
    # No., unit, kecamatan, wajib, belum, % rekam, change, share, cumulative, last report; notes blank
    assert first.split() == ["1", "(seluruh", "kecamatan)", "Plupuh", "2.000", "50", "97,50%", "−450", "62,50%",
                             "62,50%", "19", "Jan", "2024"]  # fmt: skip
    assert "Kab/kota" not in page  # one regency: no regency column


@POPPLER
def test_pdf_pages_repeat_header_date_source_and_number(long_rows, tmp_path):
    info = sasaran.lembar(long_rows, "33.14", "desa", demo=True)
    content = sasaran.to_pdf(long_rows, info)
    path = tmp_path / "panjang.pdf"
    path.write_bytes(content)
    meta = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    assert "841.89 x 595.276" in meta  # landscape A4 in points
    pages = pdf_pages(content, tmp_path)
    assert long_rows.height == len(villages()) and len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in page
        assert "Data per 20 Januari 2024" in page and "Sumber: laporan Disdukcapil kabupaten/kota" in page
        assert "DATA DEMO" in page
        assert "Catatan tim / jadwal" in page and "Belum" in page and "Wajib KTP" in page
    text = "\n".join(pages)
    names = long_rows["nama_wilayah"].to_list()
    assert all(name in text for name in names)
    assert text.index(f" {names[0]} ") < text.index(f" {names[1]} ")
    assert subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
                          check=True).returncode == 0  # fmt: skip
    assert (tmp_path / f"p-{1:0{len(str(len(pages)))}d}.png").stat().st_size > 5_000


@POPPLER
def test_pdf_kecamatan_level_of_a_province_has_the_regency_column(base_dir, tmp_path):
    rows = Database(Store(base_dir)).run("sasaran", {"wilayah": "33", "tingkat": "kecamatan"}).rows
    page = pdf_pages(sasaran.to_pdf(rows, sasaran.lembar(rows, "33", "kecamatan")), tmp_path)[0]
    assert "Kab/kota" in page and "Kab. Karanganyar" in page and "Desa/kelurahan" not in page


def test_display_summary_and_chart(rows, info):
    shown = rows.head(2)
    table = sasaran.for_display(shown, info)
    assert table.row(0) == (1, "33.14.02", "(seluruh kecamatan)", "Plupuh", 2000, 50, "97,50%", "−450", "62,50%",
                            "62,50%", D("2024-01-19"))  # fmt: skip
    assert table["Perubahan"].to_list() == ["−450", "–"]
    assert sasaran.ringkasan(shown, info) == (
        "**2 dari 4 desa/kelurahan** dengan belum rekam terbanyak memuat **87,50%** dari 80 penduduk belum rekam "
        "Kabupaten Sragen. Sejak 10 Januari 2024 belum rekam berkurang di 1 dari 1 unit yang punya laporan pembanding."
    )
    fig = sasaran.figure(shown, info)
    bars, line = fig.data
    assert list(bars.y) == [50, 20] and list(line.y) == [62.5, 87.5]
    assert list(fig.layout.xaxis.ticktext) == ["1. Kec. Plupuh", "2. Trobayan"]
    # wrapped for a phone: parts joined by ' · ' or a line break
    subtitle = fig.layout.title.subtitle.text.replace("<br>", " · ")
    assert "2 desa/kelurahan teratas · memuat 87,50% belum rekam · Kabupaten Sragen" in subtitle


def test_file_name(info):
    assert sasaran.file_name(info, "pdf") == "sasaran_33.14_desa_2024-01-20.pdf"


def test_cli_writes_each_format(base_dir, tmp_path, capsys):
    for fmt_name in ("xlsx", "pdf", "csv"):
        out = tmp_path / f"daftar.{fmt_name}"
        code = main(["--data-dir", str(base_dir), "sasaran", "--wilayah", "33.14", "--tanggal", "2024-01-20",
                     "--jumlah", "2", "--format", fmt_name, "--out", str(out)])  # fmt: skip
        assert code == 0 and out.stat().st_size > 0
    said = capsys.readouterr().out
    assert (
        "2 dari 4 unit (desa/kelurahan) Kabupaten Sragen, data per 20 Januari 2024, memuat 87,50% belum rekam" in said
    )
    csv = (tmp_path / "daftar.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(csv) == 3 and ",Trobayan," in csv[2]


def test_cli_kecamatan_all_units(base_dir, tmp_path):
    out = tmp_path / "semua.xlsx"
    assert main(["--data-dir", str(base_dir), "sasaran", "--wilayah", "33", "--tingkat", "kecamatan", "--jumlah", "0",
                 "--format", "xlsx", "--out", str(out)]) == 0  # fmt: skip
    # four heading lines (no village note at kecamatan level) and a blank row: the header is row 6 (index 5)
    frame = pl.read_excel(out, read_options={"header_row": 5})
    assert frame["Kode"].to_list() == ["33.13.01", "33.13.02", "33.14.02", "33.14.01", "33.14.03"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--wilayah", "35"], "Belum ada laporan perekaman untuk Jawa Timur sampai 20 Januari 2024."),
        (["--wilayah", "99.99"], "tidak ada dalam daftar wilayah"),
        (["--wilayah", "33.14", "--jumlah", "-1"], "--jumlah tidak boleh negatif"),
        (["--wilayah", "33.14", "--tanggal", "20-01-2024"], "YYYY-MM-DD"),
    ],
)
def test_cli_errors_are_messages(base_dir, tmp_path, capsys, args, message):
    code = main(["--data-dir", str(base_dir), "sasaran", *args, "--format", "csv", "--out", str(tmp_path / "x.csv")])
    assert code == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_cli_refuses_levels_other_than_desa_or_kecamatan(base_dir, tmp_path):
    with pytest.raises(SystemExit) as stop:
        main(["--data-dir", str(base_dir), "sasaran", "--wilayah", "33", "--tingkat", "kabkota", "--format", "csv",
              "--out", str(tmp_path / "x.csv")])  # fmt: skip
    assert stop.value.code == 2
