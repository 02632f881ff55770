"""Narrative sentences checked against hand-computed fixtures."""

from datetime import date

import pytest

from pantau import narasi

RINGKASAN = {
    "nama_wilayah": "Jawa Tengah",
    "tanggal": date(2024, 11, 20),
    "persen_rekam": 98.31,
    "belum_rekam": 37500,
}
BANDING = {"tanggal": date(2024, 11, 13), "persen_rekam": 98.19, "belum_rekam": 41000}
DUA_MINGGU = {"tanggal": date(2024, 11, 6), "persen_rekam": 98.05, "belum_rekam": 50000}
PERINGKAT = [
    {"kode_wilayah": "33.29", "nama_wilayah": "Kabupaten Brebes", "persen_rekam": 91.2},
    {"kode_wilayah": "33.74", "nama_wilayah": "Kota Semarang", "persen_rekam": 101.5},
    {"kode_wilayah": "33.14", "nama_wilayah": "Kabupaten Sragen", "persen_rekam": 99.0},
    {"kode_wilayah": "33.01", "nama_wilayah": "Kabupaten Cilacap", "persen_rekam": None},
]
HITUNG = {
    "nama_pemilu": "Pilkada 2024",
    "tanggal_pemilu": date(2024, 11, 27),
    "hari_tersisa": 7,
    "hari_kerja_tersisa": 4,
    "kebutuhan_harian": 244479.17,
    "laju_harian": 46077.43,
    "target_persen": 98.0,
}


def test_headline_with_weekly_change():
    assert narasi.headline(RINGKASAN, BANDING) == (
        "Per 20 November 2024, cakupan perekaman e-KTP Jawa Tengah 98,31% (naik 0,12 poin sejak 13 November 2024); "
        "37.500 orang wajib KTP belum rekam."
    )


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        (98.31, "(tidak berubah sejak 13 November 2024)"),
        (98.50, "(turun 0,19 poin sejak 13 November 2024)"),
    ],
)
def test_headline_direction(before, expected):
    assert expected in narasi.headline(RINGKASAN, {**BANDING, "persen_rekam": before})


def test_headline_without_data_is_none():
    assert narasi.headline({**RINGKASAN, "persen_rekam": None}) is None


def test_headline_all_recorded():
    assert narasi.headline({**RINGKASAN, "belum_rekam": 0}).endswith("; seluruh wajib KTP sudah rekam.")


def test_lowest_region_and_gap_to_target():
    # 98,00 - 91,20 = 6,80 points
    assert narasi.lowest_region(PERINGKAT, 98.0, "Jawa Tengah") == (
        "Wilayah terendah di Jawa Tengah adalah Kabupaten Brebes (91,20%), 6,80 poin di bawah target 98,00%."
    )
    assert narasi.lowest_region(PERINGKAT, 90.0, "Jawa Tengah").endswith("sudah memenuhi target 90,00%.")
    assert narasi.lowest_region([], 98.0, "Jawa Tengah") is None


def test_belum_rekam_fall_over_two_weeks():
    # 50.000 -> 37.500: a fall of 12.500
    assert narasi.belum_rekam_change(RINGKASAN, DUA_MINGGU) == (
        "Dalam dua minggu terakhir, belum rekam turun 12.500 orang, dari 50.000 menjadi 37.500 orang."
    )
    assert "naik 2.500 orang" in narasi.belum_rekam_change(RINGKASAN, {"belum_rekam": 35000})
    assert narasi.belum_rekam_change(RINGKASAN, None) is None


def test_countdown_with_required_pace():
    # 244.479 / 46.077 = 5,31 -> '5,3 kali'
    assert narasi.countdown(HITUNG) == (
        "Pilkada 2024 tinggal 7 hari lagi (4 hari kerja). Untuk target 98,00% perlu 244.479 perekaman per hari, "
        "sedangkan laju 14 hari terakhir 46.077 per hari: perlu 5,3 kali lebih cepat."
    )


@pytest.mark.parametrize(
    ("changes", "expected_end"),
    [
        ({"laju_harian": 300000.0}, ": laju saat ini cukup."),
        ({"kebutuhan_harian": 0.0}, " Target 98,00% sudah tercapai."),
        ({"laju_harian": 0.0}, ": perekaman perlu dipercepat."),
    ],
)
def test_countdown_verdicts(changes, expected_end):
    assert narasi.countdown({**HITUNG, **changes}).endswith(expected_end)


def test_countdown_on_election_day():
    day = {**HITUNG, "hari_tersisa": 0, "hari_kerja_tersisa": 0, "kebutuhan_harian": None}
    assert narasi.countdown(day) == "Hari ini hari pemungutan suara Pilkada 2024 (27 November 2024)."


def test_above_hundred_is_shown_not_capped():
    assert narasi.above_hundred(PERINGKAT, "kabupaten/kota") == (
        "1 kabupaten/kota mencatat cakupan di atas 100% (Kota Semarang); angka ini ditampilkan apa adanya, "
        "periksa data wajib KTP-nya."
    )


def test_briefing_orders_the_sentences():
    sentences = narasi.briefing(RINGKASAN, BANDING, DUA_MINGGU, PERINGKAT, HITUNG, "kabupaten/kota")
    assert [s.split(" ")[0] for s in sentences] == ["Per", "Wilayah", "Dalam", "Pilkada", "1"]
