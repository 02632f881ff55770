"""The demo data generator: deterministic, well-formed, and realistic by DOMAIN.md's orders of magnitude."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from pantau import demo
from pantau.regions import region_table

SUBSET = ["33", "94"]  # Jawa Tengah (35 regencies) and Papua Tengah (8)
PEMILU = date(2024, 2, 14)
PILKADA = date(2024, 11, 27)


def collect(chunks) -> pl.DataFrame:
    return pl.concat(list(chunks))


def regency(column: str = "kode_wilayah") -> pl.Expr:
    return pl.col(column).str.slice(0, 5)


def in_last_weeks(column: str = "tanggal") -> pl.Expr:
    """Within the 4 weeks before an election."""
    return pl.any_horizontal(
        pl.col(column).is_between(e - timedelta(days=28), e - timedelta(days=1)) for e in demo.ELECTIONS
    )


@pytest.fixture(scope="module")
def national_rekam() -> pl.DataFrame:
    return collect(demo.generate_rekam())


@pytest.fixture(scope="module")
def national_cetak() -> pl.DataFrame:
    return collect(demo.generate_cetak())


@pytest.fixture(scope="module")
def subset_rekam() -> pl.DataFrame:
    return collect(demo.generate_rekam(provinces=SUBSET))


@pytest.fixture(scope="module")
def subset_cetak() -> pl.DataFrame:
    return collect(demo.generate_cetak(provinces=SUBSET))


@pytest.fixture(scope="module")
def last_reports(national_rekam) -> pl.DataFrame:
    """Each regency's figures at its latest report."""
    latest = national_rekam.group_by(regency().alias("kab")).agg(pl.col("tanggal").max())
    return (
        national_rekam.with_columns(kab=regency())
        .join(latest, on=["kab", "tanggal"])
        .group_by("kab")
        .agg(pl.col("tanggal").first(), pl.col("wajib_ktp", "sudah_rekam").sum())
        .with_columns(cakupan=pl.col("sudah_rekam") / pl.col("wajib_ktp"))
    )


# --- determinism and shape -------------------------------------------------------------------


def test_same_arguments_give_identical_data(subset_rekam, subset_cetak):
    assert collect(demo.generate_rekam(provinces=SUBSET)).equals(subset_rekam)
    assert collect(demo.generate_cetak(provinces=SUBSET)).equals(subset_cetak)
    desa = dict(level="desa", provinces=["94"], start=date(2024, 10, 1))
    assert collect(demo.generate_rekam(**desa)).equals(collect(demo.generate_rekam(**desa)))


def test_seed_changes_the_data(subset_rekam):
    other = collect(demo.generate_rekam(provinces=SUBSET, seed=7))
    assert not other.equals(subset_rekam)


def test_a_province_has_the_same_figures_in_any_selection_or_date_range(subset_rekam, subset_cetak):
    november = date(2024, 11, 1)
    national = collect(demo.generate_rekam(start=november)).filter(pl.col("kode_wilayah").str.slice(0, 2).is_in(SUBSET))
    assert national.equals(subset_rekam.filter(pl.col("tanggal") >= november))
    assert collect(demo.generate_rekam(provinces=["94", "33"])).equals(subset_rekam)
    longer = collect(demo.generate_rekam(provinces=SUBSET, end=date(2025, 3, 31)))
    assert longer.filter(pl.col("tanggal") <= demo.DEMO_END).equals(subset_rekam)
    later = collect(demo.generate_cetak(provinces=SUBSET, start=date(2024, 3, 1)))
    assert later.equals(subset_cetak.filter(pl.col("tanggal") >= date(2024, 3, 1)))


def test_chunks_are_calendar_months_with_the_exact_schema():
    chunks = list(demo.generate_rekam(provinces=["94"]))
    assert len(chunks) == 23  # January 2023 to November 2024
    for chunk in chunks:
        assert dict(chunk.schema) == demo.REKAM_COLUMNS
        months = chunk.select(pl.col("tanggal").dt.strftime("%Y-%m").n_unique()).item()
        assert months == 1
    for chunk in demo.generate_cetak(provinces=["94"], start=date(2024, 6, 1)):
        assert dict(chunk.schema) == demo.CETAK_COLUMNS


@pytest.mark.parametrize("kind", ["rekam", "cetak"])
def test_keys_unique_dates_in_range_no_nulls_no_negatives(kind, subset_rekam, subset_cetak):
    frame = subset_rekam if kind == "rekam" else subset_cetak
    keys = ["tanggal", "kode_wilayah"] + (["layanan"] if kind == "cetak" else [])
    assert not frame.select(keys).is_duplicated().any()
    assert frame["tanggal"].min() >= demo.DEMO_START
    assert frame["tanggal"].max() <= demo.DEMO_END
    assert frame.null_count().sum_horizontal().item() == 0
    numbers = [c for c, t in frame.schema.items() if t == pl.Int64]
    assert frame.select(pl.min_horizontal(pl.col(numbers).min())).item() >= 0


def test_no_dates_after_a_custom_end():
    end = date(2024, 6, 12)
    assert collect(demo.generate_rekam(provinces=["94"], end=end))["tanggal"].max() == end
    assert collect(demo.generate_cetak(provinces=["94"], end=end))["tanggal"].max() <= end


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        demo.generate_rekam(level="provinsi")
    with pytest.raises(ValueError):
        demo.generate_rekam(provinces=["99"])
    with pytest.raises(ValueError):
        demo.generate_cetak(start=date(2024, 2, 1), end=date(2024, 1, 1))


# --- rekam --------------------------------------------------------------------------------------


def test_national_rekam_covers_every_district(national_rekam):
    districts = region_table().filter(pl.col("tingkat") == "kecamatan")["kode_wilayah"]
    assert set(national_rekam["kode_wilayah"].unique()) == set(districts)


def test_regency_reports_as_a_whole(subset_rekam):
    districts = (
        region_table()
        .filter(pl.col("tingkat") == "kecamatan", pl.col("kode_induk").str.slice(0, 2).is_in(SUBSET))
        .group_by("kode_induk")
        .len("expected")
    )
    per_day = subset_rekam.group_by("tanggal", regency().alias("kode_induk")).len("reported")
    assert per_day.join(districts, on="kode_induk").filter(pl.col("reported") != pl.col("expected")).is_empty()


def test_final_regency_coverage_follows_the_2024_distribution(last_reports):
    cakupan = last_reports["cakupan"]
    assert len(cakupan) == 514
    assert abs((cakupan >= 1).sum() - 67) <= 3
    assert abs(((cakupan >= 0.8) & (cakupan < 1)).sum() - 412) <= 5
    assert abs(((cakupan >= 0.6) & (cakupan < 0.8)).sum() - 18) <= 3
    assert abs((cakupan < 0.6).sum() - 17) <= 3
    low = last_reports.filter(pl.col("cakupan") < 0.8)
    assert low["kab"].str.slice(0, 2).is_in(["91", "92", "93", "94", "95", "96"]).mean() >= 0.6
    national = last_reports["sudah_rekam"].sum() / last_reports["wajib_ktp"].sum()
    assert 0.96 <= national <= 0.98
    assert 180e6 <= last_reports["wajib_ktp"].sum() <= 220e6
    assert last_reports["wajib_ktp"].min() >= 10_000
    assert last_reports["wajib_ktp"].max() <= 4_000_000


def test_last_day_has_most_but_not_all_regencies(last_reports):
    on_last_day = last_reports.filter(pl.col("tanggal") == demo.DEMO_END).height
    assert 0.7 * 514 <= on_last_day < 514
    stale = last_reports.filter(pl.col("tanggal") < demo.DEMO_END - timedelta(days=7))
    assert 5 <= stale.height <= 30


def test_cadences_daily_weekly_and_late(national_rekam):
    days = national_rekam.select("tanggal", kab=regency()).unique()
    cadence = days.group_by("kab").agg(
        weekdays=pl.col("tanggal").dt.weekday().n_unique(),
        longest_gap=pl.col("tanggal").sort().diff().max().dt.total_days(),
    )
    weekly = cadence.filter(pl.col("weekdays") == 1).height
    assert 0.10 * 514 <= weekly <= 0.20 * 514
    late = cadence.filter(pl.col("weekdays") > 1, pl.col("longest_gap") >= 10).height
    assert 5 <= late <= 40


def test_weekend_reports_only_in_the_weeks_before_elections(subset_rekam):
    weekend = subset_rekam.filter(pl.col("tanggal").dt.weekday() >= 6)
    assert weekend.filter(pl.col("tanggal").is_between(PEMILU - timedelta(days=28), PEMILU)).height > 0
    assert weekend.filter(~in_last_weeks()).is_empty()


def test_sudah_rekam_rises_except_a_few_corrections(subset_rekam):
    steps = subset_rekam.sort("kode_wilayah", "tanggal").select(
        change=pl.col("sudah_rekam").diff().over("kode_wilayah"),
        wajib_change=pl.col("wajib_ktp").diff().over("kode_wilayah"),
    )
    falls = steps.filter(pl.col("change") < 0)["change"]
    assert 0 < len(falls) <= 0.003 * subset_rekam.height
    assert falls.min() >= -600
    assert steps["wajib_change"].min() >= 0


def test_counts_are_consistent(subset_rekam):
    by_regency = subset_rekam.group_by("tanggal", regency().alias("kab")).agg(
        pl.col("wajib_ktp", "sudah_rekam", "prr", "sudah_cetak").sum()
    )
    ratio = by_regency["sudah_cetak"] / by_regency["sudah_rekam"]
    assert ratio.min() >= 0.95 and ratio.max() <= 1.0
    assert 100 <= by_regency["prr"].median() <= 5000
    growth = subset_rekam.group_by("kode_wilayah").agg(g=pl.col("wajib_ktp").last() / pl.col("wajib_ktp").first())
    assert growth["g"].is_between(1.005, 1.06).all()


def test_coverage_grows_with_pushes_before_elections(subset_rekam):
    """Daily regency increments of sudah_rekam: the last weeks before Pemilu beat a calm month."""
    daily = (
        subset_rekam.group_by("tanggal", regency().alias("kab"))
        .agg(pl.col("sudah_rekam", "wajib_ktp").sum())
        .sort("kab", "tanggal")
        .with_columns(
            step=pl.col("sudah_rekam").diff().over("kab") / pl.col("tanggal").diff().over("kab").dt.total_days()
        )
    )

    def mean_step(first: date, last: date) -> float:
        return daily.filter(pl.col("tanggal").is_between(first, last), pl.col("step") >= 0)["step"].mean()

    assert mean_step(PEMILU - timedelta(days=21), PEMILU) > 2 * mean_step(date(2023, 5, 1), date(2023, 5, 31))
    assert mean_step(PILKADA - timedelta(days=21), demo.DEMO_END) > 2 * mean_step(date(2024, 6, 1), date(2024, 6, 30))
    start = daily.filter(pl.col("tanggal") <= date(2023, 1, 13)).group_by("kab").agg(pl.all().first())
    end = daily.filter(pl.col("tanggal") >= date(2024, 11, 11)).group_by("kab").agg(pl.all().last())
    both = start.join(end, on="kab", suffix="_end")
    rise = both["sudah_rekam_end"] / both["wajib_ktp_end"] - both["sudah_rekam"] / both["wajib_ktp"]
    assert rise.is_between(0.01, 0.15).all()


def test_desa_level_reports_complete_districts():
    desa = collect(demo.generate_rekam(level="desa", provinces=["94"], start=date(2024, 9, 1)))
    villages = region_table().filter(pl.col("tingkat") == "desa", pl.col("kode_wilayah").str.starts_with("94."))
    assert set(desa["kode_wilayah"].unique()) <= set(villages["kode_wilayah"])
    expected = villages.group_by(kec=pl.col("kode_induk")).len("expected")
    reported = desa.group_by("tanggal", kec=pl.col("kode_wilayah").str.slice(0, 8)).len("reported")
    assert reported.join(expected, on="kec", how="left").filter(pl.col("reported") != pl.col("expected")).is_empty()
    # villages add up to about their district's figures at level kecamatan
    kecamatan = collect(demo.generate_rekam(provinces=["94"], start=date(2024, 9, 1)))
    summed = desa.group_by("tanggal", kode_wilayah=pl.col("kode_wilayah").str.slice(0, 8)).agg(
        pl.col("wajib_ktp", "sudah_rekam").sum()
    )
    joined = kecamatan.join(summed, on=["tanggal", "kode_wilayah"], how="left")
    assert joined.height == kecamatan.height
    assert (joined["sudah_rekam_right"] / joined["sudah_rekam"]).is_between(0.9, 1.1).all()


def test_every_day_reports_every_unit_on_every_day_with_the_same_figures():
    start, end = date(2024, 9, 1), date(2024, 10, 15)
    everyday = collect(demo.generate_rekam(level="desa", provinces=["94"], start=start, end=end, every_day=True))
    villages = region_table().filter(pl.col("tingkat") == "desa", pl.col("kode_wilayah").str.starts_with("94."))
    assert everyday.height == villages.height * ((end - start).days + 1)
    assert everyday.select("tanggal", "kode_wilayah").n_unique() == everyday.height
    # on the days the realistic calendar has a report, the figures are the same
    usual = collect(demo.generate_rekam(level="desa", provinces=["94"], start=start, end=end))
    assert 0 < usual.height < everyday.height
    assert usual.join(everyday, on=["tanggal", "kode_wilayah"], how="left").select(
        (pl.col(c) == pl.col(f"{c}_right")).all() for c in ("wajib_ktp", "sudah_rekam", "prr", "sudah_cetak")
    ).row(0) == (True, True, True, True)


# --- cetak --------------------------------------------------------------------------------------


def test_cetak_rows_layanan_and_kantor(national_cetak):
    assert set(national_cetak["layanan"].unique()) == set(demo.LAYANAN)
    assert national_cetak["kode_wilayah"].n_unique() == 514
    days = national_cetak.select("tanggal", "kode_wilayah").unique()
    kantor = national_cetak.filter(pl.col("layanan") == "kantor")
    assert kantor.height == days.height  # a kantor row on every service day
    assert national_cetak.filter(pl.col("layanan") != "kantor", pl.col("blangko_diterima") > 0).is_empty()
    working = kantor.filter(pl.col("tanggal").dt.weekday() <= 5, pl.col("blangko_sisa") > 0)
    typical = working.group_by("kode_wilayah").agg(pl.col("tercetak").median())["tercetak"]
    assert typical.quantile(0.05) >= 50 and typical.quantile(0.95) <= 1500


def test_printing_doubles_before_elections(national_cetak):
    per_day = national_cetak.group_by("tanggal").agg(pl.col("tercetak").sum())

    def mean(first: date, last: date) -> float:
        working = pl.col("tanggal").dt.weekday() <= 5
        return per_day.filter(pl.col("tanggal").is_between(first, last), working)["tercetak"].mean()

    calm = mean(date(2023, 6, 1), date(2023, 6, 30))
    assert 1.6 * calm <= mean(PEMILU - timedelta(days=10), PEMILU - timedelta(days=1)) <= 2.6 * calm


def test_blangko_runs_out_in_some_regencies(national_cetak):
    kantor = national_cetak.filter(pl.col("layanan") == "kantor")
    empty = kantor.filter(pl.col("blangko_sisa") == 0, pl.col("tercetak") == 0)
    assert 10 <= empty["kode_wilayah"].n_unique() <= 150
    assert empty.height <= 0.05 * kantor.height
    assert (empty["permohonan"] > 0).mean() > 0.9
    # the end-of-day stock is the previous one plus deliveries minus the day's printing (all layanan)
    day = (
        national_cetak.group_by("kode_wilayah", "tanggal")
        .agg(pl.col("tercetak", "blangko_diterima").sum(), pl.col("blangko_sisa").first())
        .sort("kode_wilayah", "tanggal")
    )
    stock = day.with_columns(
        expected=pl.col("blangko_sisa").shift(1).over("kode_wilayah") + pl.col("blangko_diterima") - pl.col("tercetak")
    ).drop_nulls("expected")
    assert (stock["expected"] == stock["blangko_sisa"]).all()
    deliveries = kantor.filter(pl.col("blangko_diterima") > 0)["blangko_diterima"]
    assert deliveries.quantile(0.1) >= 1000 and deliveries.quantile(0.9) <= 50_000


def test_holiday_services_only_in_the_weeks_before_elections(national_cetak):
    weekend = national_cetak.filter(pl.col("tanggal").dt.weekday() >= 6)
    assert weekend.filter(pl.col("tanggal").is_between(PEMILU - timedelta(days=28), PEMILU)).height > 0
    assert weekend.filter(pl.col("tanggal").is_between(PILKADA - timedelta(days=28), demo.DEMO_END)).height > 0
    assert weekend.filter(~in_last_weeks()).is_empty()
    assert set(weekend["layanan"].unique()) <= {"kantor", "jemput_bola"}
