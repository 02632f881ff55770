-- one row per region of level $tingkat inside $wilayah (default: its children) that has data as of
-- $tanggal, judged against the next election for $wilayah on or after $tanggal (none = no rows):
-- belum rekam, recent pace (sudah rekam gained over the 14 days before $tanggal, per day; NULL without
-- data 14 days before), pace needed for the target, coverage projected on election day at the recent
-- pace (not capped), the target, the gap (proyeksi_persen - target_persen, in points) and the people
-- still short of the target on election day; lowest gap first; params: $wilayah, $tanggal, $tingkat
WITH pemilu AS (
    SELECT nama, tanggal, target_persen
    FROM stg_pemilu
    WHERE tanggal >= $tanggal::DATE
      AND (cakupan = '' OR dalam_wilayah($wilayah, cakupan))
    ORDER BY tanggal, nama
    LIMIT 1
),
kini AS (
    SELECT * FROM rekam_tingkat($wilayah, $tanggal, $tingkat)
),
dua_minggu_lalu AS (
    SELECT * FROM rekam_tingkat($wilayah, $tanggal::DATE - INTERVAL 14 DAY, $tingkat)
),
hitung AS (
    SELECT
        k.kode_wilayah,
        p.nama AS nama_pemilu,
        p.tanggal AS tanggal_pemilu,
        p.target_persen,
        date_diff('day', $tanggal::DATE, p.tanggal) AS hari_tersisa,
        k.wajib_ktp,
        k.sudah_rekam,
        k.belum_rekam,
        (k.sudah_rekam - d.sudah_rekam) / 14.0 AS laju_harian
    FROM kini AS k
    CROSS JOIN pemilu AS p
    LEFT JOIN dua_minggu_lalu AS d USING (kode_wilayah)
),
proyeksi AS (
    SELECT
        *,
        sudah_rekam + coalesce(laju_harian, 0) * hari_tersisa AS sudah_rekam_proyeksi,
        persen(sudah_rekam + coalesce(laju_harian, 0) * hari_tersisa, wajib_ktp) AS proyeksi_persen
    FROM hitung
)
SELECT
    p.kode_wilayah,
    w.nama_wilayah,
    w.tingkat,
    $tanggal::DATE AS tanggal,
    p.nama_pemilu,
    p.tanggal_pemilu,
    p.hari_tersisa,
    p.wajib_ktp,
    p.sudah_rekam,
    p.belum_rekam,
    persen(p.sudah_rekam, p.wajib_ktp) AS persen_rekam,
    round(p.laju_harian, 2) AS laju_harian,
    CASE WHEN p.hari_tersisa > 0 AND p.target_persen IS NOT NULL
        THEN round(greatest(p.target_persen / 100.0 * p.wajib_ktp - p.sudah_rekam, 0) / p.hari_tersisa, 2)
    END AS kebutuhan_harian,
    p.proyeksi_persen,
    p.target_persen,
    round(p.proyeksi_persen - p.target_persen, 2) AS selisih_target,
    CASE WHEN p.target_persen IS NOT NULL
        THEN ceil(round(greatest(p.target_persen * p.wajib_ktp / 100.0 - p.sudah_rekam_proyeksi, 0), 6))::BIGINT
    END AS kekurangan_proyeksi
FROM proyeksi AS p
JOIN stg_wilayah AS w USING (kode_wilayah)
ORDER BY selisih_target NULLS LAST, p.belum_rekam DESC, p.kode_wilayah;
