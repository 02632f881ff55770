-- one row per region of the print log (kabupaten/kota, or kecamatan where logged so) inside $wilayah
-- that reported by $tanggal: its blangko stock on its latest report day at or before $tanggal and the
-- cards it printed in the 14 calendar days ending that day; params: $wilayah, $tanggal
WITH terakhir AS (
    SELECT kode_wilayah, max(tanggal) AS tanggal_stok
    FROM stg_cetak
    WHERE tanggal <= $tanggal::DATE
      AND dalam_wilayah(kode_wilayah, $wilayah)
    GROUP BY kode_wilayah
),
-- each region's rows of its 14 days, in one join: stock is per region and day whatever the service
-- (its largest figure on the latest day, taken once); the rows are first cut to the days any
-- region's window can reach
per_wilayah AS (
    SELECT
        t.kode_wilayah,
        t.tanggal_stok,
        max(l.blangko_sisa) FILTER (WHERE l.tanggal = t.tanggal_stok)::BIGINT AS blangko_sisa,
        sum(l.tercetak)::BIGINT AS tercetak_14_hari,
        count(DISTINCT l.tanggal) AS hari_lapor_14_hari
    FROM terakhir AS t
    JOIN stg_cetak AS l
        ON l.kode_wilayah = t.kode_wilayah AND l.tanggal > t.tanggal_stok - INTERVAL 14 DAY
    WHERE l.tanggal <= $tanggal::DATE
      AND l.tanggal > (SELECT min(tanggal_stok) FROM terakhir) - INTERVAL 14 DAY
      AND dalam_wilayah(l.kode_wilayah, $wilayah)
    GROUP BY t.kode_wilayah, t.tanggal_stok
)
SELECT
    p.kode_wilayah,
    w.nama_wilayah,
    w.tingkat,
    $tanggal::DATE AS tanggal,
    p.tanggal_stok,
    p.blangko_sisa,
    p.tercetak_14_hari,
    p.hari_lapor_14_hari
FROM per_wilayah AS p
LEFT JOIN stg_wilayah AS w USING (kode_wilayah)
ORDER BY p.kode_wilayah;
