"""Projections at the recent pace: when the target is reached, the path to election day, the verdict.

Pure functions on plain numbers and dates: no Streamlit, no database. The pace (`laju_harian`,
people recorded per day) is the one the `hitung_mundur` query computes over the last 14 days.
Arithmetic goes through `Fraction` of the decimal text, so 97.5% of 1.000 is exactly 975 and a
target reached in exactly 10 days is not pushed to day 11 by a binary rounding error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import polars as pl
from babel import numbers

from pantau import fmt

MAX_DAYS = 36_500  # beyond a century "never" is the honest answer

SUDAH = "sudah"  # target already reached on the starting day
TERCAPAI = "tercapai"  # reached on or before election day at the recent pace
TIDAK_TERCAPAI = "tidak_tercapai"  # not by election day (or never: no pace, pace falling)
TANPA_TARGET = "tanpa_target"  # the election has no target, or the region no wajib KTP


def _exact(value: float | int) -> Fraction:
    return Fraction(str(value))


def target_date(
    sudah_rekam: float | None,
    wajib_ktp: float | None,
    target_persen: float | None,
    laju_harian: float | None,
    from_date: date,
) -> date | None:
    """First day on which `sudah_rekam + laju_harian * days` reaches `target_persen` % of `wajib_ktp`.

    `from_date` itself when the target is already reached; None when it is never reached (no pace,
    a pace of zero or less, more than a century away) or cannot be computed (no target, no wajib KTP).
    """
    if sudah_rekam is None or wajib_ktp is None or target_persen is None or not wajib_ktp > 0:
        return None
    short = _exact(target_persen) * _exact(wajib_ktp) / 100 - _exact(sudah_rekam)
    if short <= 0:
        return from_date
    if laju_harian is None or laju_harian <= 0:
        return None
    days = math.ceil(short / _exact(laju_harian))
    return from_date + timedelta(days=days) if days <= MAX_DAYS else None


def kekurangan_target(sudah_rekam: float | None, wajib_ktp: float | None, target_persen: float | None) -> int | None:
    """People still to record to reach the target today (0 when reached; None without target or data)."""
    if sudah_rekam is None or wajib_ktp is None or target_persen is None:
        return None
    return max(math.ceil(_exact(target_persen) * _exact(wajib_ktp) / 100 - _exact(sudah_rekam)), 0)


def projection_series(
    from_date: date,
    sudah_rekam: float,
    wajib_ktp: float,
    belum_rekam: float,
    laju_harian: float,
    until: date,
) -> pl.DataFrame:
    """One row per day after `from_date` up to `until` at `laju_harian` people a day.

    Columns tanggal, sudah_rekam, belum_rekam (never below 0) and persen_rekam (two decimals, not
    capped at 100, like the `hitung_mundur` projection). Empty when `until` is not after `from_date`.
    """
    days = list(range(1, (until - from_date).days + 1))
    sudah = [float(_exact(sudah_rekam) + _exact(laju_harian) * d) for d in days]
    belum = [max(float(_exact(belum_rekam) - _exact(laju_harian) * d), 0.0) for d in days]
    persen = [_round2(100 * _exact(s) / _exact(wajib_ktp)) if wajib_ktp else None for s in sudah]
    return pl.DataFrame(
        {
            "tanggal": [from_date + timedelta(days=d) for d in days],
            "sudah_rekam": sudah,
            "belum_rekam": belum,
            "persen_rekam": persen,
        },
        schema={"tanggal": pl.Date, "sudah_rekam": pl.Float64, "belum_rekam": pl.Float64, "persen_rekam": pl.Float64},
    )


def _round2(value: Fraction) -> float:
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
        return float(quotient.quantize(Decimal("0.01")))


@dataclass(frozen=True)
class Pencapaian:
    """Whether and when the target is reached at the recent pace, relative to election day."""

    status: str  # SUDAH, TERCAPAI, TIDAK_TERCAPAI or TANPA_TARGET
    tanggal: date | None  # the day the target is reached (SUDAH: the starting day)

    def teks(self, target_persen: float | None, tanggal_pemilu: date) -> str:
        """One sentence for the page, in Bahasa Indonesia."""
        if self.status == TANPA_TARGET:
            return "Pemilu ini belum punya target cakupan di kalender."
        target = f"Target {fmt.persen(target_persen)}"
        if self.status == SUDAH:
            return f"{target} sudah tercapai."
        if self.status == TERCAPAI:
            left = fmt.hitung_mundur((tanggal_pemilu - self.tanggal).days)
            return f"Pada laju ini {target.lower()} tercapai sekitar {fmt.tanggal(self.tanggal)} ({left})."
        return f"Pada laju ini {target.lower()} tidak tercapai sebelum hari pemilu."


def pencapaian_target(
    sudah_rekam: float | None,
    wajib_ktp: float | None,
    target_persen: float | None,
    laju_harian: float | None,
    from_date: date,
    tanggal_pemilu: date,
) -> Pencapaian:
    """Classify the target against election day: already reached, reached in time, or not in time."""
    if target_persen is None or sudah_rekam is None or not (wajib_ktp or 0) > 0:
        return Pencapaian(TANPA_TARGET, None)
    day = target_date(sudah_rekam, wajib_ktp, target_persen, laju_harian, from_date)
    if day == from_date:
        return Pencapaian(SUDAH, day)
    if day is not None and day <= tanggal_pemilu:
        return Pencapaian(TERCAPAI, day)
    return Pencapaian(TIDAK_TERCAPAI, day)


@dataclass(frozen=True)
class Vonis:
    """The verdict on the recent pace: cukup is True, False, or None when it cannot be judged."""

    cukup: bool | None
    teks: str


def rasio_laju(laju_harian: float | None, kebutuhan_harian: float | None) -> float | None:
    """How many times faster than the recent pace the needed pace is (None without a positive pace)."""
    if laju_harian is None or kebutuhan_harian is None or laju_harian <= 0:
        return None
    return float(_exact(kebutuhan_harian) / _exact(laju_harian))


def kali(ratio: float) -> str:
    """A speed-up factor with a decimal comma: 2.31 -> '2,3x'; just above 1 keeps two decimals, rounded up."""
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        one = Decimal(str(ratio)).quantize(Decimal("0.1"))
        if one <= 1 < ratio:
            context.rounding = ROUND_CEILING
            text = numbers.format_decimal(Decimal(str(ratio)).quantize(Decimal("0.01")), "#,##0.00", locale=fmt.LOCALE)
        else:
            text = numbers.format_decimal(one, "#,##0.0", locale=fmt.LOCALE)
    return f"{text}x"


def vonis_laju(laju_harian: float | None, kebutuhan_harian: float | None) -> Vonis:
    """Is the pace of the last 14 days enough for the target? 'Laju saat ini tidak cukup: perlu 2,3x lebih cepat'."""
    if kebutuhan_harian is None:
        return Vonis(None, "Tidak ada hari tersisa: laju yang dibutuhkan tidak dihitung.")
    if kebutuhan_harian <= 0:
        return Vonis(True, "Target sudah tercapai: laju saat ini cukup.")
    if laju_harian is None:
        return Vonis(None, "Laju belum dapat dihitung: tidak ada data 14 hari sebelumnya.")
    if laju_harian <= 0:
        what = "turun" if laju_harian < 0 else "tidak bertambah"
        return Vonis(False, f"Laju saat ini tidak cukup: jumlah sudah rekam {what} dalam 14 hari terakhir.")
    if laju_harian >= kebutuhan_harian:
        ratio = rasio_laju(kebutuhan_harian, laju_harian)
        return Vonis(True, f"Laju saat ini cukup: {kali(ratio)} laju yang dibutuhkan.")
    ratio = rasio_laju(laju_harian, kebutuhan_harian)
    return Vonis(False, f"Laju saat ini tidak cukup: perlu {kali(ratio)} lebih cepat.")
