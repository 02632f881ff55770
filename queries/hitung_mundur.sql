-- one row: the next election for $wilayah on or after $tanggal (none = no row), days and working
-- days left, belum rekam, recent pace (last 14 days), pace needed for the target and the projected
-- coverage on election day; params: $wilayah, $tanggal
WITH pemilu AS (
    SELECT nama, tanggal, target_persen
    FROM stg_pemilu
    WHERE tanggal >= $tanggal::DATE
      AND (cakupan = '' OR dalam_wilayah($wilayah, cakupan))
    ORDER BY tanggal, nama
    LIMIT 1
),
kini AS (
    SELECT * FROM rekam_tingkat($wilayah, $tanggal, tingkat_kode($wilayah))
),
dua_minggu_lalu AS (
    SELECT * FROM rekam_tingkat($wilayah, $tanggal::DATE - INTERVAL 14 DAY, tingkat_kode($wilayah))
),
hitung AS (
    SELECT
        p.nama AS nama_pemilu,
        p.tanggal AS tanggal_pemilu,
        p.target_persen,
        date_diff('day', $tanggal::DATE, p.tanggal) AS hari_tersisa,
        (
            SELECT count(*)
            FROM generate_series($tanggal::DATE + INTERVAL 1 DAY, p.tanggal - INTERVAL 1 DAY, INTERVAL 1 DAY) AS g(hari)
            WHERE dayofweek(g.hari) BETWEEN 1 AND 5
              AND g.hari::DATE NOT IN (SELECT tanggal FROM stg_libur)
        ) AS hari_kerja_tersisa,
        k.wajib_ktp,
        k.sudah_rekam,
        k.belum_rekam,
        (k.sudah_rekam - d.sudah_rekam) / 14.0 AS laju_harian
    FROM pemilu AS p
    LEFT JOIN kini AS k ON TRUE
    LEFT JOIN dua_minggu_lalu AS d ON TRUE
)
SELECT
    $wilayah AS kode_wilayah,
    (SELECT nama_wilayah FROM stg_wilayah WHERE kode_wilayah = $wilayah) AS nama_wilayah,
    $tanggal::DATE AS tanggal,
    nama_pemilu,
    tanggal_pemilu,
    hari_tersisa,
    hari_kerja_tersisa,
    wajib_ktp,
    sudah_rekam,
    belum_rekam,
    persen(sudah_rekam, wajib_ktp) AS persen_rekam,
    round(laju_harian, 2) AS laju_harian,
    CASE WHEN hari_tersisa > 0 AND target_persen IS NOT NULL
        THEN round(greatest(target_persen / 100.0 * wajib_ktp - sudah_rekam, 0) / hari_tersisa, 2)
    END AS kebutuhan_harian,
    persen(sudah_rekam + coalesce(laju_harian, 0) * hari_tersisa, wajib_ktp) AS proyeksi_persen,
    target_persen
FROM hitung;
