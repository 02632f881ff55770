"""Templated sentences in Bahasa Indonesia generated from query rows (no language model).

Each function takes plain rows (dicts from the query layer) and returns one sentence, or None when
the data do not support it, so a page or a briefing pack can list what applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pantau import fmt

Row = Mapping[str, object]


def _gerak(delta: float, naik: str = "naik", turun: str = "turun") -> str:
    return naik if delta > 0 else turun


def headline(ringkasan: Row, banding: Row | None = None) -> str | None:
    """'Per 20 November 2024, cakupan perekaman e-KTP Jawa Tengah 98,31% (naik 0,12 poin sejak 13 November
    2024); 1.400 orang wajib KTP belum rekam.'"""
    if ringkasan.get("persen_rekam") is None:
        return None
    text = (
        f"Per {fmt.tanggal(ringkasan['tanggal'])}, cakupan perekaman e-KTP {ringkasan['nama_wilayah']} "
        f"{fmt.persen(ringkasan['persen_rekam'])}"
    )
    if banding and banding.get("persen_rekam") is not None:
        delta = round(float(ringkasan["persen_rekam"]) - float(banding["persen_rekam"]), 2)
        if delta == 0:
            text += f" (tidak berubah sejak {fmt.tanggal(banding['tanggal'])})"
        else:
            poin = fmt.persen_poin(abs(delta)).lstrip("+")
            text += f" ({_gerak(delta)} {poin} sejak {fmt.tanggal(banding['tanggal'])})"
    belum = int(ringkasan["belum_rekam"] or 0)
    if belum:
        text += f"; {fmt.jumlah(belum, 'orang')} wajib KTP belum rekam."
    else:
        text += "; seluruh wajib KTP sudah rekam."
    return text


def lowest_region(peringkat: Sequence[Row], target_persen: float | None, parent_name: str) -> str | None:
    """'Wilayah terendah di Jawa Tengah adalah Kabupaten Brebes (91,20%), 6,80 poin di bawah target 98,00%.'"""
    ranked = [r for r in peringkat if r.get("persen_rekam") is not None]
    if not ranked:
        return None
    low = min(ranked, key=lambda r: (float(r["persen_rekam"]), str(r["kode_wilayah"])))
    text = f"Wilayah terendah di {parent_name} adalah {low['nama_wilayah']} ({fmt.persen(low['persen_rekam'])})"
    if target_persen is None:
        return text + "."
    gap = round(float(target_persen) - float(low["persen_rekam"]), 2)
    if gap > 0:
        poin = fmt.persen_poin(gap).lstrip("+")
        return text + f", {poin} di bawah target {fmt.persen(target_persen)}."
    return text + f", sudah memenuhi target {fmt.persen(target_persen)}."


def above_hundred(peringkat: Sequence[Row], level_label: str) -> str | None:
    """'3 kabupaten/kota mencatat cakupan di atas 100%: ... periksa data wajib KTP-nya.'"""
    over = [r for r in peringkat if r.get("persen_rekam") is not None and float(r["persen_rekam"]) > 100]
    if not over:
        return None
    names = ", ".join(str(r["nama_wilayah"]) for r in over[:3]) + (" dan lainnya" if len(over) > 3 else "")
    return (
        f"{fmt.angka(len(over))} {level_label} mencatat cakupan di atas 100% ({names}); "
        "angka ini ditampilkan apa adanya, periksa data wajib KTP-nya."
    )


def belum_rekam_change(now: Row, two_weeks_ago: Row | None) -> str | None:
    """'Dalam dua minggu terakhir, belum rekam turun 12.500 orang, dari 50.000 menjadi 37.500 orang.'"""
    if not two_weeks_ago or two_weeks_ago.get("belum_rekam") is None or now.get("belum_rekam") is None:
        return None
    before, after = int(two_weeks_ago["belum_rekam"]), int(now["belum_rekam"])
    if before == after:
        return f"Dalam dua minggu terakhir, jumlah belum rekam tidak berubah ({fmt.jumlah(after, 'orang')})."
    return (
        f"Dalam dua minggu terakhir, belum rekam {_gerak(after - before)} {fmt.jumlah(abs(after - before), 'orang')}, "
        f"dari {fmt.angka(before)} menjadi {fmt.jumlah(after, 'orang')}."
    )


def countdown(hitung_mundur: Row) -> str | None:
    """'Pilkada 2024 tinggal 7 hari lagi (4 hari kerja). Untuk target 98,00% perlu 244.479 perekaman per hari,
    sedangkan laju 14 hari terakhir 46.077 per hari.'"""
    if not hitung_mundur or hitung_mundur.get("nama_pemilu") is None:
        return None
    name = hitung_mundur["nama_pemilu"]
    days = int(hitung_mundur["hari_tersisa"])
    if days == 0:
        return f"Hari ini hari pemungutan suara {name} ({fmt.tanggal(hitung_mundur['tanggal_pemilu'])})."
    text = (
        f"{name} tinggal {fmt.jumlah(days, 'hari')} lagi "
        f"({fmt.jumlah(int(hitung_mundur['hari_kerja_tersisa']), 'hari kerja')})."
    )
    need = hitung_mundur.get("kebutuhan_harian")
    pace = hitung_mundur.get("laju_harian")
    target = hitung_mundur.get("target_persen")
    if need is None or target is None:
        return text
    if float(need) == 0:
        return text + f" Target {fmt.persen(target)} sudah tercapai."
    text += f" Untuk target {fmt.persen(target)} perlu {fmt.angka(round(float(need)))} perekaman per hari"
    if pace is None:
        return text + "."
    text += f", sedangkan laju 14 hari terakhir {fmt.angka(round(float(pace)))} per hari"
    if float(pace) >= float(need):
        return text + ": laju saat ini cukup."
    if float(pace) <= 0:
        return text + ": perekaman perlu dipercepat."
    return text + f": perlu {fmt.angka_desimal(float(need) / float(pace), 1)} kali lebih cepat."


def briefing(
    ringkasan: Row,
    banding: Row | None,
    dua_minggu: Row | None,
    peringkat: Sequence[Row],
    hitung_mundur: Row | None,
    level_label: str,
) -> list[str]:
    """Every sentence that applies, in the order a presenter would say them."""
    target = hitung_mundur.get("target_persen") if hitung_mundur else None
    sentences = [
        headline(ringkasan, banding),
        lowest_region(peringkat, target, str(ringkasan["nama_wilayah"])),
        belum_rekam_change(ringkasan, dua_minggu),
        countdown(hitung_mundur) if hitung_mundur else None,
        above_hundred(peringkat, level_label),
    ]
    return [s for s in sentences if s]
