"""CSV and XLSX downloads of a table exactly as a page shows it, safe to open in a spreadsheet.

A text cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return) is read by Excel and
LibreOffice as a formula ("CSV injection"); such cells get a leading single quote, so they open as
the text they are. Numbers stay numbers and dates stay dates, so the file can be summed and sorted.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import polars as pl
import xlsxwriter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET = "Data"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"


def _starts_like_formula(column: pl.Expr) -> pl.Expr:
    return pl.any_horizontal(column.str.starts_with(start) for start in FORMULA_START)


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text cell (and header) that a spreadsheet would run as a formula quoted."""
    quoted = frame.with_columns(
        pl.when(_starts_like_formula(pl.col(name)))
        .then(pl.concat_str(pl.lit("'"), pl.col(name)))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )
    return quoted.rename({c: f"'{c}" for c in quoted.columns if c.startswith(FORMULA_START)})


def to_csv(frame: pl.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads the names right), comma separated."""
    return neutralise(frame).write_csv(include_bom=True).encode("utf-8")


def _column_width(frame: pl.DataFrame, name: str, sample: int = 500) -> float:
    texts = [str(v) for v in frame[name].head(sample).drop_nulls().to_list()]
    if frame.schema[name].is_integer():
        texts = [t + "." * ((len(t) - 1) // 3) for t in texts]  # room for the thousands separators
    return min(max([len(name), *map(len, texts)]) + 2, 60)


def to_xlsx(frame: pl.DataFrame, sheet: str = SHEET, heading: Sequence[str] = ()) -> bytes:
    """One worksheet: a bold, frozen header row with filters; whole numbers with thousands separators,
    decimals with two places, dates as dates. Written cell by cell in constant memory (83.762
    villages take a few seconds), every value through a typed writer, so text is never a formula.

    `heading` lines (region, data date, source) go above the table, the first in bold, then a blank row."""
    frame = neutralise(frame)
    top = len(heading) + 1 if heading else 0
    buffer = io.BytesIO()
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}
    with xlsxwriter.Workbook(buffer, options) as workbook:
        worksheet = workbook.add_worksheet(sheet)
        bold = workbook.add_format({"bold": True})
        for row, line in enumerate(heading):
            worksheet.write_string(row, 0, neutralise(pl.DataFrame({"x": [line]}))["x"][0], bold if row == 0 else None)
        worksheet.write_row(top, 0, frame.columns, workbook.add_format({"bold": True, "bottom": 1}))
        writers = []
        for index, (name, dtype) in enumerate(frame.schema.items()):
            values = frame[name].to_list()
            if dtype.is_integer() or dtype.is_float():
                number = INTEGER_FORMAT if dtype.is_integer() else DECIMAL_FORMAT
                writers.append((worksheet.write_number, workbook.add_format({"num_format": number}), values))
            elif dtype == pl.Date:
                writers.append((worksheet.write_datetime, workbook.add_format({"num_format": DATE_FORMAT}), values))
            else:
                writers.append((worksheet.write_string, None, [None if v is None else str(v) for v in values]))
            worksheet.set_column(index, index, _column_width(frame, name))
        worksheet.freeze_panes(top + 1, 0)
        if frame.width:
            worksheet.autofilter(top, 0, top + max(frame.height, 1), frame.width - 1)
        for row in range(frame.height):
            for column, (writer, cell, values) in enumerate(writers):
                if values[row] is not None:
                    writer(top + row + 1, column, values[row], cell)
    return buffer.getvalue()


def file_name(page: str, wilayah: str, tingkat: str, tanggal: date | None, extension: str) -> str:
    """Download name like `analisis_33_kecamatan_2024-11-20.csv` ('indonesia' for the whole country)."""
    parts = [page, wilayah or "indonesia", tingkat]
    if tanggal is not None:
        parts.append(tanggal.isoformat())
    return "_".join(parts) + f".{extension}"
