"""Read CSV/XLSX/Parquet from a Disdukcapil office, validate it, and publish it to the store.

Hard errors reject the whole file and write nothing; warnings are kept and reported. Every problem
names the file, the spreadsheet row (header = row 1), the column, the value and the rule broken.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from pantau import agregat, audit, regions
from pantau.store import (
    CETAK_SCHEMA,
    PEMILU_SCHEMA,
    PERINGATAN_SCHEMA,
    REKAM_SCHEMA,
    Store,
    StoreError,
    partition_day,
    partition_path,
)

MAX_PROBLEMS = 50
HISTORY_DAYS = 62  # how far back a unit's previous report is looked for (falls, missing units)
ROW = "__baris"
NUMERIC_CODE = "__kode_angka"
LAYANAN = ("kantor", "kecamatan", "jemput_bola", "keliling", "lainnya")
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet"}


@dataclass(frozen=True)
class Spec:
    """The input contract of one kind of file."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    counts: tuple[str, ...]
    levels: tuple[str, ...]


SPECS = {
    "rekam": Spec(
        "rekam",
        required=("kode_wilayah", "wajib_ktp", "sudah_rekam"),
        optional=("tanggal", "prr", "sudah_cetak", "nama_wilayah"),
        counts=("wajib_ktp", "sudah_rekam", "prr", "sudah_cetak"),
        levels=("kecamatan", "desa"),
    ),
    "cetak": Spec(
        "cetak",
        required=("tanggal", "kode_wilayah", "tercetak"),
        optional=("permohonan", "rekam_baru", "blangko_diterima", "blangko_sisa", "layanan", "nama_wilayah"),
        counts=("tercetak", "permohonan", "rekam_baru", "blangko_diterima", "blangko_sisa"),
        levels=("kabkota", "kecamatan"),
    ),
    "pemilu": Spec(
        "pemilu",
        required=("nama", "tanggal"),
        optional=("cakupan", "target_persen", "catatan"),
        counts=(),
        levels=(),
    ),
}


@dataclass(frozen=True)
class Problem:
    """One error or warning, located in the file."""

    file: str
    rule: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    more: int = 0  # further rows broken the same way, not listed one by one

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"baris {self.row}")
        if self.column is not None:
            where.append(f"kolom '{self.column}'")
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            where.append(f"nilai '{shown}'")
        text = f"{', '.join(where)}: {self.rule}"
        if self.more:
            text += f" (dan {self.more} baris lain dengan kesalahan yang sama)"
        return text


class IngestError(ValueError):
    """The file was rejected; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.row or 0)
        self.total = sum(1 + p.more for p in problems)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        shown = self.problems[:MAX_PROBLEMS]
        lines = [f"Berkas ditolak, tidak ada data yang disimpan ({self.total} kesalahan):"]
        lines += [f"- {p}" for p in shown]
        listed = sum(1 + p.more for p in shown)
        if self.total > listed:
            lines.append(f"- ... dan {self.total - listed} kesalahan lain.")
        return "\n".join(lines)


@dataclass
class Report:
    """What an ingest (or a check) found and did."""

    kind: str
    file: str
    rows: int
    dates: list[date] = field(default_factory=list)
    units: int = 0
    replaced: int = 0
    warnings: list[Problem] = field(default_factory=list)
    version: str | None = None
    warning_count: int = 0

    def summary(self) -> str:
        verb = "disimpan" if self.version else "valid (tidak disimpan)"
        span = ""
        if self.dates:
            first, last = min(self.dates), max(self.dates)
            span = f", tanggal {first.isoformat()}" + (f" s.d. {last.isoformat()}" if last != first else "")
        text = f"{self.file}: {self.rows} baris {self.kind} {verb}{span}"
        if self.replaced:
            text += f"; {self.replaced} unit diganti"
        if self.warning_count:
            text += f"; {self.warning_count} peringatan"
        return text + "."


# ---- reading ---------------------------------------------------------------------------------


def _header_key(name: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name or "").lower())


def _canonical_headers(headers: list[str], label: str) -> list[str]:
    known = {_header_key(c): c for spec in SPECS.values() for c in (*spec.required, *spec.optional)}
    names, problems = [], []
    seen: dict[str, int] = {}
    for position, raw in enumerate(headers, start=1):
        key = _header_key(raw)
        name = known.get(key, key or f"kolom_{position}")
        if name in seen:
            problems.append(
                Problem(label, "kolom ini muncul lebih dari sekali (judul kolom harus unik)", 1, str(raw).strip())
            )
        seen[name] = position
        names.append(name)
    if problems:
        raise IngestError(problems)
    return names


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _read_csv(data: bytes, label: str) -> pl.DataFrame:
    text = _decode(data)
    # the delimiter is read from the header line: the first line with content (leading blank lines are common)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise IngestError([Problem(label, f"CSV tidak dapat dibaca ({exc})")]) from None
    return _from_records(records, label, numeric_codes=None)


def _excel_cell(value: object) -> tuple[str, bool]:
    """A cell as text, and whether it was a number with a fractional part (a mangled code)."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value)), False
        return repr(value), True
    if isinstance(value, datetime):
        return value.date().isoformat(), False
    if isinstance(value, date):
        return value.isoformat(), False
    return str(value), False


def _read_xlsx(data: bytes, label: str) -> pl.DataFrame:
    import openpyxl  # imported here: only uploads of spreadsheets need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or foreign file
        raise IngestError([Problem(label, "bukan berkas XLSX yang dapat dibaca (rusak atau format lain)")]) from None
    try:
        sheet = book.worksheets[0]
        records, fractional = [], []
        for row in sheet.iter_rows(values_only=True):
            cells = [_excel_cell(v) for v in row]
            records.append([c[0] for c in cells])
            fractional.append([c[1] for c in cells])
    finally:
        book.close()
    if _has_formulas(data):
        _show_uncomputed_formulas(data, records)
    return _from_records(records, label, numeric_codes=fractional)


def _has_formulas(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            return any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


def _show_uncomputed_formulas(data: bytes, records: list[list[str]]) -> None:
    """Put the formula text where Excel saved no computed value (a file written by a program, not Excel).

    Read as values such cells are empty: an optional count would be stored as missing without a word.
    With the formula text in place, validation rejects the cell by row, column and value.
    """
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for i, row in enumerate(book.worksheets[0].iter_rows(values_only=True)):
            for j, value in enumerate(row):
                if isinstance(value, str) and value.startswith("=") and i < len(records) and j < len(records[i]):
                    if records[i][j] == "":
                        records[i][j] = value
    finally:
        book.close()


def _from_records(records: list[list[str]], label: str, numeric_codes: list[list[bool]] | None) -> pl.DataFrame:
    """Rows of text cells (first non-empty row = header) to a frame with row numbers."""
    start = next((i for i, r in enumerate(records) if any(str(c).strip() for c in r)), None)
    if start is None:
        raise IngestError([Problem(label, "berkas kosong: tidak ada judul kolom maupun data")])
    header = [str(c) for c in records[start]]
    while header and not header[-1].strip():
        header.pop()
    names = _canonical_headers(header, label)
    width = len(names)
    columns: list[list[str]] = [[] for _ in range(width)]
    rows, flags, problems = [], [], []
    code_index = names.index("kode_wilayah") if "kode_wilayah" in names else None
    for offset, record in enumerate(records[start + 1 :], start=start + 2):
        if not any(str(c).strip() for c in record):
            continue
        extra = [c for c in record[width:] if str(c).strip()]
        if extra:
            problems.append(
                Problem(label, f"baris berisi {len(record)} sel, lebih banyak dari {width} judul kolom", offset)
            )
            continue
        for i in range(width):
            columns[i].append(record[i] if i < len(record) else "")
        rows.append(offset)
        if numeric_codes is not None and code_index is not None:
            flags.append(code_index < len(numeric_codes[offset - 1]) and numeric_codes[offset - 1][code_index])
        else:
            flags.append(False)
    if problems:
        raise IngestError(problems)
    frame = pl.DataFrame({name: pl.Series(name, col, dtype=pl.String) for name, col in zip(names, columns)})
    return frame.with_columns(pl.Series(ROW, rows, dtype=pl.Int64), pl.Series(NUMERIC_CODE, flags, dtype=pl.Boolean))


def _read_parquet(data: bytes, label: str) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception:  # polars/arrow raise several types for a damaged file
        raise IngestError([Problem(label, "bukan berkas Parquet yang dapat dibaca (rusak atau format lain)")]) from None
    names = _canonical_headers(frame.columns, label)
    frame = frame.rename(dict(zip(frame.columns, names)))
    # types no contract column can hold (lists, structs, durations, bytes): name them, or drop unused ones
    known = {c for spec in SPECS.values() for c in (*spec.required, *spec.optional)}
    odd = [c for c, t in frame.schema.items() if t.is_nested() or isinstance(t, pl.Duration | pl.Time | pl.Binary)]
    problems = [
        Problem(label, f"kolom bertipe {frame.schema[c]} tidak didukung: simpan sebagai angka, teks atau tanggal", 1, c)
        for c in odd
        if c in known
    ]
    if problems:
        raise IngestError(problems)
    frame = frame.drop(odd).with_columns(pl.col(pl.Decimal).cast(pl.Float64))
    frame = frame.with_columns(
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(ROW), pl.lit(False).alias(NUMERIC_CODE)
    )
    if "kode_wilayah" in frame.columns and frame.schema["kode_wilayah"].is_float():
        code = pl.col("kode_wilayah")
        whole = (code.round(0) == code) & code.is_finite()
        frame = frame.with_columns(
            (code.is_not_null() & ~whole).alias(NUMERIC_CODE),
            pl.when(whole)
            .then(code.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(code.cast(pl.String))
            .alias("kode_wilayah"),
        )
    return frame


def read_table(path: Path | str, data: bytes | None = None, label: str | None = None) -> pl.DataFrame:
    """A CSV, XLSX or Parquet file as a frame with canonical column names and `__baris` row numbers."""
    path = Path(path)
    label = label or path.name
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise IngestError([Problem(label, "format tidak didukung: gunakan .csv, .xlsx atau .parquet")])
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError([Problem(label, f"berkas tidak dapat dibuka ({exc.strerror})")]) from None
    if not data.strip():
        raise IngestError([Problem(label, "berkas kosong: tidak ada judul kolom maupun data")])
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "parquet": _read_parquet}[fmt]
    return reader(data, label)


# ---- coercion: text (or typed) columns to the contract's types, collecting problems -----------


def _problems_where(frame: pl.DataFrame, mask: pl.Expr, label: str, column: str, rule: str) -> list[Problem]:
    """Rows breaking a rule: the first ones listed, the count of the rest carried on the last."""
    broken = frame.filter(mask)
    bad = broken.select(ROW, pl.col(column).cast(pl.String)).head(MAX_PROBLEMS)
    found = [Problem(label, rule, row, column, "" if value is None else value) for row, value in bad.iter_rows()]
    if broken.height > len(found):
        last = found[-1]
        found[-1] = Problem(last.file, last.rule, last.row, last.column, last.value, broken.height - len(found))
    return found


def _is_empty(column: str, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.String:
        return pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")
    return pl.col(column).is_null()


def _count_expr(column: str, dtype: pl.DataType) -> pl.Expr:
    """Parse a count: digits, optionally with '.' or ',' thousands separators."""
    col = pl.col(column)
    if dtype.is_integer():
        return col.cast(pl.Int64, strict=False)  # an unsigned value beyond Int64 becomes a reported error
    if dtype.is_float():
        return pl.when((col.round(0) == col) & col.is_finite()).then(col.cast(pl.Int64, strict=False))
    text = col.cast(pl.String).str.strip_chars().str.replace_all(r"\s", "")
    grouped = text.str.contains(r"^-?\d{1,3}(\.\d{3})+$") | text.str.contains(r"^-?\d{1,3}(,\d{3})+$")
    cleaned = pl.when(grouped).then(text.str.replace_all(r"[.,]", "")).otherwise(text)
    return pl.when(cleaned.str.contains(r"^-?\d{1,18}$")).then(cleaned.cast(pl.Int64, strict=False))


def _coerce_counts(frame: pl.DataFrame, columns: Iterable[str], required: Iterable[str], label: str):
    problems: list[Problem] = []
    required = set(required)
    parsed = {c: _count_expr(c, frame.schema[c]).alias(c) for c in columns if c in frame.columns}
    out = frame.with_columns(**{f"__{c}": e for c, e in parsed.items()})
    for column in parsed:
        empty = _is_empty(column, frame.schema[column])
        value = pl.col(f"__{column}")
        if column in required:
            problems += _problems_where(out, empty, label, column, "wajib diisi dengan bilangan bulat")
        problems += _problems_where(
            out,
            ~empty & value.is_null(),
            label,
            column,
            "harus bilangan bulat (boleh dengan pemisah ribuan seperti 738.385 atau 738,385)",
        )
        problems += _problems_where(out, value < 0, label, column, "tidak boleh negatif")
    out = out.with_columns(**{c: pl.col(f"__{c}") for c in parsed}).drop([f"__{c}" for c in parsed])
    return out, problems


def _date_expr(column: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(column)
    if dtype == pl.Date:
        return col
    if isinstance(dtype, pl.Datetime):
        return col.dt.date()
    text = col.cast(pl.String).str.strip_chars()
    return pl.coalesce(
        text.str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%d/%m/%Y", strict=False),
        text.str.to_date("%d-%m-%Y", strict=False),
        text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
    )


def _coerce_date(frame: pl.DataFrame, label: str, allow_future: bool):
    out = frame.with_columns(_date_expr("tanggal", frame.schema["tanggal"]).alias("__tanggal"))
    empty = _is_empty("tanggal", frame.schema["tanggal"])
    problems = _problems_where(out, empty, label, "tanggal", "wajib diisi dengan tanggal")
    problems += _problems_where(
        out,
        ~empty & pl.col("__tanggal").is_null(),
        label,
        "tanggal",
        "bukan tanggal yang dikenal: gunakan YYYY-MM-DD (2024-02-10) atau DD/MM/YYYY (10/02/2024)",
    )
    if not allow_future:
        problems += _problems_where(
            out, pl.col("__tanggal") > date.today(), label, "tanggal", "tanggal di masa depan tidak diterima"
        )
    return out.with_columns(tanggal=pl.col("__tanggal")).drop("__tanggal"), problems


def _coerce_codes(frame: pl.DataFrame, label: str, levels: tuple[str, ...], column: str = "kode_wilayah"):
    """Normalise region codes and check them against the master and the allowed levels."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    digits = text.str.contains(r"^(\d{2}|\d{4}|\d{6}|\d{10})$")
    dotted = pl.concat_str(
        [text.str.slice(0, 2), text.str.slice(2, 2), text.str.slice(4, 2), text.str.slice(6, 4)],
        separator=".",
    ).str.strip_chars_end(".")
    out = frame.with_columns(
        pl.when(digits).then(dotted).otherwise(text).alias("__kode"),
    )
    empty = pl.col("__kode").is_null() | (pl.col("__kode") == "")
    mangled = pl.col(NUMERIC_CODE)
    shape_ok = pl.col("__kode").str.contains(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
    known = pl.col("__kode").is_in(regions.region_table()["kode_wilayah"].implode())
    level = (
        pl.col("__kode")
        .str.count_matches(r"\.")
        .replace_strict({0: "provinsi", 1: "kabkota", 2: "kecamatan", 3: "desa"}, default=None, return_dtype=pl.String)
    )
    level_names = " atau ".join(regions.LEVEL_LABELS[lv].lower() for lv in levels)
    problems = _problems_where(out, empty, label, column, "kode wilayah wajib diisi")
    problems += _problems_where(
        out,
        ~empty & mangled,
        label,
        column,
        "kode wilayah terbaca sebagai angka desimal, sehingga angka nol di belakang hilang (33.10 menjadi 33.1): "
        "format kolom ini sebagai Teks di Excel lalu ketik ulang kodenya, misalnya 33.14.10",
    )
    problems += _problems_where(
        out,
        ~empty & ~mangled & ~shape_ok,
        label,
        column,
        "bentuk kode wilayah tidak dikenal: gunakan kode Kemendagri seperti 33.14.10 atau 331410",
    )
    problems += _problems_where(
        out,
        ~empty & ~mangled & shape_ok & ~known,
        label,
        column,
        "kode wilayah tidak ada dalam daftar wilayah Kemendagri",
    )
    if levels:
        problems += _problems_where(
            out,
            ~empty & ~mangled & shape_ok & known & ~level.is_in(list(levels)),
            label,
            column,
            f"berkas ini hanya menerima kode tingkat {level_names}",
        )
    out = out.with_columns(pl.col("__kode").alias(column), level.alias("tingkat")).drop("__kode")
    return out, problems


def _name_key(name: pl.Expr) -> pl.Expr:
    prefix = r"^(provinsi|kabupaten|kab|kota administrasi|kota adm|kota|kecamatan|kec|distrik|kelurahan|kel|desa)\.?\s+"
    return (
        name.str.to_lowercase()
        .str.replace_all(r"[^a-z0-9' ]+", " ")
        .str.strip_chars()
        .str.replace(prefix, "")
        .str.replace_all(r"\s+", "")
    )


def _name_warnings(frame: pl.DataFrame) -> pl.DataFrame:
    if "nama_wilayah" not in frame.columns:
        return _no_warnings()
    master = regions.region_table().select("kode_wilayah", pl.col("nama_wilayah").alias("__nama_master"))
    joined = frame.join(master, on="kode_wilayah", how="left")
    given = pl.col("nama_wilayah").cast(pl.String).fill_null("")
    mismatch = (given.str.strip_chars() != "") & (_name_key(given) != _name_key(pl.col("__nama_master")))
    rule = pl.concat_str(
        pl.lit("nama tidak sama dengan daftar Kemendagri ("), "__nama_master", pl.lit("); data tetap disimpan")
    )
    return _warnings_where(joined, mismatch, "nama_wilayah", rule)


WARNING_SCHEMA = {
    ROW: pl.Int64,
    "tanggal": pl.Date,
    "kode_wilayah": pl.String,
    "kolom": pl.String,
    "nilai": pl.String,
    "aturan": pl.String,
}


def _no_warnings() -> pl.DataFrame:
    return pl.DataFrame(schema=WARNING_SCHEMA)


def _warnings_where(frame: pl.DataFrame, mask: pl.Expr, column: str, rule: str | pl.Expr) -> pl.DataFrame:
    """Every row matching `mask` as a warning (not capped: warnings are stored for the quality page)."""
    return (
        frame.filter(mask)
        .select(
            pl.col(ROW),
            pl.col("tanggal"),
            pl.col("kode_wilayah"),
            pl.lit(column).alias("kolom"),
            pl.col(column).cast(pl.String).alias("nilai"),
            (pl.lit(rule) if isinstance(rule, str) else rule).alias("aturan"),
        )
        .cast(WARNING_SCHEMA)
    )


def _as_problems(warnings: pl.DataFrame, label: str, limit: int = MAX_PROBLEMS) -> list[Problem]:
    return [
        Problem(label, r["aturan"], r[ROW], r["kolom"], r["nilai"])
        for r in warnings.sort(pl.col(ROW).fill_null(0)).head(limit).iter_rows(named=True)
    ]


def _duplicates(frame: pl.DataFrame, keys: list[str], label: str, rule: str) -> list[Problem]:
    keyed = frame.drop_nulls(keys).filter(pl.col("kode_wilayah") != "")
    if not keyed.select(pl.struct(keys).is_duplicated().any()).item():
        return []
    first = keyed.group_by(keys).agg(pl.col(ROW).min().alias("__pertama"))
    dup = keyed.join(first, on=keys).filter(pl.col(ROW) != pl.col("__pertama")).sort(ROW)
    found = [
        Problem(label, f"{rule} (sudah ada di baris {r['__pertama']})", r[ROW], "kode_wilayah", r["kode_wilayah"])
        for r in dup.head(MAX_PROBLEMS).iter_rows(named=True)
    ]
    if dup.height > len(found):
        last = found[-1]
        found[-1] = Problem(last.file, last.rule, last.row, last.column, last.value, dup.height - len(found))
    return found


def _missing_columns(frame: pl.DataFrame, spec: Spec, label: str, have_date: bool) -> list[Problem]:
    missing = [c for c in spec.required if c not in frame.columns]
    if spec.kind == "rekam" and "tanggal" not in frame.columns and not have_date:
        missing.append("tanggal")
    rule = "kolom wajib tidak ada"
    if spec.kind == "rekam":
        rule += " (tanggal boleh diganti opsi --date)"
    return [Problem(label, f"{rule}; judul kolom yang ada: {', '.join(_visible(frame))}", 1, c) for c in missing]


def _visible(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if not c.startswith("__")]


# ---- validation per kind ---------------------------------------------------------------------


@dataclass
class Validated:
    kind: str
    label: str
    frame: pl.DataFrame
    warnings: pl.DataFrame


def validate(kind: str, frame: pl.DataFrame, label: str, snapshot_date: date | None = None) -> Validated:
    """Check a frame against the input contract of `kind`; raise IngestError listing every error."""
    spec = SPECS[kind]
    problems = _missing_columns(frame, spec, label, snapshot_date is not None)
    if problems:
        raise IngestError(problems)
    if frame.height == 0:
        raise IngestError([Problem(label, "berkas tidak berisi baris data")])
    if kind == "rekam" and snapshot_date is not None:
        if "tanggal" in frame.columns:
            raise IngestError(
                [Problem(label, "berkas sudah punya kolom tanggal; jangan pakai opsi --date juga", 1, "tanggal")]
            )
        if snapshot_date > date.today():
            raise IngestError(
                [Problem(label, "tanggal di masa depan tidak diterima", None, "--date", snapshot_date.isoformat())]
            )
        frame = frame.with_columns(tanggal=pl.lit(snapshot_date, dtype=pl.Date))
    if kind == "pemilu":
        return _validate_pemilu(frame, label)
    frame, problems = _coerce_date(frame, label, allow_future=False)
    frame, more = _coerce_codes(frame, label, spec.levels)
    problems += more
    frame, more = _coerce_counts(frame, [c for c in spec.counts if c in frame.columns], spec.required, label)
    problems += more
    if kind == "cetak":
        if "layanan" not in frame.columns:
            frame = frame.with_columns(layanan=pl.lit("kantor"))
        layanan = pl.col("layanan").cast(pl.String).str.strip_chars().str.to_lowercase().str.replace_all(r"[\s-]+", "_")
        frame = frame.with_columns(
            layanan=pl.when(layanan.is_null() | (layanan == "")).then(pl.lit("kantor")).otherwise(layanan)
        )
        problems += _problems_where(
            frame,
            ~pl.col("layanan").is_in(list(LAYANAN)),
            label,
            "layanan",
            f"layanan harus salah satu dari: {', '.join(LAYANAN)}",
        )
    levels = sorted(set(frame["tingkat"].drop_nulls().unique().to_list()) & set(spec.levels))
    if len(levels) > 1:
        counts = frame.filter(pl.col("tingkat").is_in(levels)).group_by("tingkat").len()
        minority = counts.sort("len", "tingkat")["tingkat"][0]
        problems += _problems_where(
            frame,
            pl.col("tingkat") == minority,
            label,
            "kode_wilayah",
            f"tingkat wilayah campuran: berkas berisi {' dan '.join(levels)}; satu berkas hanya satu tingkat",
        )
    keys = ["tanggal", "kode_wilayah"] + (["layanan"] if kind == "cetak" else [])
    rule = "duplikat unit pada tanggal yang sama" if kind == "rekam" else "duplikat (tanggal, kode_wilayah, layanan)"
    problems += _duplicates(frame, keys, label, rule)
    if problems:
        raise IngestError(problems)
    warnings = [_name_warnings(frame)]
    schema = REKAM_SCHEMA if kind == "rekam" else CETAK_SCHEMA
    if kind == "rekam":
        frame = frame.with_columns(kode_kecamatan=pl.col("kode_wilayah").str.slice(0, 8))
        warnings.append(
            _warnings_where(
                frame,
                pl.col("sudah_rekam") > pl.col("wajib_ktp"),
                "sudah_rekam",
                "sudah_rekam melebihi wajib_ktp (cakupan di atas 100%); data tetap disimpan dan ditandai",
            )
        )
        if "sudah_cetak" in frame.columns:
            warnings.append(
                _warnings_where(
                    frame,
                    pl.col("sudah_cetak") > pl.col("sudah_rekam"),
                    "sudah_cetak",
                    "sudah_cetak melebihi sudah_rekam; data tetap disimpan",
                )
            )
    for column, dtype in schema.items():
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(column))
    frame = frame.select([*schema, ROW]).with_columns(**{c: pl.col(c).cast(t) for c, t in schema.items()})
    return Validated(kind, label, frame, pl.concat(warnings))


def _validate_pemilu(frame: pl.DataFrame, label: str) -> Validated:
    frame, problems = _coerce_date(frame, label, allow_future=True)
    nama = pl.col("nama").cast(pl.String).str.strip_chars()
    problems += _problems_where(frame, nama.is_null() | (nama == ""), label, "nama", "nama pemilu wajib diisi")
    frame = frame.with_columns(nama=nama)
    if "cakupan" not in frame.columns:
        frame = frame.with_columns(cakupan=pl.lit("", dtype=pl.String))
    frame = frame.with_columns(
        cakupan=pl.col("cakupan").cast(pl.String).fill_null("").str.strip_chars(), **{NUMERIC_CODE: pl.lit(False)}
    )
    scoped = frame.filter(pl.col("cakupan") != "")
    if scoped.height:
        checked, more = _coerce_codes(scoped.rename({"cakupan": "kode_wilayah"}), label, (), column="kode_wilayah")
        problems += [Problem(p.file, p.rule, p.row, "cakupan", p.value) for p in more]
        codes = dict(zip(checked[ROW].to_list(), checked["kode_wilayah"].to_list()))
        frame = frame.with_columns(
            cakupan=pl.col(ROW).replace_strict(codes, default=pl.col("cakupan"), return_dtype=pl.String)
        )
    if "target_persen" in frame.columns:
        text = pl.col("target_persen").cast(pl.String).str.strip_chars().str.replace(",", ".").str.strip_suffix("%")
        frame = frame.with_columns(__target=text.cast(pl.Float64, strict=False))
        given = text.is_not_null() & (text != "")
        problems += _problems_where(
            frame,
            given & (pl.col("__target").is_null() | (pl.col("__target") <= 0) | (pl.col("__target") > 100)),
            label,
            "target_persen",
            "target harus angka persen di atas 0 sampai 100, misalnya 98 atau 97,5",
        )
        frame = frame.with_columns(target_persen=pl.col("__target")).drop("__target")
    if not problems:
        first = frame.group_by("nama", "cakupan").agg(pl.col(ROW).min().alias("__pertama"))
        dup = frame.join(first, on=["nama", "cakupan"]).filter(pl.col(ROW) != pl.col("__pertama"))
        problems += [
            Problem(
                label,
                f"pemilu dengan nama dan cakupan yang sama sudah ada di baris {r['__pertama']}",
                r[ROW],
                "nama",
                r["nama"],
            )
            for r in dup.iter_rows(named=True)
        ]
    if problems:
        raise IngestError(problems)
    for column, dtype in PEMILU_SCHEMA.items():
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(column))
    frame = frame.select([*PEMILU_SCHEMA, ROW]).with_columns(**{c: pl.col(c).cast(t) for c, t in PEMILU_SCHEMA.items()})
    return Validated("pemilu", label, frame, _no_warnings())


# ---- checks against what is stored, and publishing ----------------------------------------------


def _previous_reports(store: Store, first_day: date, kabkota: list[str]) -> pl.DataFrame:
    """Each regency's latest report before `first_day` (at most HISTORY_DAYS back): every row of it.

    Report files are read newest first until every regency has one, so a store with daily reports
    reads a file or two, not two months of them (at national village scale, 84,000 rows instead of
    5.2 million)."""
    since = first_day - timedelta(days=HISTORY_DAYS)
    files = [(partition_day(rel), rel) for rel in store.relative_files("rekam")]
    wanted, found = set(kabkota), []
    for _, rel in sorted((f for f in files if since <= f[0] < first_day), reverse=True):
        if not wanted:
            break
        frame = store.read(rel)
        if frame is None:
            continue
        frame = frame.filter(pl.col("kode_wilayah").str.slice(0, 5).is_in(sorted(wanted)))
        if frame.height:
            found.append(frame)
            wanted -= set(frame["kode_wilayah"].str.slice(0, 5).unique().to_list())
    return pl.concat(found, how="vertical_relaxed") if found else pl.DataFrame(schema=REKAM_SCHEMA)


def _history_warnings(store: Store, data: Validated) -> pl.DataFrame:
    """A fall in sudah_rekam against each unit's previous report; units of the previous report now missing."""
    new = data.frame
    first_day = new["tanggal"].min()
    kabkota = new["kode_wilayah"].str.slice(0, 5).unique().to_list()
    previous = _previous_reports(store, first_day, kabkota)
    combined = (
        pl.concat([previous.with_columns(pl.lit(None, dtype=pl.Int64).alias(ROW)), new], how="vertical_relaxed")
        .with_columns(kabkota=pl.col("kode_wilayah").str.slice(0, 5))
        .sort("tanggal", "kode_wilayah")
    )
    same_unit = pl.col("kode_wilayah") == pl.col("kode_wilayah").shift(1)
    with_previous = combined.sort("kode_wilayah", "tanggal").with_columns(
        prev=pl.when(same_unit).then(pl.col("sudah_rekam").shift(1)),
        prev_day=pl.when(same_unit).then(pl.col("tanggal").shift(1)),
    )
    fall_rule = pl.concat_str(
        pl.lit("sudah_rekam turun dari "),
        pl.col("prev").cast(pl.String),
        pl.lit(" pada laporan "),
        pl.col("prev_day").cast(pl.String),
        pl.lit("; data tetap disimpan"),
    )
    falls = _warnings_where(
        with_previous, pl.col(ROW).is_not_null() & (pl.col("sudah_rekam") < pl.col("prev")), "sudah_rekam", fall_rule
    )
    last_day = new["tanggal"].max()
    same_days = store.read_kind("rekam", since=first_day, until=last_day).filter(
        pl.col("kode_wilayah").str.slice(0, 5).is_in(kabkota)
    )
    kept = same_days.join(
        new.select("tanggal", "kode_kecamatan").unique(), on=["tanggal", "kode_kecamatan"], how="anti"
    )
    reports = pl.concat(
        [
            combined.select("kabkota", "tanggal", "kode_wilayah", "tingkat"),
            kept.select(pl.col("kode_wilayah").str.slice(0, 5).alias("kabkota"), "tanggal", "kode_wilayah", "tingkat"),
        ]
    )
    # a report's unit set, summarised by a hash sum: only reports whose set changed need a closer look
    same_regency = pl.col("kabkota") == pl.col("kabkota").shift(1)
    dates = (
        reports.group_by("kabkota", "tanggal")
        .agg(pl.col("kode_wilayah").hash().sum().alias("sidik"))
        .sort("kabkota", "tanggal")
        .with_columns(
            prev_day=pl.when(same_regency).then(pl.col("tanggal").shift(1)),
            prev_sidik=pl.when(same_regency).then(pl.col("sidik").shift(1)),
        )
        .filter(pl.col("sidik") != pl.col("prev_sidik"))
    )
    new_dates = new.select(pl.col("kode_wilayah").str.slice(0, 5).alias("kabkota"), "tanggal").unique()
    pairs = (
        dates.join(new_dates, on=["kabkota", "tanggal"]).drop_nulls("prev_day").select("kabkota", "tanggal", "prev_day")
    )
    before = pairs.join(reports.rename({"tanggal": "prev_day"}), on=["kabkota", "prev_day"])
    missing = (
        before.join(reports, on=["kabkota", "tanggal", "kode_wilayah"], how="anti")
        .join(
            reports.select("kabkota", "tanggal", pl.col("tingkat").alias("tingkat_kini")).unique(),
            on=["kabkota", "tanggal"],
        )
        .filter(pl.col("tingkat") == pl.col("tingkat_kini"))
        .with_columns(pl.lit(None, dtype=pl.Int64).alias(ROW))
    )
    missing_rule = pl.concat_str(
        pl.lit("unit ini ada di laporan "),
        pl.col("prev_day").cast(pl.String),
        pl.lit(" tetapi tidak ada di laporan "),
        pl.col("tanggal").cast(pl.String),
    )
    return pl.concat([falls, _warnings_where(missing, pl.lit(True), "kode_wilayah", missing_rule)])


def _warning_rows(data: Validated, warnings: pl.DataFrame) -> pl.DataFrame:
    """Warnings as stored rows, each tied to its snapshot date and unit."""
    return warnings.select(
        "tanggal",
        pl.lit(data.kind).alias("jenis_data"),
        pl.col("kode_wilayah").fill_null(""),
        pl.col("kode_wilayah").fill_null("").str.slice(0, 8).alias("kode_kecamatan"),
        "kolom",
        "nilai",
        "aturan",
        pl.lit(data.label).alias("berkas"),
    ).cast(PERINGATAN_SCHEMA)


def _conflicts(existing: pl.DataFrame, new: pl.DataFrame, keys: list[str], label: str, rule: str) -> list[Problem]:
    clash = new.join(existing.select(keys).unique(), on=keys, how="semi").sort(ROW)
    return [
        Problem(label, rule, r[ROW], "kode_wilayah", r["kode_wilayah"])
        for r in clash.head(MAX_PROBLEMS + 1).iter_rows(named=True)
    ]


def _plan(store: Store, data: Validated, replace: bool) -> tuple[dict[str, pl.DataFrame | None], int]:
    """The files to publish for validated data, or IngestError on a conflict with stored units."""
    changes: dict[str, pl.DataFrame | None] = {}
    problems: list[Problem] = []
    replaced = 0
    if data.kind == "pemilu":
        calendar = data.frame.drop(ROW)
        if not replace:
            existing = store.calendar()
            clash = data.frame.join(existing, on=["nama", "cakupan"], how="semi")
            if clash.height:
                rule = "pemilu ini sudah ada di kalender; gunakan --replace untuk mengganti seluruh kalender"
                raise IngestError(
                    [Problem(data.label, rule, r[ROW], "nama", r["nama"]) for r in clash.iter_rows(named=True)]
                )
            calendar = pl.concat([existing, calendar], how="vertical_relaxed")
        return {"pemilu.parquet": calendar.sort("tanggal", "nama", "cakupan")}, 0
    if data.kind == "rekam":
        keys, unit = ["tanggal", "kode_kecamatan"], "kode_kecamatan"
        rule = "kecamatan ini sudah tersimpan untuk tanggal ini; kirim ulang dengan --replace untuk menggantinya"
        group = "tanggal"
    else:
        keys, unit = ["tanggal", "kode_wilayah", "layanan"], "kode_wilayah"
        rule = (
            "baris (tanggal, kode_wilayah, layanan) ini sudah tersimpan; "
            "kirim ulang dengan --replace untuk menggantinya"
        )
        group = "bulan"
    new = data.frame.with_columns(bulan=pl.col("tanggal").dt.truncate("1mo"))
    for (day,), part in new.partition_by(group, as_dict=True, maintain_order=True).items():
        rel = partition_path(data.kind, day)
        existing = store.read(rel)
        part = part.drop("bulan")
        if existing is not None and existing.height:
            clash = _conflicts(existing, part, keys, data.label, rule)
            if clash and not replace:
                problems += clash
                continue
            kept = existing.join(part.select(keys).unique(), on=keys, how="anti")
            replaced += existing.select(unit).unique().height - kept.select(unit).unique().height
            merged = pl.concat([kept, part.drop(ROW)], how="vertical_relaxed")
        else:
            merged = part.drop(ROW)
        changes[rel] = merged.sort("tanggal", "kode_wilayah")
    if problems:
        raise IngestError(problems)
    return changes, replaced


def _plan_warnings(store: Store, data: Validated, warnings: pl.DataFrame, changes: dict) -> set[date]:
    """Rewrite the warnings of the months the data touches; returns the days whose warnings changed."""
    rows = _warning_rows(data, warnings)
    touched = data.frame.select("tanggal", pl.col("kode_wilayah").str.slice(0, 8).alias("kode_kecamatan")).unique()
    days = set(data.frame["tanggal"].unique().to_list()) | set(rows["tanggal"].unique().to_list())
    for day in sorted(days):
        rel = partition_path("peringatan", day)  # one file per month: several days may share it
        existing = changes[rel] if rel in changes else store.read(rel)
        fresh = rows.filter(pl.col("tanggal") == day)
        if existing is not None:
            stale = (pl.col("jenis_data") == data.kind) & pl.struct("tanggal", "kode_kecamatan").is_in(
                touched.filter(pl.col("tanggal") == day)
                .select(pl.struct("tanggal", "kode_kecamatan"))
                .to_series()
                .implode()
            )
            fresh = pl.concat([existing.filter(~stale), fresh], how="vertical_relaxed")
        if fresh.height or existing is not None:
            # by day: a question about the newest warnings reads the row groups of its days only
            changes[rel] = fresh.sort("tanggal", "kode_wilayah", maintain_order=True)
    return days


def _publish_or_explain(store: Store, changes: dict[str, pl.DataFrame | None]) -> str:
    """Publish under the held lock; a write failure (full disk, ...) becomes a StoreError saying what to do."""
    try:
        return store.publish(changes)
    except (OSError, pl.exceptions.ComputeError) as exc:  # polars reports a failed Parquet write as ComputeError
        with contextlib.suppress(OSError):
            store.cleanup()  # free what the half-built version took (the lock is ours)
        code = getattr(exc, "errno", None)
        full = code in (errno.ENOSPC, errno.EDQUOT) or "No space left on device" in str(exc)
        reason = "ruang disk penuh" if full else f"galat tulis ({errno.errorcode.get(code, type(exc).__name__)})"
        advice = "Kosongkan ruang disk" if full else "Periksa izin tulis dan disk"
        raise StoreError(
            f"Data tidak dapat disimpan: {reason} di {store.data_dir}. Tidak ada yang berubah: versi sebelumnya "
            f"({store.current_version() or 'kosong'}) tetap dipakai. {advice}, lalu kirim ulang berkas yang sama."
        ) from exc


def publish(
    store: Store, data: Validated, replace: bool = False, check_only: bool = False, source: audit.Source | None = None
) -> Report:
    """Check validated data against the store and, unless `check_only`, publish it atomically and log it."""
    with store.lock():
        warnings = data.warnings
        if data.kind == "rekam":
            warnings = pl.concat([warnings, _history_warnings(store, data)])
        changes, replaced = _plan(store, data, replace)
        days: set[date] = set()
        if data.kind != "pemilu":
            days = _plan_warnings(store, data, warnings, changes)
        if not check_only:
            changes.update(agregat.plan(store, changes))
            changes.update(agregat.plan_warnings(store, changes, days=days))
        before = store.current_version()
        version = None if check_only else _publish_or_explain(store, changes)
        if version is not None:
            replacing = replace and (replaced > 0 or data.kind == "pemilu")
            _log(store, data, replacing, source or audit.Source(audit.os_user()), before, version, changes)
    dates = data.frame["tanggal"].unique().sort().to_list()
    units = data.frame["kode_wilayah"].n_unique() if "kode_wilayah" in data.frame.columns else 0
    return Report(
        data.kind,
        data.label,
        data.frame.height,
        dates,
        units,
        replaced,
        _as_problems(warnings, data.label),
        version,
        warnings.height,
    )


def _log(store: Store, data: Validated, replacing: bool, source: audit.Source, before, after: str, changes) -> None:
    units = (
        data.frame["kode_wilayah"].str.slice(0, 8).unique().to_list() if "kode_wilayah" in data.frame.columns else []
    )
    action = "replace" if replacing else "ingest"
    audit.record(
        store,
        source=source,
        action=action,
        kind=data.kind,
        label=data.label,
        rows=data.frame.height,
        units=units,
        before=before,
        after=after,
        changed=changes,
    )


def ingest_file(
    store: Store,
    kind: str,
    path: Path | str,
    snapshot_date: date | None = None,
    replace: bool = False,
    check_only: bool = False,
    data: bytes | None = None,
    label: str | None = None,
    max_bytes: int | None = None,
    actor: str | None = None,
) -> Report:
    """Read, validate and publish one file. Raises IngestError (nothing written) on bad input.

    `actor` (who sends it; default the OS user) goes to the audit log with the file's sha256.
    """
    if kind not in SPECS:
        raise IngestError([Problem(str(path), f"jenis data {kind!r} tidak dikenal: gunakan rekam, cetak atau pemilu")])
    label = label or Path(path).name
    if max_bytes is not None:
        size = len(data) if data is not None else Path(path).stat().st_size
        if size > max_bytes:
            raise IngestError([Problem(label, f"berkas {size / 1e6:.1f} MB melebihi batas {max_bytes / 1e6:.0f} MB")])
    frame = read_table(path, data=data, label=label)
    validated = validate(kind, frame, label, snapshot_date)
    source = None if check_only else audit.Source.of_bytes(actor or audit.os_user(), data or Path(path).read_bytes())
    return publish(store, validated, replace=replace, check_only=check_only, source=source)


def ingest_frame(
    store: Store, kind: str, frame: pl.DataFrame, label: str, replace: bool = False, actor: str | None = None
) -> Report:
    """Validate and publish an in-memory frame (the demo builder uses this: same rules, same store)."""
    frame = frame.with_columns(
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(ROW), pl.lit(False).alias(NUMERIC_CODE)
    )
    source = audit.Source(actor or audit.os_user())
    return publish(store, validate(kind, frame, label), replace=replace, source=source)


def detect_kind(path: Path | str) -> str:
    """Guess the kind of a file from its columns (for `check FILE`)."""
    columns = set(read_table(path).columns)
    if "tercetak" in columns:
        return "cetak"
    if "wajib_ktp" in columns or "sudah_rekam" in columns:
        return "rekam"
    if "nama" in columns and "tanggal" in columns:
        return "pemilu"
    raise IngestError(
        [Problem(Path(path).name, "jenis berkas tidak dikenali dari judul kolomnya (rekam, cetak atau pemilu)", 1)]
    )
