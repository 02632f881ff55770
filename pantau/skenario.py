"""What-if (skenario): with a recording pace, a print capacity and a blangko supply chosen by the user,
when is the recording target reached, when is the print queue cleared, and is each before election day?

Pure functions on plain numbers and dates: no Streamlit, no database. Every rate is per calendar day,
like the paces the pages show (`hitung_mundur.laju_harian`, `cetak.daily_rate`); a weekly blangko
supply counts as one seventh of it every day.

The print queue to clear is the PRR of today plus the people still to record up to the target (each
new recording is assumed ready to print the day it is made: deduplication is not modelled). Each
day, in this order: the day's recordings join the queue, the day's blangko arrives, and the office
prints as many cards as its capacity, the queue and the stock allow. Counts are kept in exact
integers (in units of 1/700 card: paces with two decimals, weekly supply in sevenths), so a queue
that clears in exactly ten days is not pushed to day eleven by a rounding error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from pantau import fmt, proyeksi
from pantau.cetak import total_cover

SUDAH = "sudah"  # already reached / nothing to print on the starting day
TERCAPAI = "tercapai"  # reached on a known day (compare it with election day, if any)
TIDAK_PERNAH = "tidak_pernah"  # never at these inputs (or beyond MAX_DAYS)
TANPA_TARGET = "tanpa_target"  # no target, or the region has no wajib KTP

KAPASITAS, BLANGKO, PEREKAMAN = "kapasitas", "blangko", "perekaman"
PEMBATAS_TEKS = {KAPASITAS: "kapasitas cetak", BLANGKO: "pasokan blangko", PEREKAMAN: "laju perekaman"}
MAX_DAYS = 3_650  # a queue that takes more than ten years to clear is reported as never cleared
SCALE = 700  # 100 for two decimals of a daily pace, 7 for a weekly supply spread over the days
SUPPLY_DAYS = 28  # the window of "recent" blangko receipts


def _scaled(per_day: float | None) -> int:
    """A daily rate (two decimals) in 1/700 card; negative or missing rates count as zero."""
    if per_day is None or per_day <= 0:
        return 0
    return round(per_day * 100) * 7


@dataclass(frozen=True)
class Skenario:
    """The inputs of one what-if; None for a rate means 'not known' (no pace, no print log)."""

    tanggal: date  # the data date the scenario starts from
    wajib_ktp: int | None
    sudah_rekam: int | None
    target_persen: float | None
    prr: int | None  # recorded and deduplicated, waiting to be printed
    blangko_sisa: int | None  # blank cards in stock; None = unknown, stock is then not a constraint
    laju_rekam: float | None  # people recorded per day
    kapasitas_cetak: float | None  # cards the offices can print per day
    pasokan_blangko: float | None  # blank cards supplied per week
    tanggal_pemilu: date | None = None

    @property
    def kekurangan(self) -> int:
        """People still to record for the target (0 without a target or when it is reached)."""
        return proyeksi.kekurangan_target(self.sudah_rekam, self.wajib_ktp, self.target_persen) or 0

    @property
    def antrean_cetak(self) -> int:
        """Cards to print: today's PRR plus the people still to record up to the target."""
        return (self.prr or 0) + self.kekurangan

    @property
    def hari_tersisa(self) -> int | None:
        return (self.tanggal_pemilu - self.tanggal).days if self.tanggal_pemilu else None


@dataclass(frozen=True)
class Hasil:
    """The answer for one goal (the recording target, or the print queue)."""

    status: str  # SUDAH, TERCAPAI, TIDAK_PERNAH or TANPA_TARGET
    tanggal: date | None  # the day it is reached (SUDAH: the data date)
    tanggal_pemilu: date | None
    kebutuhan: float | None = None  # recording: people/day; print: cards/day, needed to make election day
    kebutuhan_blangko: float | None = None  # print only: blank cards per week needed at the chosen capacity
    pembatas: str | None = None  # print only: KAPASITAS, BLANGKO or PEREKAMAN

    @property
    def selisih_hari(self) -> int | None:
        """Days before election day (negative: after it), None without a date or an election."""
        if self.tanggal is None or self.tanggal_pemilu is None:
            return None
        return (self.tanggal_pemilu - self.tanggal).days

    @property
    def tepat_waktu(self) -> bool | None:
        """Reached on or before election day? None when there is no election (or nothing to judge)."""
        if self.tanggal_pemilu is None or self.status == TANPA_TARGET:
            return None
        if self.status == SUDAH:
            return True
        return self.tanggal is not None and self.tanggal <= self.tanggal_pemilu


# ---- recording ---------------------------------------------------------------------------------


def rekam(s: Skenario) -> Hasil:
    """When the recording target is reached at `laju_rekam` people a day, and the pace needed for
    election day (the people still to record over the days left, rounded up to whole people)."""
    if s.target_persen is None or s.sudah_rekam is None or not (s.wajib_ktp or 0) > 0:
        return Hasil(TANPA_TARGET, None, s.tanggal_pemilu)
    day = proyeksi.target_date(s.sudah_rekam, s.wajib_ktp, s.target_persen, s.laju_rekam, s.tanggal)
    if day == s.tanggal:
        return Hasil(SUDAH, day, s.tanggal_pemilu, kebutuhan=0)
    days_left = s.hari_tersisa
    needed = math.ceil(s.kekurangan / days_left) if days_left and days_left > 0 else None
    return Hasil(TERCAPAI if day else TIDAK_PERNAH, day, s.tanggal_pemilu, kebutuhan=needed)


# ---- printing ----------------------------------------------------------------------------------


def _clear_day(s: Skenario, kapasitas: int, pasokan: int, limit: int) -> int | None:
    """Days until the print queue is empty (scaled rates), None if not within `limit` days."""
    to_record = s.kekurangan * SCALE
    queue = (s.prr or 0) * SCALE
    unlimited = s.blangko_sisa is None
    stock = 0 if unlimited else max(s.blangko_sisa, 0) * SCALE
    pace = _scaled(s.laju_rekam)
    if to_record == 0 and queue == 0:
        return 0
    if kapasitas <= 0 or (to_record and pace <= 0):
        return None
    if not unlimited and pasokan <= 0 and stock < (to_record + queue):
        return None
    for day in range(1, limit + 1):
        recorded = min(pace, to_record)
        to_record -= recorded
        queue += recorded
        stock += pasokan
        printed = min(kapasitas, queue) if unlimited else min(kapasitas, queue, stock)
        queue -= printed
        stock -= printed
        if to_record == 0 and queue == 0:
            return day
    return None


def _bounds(s: Skenario) -> dict[str, float]:
    """Fewest days each constraint alone allows (infinite when it never allows it)."""
    total = s.antrean_cetak
    bounds = {KAPASITAS: total / s.kapasitas_cetak if (s.kapasitas_cetak or 0) > 0 else math.inf}
    if s.kekurangan:
        bounds[PEREKAMAN] = s.kekurangan / s.laju_rekam if (s.laju_rekam or 0) > 0 else math.inf
    if s.blangko_sisa is not None and total > s.blangko_sisa:
        per_day = (s.pasokan_blangko or 0) / 7
        bounds[BLANGKO] = (total - s.blangko_sisa) / per_day if per_day > 0 else math.inf
    return bounds


def _least(fits, high: int) -> int | None:
    """The smallest whole number in 1..high for which `fits` holds (monotone), None if none does."""
    if not fits(high):
        return None
    low = 1
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return low


def cetak(s: Skenario) -> Hasil:
    """When the print queue (PRR plus the recordings still needed for the target) is cleared, which
    constraint binds, and the capacity (cards/day) and blangko supply (cards/week) that would clear
    it by election day, each with the other inputs as chosen."""
    total = s.antrean_cetak
    if total == 0:
        return Hasil(SUDAH, s.tanggal, s.tanggal_pemilu, kebutuhan=0, kebutuhan_blangko=0)
    kapasitas, pasokan = _scaled(s.kapasitas_cetak), round((s.pasokan_blangko or 0) * 100)
    days = _clear_day(s, kapasitas, pasokan, MAX_DAYS)
    bounds = _bounds(s)
    binding = max(bounds, key=lambda k: (bounds[k], k == BLANGKO, k == PEREKAMAN))
    needed_capacity = needed_supply = None
    days_left = s.hari_tersisa
    if days_left is not None and days_left > 0:
        needed_capacity = _least(lambda c: _clear_day(s, c * SCALE, pasokan, days_left) is not None, total)
        if s.blangko_sisa is not None and total > s.blangko_sisa:
            most = (total - s.blangko_sisa) * 7  # a week's supply whose daily share is the whole shortfall
            needed_supply = _least(lambda m: _clear_day(s, kapasitas, m * 100, days_left) is not None, most)
        elif s.blangko_sisa is not None:
            needed_supply = 0
    day = s.tanggal + timedelta(days=days) if days is not None else None
    return Hasil(
        TERCAPAI if day else TIDAK_PERNAH,
        day,
        s.tanggal_pemilu,
        kebutuhan=needed_capacity,
        kebutuhan_blangko=needed_supply,
        pembatas=binding,
    )


# ---- sentences ---------------------------------------------------------------------------------

PEMUNGUTAN = "hari pemungutan suara"


def _relative(hasil: Hasil) -> str:
    gap = hasil.selisih_hari
    if gap is None:
        return ""
    if gap == 0:
        return f", tepat pada {PEMUNGUTAN}"
    return f", {fmt.jumlah(abs(gap), 'hari')} {'sebelum' if gap > 0 else 'sesudah'} {PEMUNGUTAN}"


def teks_rekam(s: Skenario, hasil: Hasil) -> str:
    """The recording answer in Indonesian, e.g. 'Dengan 1.200 perekaman per hari, target 98,00% tercapai
    14 Maret 2029, 30 hari sebelum hari pemungutan suara.'"""
    if hasil.status == TANPA_TARGET:
        return "Belum ada target cakupan di kalender pemilu: tanggal tercapainya target tidak dihitung."
    target = f"target {fmt.persen(s.target_persen)}"
    if hasil.status == SUDAH:
        return f"Target {fmt.persen(s.target_persen)} sudah tercapai pada {fmt.tanggal(s.tanggal)}."
    pace = f"Dengan {fmt.angka(max(s.laju_rekam or 0, 0))} perekaman per hari"
    if hasil.status == TIDAK_PERNAH:
        text = f"{pace}, {target} tidak akan tercapai."
    else:
        late = hasil.tepat_waktu is False
        text = f"{pace}, {target} {'baru ' if late else ''}tercapai {fmt.tanggal(hasil.tanggal)}{_relative(hasil)}."
    if hasil.tepat_waktu is False and hasil.kebutuhan is not None:
        text += f" Agar tercapai sebelum {PEMUNGUTAN} perlu {fmt.angka(hasil.kebutuhan)} perekaman per hari."
    elif hasil.tepat_waktu is False:
        text += f" Tidak ada hari tersisa sebelum {PEMUNGUTAN}."
    return text


def teks_cetak(s: Skenario, hasil: Hasil) -> str:
    """The print answer in Indonesian: the queue, the day it is cleared, what binds, what would be needed."""
    if hasil.status == SUDAH:
        return "Tidak ada antrean cetak: PRR kosong dan target perekaman sudah tercapai."
    queue = f"antrean cetak {fmt.jumlah(s.antrean_cetak, 'keping')}"
    if s.kekurangan:
        queue += f" (PRR {fmt.angka(s.prr or 0)} + {fmt.angka(s.kekurangan)} perekaman baru sampai target)"
    inputs = f"Dengan kapasitas {fmt.angka(max(s.kapasitas_cetak or 0, 0))} keping per hari"
    if s.blangko_sisa is not None:
        inputs += (
            f", stok blangko {fmt.angka(s.blangko_sisa)} keping dan pasokan "
            f"{fmt.angka(max(s.pasokan_blangko or 0, 0))} keping per minggu"
        )
    if hasil.status == TIDAK_PERNAH:
        text = f"{inputs}, {queue} tidak akan habis."
    else:
        late = hasil.tepat_waktu is False
        text = f"{inputs}, {queue} {'baru ' if late else ''}habis {fmt.tanggal(hasil.tanggal)}{_relative(hasil)}."
    text += f" Pembatasnya: {PEMBATAS_TEKS[hasil.pembatas]}."
    if hasil.tepat_waktu is False:
        text += " " + _needed_print(s, hasil)
    return text


def _needed_print(s: Skenario, hasil: Hasil) -> str:
    if s.kekurangan and rekam(s).tepat_waktu is False:
        return f"Perekaman harus dipercepat dulu: pada laju ini antrean tidak dapat habis sebelum {PEMUNGUTAN}."
    options = []
    if hasil.kebutuhan is not None:
        options.append(f"kapasitas {fmt.angka(hasil.kebutuhan)} keping per hari")
    if hasil.kebutuhan_blangko:
        options.append(f"pasokan blangko {fmt.angka(hasil.kebutuhan_blangko)} keping per minggu")
    if not options:
        return f"Antrean tidak dapat habis sebelum {PEMUNGUTAN} dengan mengubah kapasitas atau pasokan saja."
    return f"Agar habis sebelum {PEMUNGUTAN} perlu {' atau '.join(options)} (masukan lain tetap)."


# ---- defaults from the data --------------------------------------------------------------------


def pasokan_terkini(
    cetak_harian: pl.DataFrame, stok: pl.DataFrame, end: date, days: int = SUPPLY_DAYS
) -> tuple[float | None, str]:
    """Blank cards supplied per week over the `days` days ending at `end`, and how it was found.

    From the logged receipts (`blangko_diterima` of the 'semua' rows of cetak_harian) when any were
    logged; otherwise derived from the stock series (blangko_harian: stock carried forward per day)
    as the rise in stock plus the cards printed in between. ('diterima' | 'turunan' | 'tidak_ada').
    """
    start = end - timedelta(days=days - 1)
    rows = cetak_harian.filter((pl.col("layanan") == "semua") & (pl.col("tanggal") <= end))
    log = rows.filter(pl.col("tanggal") >= start)
    if log.height and (log["blangko_diterima"].fill_null(0) > 0).any():
        counted = (end - max(start, rows["tanggal"].min())).days + 1  # days before the log's first day do not count
        return float(log["blangko_diterima"].sum()) * 7 / counted, "diterima"
    known = stok.filter(pl.col("tanggal").is_between(start, end) & pl.col("blangko_sisa").is_not_null()).sort("tanggal")
    if known.height < 2:
        return None, "tidak_ada"
    first, last = known.row(0, named=True), known.row(-1, named=True)
    span = (last["tanggal"] - first["tanggal"]).days
    printed = log.filter(pl.col("tanggal") > first["tanggal"])["tercetak"].sum() or 0
    received = max(last["blangko_sisa"] - first["blangko_sisa"] + printed, 0)
    return float(received) * 7 / span, "turunan"


@dataclass(frozen=True)
class BawaanCetak:
    """The print inputs the data suggest: recent capacity, stock now, recent supply and its source."""

    kapasitas: float | None  # cards printed per calendar day over the last 14 days of each office's log
    stok: int | None  # blank cards in stock (each office's latest figure)
    tanggal_stok: date | None
    pasokan: float | None  # blank cards received per week, recently
    sumber_pasokan: str  # 'diterima', 'turunan' or 'tidak_ada'


def bawaan_cetak(
    cetak_harian: pl.DataFrame, blangko_harian: pl.DataFrame, blangko_wilayah: pl.DataFrame, end: date
) -> BawaanCetak:
    """Defaults for the print what-if from the cetak_harian, blangko_harian and blangko_wilayah queries."""
    cover = total_cover(blangko_wilayah)
    pasokan, sumber = pasokan_terkini(cetak_harian, blangko_harian, end)
    return BawaanCetak(
        kapasitas=cover.laju_harian or None,
        stok=cover.stok,
        tanggal_stok=cover.tanggal_stok,
        pasokan=pasokan,
        sumber_pasokan=sumber,
    )
