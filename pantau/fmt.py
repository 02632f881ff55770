"""Indonesian number and date formatting for the UI, on babel's 'id' locale.

Every function returns a string and shows a missing value (None, NaN, NaT) as an en dash.
Separators, month and day names come from babel; only the sign characters and the 'H-7'
countdown convention are written here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache

from babel import Locale, dates, numbers

LOCALE = "id"
# parsed once: babel parses a locale name and a number pattern on every call otherwise, which is most
# of the cost of formatting a table or a chart's hover text cell by cell
_LOCALE = Locale.parse(LOCALE)
KOSONG = "–"  # en dash for a missing value
MINUS = "−"  # U+2212: a real minus sign for signed differences

_SIGNED = f"+#,##0;{MINUS}#,##0"
_SIGNED_2 = f"+#,##0.00;{MINUS}#,##0.00"


def _missing(value: object) -> bool:
    # NaN, NaT and Decimal('NaN') are the values unequal to themselves
    return value is None or value != value


def _decimal(value: float | int | Decimal) -> Decimal:
    # via str() so 92.105 rounds as written, not as its binary neighbour 92.10499...
    return value if isinstance(value, Decimal) else Decimal(str(value))


@lru_cache(maxsize=32)
def _pattern(pattern: str) -> numbers.NumberPattern:
    return numbers.parse_pattern(pattern)


def _number(value: float | int | Decimal, pattern: str) -> str:
    # half up, as people and spreadsheets round (babel would use the context's half-even)
    with localcontext(rounding=ROUND_HALF_UP):
        return _pattern(pattern).apply(_decimal(value), _LOCALE)


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


@lru_cache(maxsize=8192)
def _date(day: date, pattern: str) -> str:
    # a chart or a table formats the same few hundred days again and again
    return dates.format_date(day, pattern, locale=_LOCALE)


def angka(n: float | int | None) -> str:
    """Whole number with Indonesian thousands dots: 738385 -> '738.385'."""
    if _missing(n):
        return KOSONG
    return _number(n, "#,##0")


def angka_desimal(n: float | int | None, digits: int = 1) -> str:
    """A number with fixed decimals and Indonesian separators: 2.345 -> '2,3' (digits=1)."""
    if _missing(n):
        return KOSONG
    return _number(n, "#,##0." + "0" * digits if digits else "#,##0")


def angka_ringkas(n: float | int | None) -> str:
    """Compact number with one decimal: '1,2 jt', '738,4 rb', '12,5 M' (miliar)."""
    if _missing(n):
        return KOSONG
    with localcontext(rounding=ROUND_HALF_UP):
        text = numbers.format_compact_decimal(_decimal(n), locale=_LOCALE, fraction_digits=1)
    return text.replace("\xa0", " ")  # babel's no-break space before the unit, as a plain space


def persen(p: float | None) -> str:
    """A percentage given in percent, two decimals, never capped: 92.1 -> '92,10%', 101.234 -> '101,23%'."""
    if _missing(p):
        return KOSONG
    return _number(_decimal(p) / 100, "#,##0.00%")


def persen_poin(d: float | None) -> str:
    """A change in percentage points with its sign: '+0,35 poin', '−1,20 poin', '0,00 poin'."""
    if _missing(d):
        return KOSONG
    value = _decimal(d).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _number(abs(value), "0.00") + " poin" if value == 0 else _number(value, _SIGNED_2) + " poin"


def selisih(n: float | int | None) -> str:
    """A signed difference in whole numbers: '+1.234', '−56', '0'."""
    if _missing(n):
        return KOSONG
    value = _decimal(n).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return "0" if value == 0 else _number(value, _SIGNED)


def jumlah(n: float | int | None, satuan: str) -> str:
    """A count with its unit: jumlah(12500, 'orang') -> '12.500 orang'."""
    if _missing(n):
        return KOSONG
    return f"{angka(n)} {satuan}"


def tanggal(d: date | datetime | None) -> str:
    """'14 Februari 2024'."""
    if _missing(d):
        return KOSONG
    return _date(_as_date(d), "d MMMM y")


def tanggal_pendek(d: date | datetime | None) -> str:
    """'14 Feb 2024'."""
    if _missing(d):
        return KOSONG
    return _date(_as_date(d), "d MMM y")


def tanggal_bulan(d: date | datetime | None) -> str:
    """Day and short month, for axis ticks: '14 Feb'."""
    if _missing(d):
        return KOSONG
    return _date(_as_date(d), "d MMM")


def bulan_pendek(d: date | datetime | None) -> str:
    """Short month name, for axis ticks: 'Feb', 'Agu'."""
    if _missing(d):
        return KOSONG
    return _date(_as_date(d), "MMM")


def hari(d: date | datetime | None) -> str:
    """'Rabu, 14 Februari 2024'."""
    if _missing(d):
        return KOSONG
    return _date(_as_date(d), "EEEE, d MMMM y")


def hitung_mundur(hari_tersisa: int | None) -> str:
    """Election countdown: 4 -> 'H-4', 0 -> 'Hari H', -3 -> 'H+3'."""
    if _missing(hari_tersisa):
        return KOSONG
    days = int(hari_tersisa)
    if days == 0:
        return "Hari H"
    return f"H-{days}" if days > 0 else f"H+{-days}"


def plotly_separators() -> str:
    """Plotly's layout.separators for the locale: decimal comma, thousands dot (',.')."""
    return numbers.get_decimal_symbol(_LOCALE) + numbers.get_group_symbol(_LOCALE)
