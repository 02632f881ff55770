"""Deterministic, realistic demo data: daily e-KTP recording (rekam) and printing (cetak) reports.

The model works per regency (kabupaten/kota). Each one gets a size calibrated on its province's
population, a final coverage drawn so that the 514 regencies match the 2024 distribution (67 at
100% or more, 412 at 80-100%, 18 at 60-80%, 17 below 60%, Papua holding most of the low tail), a
progress curve with pushes before elections, a reporting cadence and a blangko supply. Districts
and villages vary around their regency, preserving its weighted coverage.

Random numbers come from numpy Generators seeded with (seed, crc32(region code), stream), and
day-by-day draws are made day-major from a fixed epoch, so a region's figures depend neither on
which other provinces are generated nor on the requested date range.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays
import numpy as np
import polars as pl

from pantau.ingest import ingest_frame
from pantau.regions import region_table
from pantau.store import Store

DEMO_START = date(2023, 1, 2)
DEMO_END = date(2024, 11, 20)  # H-7 before Pilkada serentak 27 Nov 2024
ELECTIONS = (date(2019, 4, 17), date(2020, 12, 9), date(2024, 2, 14), date(2024, 11, 27))
LEVELS = ("kecamatan", "desa")
LAYANAN = ("kantor", "kecamatan", "jemput_bola", "keliling", "lainnya")
REKAM_COLUMNS = {"tanggal": pl.Date, "kode_wilayah": pl.String} | {
    c: pl.Int64 for c in ("wajib_ktp", "sudah_rekam", "prr", "sudah_cetak")
}
CETAK_COLUMNS = {"tanggal": pl.Date, "kode_wilayah": pl.String, "layanan": pl.String} | {
    c: pl.Int64 for c in ("tercetak", "permohonan", "rekam_baru", "blangko_diterima", "blangko_sisa")
}

_EPOCH = date(2019, 1, 1)  # simulations start here, whatever the requested start
_DATE_OFFSET = _EPOCH.toordinal() - date(1970, 1, 1).toordinal()
_WAJIB_SHARE = 0.72
_PAPUA = ("91", "92", "93", "94", "95", "96")
_REMOTE = ("53", "81", "82")  # NTT, Maluku, Maluku Utara: somewhat lower coverage
# (count of 514, low, high) of final regency coverage, lowest bucket first; the bounds keep a
# margin from 60/80/100% so that a regency whose last report is a few days old stays in its bucket.
_BUCKETS = ((17, 0.40, 0.59), (18, 0.61, 0.79), (412, 0.81, 0.995), (67, 1.006, 1.08))
_PUSH_DAYS = 56  # recording and printing push in the 8 weeks before an election
_HOLIDAY_SERVICE_DAYS = 28  # weekend/holiday services in the last 4 weeks
_DAY_DRAWS = 10  # uniforms per regency per day, used in _regency_model


def _rng(seed: int, code: str, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(code.encode()), stream])


def _lognoise(u: np.ndarray, sigma: float) -> np.ndarray:
    """Multiplicative noise with median 1 from uniforms (a logistic stand-in for a lognormal)."""
    u = np.clip(u.astype(np.float64), 1e-4, 1 - 1e-4)
    return np.exp(sigma * 0.55 * np.log(u / (1 - u)))


def _share(parent: np.ndarray, x: np.ndarray) -> np.ndarray:
    return x / np.bincount(parent, x)[parent]


def _wmean(parent: np.ndarray, x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per unit, the weighted mean of x over the units sharing its parent."""
    return np.bincount(parent, x * weights)[parent] / np.bincount(parent, weights)[parent]


@lru_cache(maxsize=2)
def _calendar(grid_end: date) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per day from the epoch: weekday, working day, and per election the push ramp and the last 4 weeks."""
    n = (grid_end - _EPOCH).days + 1
    dates = [_EPOCH + timedelta(days=i) for i in range(n)]
    libur = holidays.country_holidays("ID", years=range(_EPOCH.year, grid_end.year + 1))
    weekday = np.array([d.weekday() for d in dates])
    working = (weekday < 5) & ~np.array([d in libur for d in dates])
    t = np.arange(n)
    ramps, last_weeks = np.zeros((len(ELECTIONS), n)), np.zeros((len(ELECTIONS), n))
    for k, election in enumerate(ELECTIONS):
        e = (election - _EPOCH).days
        rising = np.clip((t - (e - _PUSH_DAYS)) / _PUSH_DAYS, 0, 1)
        ramps[k] = np.where(t < e, rising, np.exp(-(t - e) / 21.0))  # then a tail of a few weeks
        last_weeks[k] = (t >= e - _HOLIDAY_SERVICE_DAYS) & (t < e)
    return weekday, working, ramps, last_weeks


@dataclass(frozen=True)
class _Units:
    """Parameters of reporting units (regencies, districts or villages), one array entry per unit."""

    codes: pl.Series
    regency: np.ndarray  # index of the unit's regency in _Model.regencies
    wajib: np.ndarray  # wajib KTP at DEMO_END
    growth: np.ndarray  # yearly growth of wajib KTP
    coverage: np.ndarray  # coverage at DEMO_END
    deficit: np.ndarray  # coverage points still missing at DEMO_START
    cetak_ratio: np.ndarray  # sudah_cetak / sudah_rekam
    prr_share: np.ndarray  # share of the regency's prr
    fix_start: np.ndarray  # data correction: sudah_rekam over-counted on days [fix_start, fix_end)
    fix_end: np.ndarray
    fix_amount: np.ndarray


@dataclass(frozen=True)
class _Printing:
    """Blangko simulation per (regency, day); shares is (regency, day, 4): non-kantor layanan, 0 = no row."""

    printed: np.ndarray
    demand: np.ndarray
    delivered: np.ndarray
    stock: np.ndarray
    shares: np.ndarray


@dataclass(frozen=True)
class _Model:
    """All regencies over the days from the epoch; matrices are (regency, day index)."""

    regencies: _Units
    start_index: int  # day index of DEMO_START
    end_index: int  # day index of DEMO_END
    service: np.ndarray  # office open: working days, plus holiday services before elections
    progress: np.ndarray  # recording progress, 0 at DEMO_START and 1 at DEMO_END
    reports: np.ndarray  # the regency reports that day
    prr: np.ndarray
    printing: _Printing


def _final_coverage(seed: int, prov: np.ndarray, jenis: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Final coverage per regency matching the bucket counts: the lowest scores get the lowest values."""
    score = z - 3.0 * np.isin(prov, _PAPUA) - 0.8 * np.isin(prov, _REMOTE) + 0.6 * (jenis == "kota")
    rng = np.random.default_rng([seed, 0xC0FE])
    counts = [round(c * len(prov) / 514) for c, _, _ in _BUCKETS]
    counts[2] = len(prov) - counts[0] - counts[1] - counts[3]
    values = [
        rng.uniform(_BUCKETS[0][1], _BUCKETS[0][2], counts[0]),
        rng.uniform(_BUCKETS[1][1], _BUCKETS[1][2], counts[1]),
        _BUCKETS[2][2] - (_BUCKETS[2][2] - _BUCKETS[2][1]) * rng.beta(1.0, 6.0, counts[2]),  # most just below 100%
        np.minimum(_BUCKETS[3][1] + rng.exponential(0.012, counts[3]), _BUCKETS[3][2]),
    ]
    coverage = np.empty(len(prov))
    coverage[np.argsort(score, kind="stable")] = np.concatenate([np.sort(v) for v in values])
    return coverage


def _children(level: str, parents: pl.Series) -> tuple[pl.Series, np.ndarray]:
    """Codes of a level under the (sorted) `parents`, and the index of each one's parent."""
    table = region_table().filter((pl.col("tingkat") == level) & pl.col("kode_induk").is_in(parents.to_list()))
    return table["kode_wilayah"], np.searchsorted(parents.to_numpy().astype(str), table["kode_induk"].to_numpy())


@lru_cache(maxsize=2)
def _regency_model(seed: int, grid_end: date) -> _Model:
    """Sizes, final coverage, progress, reporting days, prr and blangko of every regency up to grid_end."""
    weekday, working, ramps, last_weeks = _calendar(grid_end)
    n_days = len(working)
    kab = region_table().filter(pl.col("tingkat") == "kabkota")
    codes = kab["kode_wilayah"]
    n = len(codes)
    s, z = np.empty((n, 14)), np.empty((n, 3))
    u = np.empty((n, n_days, _DAY_DRAWS), dtype=np.float32)
    for i, code in enumerate(codes):
        g = _rng(seed, code, 0)
        s[i], z[i] = g.random(14), g.standard_normal(3)
        u[i] = _rng(seed, code, 1).random((n_days, _DAY_DRAWS), dtype=np.float32)  # day-major: extendable

    prov = codes.str.slice(0, 2).to_numpy().astype(str)
    province_total = _province_wajib()
    # a regency's size follows its number of districts, so that districts keep realistic sizes
    weights = np.bincount(_children("kecamatan", codes)[1], minlength=n) * np.clip(np.exp(0.35 * z[:, 0]), 0.4, 2.5)
    wajib = np.array([province_total[p] for p in prov]) * _share(np.unique(prov, return_inverse=True)[1], weights)
    coverage = _final_coverage(seed, prov, kab["jenis"].to_numpy(), z[:, 1])
    deficit = (0.02 + 0.04 * s[:, 1]) * np.where(coverage < 0.8, 2.0, 1.0)
    none = np.full(n, -1)
    regencies = _Units(
        codes, np.arange(n), wajib, 0.008 + 0.014 * s[:, 3], coverage, deficit, *np.ones((2, n)), none, none, none
    )

    # Pilkada 2020 took place in about half of the regions, every other election everywhere.
    takes_part = np.ones((n, len(ELECTIONS)))
    takes_part[:, 1] = s[:, 11] < 0.5
    ramp, pre_election = takes_part @ ramps, (takes_part @ last_weeks) > 0
    holiday_service = (s[:, 4] < 0.5)[:, None] & pre_election & ~working
    service = working | holiday_service
    effort = service * _lognoise(u[:, :, 0], 0.35) * (1 + 4 * (0.6 + s[:, 2:3]) * (takes_part @ ramps**2))
    cum = np.cumsum(effort, axis=1)
    i0, i1 = (DEMO_START - _EPOCH).days, (DEMO_END - _EPOCH).days
    progress = (cum - cum[:, i0 : i0 + 1]) / (cum[:, i1 : i1 + 1] - cum[:, i0 : i0 + 1])
    reports = _reporting(seed, codes, s[:, 5:7], weekday, working, holiday_service, u[:, :, 1], i1)

    base = (150 + 0.0003 * wajib) * _lognoise(s[:, 8], 0.2)  # cards a day in normal times
    mult = 1 + (0.7 + 0.6 * s[:, 9:10]) * ramp  # roughly doubles before an election
    demand = np.rint(base[:, None] * mult * _lognoise(u[:, :, 2], 0.25) * np.where(working, 1.0, 0.6) * service)
    printed, delivered, stock, queue = _blangko(base, mult, demand, service, working, s[:, 10], s[:, 13], u[:, :, 3:5])
    prr = (100 + 0.0012 * wajib)[:, None] * np.exp(0.4 * z[:, 2:3]) * _lognoise(u[:, :, 5], 0.25)
    prr = np.rint(prr * (1 + 0.8 * ramp) + 0.3 * queue)  # print-ready records pile up without blangko

    # Non-kantor rows: probability of a row that day, and the share of the day's figures it takes.
    probabilities = (
        np.where((s[:, 12] < 0.35)[:, None] & working, 0.5, 0.0),  # kecamatan: regencies with district offices
        np.where(~working, 0.8, np.where(pre_election, 0.6, 0.15)),  # jemput_bola: more before elections
        np.where((s[:, 7] < 0.4)[:, None] & working, 0.25, 0.0),  # keliling: regencies with a mobile unit
        np.where(working, 0.03, 0.0),  # lainnya
    )
    ranges = ((0.05, 0.2), (0.1, 0.3), (0.05, 0.15), (0.02, 0.05))
    shares = np.zeros((n, n_days, 4), dtype=np.float32)
    for k, (p, (low, high)) in enumerate(zip(probabilities, ranges)):
        draw = u[:, :, 6 + k]
        shares[:, :, k] = np.where(service & (draw < p), low + (high - low) * draw / np.maximum(p, 1e-9), 0)
    printing = _Printing(printed, demand.astype(np.int64), delivered, stock, shares)
    return _Model(regencies, i0, i1, service, progress, reports, prr, printing)


def _province_wajib() -> dict[str, float]:
    path = Path(__file__).with_name("data") / "penduduk_provinsi_2025.csv"
    frame = pl.read_csv(path, schema_overrides={"kode": pl.String})
    return {k: total * _WAJIB_SHARE for k, total in zip(frame["kode"], frame["total"])}


def _reporting(
    seed: int,
    codes: pl.Series,
    draws: np.ndarray,
    weekday: np.ndarray,
    working: np.ndarray,
    holiday_service: np.ndarray,
    skip: np.ndarray,
    end_index: int,
) -> np.ndarray:
    """Report days: ~82% of regencies daily on working days, 15% weekly, 3% late with 10-20 day gaps."""
    n = len(codes)
    order = np.argsort(draws[:, 0], kind="stable")
    late, weekly = np.zeros(n, bool), np.zeros(n, bool)
    late[order[: round(0.03 * n)]] = True
    weekly[order[round(0.03 * n) : round(0.18 * n)]] = True
    daily = (working & (skip >= 0.02)) | holiday_service
    report_weekday = np.where(draws[:, 1] < 0.7, 4, np.floor((draws[:, 1] - 0.7) / 0.3 * 4))  # mostly Friday
    reports = np.where(weekly[:, None], working & (weekday == report_weekday[:, None]), daily)
    for i in np.flatnonzero(late):
        g = _rng(seed, codes[int(i)], 2)
        starts = np.cumsum(g.integers(60, 150, 40)) + g.integers(0, 60)
        for begin, length in zip(starts, g.integers(10, 21, 40)):
            reports[i, begin : begin + length] = False
        # the last gap covers DEMO_END, so these regencies are stale on the last day
        reports[i, end_index - g.integers(8, 19) : end_index + g.integers(1, 8)] = False
    return reports


def _blangko(base, mult, demand, service, working, tight_draw, first_draw, u) -> tuple[np.ndarray, ...]:
    """Day-by-day blangko stock: deliveries every 2-4 weeks sized on the coming demand (too small for
    ~15% of regencies, which then run dry), printing limited by stock and capacity, a waiting queue."""
    n, n_days = demand.shape
    capacity = np.rint(base[:, None] * mult * 1.5)
    interval = 14 + np.floor(u[:, :, 0] * 15).astype(np.int64)
    cover = np.where(tight_draw < 0.15, 0.8, 1.15)[:, None] + 0.5 * u[:, :, 1]
    printed, delivered, stocks, queues = (np.zeros((n_days, n), dtype=np.int64) for _ in range(4))
    stock, queue, next_delivery, rows = np.rint(base * 30), np.zeros(n), np.floor(first_draw * 20), np.arange(n)
    for t in range(n_days):
        arrives = working[t] & (t >= next_delivery)
        coming = mult[rows, np.minimum(t + interval[:, t] // 2, n_days - 1)]
        need = base * coming * interval[:, t] * 5 / 7 * cover[:, t] - 0.3 * stock
        batch = np.where(arrives, np.maximum(np.round(need / 100) * 100, 0), 0)
        next_delivery = np.where(arrives, t + interval[:, t], next_delivery)
        stock += batch
        waiting = queue + demand[:, t]
        done = np.minimum(np.minimum(waiting, capacity[:, t]), stock) * service[:, t]
        stock -= done
        queue = np.minimum(waiting - done, np.rint(10 * base))
        printed[t], delivered[t], stocks[t], queues[t] = done, batch, stock, queue
    return printed.T.copy(), delivered.T.copy(), stocks.T.copy(), queues.T.copy()


def _split(
    seed: int,
    parents: _Units,
    parent: np.ndarray,
    codes: pl.Series,
    stream: int,
    window: tuple[int, int],
    spread: float,
) -> _Units:
    """Parameters of the children (sorted `codes`, parent index `parent`), varying around their parent's;
    the parent's wajib KTP and weighted coverage are preserved."""
    u, z = np.empty((len(codes), 5)), np.empty((len(codes), 5))
    bounds = np.searchsorted(parent, np.arange(len(parents.codes) + 1))
    for p in np.unique(parent):
        lo, hi = bounds[p], bounds[p + 1]
        g = _rng(seed, parents.codes[int(p)], stream)
        u[lo:hi], z[lo:hi] = g.random((hi - lo, 5)), g.standard_normal((hi - lo, 5))
    wajib = np.maximum(parents.wajib[parent] * _share(parent, np.clip(np.exp(0.6 * z[:, 0]), 0.15, 3.5)), 50)
    m, dm = np.exp(spread * z[:, 1]), np.exp(0.3 * z[:, 2])
    coverage = parents.coverage[parent] * m / _wmean(parent, m, wajib)
    deficit = parents.deficit[parent] * dm / _wmean(parent, dm, wajib)
    i0, i1 = window  # corrections fall between a month after DEMO_START and DEMO_END
    fix_end = np.where(u[:, 1] < 0.4, i0 + 30 + np.floor(u[:, 2] * (i1 - i0 - 30)), -1).astype(np.int64)
    fix_start = fix_end - 3 - np.floor(u[:, 3] * 28).astype(np.int64)
    fix_amount = np.floor(np.minimum(100 + 500 * u[:, 4], 0.03 * wajib * coverage))
    return _Units(
        codes=codes,
        regency=parents.regency[parent],
        wajib=wajib,
        growth=parents.growth[parent] + 0.002 * z[:, 3],
        coverage=coverage,
        deficit=deficit,
        cetak_ratio=0.97 + 0.02 * u[:, 0],
        prr_share=parents.prr_share[parent] * _share(parent, wajib * np.exp(0.3 * z[:, 4])),
        fix_start=fix_start,
        fix_end=fix_end,
        fix_amount=fix_amount,
    )


def _units(model: _Model, level: str, seed: int, selected: np.ndarray) -> _Units:
    """Districts, or villages, of the selected regencies."""
    window = (model.start_index, model.end_index)
    codes, parent = _children("kecamatan", model.regencies.codes.gather(selected))
    units = _split(seed, model.regencies, selected[parent], codes, 3, window, spread=0.035)
    if level == "desa":
        codes, parent = _children("desa", units.codes)
        units = _split(seed, units, parent, codes, 4, window, spread=0.04)
    return units


def _prepare(seed: int, start: date, end: date, provinces: list[str] | None) -> tuple[_Model, np.ndarray]:
    """The model and the indices of the selected regencies, after checking the arguments."""
    if not _EPOCH <= start <= end:
        raise ValueError(f"rentang tanggal tidak valid: {start} s.d. {end} (paling awal {_EPOCH})")
    if seed < 0:
        raise ValueError(f"seed harus >= 0, bukan {seed}")
    model = _regency_model(seed, max(end, DEMO_END))
    prov = model.regencies.codes.str.slice(0, 2).to_numpy().astype(str)
    if provinces is None:
        return model, np.arange(len(prov))
    unknown = set(provinces) - set(prov)
    if unknown:
        raise ValueError(f"kode provinsi tidak dikenal: {sorted(unknown)}")
    return model, np.flatnonzero(np.isin(prov, list(provinces)))


def _month_ranges(start: date, end: date) -> Iterator[tuple[int, int]]:
    """Day-index ranges [a, b) of the calendar months from start to end inclusive."""
    first = start
    while first <= end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        yield (first - _EPOCH).days, (min(following - timedelta(days=1), end) - _EPOCH).days + 1
        first = following


def _dates(t: np.ndarray) -> pl.Series:
    return pl.Series("tanggal", t + _DATE_OFFSET, dtype=pl.Int32).cast(pl.Date)


def generate_rekam(
    level: str = "kecamatan",
    seed: int = 2024,
    start: date = DEMO_START,
    end: date = DEMO_END,
    provinces: list[str] | None = None,
    every_day: bool = False,
) -> Iterator[pl.DataFrame]:
    """Daily recording reports, one DataFrame per calendar month, with columns REKAM_COLUMNS.

    One row per district (level 'kecamatan') or village (level 'desa') per day its regency reports:
    all units of a regency are present or absent together. Deterministic for the same arguments;
    `provinces` restricts to those province codes without changing their figures. `every_day`
    makes every regency report every calendar day (the benchmark's full scale: 83,762 villages x
    1,095 days = 92 M rows), with the same figures on the days the realistic calendar has.
    """
    if level not in LEVELS:
        raise ValueError(f"level harus salah satu dari {LEVELS}, bukan {level!r}")
    model, selected = _prepare(seed, start, end, provinces)
    reports = np.ones_like(model.reports) if every_day else model.reports
    return _rekam_chunks(model, _units(model, level, seed, selected), reports, start, end)


def _rekam_chunks(
    model: _Model, units: _Units, reports: np.ndarray, start: date, end: date
) -> Iterator[pl.DataFrame]:
    for a, b in _month_ranges(start, end):
        day, u = np.nonzero(reports[:, a:b][units.regency].T)  # ordered by day, then code
        t, r = day + a, units.regency[u]
        wajib = np.floor(units.wajib[u] * (1 + units.growth[u] * (t - model.end_index) / 365.25))
        coverage = np.maximum(units.coverage[u] - units.deficit[u] * (1 - model.progress[r, t]), 0.05)
        rekam = np.floor(wajib * coverage)
        fixing = (t >= units.fix_start[u]) & (t < units.fix_end[u])
        columns = {
            "tanggal": _dates(t),
            "kode_wilayah": units.codes.gather(u),
            "wajib_ktp": wajib,
            "sudah_rekam": rekam + np.where(fixing, units.fix_amount[u], 0),
            "prr": np.rint(model.prr[r, t] * units.prr_share[u]),
            "sudah_cetak": np.floor(rekam * units.cetak_ratio[u]),
        }
        yield pl.DataFrame(columns).cast(REKAM_COLUMNS)


def generate_cetak(
    seed: int = 2024, start: date = DEMO_START, end: date = DEMO_END, provinces: list[str] | None = None
) -> Iterator[pl.DataFrame]:
    """Daily printing reports per regency and layanan, one DataFrame per calendar month, with columns CETAK_COLUMNS.

    Key (tanggal, kode_wilayah, layanan). A 'kantor' row exists on every day the office is open
    (working days, plus weekend/holiday services in the 4 weeks before an election), other layanan
    on some days. blangko_diterima is on the kantor row; blangko_sisa, the end-of-day stock, is
    repeated on every row of the day. Printing stops (tercetak 0) on days without stock.
    """
    model, selected = _prepare(seed, start, end, provinces)
    units = _units(model, "kecamatan", seed, selected)
    # The regency's expected sudah_rekam over time, summed from its districts, gives rekam_baru.
    years = (np.arange(model.service.shape[1]) - model.end_index) / 365.25
    local = np.searchsorted(selected, units.regency)
    floor, gap = units.wajib * (units.coverage - units.deficit), units.wajib * units.deficit
    coef = [
        np.bincount(local, w, len(selected))[:, None] for w in (floor, floor * units.growth, gap, gap * units.growth)
    ]
    rekam = np.rint(coef[0] + coef[1] * years + model.progress[selected] * (coef[2] + coef[3] * years))
    service = model.service[selected]
    days = np.arange(service.shape[1])
    previous = np.maximum.accumulate(np.where(service, days, -1), axis=1)  # last service day so far
    previous = np.concatenate([np.full((len(selected), 1), -1), previous[:, :-1]], axis=1)
    previous = np.where(previous < 0, days, previous)
    rekam_baru = np.maximum(rekam - np.take_along_axis(rekam, previous, axis=1), 0)
    return _cetak_chunks(model, selected, rekam_baru, start, end)


def _split_layanan(total: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """(cell, layanan) figures: the non-kantor shares rounded down, kantor gets the rest."""
    others = np.floor(total[:, None] * shares)
    return np.concatenate([(total - others.sum(axis=1))[:, None], others], axis=1)


def _cetak_chunks(
    model: _Model, selected: np.ndarray, rekam_baru: np.ndarray, start: date, end: date
) -> Iterator[pl.DataFrame]:
    codes, layanan, printing = model.regencies.codes.gather(selected), pl.Series(LAYANAN), model.printing
    for a, b in _month_ranges(start, end):
        day, local = np.nonzero(model.service[selected, a:b].T)  # ordered by day, then code
        t, r = day + a, selected[local]
        shares = printing.shares[r, t].astype(np.float64)
        # outreach records more people than it prints cards for
        rekam_shares = shares * np.array([1.0, 2.0, 1.0, 1.0])
        rekam_shares *= np.minimum(1.0, 0.9 / np.maximum(rekam_shares.sum(axis=1), 1e-9))[:, None]
        figures = {
            "tercetak": _split_layanan(printing.printed[r, t].astype(np.float64), shares),
            "permohonan": _split_layanan(printing.demand[r, t].astype(np.float64), shares),
            "rekam_baru": _split_layanan(rekam_baru[local, t], rekam_shares),
            "blangko_diterima": np.pad(printing.delivered[r, t][:, None], ((0, 0), (0, 4))),
            "blangko_sisa": np.repeat(printing.stock[r, t][:, None], 5, axis=1),
        }
        exists = np.concatenate([np.ones((len(t), 1), bool), shares > 0], axis=1).ravel()
        cell = np.repeat(np.arange(len(t)), 5)[exists]
        columns = {
            "tanggal": _dates(t[cell]),
            "kode_wilayah": codes.gather(local[cell]),
            "layanan": layanan.gather(np.tile(np.arange(5), len(t))[exists]),
        }
        columns |= {name: values.ravel()[exists] for name, values in figures.items()}
        yield pl.DataFrame(columns).cast(CETAK_COLUMNS)


def build(
    store: Store,
    level: str = "kecamatan",
    seed: int = 2024,
    provinces: list[str] | None = None,
    start: date = DEMO_START,
    end: date = DEMO_END,
    progress: Callable[[str], object] = lambda _: None,
    every_day: bool = False,
) -> str:
    """Generate the demo data and publish it through the ordinary ingest path; marks the store DEMO.

    Returns a one-line summary in Bahasa Indonesia.
    """
    started = time.perf_counter()
    progress("Membangun data perekaman demo...")
    if level == "desa":
        # village level is ~10x the rows: generate and publish a month at a time, so memory stays
        # at one month whatever the span (the rollup is extended incrementally by each publish)
        for chunk in generate_rekam(level, seed, start, end, provinces, every_day):
            month = f"{chunk['tanggal'].min():%Y-%m}"
            progress(f"Menyimpan {chunk.height:,} baris perekaman {month}...".replace(",", "."))
            ingest_frame(store, "rekam", chunk, f"demo-rekam-{month}", replace=True, actor="demo")
            del chunk
    else:
        rekam = pl.concat(list(generate_rekam(level, seed, start, end, provinces, every_day)))
        progress(f"Memvalidasi dan menyimpan {rekam.height:,} baris perekaman...".replace(",", "."))
        ingest_frame(store, "rekam", rekam, "demo-rekam", replace=True, actor="demo")
        del rekam
    progress("Membangun log cetak demo...")
    cetak = pl.concat(list(generate_cetak(seed, start, end, provinces)))
    report = ingest_frame(store, "cetak", cetak, "demo-cetak", replace=True, actor="demo")
    (store.data_dir / "DEMO").write_text(
        f"Data demo Pantau e-KTP (seed {seed}, tingkat {level}), dibangun {date.today().isoformat()}.\n",
        encoding="utf-8",
    )
    seconds = time.perf_counter() - started
    return f"Data demo tersimpan (versi {report.version}) dalam {seconds:.1f} detik."
