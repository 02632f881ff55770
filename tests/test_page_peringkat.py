"""Peringkat wilayah in AppTest: the table equals the query layer, URL `tingkat`/`banding`, maps and fallbacks.

The data directory holds the demo for Jawa Tengah (33) and DI Yogyakarta (34). Map boundaries are the
reference files kept outside the repository (`PANTAU_SHARED_DIR`, else `<repo>/../shared/reference`),
copied into a temporary geo folder; the map tests are skipped with the reason when they are absent.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pantau import demo, fmt, peringkat
from pantau.ingest import ingest_file
from pantau.queries import Database
from pantau.store import Store
from tests.apptest import open_dashboard

REPO = Path(__file__).resolve().parent.parent
_SHARED_BASE = Path(os.environ.get("PANTAU_SHARED_DIR") or REPO.parent / "shared")
SHARED = _SHARED_BASE / "reference" if (_SHARED_BASE / "reference").is_dir() else _SHARED_BASE
PAGE = "pages/peringkat.py"
LATEST = demo.DEMO_END
ATTRIBUTION = "Batas provinsi: denyherianto/indonesia-geojson-topojson-maps-with-38-provinces (CC BY 4.0)"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("peringkat_demo")
    demo.build(Store(path), provinces=["33", "34"])
    return path


@pytest.fixture(scope="module")
def geo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    provinsi, kabkota = SHARED / "provinsi_38.geojson", SHARED / "kabkota_514.geojson"
    if not (provinsi.is_file() and kabkota.is_file()):
        pytest.skip(f"reference boundaries not found in {SHARED} "
                    "(set PANTAU_SHARED_DIR to the shared folder or its reference/)")
    folder = tmp_path_factory.mktemp("geo")
    shutil.copyfile(provinsi, folder / "provinsi.geojson")
    shutil.copyfile(kabkota, folder / "kabkota.geojson")
    (folder / "ATRIBUSI.txt").write_text(ATTRIBUTION + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def no_geo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "geo_kosong"
    folder.mkdir()
    monkeypatch.setenv("PANTAU_GEO_DIR", str(folder))
    return folder


_DATABASES: dict[Path, Database] = {}


def query(data_dir: Path, name: str, **params) -> pl.DataFrame:
    if data_dir not in _DATABASES:
        _DATABASES[data_dir] = Database(Store(data_dir))
    return _DATABASES[data_dir].run(name, params).rows


def open_page(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **params: str) -> AppTest:
    at = open_dashboard(monkeypatch, data_dir, PAGE, reuse_cache=True, **params)
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, at.exception[0].message
    assert at.title and at.title[0].value == "Peringkat wilayah"


def url(at: AppTest, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def charts(at: AppTest) -> dict[str, dict]:
    return {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.proto.delta or None) for m in at.metric}


def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.info, at.caption, at.subheader, at.warning) for e in kind)


def test_regencies_of_a_province_ranked_like_the_query(monkeypatch, data_dir, no_geo):
    at = open_page(monkeypatch, data_dir, wilayah="33")
    banding = LATEST - timedelta(days=7)
    rows = query(data_dir, "peringkat", wilayah="33", tanggal=LATEST, tingkat="kabkota", banding=banding)
    table = at.dataframe[0].value
    assert table["nama_wilayah"].tolist() == rows["nama_wilayah"].to_list()
    assert table["persen_rekam"].tolist() == rows["persen_rekam"].to_list()
    assert table["perubahan"].tolist() == [peringkat.rank_arrow(m) for m in rows["perubahan_peringkat"]]
    lowest = rows.filter(pl.col("persen_rekam") == rows["persen_rekam"].min())["nama_wilayah"].to_list()
    assert [n for n, c in zip(table["nama_wilayah"], table["catatan"]) if "Terendah" in c] == lowest
    assert "Tertinggi" in table["catatan"].iloc[0]
    assert (table["persen_rekam"] >= 100).sum() == sum("≥100%" in c for c in table["catatan"])

    target = query(data_dir, "hitung_mundur", wilayah="33", tanggal=LATEST)["target_persen"][0]
    below = rows.filter(pl.col("persen_rekam") < target).height
    shown = metrics(at)
    assert shown[f"Di bawah target {fmt.persen(target)}"][0] == f"{fmt.angka(below)} dari {fmt.angka(rows.height)}"
    low = rows.sort("persen_rekam").row(0, named=True)
    assert shown["Terendah"] == (fmt.persen(low["persen_rekam"]), low["nama_wilayah"])
    peers = query(data_dir, "peringkat", wilayah="", tanggal=LATEST, tingkat="provinsi", banding=banding)
    jateng = peers.filter(pl.col("kode_wilayah") == "33").row(0, named=True)
    ranked = peers.filter(pl.col("peringkat").is_not_null()).height
    assert shown["Peringkat Jawa Tengah"][0] == f"#{fmt.angka(jateng['peringkat'])} dari {fmt.angka(ranked)}"

    assert list(charts(at)) == ["batang"], "no map without boundaries for regencies"
    assert "`kabkota.geojson`" in texts(at) and "folder `geo/` direktori data" in texts(at)
    assert str(no_geo) not in texts(at)  # no server path in front of users
    assert url(at, "tingkat") is None and url(at, "banding") is None


def test_level_and_comparison_date_from_the_url(monkeypatch, data_dir, no_geo):
    at = open_page(monkeypatch, data_dir, wilayah="33", tingkat="kecamatan", banding="2024-10-01")
    rows = query(data_dir, "peringkat", wilayah="33", tanggal=LATEST, tingkat="kecamatan", banding="2024-10-01")
    table = at.dataframe[0].value
    assert len(table) == rows.height == 576
    assert table["kode_wilayah"].tolist() == rows["kode_wilayah"].to_list()
    assert table["perubahan"].tolist() == [peringkat.rank_arrow(m) for m in rows["perubahan_peringkat"]]
    assert table["induk"].iloc[0].startswith(("Kabupaten ", "Kota ")), "kecamatan names repeat: show the regency"
    assert "Tabel peringkat kecamatan · perubahan sejak 1 Oktober 2024" in texts(at)
    assert at.segmented_control[0].value == "kecamatan"
    assert (url(at, "tingkat"), url(at, "banding")) == ("kecamatan", "2024-10-01")


def test_changing_level_and_date_writes_the_url(monkeypatch, data_dir, no_geo):
    at = open_page(monkeypatch, data_dir, wilayah="34")
    at.segmented_control[0].set_value("kecamatan").run()
    assert_ok(at)
    assert url(at, "tingkat") == "kecamatan"
    assert len(at.dataframe[0].value) == query(data_dir, "peringkat", wilayah="34", tingkat="kecamatan").height
    comparison = next(d for d in at.date_input if d.key.startswith("banding_"))
    comparison.set_value(date(2024, 11, 1)).run()
    assert_ok(at)
    assert url(at, "banding") == "2024-11-01"
    at.segmented_control[0].set_value("kabkota").run()
    assert url(at, "tingkat") is None, "the default level leaves the URL"


def test_nation_falls_back_to_the_tile_grid(monkeypatch, data_dir, no_geo):
    at = open_page(monkeypatch, data_dir)
    assert list(charts(at)) == ["peta_petak", "batang"]
    assert "`provinsi.geojson`" in texts(at) and "folder `geo/` direktori data" in texts(at)
    assert str(no_geo) not in texts(at)  # no server path in front of users
    countdown = query(data_dir, "hitung_mundur", wilayah="", tanggal=LATEST)
    assert metrics(at)["Cakupan Indonesia"][0] == fmt.persen(countdown["persen_rekam"][0])


def test_nation_map_from_the_boundaries_with_attribution(monkeypatch, data_dir, geo_dir):
    monkeypatch.setenv("PANTAU_GEO_DIR", str(geo_dir))
    at = open_page(monkeypatch, data_dir)
    figure = charts(at)["peta"]
    shapes = next(t for t in figure["data"] if t["type"] == "choropleth")["geojson"]
    assert len({f["id"] for f in shapes["features"]}) == 38
    coloured = next(t for t in figure["data"] if t["type"] == "choropleth" and t.get("name") == "Cakupan")
    assert sorted(coloured["locations"]) == ["33", "34"], "provinces without reports stay grey"
    assert any(a.get("name") == "atribusi" and a["text"] == ATTRIBUTION for a in figure["layout"]["annotations"])
    assert f"Batas wilayah: {ATTRIBUTION}" in texts(at)


def test_province_map_of_its_regencies(monkeypatch, data_dir, geo_dir):
    monkeypatch.setenv("PANTAU_GEO_DIR", str(geo_dir))
    at = open_page(monkeypatch, data_dir, wilayah="34")
    figure = charts(at)["peta"]
    ids = {f["id"] for t in figure["data"] if t["type"] == "choropleth" for f in t["geojson"]["features"]}
    assert ids == {"34.01", "34.02", "34.03", "34.04", "34.71"}
    at.segmented_control[0].set_value("kecamatan").run()
    assert_ok(at)
    assert "peta" not in charts(at), "no boundaries for kecamatan: bars and table only"


def test_village_ranks_among_its_kecamatan(monkeypatch, data_dir, no_geo):
    at = open_page(monkeypatch, data_dir, wilayah="33.14.10.1001")
    assert any("Desa/kelurahan tidak punya wilayah di bawahnya" in i.value for i in at.info)
    # the demo reports per kecamatan: no village has a figure of its own
    assert any("Belum ada laporan perekaman desa/kelurahan di Sragen" in i.value for i in at.info)
    assert not at.dataframe


def test_a_date_before_any_data(monkeypatch, data_dir, no_geo):
    at = open_page(monkeypatch, data_dir, wilayah="33", tanggal="2022-06-01")
    assert any("Belum ada laporan perekaman kabupaten/kota di Jawa Tengah sampai 1 Juni 2022" in i.value
               for i in at.info)
    assert not charts(at)


def test_store_with_only_a_calendar(monkeypatch, tmp_path_factory, no_geo):
    path = tmp_path_factory.mktemp("kalender_peringkat")
    csv = path.parent / "kalender_peringkat.csv"
    csv.write_text("nama,tanggal,target_persen\nPemilu 2029,2029-02-14,98\n", encoding="utf-8")
    ingest_file(Store(path), "pemilu", csv)
    at = open_page(monkeypatch, path)
    assert at.info and not at.dataframe and not charts(at)
