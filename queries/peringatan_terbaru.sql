-- the 200 newest validation warnings kept for reports from $dari to $sampai inside $wilayah (one
-- row per warning, newest report date first), with the region's name; params: $wilayah, $dari, $sampai
WITH harian AS (
    -- the region's warnings per day, from the counts
    SELECT tanggal, jumlah FROM peringatan_per_hari($wilayah, $dari, $sampai)
),
-- the days the 200 newest come from: newest first, until 200 warnings are reached (every day of the
-- range for a store without the counts). Joined on the day, so that the scan of the warnings is
-- given these days' range and skips the row groups of every other day.
hari AS (
    SELECT tanggal
    FROM (
        SELECT tanggal, sum(jumlah) OVER (ORDER BY tanggal DESC) - jumlah AS sebelumnya
        FROM harian
    )
    WHERE sebelumnya < 200
    UNION ALL
    SELECT tanggal::DATE
    FROM generate_series($dari::DATE, $sampai::DATE, INTERVAL 1 DAY) AS t(tanggal)
    WHERE NOT pakai_peringatan_harian()
),
-- the 200 first, then their regions' names (a name for each of 200 rows, not for every warning of those days)
terbaru AS (
    SELECT p.tanggal, p.jenis_data, p.kode_wilayah, p.kolom, p.nilai, p.aturan, p.berkas
    FROM stg_peringatan AS p
    JOIN hari AS h ON p.tanggal = h.tanggal
    WHERE p.tanggal BETWEEN $dari::DATE AND $sampai::DATE
      AND dalam_wilayah(p.kode_wilayah, $wilayah)
    ORDER BY p.tanggal DESC, p.kode_wilayah, p.kolom, p.aturan
    LIMIT 200
)
SELECT
    t.tanggal,
    t.jenis_data,
    t.kode_wilayah,
    w.nama_wilayah,
    t.kolom,
    t.nilai,
    t.aturan,
    t.berkas
FROM terbaru AS t
LEFT JOIN stg_wilayah AS w USING (kode_wilayah)
ORDER BY t.tanggal DESC, t.kode_wilayah, t.kolom, t.aturan;
