"""The what-if (skenario) section of the Hitung mundur page in the real frame (AppTest).

Store: tests/test_query_risiko.py (Kabupaten Sragen, Pilkada Sragen 25 January 2024, target 98%) plus a
print log for 33.14: 50 cards a day from 2 to 15 January, 350 blank cards received on 8 January, 100 in
stock on the 15th. As of 2024-01-15 (hand-computed in tests/test_page_hitung_mundur.py): wajib 3.600,
sudah 3.283, 98% of 3.600 = 3.528 -> 245 short; recent pace 13,07 a day (input default 13); 10 days left.

Defaults: capacity 700 / 14 = 50 a day; supply: 350 received, the log starts 2 January, so 14 days
count: 350 * 7 / 14 = 175 a week; stock 100. No PRR in the reports: the print queue is the 245.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pantau.ingest import ingest_frame
from pantau.store import Store
from tests.apptest import open_dashboard
from tests.test_query_risiko import build_risiko

PAGE = "pages/hitung-mundur.py"
KEY = "33.14_2024-01-15"


def cetak_log() -> pl.DataFrame:
    days = [date(2024, 1, 2) + timedelta(days=i) for i in range(14)]
    return pl.DataFrame({
        "tanggal": days,
        "kode_wilayah": ["33.14"] * 14,
        "tercetak": [50] * 14,
        "blangko_diterima": [350 if d == date(2024, 1, 8) else 0 for d in days],
        # 450 before 2 January, 50 printed a day, 350 received on the 8th: 100 left on the 15th
        "blangko_sisa": [450 - 50 * (i + 1) + 350 * (i >= 6) for i in range(14)],
    })  # fmt: skip


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("skenario")
    build_risiko(Store(path))
    ingest_frame(Store(path), "cetak", cetak_log(), "cetak.csv")
    return path


def open_page(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **query: str) -> AppTest:
    at = open_dashboard(monkeypatch, data_dir, PAGE, reuse_cache=True, **query)
    assert not at.exception, at.exception[0].message[:2000]
    return at


def answers(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(("**Perekaman**", "**Pencetakan**"))]


def test_defaults_from_the_data(data_dir, monkeypatch):
    at = open_page(monkeypatch, data_dir, wilayah="33.14", tanggal="2024-01-15")
    assert at.number_input(key=f"skenario_laju_{KEY}").value == 13
    assert at.number_input(key=f"skenario_cetak_{KEY}").value == 50
    assert at.number_input(key=f"skenario_blangko_{KEY}").value == 175
    # 245 at 13 a day: 18,8 -> 19 days = 3 February, 9 days late; 245 / 10 days = 24,5 -> 25 a day.
    # Printing follows the recordings (stock 100 + 25 a day covers 13 a day): cleared with the last one.
    assert answers(at) == [
        "**Perekaman** :red-badge[Sesudah Hari H]  \nDengan 13 perekaman per hari, target 98,00% baru tercapai "
        "3 Februari 2024, 9 hari sesudah hari pemungutan suara. Agar tercapai sebelum hari pemungutan suara perlu "
        "25 perekaman per hari.",
        "**Pencetakan** :red-badge[Sesudah Hari H]  \nDengan kapasitas 50 keping per hari, stok blangko 100 keping "
        "dan pasokan 175 keping per minggu, antrean cetak 245 keping (PRR 0 + 245 perekaman baru sampai target) baru "
        "habis 3 Februari 2024, 9 hari sesudah hari pemungutan suara. Pembatasnya: laju perekaman. Perekaman harus "
        "dipercepat dulu: pada laju ini antrean tidak dapat habis sebelum hari pemungutan suara.",
    ]
    assert "Stok blangko 100 keping per 15 Januari 2024." in at.caption[-2].value


def test_faster_recording_then_no_supply(data_dir, monkeypatch):
    at = open_page(monkeypatch, data_dir, wilayah="33.14", tanggal="2024-01-15")
    at.number_input(key=f"skenario_laju_{KEY}").set_value(30).run()
    # 245 at 30 a day: 8,2 -> 9 days = 24 January, H-1. Printing 30 a day from a stock of 100 + 25 a day
    # (100 - 5d after day d stays positive): cleared on day 9 with the last recordings.
    assert answers(at) == [
        "**Perekaman** :green-badge[Sebelum Hari H]  \nDengan 30 perekaman per hari, target 98,00% tercapai "
        "24 Januari 2024, 1 hari sebelum hari pemungutan suara.",
        "**Pencetakan** :green-badge[Sebelum Hari H]  \nDengan kapasitas 50 keping per hari, stok blangko 100 keping "
        "dan pasokan 175 keping per minggu, antrean cetak 245 keping (PRR 0 + 245 perekaman baru sampai target) "
        "habis 24 Januari 2024, 1 hari sebelum hari pemungutan suara. Pembatasnya: laju perekaman.",
    ]
    at.number_input(key=f"skenario_blangko_{KEY}").set_value(0).run()
    # no supply: 100 cards for 245; by election day (day 10) 100 + 10x >= 245 needs x >= 14,5 a day =
    # 101,5 a week -> 102 (101 gives 244,3)
    assert answers(at)[1] == (
        "**Pencetakan** :red-badge[Sesudah Hari H]  \nDengan kapasitas 50 keping per hari, stok blangko 100 keping "
        "dan pasokan 0 keping per minggu, antrean cetak 245 keping (PRR 0 + 245 perekaman baru sampai target) tidak "
        "akan habis. Pembatasnya: pasokan blangko. Agar habis sebelum hari pemungutan suara perlu pasokan blangko "
        "102 keping per minggu (masukan lain tetap)."
    )


def test_kecamatan_has_no_print_scenario(data_dir, monkeypatch):
    at = open_page(monkeypatch, data_dir, wilayah="33.14.01", tanggal="2024-01-15")
    key = "33.14.01_2024-01-15"
    assert at.number_input(key=f"skenario_cetak_{key}").disabled
    assert "Log cetak dicatat per kabupaten/kota" in answers(at)[1]


def test_existing_countdown_is_unchanged(data_dir, monkeypatch):
    at = open_page(monkeypatch, data_dir, wilayah="33.14", tanggal="2024-01-15")
    assert [e.value for e in at.error] == [
        "**Laju saat ini tidak cukup: perlu 1,9x lebih cepat.** "
        "Pada laju ini target 98,00% tidak tercapai sebelum hari pemilu."
    ]
    assert len(at.get("plotly_chart")) == 1
