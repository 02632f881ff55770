"""Region boundaries for the maps: GeoJSON files the user provides, read locally, never fetched.

The folder is `PANTAU_GEO_DIR`, else `<data dir>/geo/` (see data/geo/README.md): `provinsi.geojson`,
`kabkota.geojson` and an optional `ATRIBUSI.txt`. Each feature is matched to a Kemendagri code (its
`id`, or the property `KODE_PROV`/`kode`), simplified and rounded to 4 decimals (about 11 m) once per
file version, so the browser receives a small map. Features that match no code of the level are
dropped and counted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from pantau import regions
from pantau.config import load_settings

FILES = {"provinsi": "provinsi", "kabkota": "kabkota"}  # level -> file stem
CODE_PROPERTIES = ("KODE_PROV", "kode", "kode_wilayah", "KODE", "id")
ATTRIBUTION_FILE = "ATRIBUSI.txt"
ATTRIBUTION_PROPERTIES = ("attribution", "source")
TOLERANCE = 0.01  # degrees (~1 km): invisible on a province or national map
DECIMALS = 4


class GeoError(ValueError):
    """A boundary file exists but cannot be used; the message is for the user."""


@dataclass(frozen=True)
class Boundaries:
    """One level's boundaries: a FeatureCollection whose every feature `id` is a Kemendagri code.

    The `geojson` is shared between reruns and users: never mutate it (use `within`).
    """

    level: str
    path: Path
    geojson: Mapping
    attribution: str
    unmatched: int

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(f["id"] for f in self.geojson["features"])

    def within(self, wilayah: str) -> dict:
        """A new FeatureCollection of the features inside `wilayah` ('' = all)."""
        prefix = f"{wilayah}."
        features = [f for f in self.geojson["features"]
                    if not wilayah or f["id"] == wilayah or f["id"].startswith(prefix)]
        return {"type": "FeatureCollection", "features": features}


def geo_dir() -> Path:
    """The boundaries folder: `PANTAU_GEO_DIR`, else `geo/` in the data directory."""
    raw = os.environ.get("PANTAU_GEO_DIR")
    return Path(raw).expanduser().resolve() if raw else load_settings().geo_dir


def find_file(level: str, directory: Path | None = None) -> Path | None:
    """`<level>.geojson` in the folder, else its only `<level>*.geojson` (e.g. provinsi_38.geojson)."""
    if level not in FILES:
        return None
    folder = directory or geo_dir()
    exact = folder / f"{FILES[level]}.geojson"
    if exact.is_file():
        return exact
    found = sorted(folder.glob(f"{FILES[level]}*.geojson")) if folder.is_dir() else []
    return found[0] if len(found) == 1 else None


def load(level: str, directory: Path | None = None, tolerance: float = TOLERANCE) -> Boundaries | None:
    """The boundaries of `level` ('provinsi' or 'kabkota'), or None when no file is there.

    Parsed, matched and simplified once per file version (path, mtime, size); raises GeoError for
    a file that is not a GeoJSON FeatureCollection or matches no region of the level.
    """
    folder = directory or geo_dir()
    path = find_file(level, folder)
    if path is None:
        return None
    stat = path.stat()
    geojson, unmatched, own_attribution = _load_file(str(path), stat.st_mtime_ns, stat.st_size, level, tolerance)
    return Boundaries(level=level, path=path, geojson=geojson, attribution=attribution(folder, own_attribution),
                      unmatched=unmatched)


def attribution(folder: Path, own: str = "") -> str:
    """The text to print under the map: ATRIBUSI.txt (lines joined), else the file's own property."""
    try:
        text = (folder / ATTRIBUTION_FILE).read_text(encoding="utf-8-sig")
    except (FileNotFoundError, UnicodeDecodeError, IsADirectoryError):
        text = ""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return " · ".join(lines)[:500] or own


def feature_code(feature: Mapping, level: str) -> str | None:
    """The Kemendagri code of a feature at `level`, from its `id` or a code property; None if none fits."""
    props = feature.get("properties") or {}
    for raw in (feature.get("id"), *(props.get(name) for name in CODE_PROPERTIES)):
        if raw is None or isinstance(raw, bool):
            continue
        try:
            code = regions.normalize_code(str(raw).strip())
        except ValueError:
            continue
        if regions.level_of(code) == level and regions.is_known(code):
            return code
    return None


def simplify(geometry: Mapping, tolerance: float = TOLERANCE, decimals: int = DECIMALS):
    """A shapely geometry simplified (topology kept), exterior rings clockwise, coordinates rounded to
    `decimals`; None if empty."""
    geom = shape(geometry)
    if tolerance > 0:
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    if geom.is_empty:
        return None
    # plotly draws with d3-geo, which reads a counter-clockwise ring (the RFC 7946 order) as "the whole
    # globe except this shape" and floods the map: exterior rings go clockwise
    geom = shapely.orient_polygons(geom, exterior_cw=True)
    # rounding point by point: snapping to a grid with repair fails on the invalid rings real files carry
    return shapely.transform(geom, lambda xy: np.round(xy, decimals))


def vertex_count(geojson: Mapping) -> int:
    """Number of coordinates of every feature of a FeatureCollection."""
    return sum(int(shapely.get_num_coordinates(shape(f["geometry"]))) for f in geojson["features"] if f.get("geometry"))


@lru_cache(maxsize=8)
def _load_file(path: str, mtime_ns: int, size: int, level: str, tolerance: float) -> tuple[Mapping, int, str]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            raw = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeoError(f"Berkas batas wilayah {Path(path).name} tidak dapat dibaca sebagai GeoJSON ({exc}).") from None
    if not isinstance(raw, dict) or raw.get("type") != "FeatureCollection":
        raise GeoError(f"Berkas batas wilayah {Path(path).name} harus GeoJSON FeatureCollection.")
    parts: dict[str, list] = {}
    unmatched = 0
    for feature in raw.get("features") or []:
        code = feature_code(feature, level) if isinstance(feature, dict) else None
        if code is None or not feature.get("geometry"):
            unmatched += 1
            continue
        parts.setdefault(code, []).append(shape(feature["geometry"]))
    if not parts:
        raise GeoError(
            f"Tidak ada fitur di {Path(path).name} yang cocok dengan kode {regions.LEVEL_LABELS[level].lower()} "
            "Kemendagri: beri setiap fitur `id` atau properti `KODE_PROV`/`kode` berisi kodenya (mis. 33 atau 33.14)."
        )
    features = []
    for code in sorted(parts):
        geom = parts[code][0] if len(parts[code]) == 1 else shapely.union_all(parts[code])
        small = simplify(mapping(geom), tolerance)
        if small is None:
            unmatched += 1
            continue
        geometry = mapping(small)
        features.append({"type": "Feature", "id": code, "properties": {"kode": code},
                         "geometry": {"type": geometry["type"], "coordinates": _lists(geometry["coordinates"])}})
    own = next((str(raw[k]) for k in ATTRIBUTION_PROPERTIES if raw.get(k)), "")
    if not own:
        meta = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
        own = next((str(meta[k]) for k in ATTRIBUTION_PROPERTIES if meta.get(k)), "")
    return {"type": "FeatureCollection", "features": features}, unmatched, own


def _lists(value):
    """Nested tuples (shapely's mapping) as nested lists, the shape json.load gives and readers expect."""
    return [_lists(v) for v in value] if isinstance(value, (tuple, list)) else value
