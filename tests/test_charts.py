"""Chart builders on small hand-made frames: Indonesian text, limits, colours, offline maps, PNG export."""

import json
import re
import struct
from datetime import date, timedelta

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
import pytest

from pantau import charts

AS_OF = date(2024, 11, 20)
PEMILU = ("Pilkada 2024", date(2024, 11, 27))
PROVINCES = {
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51", "52",
    "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "92", "93", "94",
    "95", "96",
}  # fmt: skip


def tren_frame(days: int = 10, regions=(("33", "Jawa Tengah"), ("35", "Jawa Timur"))) -> pl.DataFrame:
    """Daily coverage ending on AS_OF; Jawa Tengah reads exactly 92,10% on the last day (921 of 1.000)."""
    rows = []
    for i, (code, name) in enumerate(regions):
        wajib = 1000 * (i + 1)
        for d in range(days):
            sudah = wajib * 921 // 1000 - (days - 1 - d) % 50
            rows.append(
                (
                    code,
                    name,
                    "provinsi",
                    AS_OF - timedelta(days=days - 1 - d),
                    wajib,
                    sudah,
                    wajib - sudah,
                    sudah / wajib * 100,
                    10,
                    sudah - 20,
                )
            )
    return pl.DataFrame(rows, orient="row", schema={
        "kode_wilayah": pl.String, "nama_wilayah": pl.String, "tingkat": pl.String, "tanggal": pl.Date,
        "wajib_ktp": pl.Int64, "sudah_rekam": pl.Int64, "belum_rekam": pl.Int64, "persen_rekam": pl.Float64,
        "prr": pl.Int64, "sudah_cetak": pl.Int64})  # fmt: skip


def cetak_frame(days: int = 21) -> pl.DataFrame:
    """Per-service printing ending on AS_OF (a Wednesday), plus the 'semua' day totals; 1.234 on the last day."""
    rows = []
    for d in range(days):
        day = AS_OF - timedelta(days=days - 1 - d)
        libur = day.weekday() >= 5
        parts = {"kantor": 0 if libur else 600, "jemput_bola": 400, "keliling": 234 if d == days - 1 else 100}
        received = 5000 if d == 3 else 0
        for layanan, n in parts.items():
            rows.append((day, layanan, n, n + 50, n // 2, received if layanan == "kantor" else 0, 0, 3, libur))
        total = sum(parts.values())
        rows.append((day, "semua", total, total + 150, total // 2, received, 20_000 - 900 * d + received, 3, libur))
    return pl.DataFrame(rows, orient="row", schema={
        "tanggal": pl.Date, "layanan": pl.String, "tercetak": pl.Int64, "permohonan": pl.Int64,
        "rekam_baru": pl.Int64, "blangko_diterima": pl.Int64, "blangko_sisa": pl.Int64, "wilayah_melapor": pl.Int64,
        "hari_libur": pl.Boolean})  # fmt: skip


def peringkat_frame(n: int = 4) -> pl.DataFrame:
    """Jawa Tengah 92,10% (below a 98% target), DKI 101,23% (above 100%), and filler regions."""
    rows = [("33", "Jawa Tengah", 92.1), ("31", "DKI Jakarta", 101.23), ("34", "DI Yogyakarta", 99.0),
            ("35", "Jawa Timur", 97.5)]  # fmt: skip
    rows += [(f"{90 + i // 100}.{i % 100:02d}", f"Wilayah {i}", 50 + i * 0.3) for i in range(n - 4)]
    frame = pl.DataFrame(rows[:n], orient="row", schema=["kode_wilayah", "nama_wilayah", "persen_rekam"])
    return frame.with_columns(
        peringkat=pl.col("persen_rekam").rank("min", descending=True).cast(pl.Int64),
        perubahan_peringkat=pl.Series([1, -2, 0, None] * (n // 4 + 1))[:n],
        wajib_ktp=pl.lit(100_000),
        sudah_rekam=(pl.col("persen_rekam") * 1000).cast(pl.Int64),
    ).with_columns(belum_rekam=(pl.col("wajib_ktp") - pl.col("sudah_rekam")).clip(0))


def square(code: str, lon: float, lat: float) -> dict:
    ring = [[lon, lat], [lon + 1, lat], [lon + 1, lat - 1], [lon, lat - 1], [lon, lat]]
    return {
        "type": "Feature",
        "id": code,
        "properties": {"kode": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }  # noqa: E501


GEOJSON = {"type": "FeatureCollection", "features": [square("33", 110, -6), square("31", 106, -6),
                                                     square("34", 110, -7.5), square("35", 112, -7)]}  # fmt: skip


def build(name: str, demo: bool = False, empty: bool = False) -> go.Figure:
    tren, cetak, peringkat = tren_frame(), cetak_frame(), peringkat_frame()
    if empty:
        tren, cetak, peringkat = tren.clear(), cetak.clear(), peringkat.clear()
    builders = {
        "coverage_trend": lambda: charts.coverage_trend(tren, 98, [PEMILU], demo=demo),
        "coverage_trend_jumlah": lambda: charts.coverage_trend(tren, mode="jumlah", demo=demo),
        "burn_down": lambda: charts.burn_down(tren, 98, PEMILU[1], PEMILU[0], pace=3, demo=demo),
        "print_daily": lambda: charts.print_daily(cetak, demo=demo),
        "requests_vs_printed": lambda: charts.requests_vs_printed(cetak, demo=demo),
        "service_breakdown": lambda: charts.service_breakdown(cetak, demo=demo),
        "blangko_stock": lambda: charts.blangko_stock(cetak, demo=demo),
        "ranking_bar": lambda: charts.ranking_bar(peringkat, 98, as_of=AS_OF, demo=demo),
        "choropleth": lambda: charts.choropleth(peringkat, GEOJSON, as_of=AS_OF, attribution="Batas: uji", demo=demo),
        "tile_grid": lambda: charts.tile_grid(peringkat, as_of=AS_OF, demo=demo),
    }
    return builders[name]()


BUILDERS = ["coverage_trend", "coverage_trend_jumlah", "burn_down", "print_daily", "requests_vs_printed",
            "service_breakdown", "blangko_stock", "ranking_bar", "choropleth", "tile_grid"]  # fmt: skip


def title_text(fig: go.Figure) -> str:
    return f"{fig.layout.title.text} {fig.layout.title.subtitle.text}"


def hover_strings(fig: go.Figure) -> list[str]:
    """Every pre-formatted string a hover can show: customdata cells and hovertext."""
    found = []
    for trace in fig.data:
        for field in ("customdata", "hovertext"):
            value = getattr(trace, field, None)
            if value is not None:
                found += [str(cell) for row in value for cell in (row if isinstance(row, list | tuple) else [row])]
    return found


def watermarks(fig: go.Figure) -> list:
    return [a for a in fig.layout.annotations if a.text == charts.DEMO_TEXT]


@pytest.mark.parametrize("name", BUILDERS)
def test_title_says_as_of_date_in_indonesian(name):
    fig = build(name)
    assert "20 November 2024" in title_text(fig)
    footnote = next(a.text for a in fig.layout.annotations if a.name == "sumber")
    assert footnote == "Sumber: laporan Disdukcapil<br>data per 20 November 2024"  # two lines: fits a phone


@pytest.mark.parametrize("name", BUILDERS)
def test_figure_is_what_plotly_validates(name):
    # _finish builds the figure without Plotly's validation (for speed): validating it now must
    # neither fail nor change anything, and the template is the registered one
    spec = json.loads(pio.to_json(build(name), validate=False))
    assert json.loads(pio.to_json(go.Figure(spec), validate=False)) == spec
    assert spec["layout"]["template"] == json.loads(pio.json.to_json_plotly(pio.templates[charts.TEMPLATE]))
    assert spec["layout"]["template"]["layout"]["paper_bgcolor"] == "white"  # plotly_white's


@pytest.mark.parametrize("name", BUILDERS)
def test_common_frame(name):
    fig = build(name)
    assert fig.layout.separators == ",."
    assert fig.layout.font.size == charts.FONT
    assert fig.layout.title.font.size == charts.TITLE_FONT
    assert fig.layout.template.layout.paper_bgcolor == "white"  # plotly_white
    assert all(trace.hovertemplate is None or trace.hovertemplate.endswith("<extra></extra>") for trace in fig.data)


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("demo", [True, False])
def test_demo_watermark_only_when_asked(name, demo):
    assert len(watermarks(build(name, demo=demo))) == (1 if demo else 0)


@pytest.mark.parametrize("name", ["coverage_trend", "coverage_trend_jumlah", "ranking_bar", "choropleth", "tile_grid"])
def test_coverage_hover_reads_indonesian_percent(name):
    strings = hover_strings(build(name))
    assert any("92,10%" in s for s in strings)
    assert not any(re.search(r"\d\.\d+%", s) for s in strings)  # no English decimal point


@pytest.mark.parametrize(
    ("name", "count"),
    [("print_daily", "1.234 keping"), ("requests_vs_printed", "1.234"), ("service_breakdown", "3.000 keping")],
)
def test_printing_hover_reads_indonesian_counts(name, count):
    assert count in hover_strings(build(name))


def test_coverage_trend_lines_target_elections_and_projection():
    tren = tren_frame()
    projection = pl.DataFrame({"tanggal": [date(2024, 11, 27)], "persen_rekam": [93.0]})
    fig = charts.coverage_trend(tren, 98, [PEMILU, ("Pemilu 2019", date(2019, 4, 17))], projection)
    names = [t.name for t in fig.data]
    assert names == ["Jawa Tengah", "Jawa Timur", "Proyeksi"]
    labels = [s.label.text for s in fig.layout.shapes]
    assert "Target 98,00%" in labels
    assert "Pilkada 2024" in labels and "Pemilu 2019" not in labels  # elections before the series are left out
    proj = fig.data[2]
    assert proj.line.dash == "dash" and proj.line.color == fig.data[0].line.color
    assert (proj.x[0], proj.y[0]) == (AS_OF, pytest.approx(92.1))  # continues the first region's line
    assert all("Feb" in t or "Nov" in t or t[0].isdigit() for t in fig.layout.xaxis.ticktext)


def test_coverage_trend_jumlah_and_bad_mode():
    fig = charts.coverage_trend(tren_frame(regions=(("33", "Jawa Tengah"),)), mode="jumlah")
    assert [t.name for t in fig.data] == ["Sudah rekam", "Belum rekam"]
    assert list(fig.data[1].y) == list(tren_frame(regions=(("33", "Jawa Tengah"),))["belum_rekam"])
    with pytest.raises(ValueError, match="mode"):
        charts.coverage_trend(tren_frame(), mode="rasio")


def test_more_than_eight_regions_stay_distinguishable():
    regions = [(str(10 + i), f"Wilayah {i}") for i in range(11)]
    fig = charts.coverage_trend(tren_frame(regions=regions))
    styles = {(t.line.color, t.line.dash) for t in fig.data}
    assert len(styles) == 11
    assert {t.line.color for t in fig.data} <= set(charts.PALETTE)


def test_long_daily_series_are_thinned_to_the_point_limit():
    tren = tren_frame(days=6000, regions=(("33", "Jawa Tengah"),))
    fig = charts.coverage_trend(tren)
    assert 0 < len(fig.data[0].x) <= charts.MAX_POINTS
    assert "diringkas per pekan" in fig.layout.title.subtitle.text
    cetak = cetak_frame(days=5200)
    for builder in (charts.print_daily, charts.requests_vs_printed, charts.blangko_stock, charts.service_breakdown):
        assert all(len(t.x) <= charts.MAX_POINTS for t in builder(cetak).data)
    spark = charts.sparkline(list(range(12_000)))
    assert len(spark.data[0].y) <= charts.MAX_POINTS and spark.data[0].y[-1] == 11_999


@pytest.mark.parametrize("name", BUILDERS)
def test_no_trace_exceeds_the_point_limit(name):
    for trace in build(name).data:
        for field in ("x", "y", "locations"):
            values = getattr(trace, field, None)
            assert values is None or len(values) <= charts.MAX_POINTS


def test_burn_down_target_election_and_projection():
    tren = tren_frame(regions=(("33", "Jawa Tengah"),))
    fig = charts.burn_down(tren, 98, date(2024, 11, 27), "Pilkada 2024", pace=3)
    target = next(s for s in fig.layout.shapes if s.label.text.startswith("Target"))
    assert target.y0 == pytest.approx(1000 * (1 - 0.98))  # wajib_ktp * (1 - target/100)
    election = next(s for s in fig.layout.shapes if "Pilkada 2024" in s.label.text)
    assert election.x0 == date(2024, 11, 27)
    projection = fig.data[1]
    assert projection.line.dash == "dash"
    assert projection.x[-1] == date(2024, 11, 27)
    assert projection.y[-1] == pytest.approx(79 - 3 * 7)  # belum 79 on 20 Nov, 3 a day for 7 days
    assert "H-7" in fig.layout.title.subtitle.text
    assert len(charts.burn_down(tren, 98, date(2024, 11, 27), "Pilkada 2024").data) == 1  # no pace, no projection


def test_print_daily_marks_weekend_and_holiday_service():
    cetak = cetak_frame()
    fig = charts.print_daily(cetak)
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    holidays = set(cetak.filter(pl.col("hari_libur") & (pl.col("layanan") == "semua"))["tanggal"])
    assert {str(d) for d in bars["Hari libur / akhir pekan"].x} == {d.isoformat() for d in holidays}
    assert bars["Hari libur / akhir pekan"].marker.color != bars["Hari kerja"].marker.color
    average = next(t for t in fig.data if t.name == "Rata-rata 7 hari")
    assert average.y[-1] == pytest.approx(cetak.filter(pl.col("layanan") == "semua")["tercetak"][-7:].mean())


def test_service_breakdown_stacks_weeks_without_semua():
    cetak = cetak_frame()
    fig = charts.service_breakdown(cetak)
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["Kantor Disdukcapil", "Jemput bola", "Keliling"]
    stacked = sum(sum(t.y) for t in fig.data)
    assert stacked == cetak.filter(pl.col("layanan") != "semua")["tercetak"].sum()


def test_blangko_stock_marks_deliveries_and_threshold():
    fig = charts.blangko_stock(cetak_frame(), threshold_days=14)
    deliveries = fig.data[1]
    assert len(deliveries.x) == 1 and deliveries.marker.symbol == "triangle-up"
    assert any("5.000 keping" in s for s in hover_strings(fig))
    assert any("14 hari" in s.label.text for s in fig.layout.shapes)


def test_ranking_bar_colours_below_target_and_flags_100():
    fig = charts.ranking_bar(peringkat_frame(), 98)
    by_name = {t.name: t for t in fig.data}
    below = by_name["Di bawah target"]
    assert below.marker.color == charts.WARNING
    assert set(below.y) == {"33", "35"}  # 92,10% and 97,50%
    above_100 = by_name["≥100% (melebihi wajib KTP)"]
    assert list(above_100.y) == ["31"] and above_100.marker.pattern.shape == "/"
    assert "<b>101,23%</b>" in above_100.text[0]
    assert list(fig.layout.yaxis.categoryarray) == ["31", "34", "35", "33"]  # highest first, shown on top
    assert fig.layout.yaxis.autorange == "reversed"
    assert any(s.label.text == "Target 98,00%" for s in fig.layout.shapes)


def test_ranking_bar_height_and_long_lists():
    fig = charts.ranking_bar(peringkat_frame(38), 98)
    assert fig.layout.height >= 38 * 22
    assert charts.ranking_bar(peringkat_frame(4)).layout.height == 400
    long = charts.ranking_bar(peringkat_frame(120), 98)
    assert len(long.layout.yaxis.categoryarray) == 61  # 30 highest, a gap row, 30 lowest
    assert "30 tertinggi dan 30 terendah dari 120 wilayah" in long.layout.title.subtitle.text
    assert sum(len(t.y) for t in long.data) == 60


def test_ranking_bar_counts_regions_without_data():
    frame = peringkat_frame().with_columns(
        persen_rekam=pl.when(pl.col("kode_wilayah") == "35").then(None).otherwise(pl.col("persen_rekam"))
    )
    fig = charts.ranking_bar(frame, 98)
    assert "1 wilayah tanpa data" in fig.layout.title.subtitle.text
    assert "35" not in [y for t in fig.data for y in t.y]


def test_tile_grid_covers_all_38_provinces():
    assert set(charts.TILES) == PROVINCES
    positions = [(col, row) for col, row, _ in charts.TILES.values()]
    assert len(set(positions)) == 38
    fig = charts.tile_grid(peringkat_frame())
    grey, data = fig.data
    cells = {(c, r): (grey.z[r][c], data.z[r][c], grey.text[r][c] + data.text[r][c]) for c, r in positions}
    assert all(g is not None or d is not None for g, d, _ in cells.values())  # every province has a tile
    col, row, _ = charts.TILES["33"]
    assert cells[(col, row)][1] == 92.1 and cells[(col, row)][2] == "<b>JATENG</b><br>92,10%"
    col, row, _ = charts.TILES["53"]
    assert cells[(col, row)][0] is not None and cells[(col, row)][2] == "<b>NTT</b><br>–"
    assert "abu-abu: tidak ada data" in fig.layout.title.subtitle.text


def test_tile_grid_roughly_follows_geography():
    col = {code: c for code, (c, _, _) in charts.TILES.items()}
    row = {code: r for code, (_, r, _) in charts.TILES.items()}
    assert (col["11"], row["11"]) == (0, 0)  # Aceh top left
    assert min(col[c] for c in ("91", "92", "93", "94", "95", "96")) > max(col[c] for c in col if c[0] != "9")
    assert all(row[c] >= row["61"] for c in ("31", "32", "33", "34", "35", "36", "51", "52", "53"))
    kalimantan, sulawesi = ("61", "62", "63", "64", "65"), ("71", "72", "73", "74", "75", "76")
    assert max(col[c] for c in kalimantan) < min(col[c] for c in sulawesi)


def test_choropleth_is_offline_and_tile_free():
    fig = build("choropleth")
    text = fig.to_json()
    assert "mapbox" not in text and "http" not in text
    assert not any(k in json.loads(text)["layout"] for k in ("map", "mapbox"))
    assert {t.type for t in fig.data} <= {"choropleth", "scattergeo"}
    assert fig.data[0].type == "scattergeo" and fig.data[0].locationmode is None  # no topojson fetch in plotly.js
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"
    colour = next(t for t in fig.data if t.name == "Cakupan")
    assert colour.colorscale == go.Figure(go.Choropleth(colorscale=charts.COVERAGE_SCALE)).data[0].colorscale
    assert any(a.text == "Batas: uji" for a in fig.layout.annotations)


def test_choropleth_greys_features_without_data():
    geojson = {"type": "FeatureCollection", "features": [*GEOJSON["features"], square("36", 105, -6)]}
    fig = charts.choropleth(peringkat_frame(), geojson, featureidkey="properties.kode")
    grey = next(t for t in fig.data if t.name == "tidak ada data")
    assert list(grey.locations) == ["36"]
    assert fig.data[-1].featureidkey == "properties.kode"


def test_sparkline_is_tiny_and_bare():
    fig = charts.sparkline([1.0, 2.5, None, 3.0], color=charts.GREEN)
    assert fig.layout.height == 60
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.data[0].line.color == charts.GREEN and fig.data[1].y == (3.0,)
    spec = json.loads(pio.to_json(fig, validate=False))  # built without validation: the same when validated
    assert json.loads(pio.to_json(go.Figure(spec), validate=False)) == spec
    assert spec["layout"]["template"]["layout"]["paper_bgcolor"] == "white"


@pytest.mark.parametrize("name", BUILDERS)
def test_empty_frames_still_draw(name):
    fig = build(name, empty=True)
    assert fig.layout.title.text and fig.layout.separators == ",."


def png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


def test_to_png_exports_with_debian_chromium(tmp_path):
    png = charts.to_png(build("choropleth", demo=True))
    assert png.startswith(b"\x89PNG")
    assert png_size(png) == (1920, 1080)


def test_to_png_without_chromium_says_so_in_indonesian(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/tidak/ada/chromium")
    with pytest.raises(RuntimeError, match="butuh Chromium"):
        charts.to_png(build("tile_grid"))


def test_burn_down_target_counts_only_the_recordings_still_needed():
    # belum rekam sums each unit's gap (100), while the region as a whole lacks only 30 for 98%:
    # wajib 1.000, rekam 950 (one unit above 100% offsets nothing in belum) -> line at 100 - 30 = 70
    tren = pl.DataFrame(
        {
            "kode_wilayah": ["33", "33"],
            "nama_wilayah": ["Jawa Tengah"] * 2,
            "tingkat": ["provinsi"] * 2,
            "tanggal": [date(2024, 11, 19), date(2024, 11, 20)],
            "wajib_ktp": [1000, 1000],
            "sudah_rekam": [940, 950],
            "belum_rekam": [110, 100],
            "persen_rekam": [94.0, 95.0],
            "prr": [None, None],
            "sudah_cetak": [None, None],
        }
    )
    fig = charts.burn_down(tren, 98, date(2024, 11, 27), "Pilkada 2024")
    target = next(s for s in fig.layout.shapes if s.label.text.startswith("Target"))
    assert target.y0 == pytest.approx(70)
    assert not [
        s
        for s in charts.burn_down(tren, None, date(2024, 11, 27), "X").layout.shapes
        if s.label.text.startswith("Target")
    ]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["Data per 20 November 2024", "H-7 Pilkada 2024"], "Data per 20 November 2024 · H-7 Pilkada 2024"),
        (
            ["Data per 20 November 2024", "Jawa Tengah", "proyeksi Hari H 842.399"],
            "Data per 20 November 2024 · Jawa Tengah<br>proyeksi Hari H 842.399",
        ),
        (["", "satu"], "satu"),
    ],
)
def test_subtitles_wrap_for_a_phone(parts, expected):
    assert charts._wrap(parts) == expected
    assert all(len(line) <= charts.WRAP_CHARS for line in expected.split("<br>"))
