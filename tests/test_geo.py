"""Map boundaries: loading user GeoJSON, matching Kemendagri codes, simplifying, rounding, attribution.

The real boundaries are third-party files kept outside the repository (never copied into it): the
folder is `PANTAU_SHARED_DIR` if set, else `<repo>/../shared/reference`; the tests that need them
are skipped with the reason when it is absent. Small hand-written features cover the rules.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import pytest
from shapely.geometry import shape

from pantau import geo

REPO = Path(__file__).resolve().parent.parent
_SHARED_BASE = Path(os.environ.get("PANTAU_SHARED_DIR") or REPO.parent / "shared")
SHARED = _SHARED_BASE / "reference" if (_SHARED_BASE / "reference").is_dir() else _SHARED_BASE
PROVINSI = SHARED / "provinsi_38.geojson"
KABKOTA = SHARED / "kabkota_514.geojson"
needs_reference = pytest.mark.skipif(
    not (PROVINSI.is_file() and KABKOTA.is_file()),
    reason=f"reference boundaries not found in {SHARED} (set PANTAU_SHARED_DIR to the shared folder or its reference/)",
)
PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51", "52",
    "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "92", "93", "94",
    "95", "96",
}  # fmt: skip


def square(x: float, y: float, size: float = 1.0, points_per_side: int = 1) -> dict:
    """A counter-clockwise square (RFC 7946 order) with extra collinear points on each side."""
    corners = [(x, y), (x + size, y), (x + size, y + size), (x, y + size)]
    ring = []
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1]):
        ring += [(x0 + (x1 - x0) * k / points_per_side, y0 + (y1 - y0) * k / points_per_side)
                 for k in range(points_per_side)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


def circle(cx: float, cy: float, r: float, n: int) -> dict:
    ring = [[cx + r * math.cos(2 * math.pi * k / n), cy + r * math.sin(2 * math.pi * k / n)] for k in range(n)]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def write(folder: Path, name: str, features: list[dict], **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, **extra}), encoding="utf-8")
    return path


def coordinates(geojson) -> list[float]:
    def walk(value):
        if isinstance(value, (int, float)):
            yield value
        else:
            for item in value:
                yield from walk(item)

    return [c for f in geojson["features"] for c in walk(f["geometry"]["coordinates"])]


def exterior_rings(geojson):
    for feature in geojson["features"]:
        geom = shape(feature["geometry"])
        yield from (part.exterior for part in getattr(geom, "geoms", [geom]))


# ---- the reference boundaries ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A geo folder as a user would lay it out, copied from the reference files into a temporary folder."""
    if not (PROVINSI.is_file() and KABKOTA.is_file()):
        pytest.skip(f"reference boundaries not found in {SHARED}")
    folder = tmp_path_factory.mktemp("geo")
    shutil.copyfile(PROVINSI, folder / "provinsi.geojson")
    shutil.copyfile(KABKOTA, folder / "kabkota.geojson")
    (folder / "ATRIBUSI.txt").write_text("Batas provinsi: denyherianto (CC BY 4.0)\n# catatan internal\n"
                                         "Batas kabupaten/kota: creasico/laravel-nusa (MIT)\n", encoding="utf-8")
    return folder


@needs_reference
def test_all_38_province_codes_matched(reference_dir):
    boundaries = geo.load("provinsi", reference_dir)
    assert boundaries.codes == PROVINCE_CODES
    assert boundaries.unmatched == 0
    assert all(f["id"] == f["properties"]["kode"] for f in boundaries.geojson["features"])


@needs_reference
def test_regencies_matched_by_their_kode_property(reference_dir):
    boundaries = geo.load("kabkota", reference_dir)
    assert len(boundaries.codes) == 512  # 32.79 Kota Banjar and 36.03 Kabupaten Tangerang have no geometry upstream
    assert {"33.14", "34.71", "96.71"} <= boundaries.codes
    assert not {"32.79", "36.03"} & boundaries.codes
    jateng = boundaries.within("33")
    assert len(jateng["features"]) == 35 and all(f["id"].startswith("33.") for f in jateng["features"])
    assert len(boundaries.geojson["features"]) == 512, "within() must not change the cached collection"


@needs_reference
def test_simplification_reduces_vertices_and_rounds_to_4_decimals(reference_dir):
    raw = json.loads(PROVINSI.read_text(encoding="utf-8"))
    boundaries = geo.load("provinsi", reference_dir)
    assert geo.vertex_count(boundaries.geojson) < geo.vertex_count(raw)
    assert any(round(c, 4) != c for c in coordinates(raw)), "the source has more than 4 decimals"
    assert all(round(c, 4) == c for c in coordinates(boundaries.geojson))


@needs_reference
def test_exterior_rings_are_clockwise_for_plotly(reference_dir):
    raw = json.loads(PROVINSI.read_text(encoding="utf-8"))
    assert all(ring.is_ccw for ring in exterior_rings(raw)), "the source follows RFC 7946 (counter-clockwise)"
    boundaries = geo.load("provinsi", reference_dir)
    assert not any(ring.is_ccw for ring in exterior_rings(boundaries.geojson))


@needs_reference
def test_attribution_from_atribusi_txt(reference_dir):
    boundaries = geo.load("provinsi", reference_dir)
    assert boundaries.attribution == ("Batas provinsi: denyherianto (CC BY 4.0) · "
                                      "Batas kabupaten/kota: creasico/laravel-nusa (MIT)")


@needs_reference
def test_pantau_geo_dir_names_the_folder_and_prefixed_names_are_found(monkeypatch):
    monkeypatch.setenv("PANTAU_GEO_DIR", str(SHARED))
    assert geo.geo_dir() == SHARED.resolve()
    assert geo.find_file("provinsi") == SHARED.resolve() / "provinsi_38.geojson"
    assert geo.load("kabkota").path.name == "kabkota_514.geojson"


# ---- rules, on small hand-written features --------------------------------------------------------


def test_no_folder_or_no_file_means_no_boundaries(tmp_path, monkeypatch):
    assert geo.load("provinsi", tmp_path / "tidak_ada") is None
    assert geo.load("kabkota", tmp_path) is None
    assert geo.load("kecamatan", tmp_path) is None
    monkeypatch.delenv("PANTAU_GEO_DIR", raising=False)
    monkeypatch.setenv("PANTAU_DATA_DIR", str(tmp_path))
    assert geo.geo_dir() == tmp_path.resolve() / "geo"
    assert geo.load("provinsi") is None


def test_two_candidate_files_are_ambiguous(tmp_path):
    write(tmp_path, "provinsi_a.geojson", [])
    write(tmp_path, "provinsi_b.geojson", [])
    assert geo.find_file("provinsi", tmp_path) is None
    write(tmp_path, "provinsi.geojson", [{"type": "Feature", "id": "33", "geometry": square(110, -7)}])
    assert geo.load("provinsi", tmp_path).codes == {"33"}


@pytest.mark.parametrize(
    ("feature", "level", "code"),
    [
        ({"id": "33"}, "provinsi", "33"),
        ({"id": 33}, "provinsi", "33"),
        ({"properties": {"KODE_PROV": "34"}}, "provinsi", "34"),
        ({"id": "X1", "properties": {"KODE_PROV": "34"}}, "provinsi", "34"),
        ({"properties": {"kode": "33.14"}}, "kabkota", "33.14"),
        ({"properties": {"kode": "3314"}}, "kabkota", "33.14"),
        ({"id": "33.14", "properties": {}}, "kabkota", "33.14"),
        ({"id": "33.14"}, "provinsi", None),  # wrong level
        ({"id": "99"}, "provinsi", None),  # not in the master
        ({"properties": {"nama": "Jawa Tengah"}}, "provinsi", None),
        ({"id": True}, "provinsi", None),
    ],
)
def test_feature_code(feature, level, code):
    assert geo.feature_code(feature, level) == code


def test_unmatched_features_are_dropped_and_counted(tmp_path):
    write(tmp_path, "provinsi.geojson", [
        {"type": "Feature", "id": "33", "geometry": square(110, -8)},
        {"type": "Feature", "properties": {"KODE_PROV": "34"}, "geometry": square(110, -9)},
        {"type": "Feature", "id": "99", "geometry": square(100, 0)},
        {"type": "Feature", "id": "35", "geometry": None},
    ])
    boundaries = geo.load("provinsi", tmp_path)
    assert boundaries.codes == {"33", "34"}
    assert boundaries.unmatched == 2


def test_parts_with_the_same_code_are_merged(tmp_path):
    write(tmp_path, "provinsi.geojson", [
        {"type": "Feature", "id": "33", "geometry": square(110, -8)},
        {"type": "Feature", "id": "33", "geometry": square(115, -8)},
    ])
    (feature,) = geo.load("provinsi", tmp_path).geojson["features"]
    assert shape(feature["geometry"]).area == pytest.approx(2.0)


def test_simplify_drops_redundant_vertices_rounds_and_orients():
    dense = circle(110.123456789, -7.987654321, 0.5, 2000)
    small = geo.simplify(dense)
    assert 10 < len(small.exterior.coords) < 200
    assert all(round(c, 4) == c for xy in small.exterior.coords for c in xy)
    assert not small.exterior.is_ccw
    assert small.area == pytest.approx(shape(dense).area, rel=0.05)
    straight = square(1, 1, points_per_side=10)
    assert len(geo.simplify(straight).exterior.coords) == 5, "points on a straight side vanish"
    assert len(geo.simplify(straight, tolerance=0).exterior.coords) == 41, "tolerance 0 only rounds"


def test_attribution_falls_back_to_the_files_own_property(tmp_path):
    feature = {"type": "Feature", "id": "33", "geometry": square(110, -8)}
    write(tmp_path, "provinsi.geojson", [feature], attribution="© Contoh, CC BY 4.0")
    assert geo.load("provinsi", tmp_path).attribution == "© Contoh, CC BY 4.0"
    other = tmp_path / "lain"
    write(other, "provinsi.geojson", [feature], properties={"source": "BIG, 2023"})
    assert geo.load("provinsi", other).attribution == "BIG, 2023"
    (other / "ATRIBUSI.txt").write_text("Sumber: berkas atribusi\n", encoding="utf-8")
    assert geo.load("provinsi", other).attribution == "Sumber: berkas atribusi"


def test_cached_per_file_version(tmp_path):
    path = write(tmp_path, "provinsi.geojson", [{"type": "Feature", "id": "33", "geometry": square(110, -8)}])
    first = geo.load("provinsi", tmp_path)
    assert geo.load("provinsi", tmp_path).geojson is first.geojson, "an unchanged file is not parsed again"
    write(tmp_path, "provinsi.geojson", [{"type": "Feature", "id": "33", "geometry": square(110, -8)},
                                         {"type": "Feature", "id": "34", "geometry": square(110, -9)}])
    os.utime(path, ns=(path.stat().st_atime_ns, first.path.stat().st_mtime_ns + 1_000_000_000))
    assert geo.load("provinsi", tmp_path).codes == {"33", "34"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{ bukan json", "tidak dapat dibaca"),
        ('{"type": "Feature"}', "FeatureCollection"),
        ('{"type": "FeatureCollection", "features": [{"type": "Feature", "id": "99", "geometry": null}]}',
         "KODE_PROV"),
    ],
)
def test_unusable_files_raise_a_message_for_the_user(tmp_path, content, message):
    (tmp_path / "provinsi.geojson").write_text(content, encoding="utf-8")
    with pytest.raises(geo.GeoError, match=message):
        geo.load("provinsi", tmp_path)


def test_geometry_is_plain_json(tmp_path):
    write(tmp_path, "provinsi.geojson", [{"type": "Feature", "id": "33", "geometry": square(110, -8)}])
    (feature,) = geo.load("provinsi", tmp_path).geojson["features"]
    ring = feature["geometry"]["coordinates"][0]
    assert isinstance(ring, list) and all(isinstance(point, list) for point in ring)
    assert json.loads(json.dumps(feature)) == feature
