"""`kalender_lengkap`, the whole election calendar for the Status data page, over a real store.

The calendar (uploaded, so it replaces the built-in one):

    Pemilu Uji       2029-02-14  ''         national
    Pilkada Jabar    2029-11-28  '32'       Jawa Barat
    Pilkada Sragen   2029-11-28  '33.14'    Kabupaten Sragen
    PSU Kalijambe    2030-01-10  '33.14.01' a re-vote in kecamatan Kalijambe

An election concerns a region when it is national, its scope contains the region, or its scope lies
inside the region.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pantau.ingest import ingest_frame
from pantau.queries import Database
from pantau.store import Store

D = date.fromisoformat
NAMES = ["Pemilu Uji", "Pilkada Jabar", "Pilkada Sragen", "PSU Kalijambe"]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Database:
    store = Store(tmp_path_factory.mktemp("kalender_lengkap"))
    calendar = pl.DataFrame(
        {
            "nama": ["Pilkada Sragen", "PSU Kalijambe", "Pemilu Uji", "Pilkada Jabar"],
            "tanggal": ["2029-11-28", "2030-01-10", "2029-02-14", "2029-11-28"],
            "cakupan": ["33.14", "33.14.01", "", "32"],
            "target_persen": ["99", "98", "98", "97,5"],
            "catatan": ["uji", None, None, None],
        }
    )
    ingest_frame(store, "pemilu", calendar, "kalender.csv", replace=True)
    return Database(store)


@pytest.mark.parametrize(
    ("wilayah", "berlaku"),
    [
        ("", [True, True, True, True]),  # every scope lies inside Indonesia
        ("33", [True, False, True, True]),
        ("33.14", [True, False, True, True]),
        ("33.14.01.2001", [True, False, True, True]),  # Sragen and Kalijambe contain the village
        ("33.14.02", [True, False, True, False]),
        ("33.13", [True, False, False, False]),
        ("32.01", [True, True, False, False]),
    ],
)
def test_whole_calendar_with_the_regions_mark(db, wilayah, berlaku):
    rows = db.run("kalender_lengkap", {"wilayah": wilayah}).rows
    assert rows["nama"].to_list() == NAMES  # by date, then name
    assert rows["berlaku"].to_list() == berlaku


def test_columns_and_values(db):
    rows = db.run("kalender_lengkap", {"wilayah": "33"}).rows
    assert rows.columns == ["nama", "tanggal", "cakupan", "target_persen", "catatan", "berlaku"]
    assert rows.row(2) == ("Pilkada Sragen", D("2029-11-28"), "33.14", 99.0, "uji", True)
    assert rows.row(1)[3] == 97.5


def test_built_in_calendar_when_none_was_uploaded(tmp_path):
    store = Store(tmp_path)
    ingest_frame(store, "rekam", pl.DataFrame({"tanggal": [D("2024-01-10")], "kode_wilayah": ["33.14.01"],
                                               "wajib_ktp": [10], "sudah_rekam": [9]}), "x.csv")
    rows = Database(store).run("kalender_lengkap", {"wilayah": "34"}).rows
    assert {"Pemilu 2024", "Pilkada 2024"} <= set(rows["nama"].to_list())
    assert rows["berlaku"].all()
