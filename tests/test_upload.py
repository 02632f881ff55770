"""The dashboard upload handler: the same validation and publish as the CLI, against a real store."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pantau import regions, upload
from pantau.queries import run_query
from pantau.store import Store

REKAM_CSV = (
    b"tanggal;kode_wilayah;nama_wilayah;wajib_ktp;sudah_rekam\n"
    b"2024-11-20;34.01.01;Temon;1.000;900\n"
    b"2024-11-20;34.01.02;Wates;2.000;2.050\n"  # above 100%: kept with a warning
)
NO_DATE_CSV = b"kode_wilayah,wajib_ktp,sudah_rekam\n34.01.03,500,450\n"
BAD_CSV = b"tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n2024-11-20,99.99.99,100,90\n2024-11-20,34.01.01,-5,1\n"
PEMILU_CSV = b"nama,tanggal,cakupan,target_persen\nPilkada Sleman 2029,2029-11-28,34.04,97.5\n"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


def rekam_rows(store: Store) -> pl.DataFrame:
    return store.read_kind("rekam")


def test_check_only_validates_without_writing(store):
    hasil = upload.proses(store, "rekam", "laporan.csv", REKAM_CSV, check_only=True, max_mb=5)
    assert hasil.berhasil and not hasil.disimpan and hasil.versi is None
    assert hasil.pesan.startswith("laporan.csv: 2 baris rekam valid (tidak disimpan)")
    assert any("melebihi wajib_ktp" in w for w in hasil.peringatan)
    assert store.current_version() is None


def test_save_publishes_a_new_version_seen_by_the_queries(store):
    hasil = upload.proses(store, "rekam", "laporan.csv", REKAM_CSV, max_mb=5)
    assert hasil.berhasil and hasil.disimpan
    assert hasil.versi == store.current_version()
    assert "2 baris rekam disimpan" in hasil.pesan
    row = run_query(store, "ringkasan", {"wilayah": "34.01"}).row(0, named=True)
    # 1000 + 2000 wajib, 900 + 2050 sudah; belum = 100 + max(2000 - 2050, 0)
    assert (row["wajib_ktp"], row["sudah_rekam"], row["belum_rekam"]) == (3000, 2950, 100)


def test_rejected_file_writes_nothing_and_lists_every_error(store):
    upload.proses(store, "rekam", "laporan.csv", REKAM_CSV, max_mb=5)
    before = store.current_version()
    hasil = upload.proses(store, "rekam", "salah.csv", BAD_CSV, max_mb=5)
    assert not hasil.berhasil and not hasil.disimpan
    assert hasil.pesan.startswith("Berkas ditolak, tidak ada data yang disimpan (2 kesalahan):")
    assert "99.99.99" in hasil.pesan and "'-5'" in hasil.pesan
    assert store.current_version() == before


def test_units_already_stored_need_replace(store):
    upload.proses(store, "rekam", "laporan.csv", REKAM_CSV, max_mb=5)
    again = upload.proses(store, "rekam", "laporan.csv", REKAM_CSV, max_mb=5)
    assert not again.berhasil and "sudah tersimpan" in again.pesan
    replaced = upload.proses(store, "rekam", "laporan.csv", REKAM_CSV, replace=True, max_mb=5)
    assert replaced.berhasil and replaced.disimpan and "2 unit diganti" in replaced.pesan
    assert rekam_rows(store).height == 2


def test_snapshot_date_applies_to_rekam_only(store):
    missing = upload.proses(store, "rekam", "tanpa_tanggal.csv", NO_DATE_CSV, max_mb=5)
    assert not missing.berhasil and "tanggal" in missing.pesan
    dated = upload.proses(store, "rekam", "tanpa_tanggal.csv", NO_DATE_CSV, snapshot_date=date(2024, 11, 19),
                          max_mb=5)
    assert dated.berhasil, dated.pesan
    assert rekam_rows(store)["tanggal"].to_list() == [date(2024, 11, 19)]
    calendar = upload.proses(store, "pemilu", "kalender.csv", PEMILU_CSV, snapshot_date=date(2024, 1, 1), max_mb=5)
    assert calendar.berhasil and calendar.disimpan, calendar.pesan
    assert "Pilkada Sleman 2029" in store.calendar()["nama"].to_list()


def test_size_limit_and_xlsx_and_parquet(store):
    too_big = upload.proses(store, "rekam", "besar.csv", REKAM_CSV + b"#" * 1_000_001, max_mb=1)
    assert not too_big.berhasil and "melebihi batas 1 MB" in too_big.pesan
    frame = pl.DataFrame({"tanggal": ["2024-11-20"], "kode_wilayah": ["34.01.04"], "wajib_ktp": [10],
                          "sudah_rekam": [9]})
    xlsx, parquet = io.BytesIO(), io.BytesIO()
    frame.write_excel(xlsx)
    frame.write_parquet(parquet)
    assert upload.proses(store, "rekam", "a.xlsx", xlsx.getvalue(), check_only=True, max_mb=1).berhasil
    assert upload.proses(store, "rekam", "a.parquet", parquet.getvalue(), check_only=True, max_mb=1).berhasil


def test_unknown_kind_is_a_rejection_not_a_crash(store):
    hasil = upload.proses(store, "penduduk", "x.csv", REKAM_CSV, max_mb=1)
    assert not hasil.berhasil and "tidak dikenal" in hasil.pesan


def test_more_warnings_than_listed_are_counted(store):
    kecamatan = [code for kabkota, _ in regions.children("34") for code, _ in regions.children(kabkota)][:60]
    lines = [f"2024-11-20,{code},100,{101 + i}" for i, code in enumerate(kecamatan)]  # all above 100%
    data = ("tanggal,kode_wilayah,wajib_ktp,sudah_rekam\n" + "\n".join(lines)).encode()
    hasil = upload.proses(store, "rekam", "banyak.csv", data, check_only=True, max_mb=1)
    assert hasil.berhasil, hasil.pesan
    assert len(kecamatan) == 60 and 0 < len(hasil.peringatan) < 60
    assert len(hasil.peringatan) + hasil.peringatan_lain == 60
