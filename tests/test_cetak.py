"""Print production figures (pantau.cetak): calendar-day rates, days of blangko cover, stock carried forward.

Frames are written by hand in the shape of the cetak_harian / blangko_wilayah / blangko_harian queries;
every expected number is worked out in the comments.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from pantau import cetak

D = date.fromisoformat
SCHEMA = {
    "kode_wilayah": pl.String, "tanggal": pl.Date, "layanan": pl.String, "tercetak": pl.Int64,
    "permohonan": pl.Int64, "rekam_baru": pl.Int64, "blangko_diterima": pl.Int64, "blangko_sisa": pl.Int64,
    "wilayah_melapor": pl.Int64, "hari_libur": pl.Boolean,
}  # fmt: skip


def log(rows: list[tuple]) -> pl.DataFrame:
    """cetak_harian rows: (tanggal, layanan, tercetak, permohonan, blangko_sisa, hari_libur)."""
    return pl.DataFrame(
        [("33.14", D(t), lay, n, p, 0, 0, s, 1, h) for t, lay, n, p, s, h in rows],
        schema=SCHEMA, orient="row",
    )


# Mon 2024-11-04 .. Wed 2024-11-20; no row on the weekend of 9-10 Nov (office closed), a Saturday
# service on 16 Nov. 'semua' totals: 100 a weekday in the first week, 200 a weekday afterwards.
DAYS = [D("2024-11-04") + timedelta(days=k) for k in range(17)]
SEMUA = [(d.isoformat(), "semua", 100 if d < D("2024-11-11") else 200, 120, 5000 - 10 * k, d.weekday() >= 5)
         for k, d in enumerate(DAYS) if d not in (D("2024-11-09"), D("2024-11-10"), D("2024-11-17"))]
LOG = log(SEMUA + [("2024-11-16", "jemput_bola", 200, 120, 4880, True)])


def test_complete_days_adds_zero_days_to_the_totals_only():
    done = cetak.complete_days(LOG)
    semua = done.filter(pl.col("layanan") == "semua")
    assert semua["tanggal"].to_list() == DAYS
    added = semua.filter(pl.col("tanggal").is_in([D("2024-11-09"), D("2024-11-10"), D("2024-11-17")]))
    assert added["tercetak"].to_list() == [0, 0, 0]
    assert added["blangko_sisa"].null_count() == 3
    assert added["hari_libur"].to_list() == [True, True, True]
    assert done.filter(pl.col("layanan") != "semua").equals(LOG.filter(pl.col("layanan") != "semua"))
    assert done.schema == LOG.schema
    assert cetak.complete_days(done).equals(done), "a complete frame is returned unchanged"
    assert cetak.complete_days(LOG.clear()).is_empty()


@pytest.mark.parametrize(
    ("end", "days", "expected"),
    [
        # 14-20 Nov: Thu-Fri 200 + 200, Sat 16 200, Sun 17 nothing, Mon-Wed 3 x 200 -> 1200 / 7
        ("2024-11-20", 7, 1200 / 7),
        # 4-10 Nov: 5 weekdays x 100, weekend without rows -> 500 / 7
        ("2024-11-10", 7, 500 / 7),
        # 7-20 Nov: Thu-Fri 2 x 100, 11-15 5 x 200, Sat 16 200, 18-20 3 x 200 -> 2000 / 14
        ("2024-11-20", 14, 2000 / 14),
        # the log starts 4 Nov: only 4-6 Nov are counted -> 300 / 3
        ("2024-11-06", 7, 300 / 3),
        ("2024-11-03", 7, None),
    ],
)
def test_daily_rate_is_per_calendar_day(end, days, expected):
    rate = cetak.daily_rate(LOG, D(end), days)
    assert rate == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("stock", "rate", "expected"),
    [(1000, 100.0, 10.0), (0, 100.0, 0.0), (-5, 100.0, 0.0), (1000, 0.0, None), (1000, None, None),
     (None, 100.0, None), (150, 200.0, 0.75)],
)
def test_cover_days(stock, rate, expected):
    assert cetak.cover_days(stock, rate) == expected


def test_summarise():
    s = cetak.summarise(cetak.complete_days(LOG))
    assert s.tanggal_terakhir == D("2024-11-20")
    # 5 x 100 + (5 + 1 + 3) x 200 = 2300 printed; 14 'semua' rows x 120 = 1680 requested
    assert (s.tercetak, s.permohonan, s.selisih) == (2300, 1680, 620)
    assert s.rata_7_hari == pytest.approx(1200 / 7)
    # 7-13 Nov: Thu-Fri 2 x 100, weekend 0, Mon-Wed 3 x 200 -> 800 / 7
    assert s.rata_7_hari_sebelumnya == pytest.approx(800 / 7)
    assert s.hari_layanan_libur == 1, "only Saturday 16 Nov had a service"
    empty = cetak.summarise(LOG.clear())
    assert (empty.tanggal_terakhir, empty.tercetak, empty.rata_7_hari) == (None, 0, None)


def test_no_previous_week_when_the_log_is_shorter():
    short = log([("2024-11-18", "semua", 70, 70, 100, False), ("2024-11-20", "semua", 70, 70, 30, False)])
    s = cetak.summarise(short)
    assert s.rata_7_hari == pytest.approx(140 / 3)
    assert s.rata_7_hari_sebelumnya is None


STOCKS = pl.DataFrame(
    {
        "kode_wilayah": ["33.13", "33.14", "33.15", "33.16", "33.17"],
        "nama_wilayah": ["Kabupaten Karanganyar", "Kabupaten Sragen", "Kabupaten Grobogan", "Kabupaten Blora",
                         "Kabupaten Rembang"],
        "tingkat": ["kabkota"] * 5,
        "tanggal": [D("2024-11-20")] * 5,
        "tanggal_stok": [D("2024-11-20"), D("2024-11-20"), D("2024-11-10"), D("2024-11-20"), D("2024-11-19")],
        "blangko_sisa": [7000, 700, 2800, 0, 500],
        "tercetak_14_hari": [7000, 1400, 1400, 0, 0],
        "hari_lapor_14_hari": [14, 10, 5, 0, 0],
    }
)


def test_blangko_cover_per_region():
    table = cetak.blangko_cover(STOCKS, threshold_days=14, as_of=D("2024-11-20"))
    rows = {r["kode_wilayah"]: r for r in table.iter_rows(named=True)}
    # Karanganyar 7000 / (7000 / 14 = 500 a day) = 14 days: not below the threshold of 14
    assert (rows["33.13"]["laju_harian"], rows["33.13"]["hari_cukup"]) == (500.0, 14.0)
    assert not rows["33.13"]["di_bawah_batas"] and rows["33.13"]["habis_sekitar"] == D("2024-12-04")
    # Sragen 700 / 100 = 7 days, out around 27 Nov
    assert rows["33.14"]["hari_cukup"] == 7.0 and rows["33.14"]["di_bawah_batas"]
    assert rows["33.14"]["habis_sekitar"] == D("2024-11-27")
    # Grobogan 2800 / 100 = 28 days, but its report is ten days old
    assert rows["33.15"]["hari_cukup"] == 28.0 and rows["33.15"]["laporan_usang"]
    # Blora is out of stock: 0 days, below the threshold
    assert rows["33.16"]["hari_cukup"] == 0.0 and rows["33.16"]["di_bawah_batas"]
    # Rembang printed nothing in 14 days: its cover cannot be said, and is not flagged
    assert rows["33.17"]["hari_cukup"] is None and not rows["33.17"]["di_bawah_batas"]
    assert table["kode_wilayah"].to_list() == ["33.16", "33.14", "33.13", "33.15", "33.17"]


def test_total_cover_sums_stocks_and_paces():
    total = cetak.total_cover(STOCKS)
    # stock 7000 + 700 + 2800 + 0 + 500 = 11000; pace (7000 + 1400 + 1400) / 14 = 700 a day
    assert (total.stok, total.laju_harian) == (11000, 700.0)
    assert total.hari_cukup == pytest.approx(11000 / 700)
    assert (total.tanggal_stok, total.wilayah_dengan_stok) == (D("2024-11-20"), 5)
    nothing = cetak.total_cover(STOCKS.clear())
    assert (nothing.stok, nothing.laju_harian, nothing.hari_cukup, nothing.tanggal_stok) == (None, 0.0, None, None)


def test_stock_table_notes():
    table = cetak.stock_table(cetak.blangko_cover(STOCKS, threshold_days=14, as_of=D("2024-11-20")))
    assert dict(zip(table["nama_wilayah"], table["catatan"])) == {
        "Kabupaten Blora": "stok habis, di bawah batas",  # no blangko left
        "Kabupaten Sragen": "di bawah batas",
        "Kabupaten Karanganyar": "",
        "Kabupaten Grobogan": "laporan lebih dari 7 hari",
        "Kabupaten Rembang": "tidak mencetak 14 hari",
    }


def test_with_daily_stock_replaces_the_totals_stock_only():
    stock = pl.DataFrame({"tanggal": DAYS, "blangko_sisa": [9000 + k for k in range(len(DAYS))]})
    done = cetak.with_daily_stock(cetak.complete_days(LOG), stock)
    semua = done.filter(pl.col("layanan") == "semua")
    assert semua["blangko_sisa"].to_list() == [9000 + k for k in range(len(DAYS))]
    assert done.filter(pl.col("layanan") == "jemput_bola")["blangko_sisa"].to_list() == [4880]
    assert done.columns == LOG.columns


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("2024-11-06", "2024-11-20", ("2024-11-11", "2024-11-17")),  # Wed..Wed: the one whole week
        ("2024-11-04", "2024-11-17", ("2024-11-04", "2024-11-17")),  # Mon..Sun: kept whole
        ("2024-11-06", "2024-11-12", ("2024-11-06", "2024-11-12")),  # no whole week: everything
    ],
)
def test_whole_weeks(first, last, expected):
    days = pl.date_range(D(first), D(last), "1d", eager=True)
    frame = log([(d.isoformat(), "kantor", 1, 1, 1, False) for d in days])
    kept = cetak.whole_weeks(frame)
    assert (kept["tanggal"].min(), kept["tanggal"].max()) == (D(expected[0]), D(expected[1]))


def test_prr_figure_and_blangko_figure_agree_with_the_cards():
    tren = pl.DataFrame({"kode_wilayah": ["33.14"] * 3, "nama_wilayah": ["Kabupaten Sragen"] * 3,
                         "tanggal": [D("2024-11-18"), D("2024-11-19"), D("2024-11-20")], "prr": [300, 250, 420]})
    fig = cetak.prr_figure(tren, as_of=D("2024-11-20"), demo=True)
    assert list(fig.data[0].y) == [300, 250, 420]
    assert "+120 sejak 18 Nov 2024" in fig.layout.title.subtitle.text
    assert any(a.name == "watermark" for a in fig.layout.annotations)

    stock = pl.DataFrame({"tanggal": DAYS, "blangko_sisa": [2000] * len(DAYS)})
    frame = cetak.with_daily_stock(cetak.complete_days(LOG), stock)
    cover = cetak.Cover(stok=2000, laju_harian=100.0, hari_cukup=20.0, tanggal_stok=D("2024-11-20"),
                        wilayah_dengan_stok=1)
    fig = cetak.blangko_figure(frame, cover, threshold_days=14, as_of=D("2024-11-20"))
    line = next(s for s in fig.layout.shapes if s.label.text and s.label.text.startswith("Batas aman"))
    assert line.y0 == line.y1 == 1400  # 14 days at 100 a day
    assert "cukup ±20 hari pada laju 100 keping/hari (14 hari terakhir)" in fig.layout.title.subtitle.text
