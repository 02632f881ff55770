"""CSV/XLSX downloads: formula-looking text is neutralised, numbers and dates keep their types."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import polars as pl
import pytest

from pantau import export


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+62812", "'+62812"),
        ("-2", "'-2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("=HYPERLINK(\"http://x\",\"klik\")", "'=HYPERLINK(\"http://x\",\"klik\")"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Sragen", "Sragen"),
        ("33.14", "33.14"),
        ("a=b", "a=b"),
        ("Kab. -Sragen", "Kab. -Sragen"),
        ("", ""),
        (None, None),
    ],
)
def test_neutralise_text_cells(cell, expected):
    frame = pl.DataFrame({"nama": [cell]}, schema={"nama": pl.String})
    assert export.neutralise(frame)["nama"].to_list() == [expected]


def test_neutralise_leaves_numbers_dates_and_headers_alone_except_formula_headers():
    frame = pl.DataFrame({"Belum rekam": [-5, 7], "Tanggal": [date(2024, 11, 20)] * 2, "=x": ["a", "b"]})
    out = export.neutralise(frame)
    assert out.columns == ["Belum rekam", "Tanggal", "'=x"]
    assert out["Belum rekam"].to_list() == [-5, 7]
    assert out.schema["Tanggal"] == pl.Date


FRAME = pl.DataFrame(
    {
        "Kode": ["33.14", "=cmd|' /C calc'!A0"],
        "Nama wilayah": ["Sragen", "@Bahaya"],
        "Wajib KTP": [738_385, 1_200],
        "% rekam": [92.1, 101.23],
        "Laporan terakhir": [date(2024, 11, 20), None],
    }
)


def test_csv_has_bom_header_and_quoted_cells():
    data = export.to_csv(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Kode", "Nama wilayah", "Wajib KTP", "% rekam", "Laporan terakhir"]
    assert rows[1] == ["33.14", "Sragen", "738385", "92.1", "2024-11-20"]
    assert rows[2] == ["'=cmd|' /C calc'!A0", "'@Bahaya", "1200", "101.23", ""]


def test_xlsx_cells_are_typed_and_never_formulas():
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(FRAME))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Kode", "Nama wilayah", "Wajib KTP", "% rekam", "Laporan terakhir"]
    assert values[1] == ["33.14", "Sragen", 738_385, 92.1, datetime(2024, 11, 20)]
    assert values[2] == ["'=cmd|' /C calc'!A0", "'@Bahaya", 1_200, 101.23, None]
    types = [[cell.data_type for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert all(t != "f" for row in types for t in row), types  # no formula cell anywhere
    assert sheet["C2"].number_format == export.INTEGER_FORMAT
    assert sheet["D2"].number_format == export.DECIMAL_FORMAT
    assert sheet["E2"].number_format == export.DATE_FORMAT
    assert sheet.freeze_panes == "A2"


def test_xlsx_reads_back_with_polars_and_handles_an_empty_frame():
    assert pl.read_excel(export.to_xlsx(FRAME))["Wajib KTP"].to_list() == [738_385, 1_200]
    empty = FRAME.clear()
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(empty))).active
    assert [c.value for c in sheet[1]] == FRAME.columns
    assert sheet.max_row == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("analisis", "33", "kecamatan", date(2024, 11, 20), "csv"), "analisis_33_kecamatan_2024-11-20.csv"),
        (("analisis", "33.14", "desa", date(2024, 2, 14), "xlsx"), "analisis_33.14_desa_2024-02-14.xlsx"),
        (("analisis", "", "provinsi", date(2024, 11, 20), "csv"), "analisis_indonesia_provinsi_2024-11-20.csv"),
        (("analisis", "33", "kabkota", None, "csv"), "analisis_33_kabkota.csv"),
    ],
)
def test_file_name(args, expected):
    assert export.file_name(*args) == expected
