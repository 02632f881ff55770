-- one row per region of the print log (kabupaten/kota, or kecamatan where logged so) inside $wilayah
-- that reported by $tanggal: its blangko stock on its latest report day at or before $tanggal and the
-- cards it printed in the 14 calendar days ending that day; params: $wilayah, $tanggal
WITH log AS (
    SELECT *
    FROM stg_cetak
    WHERE tanggal <= $tanggal::DATE
      AND dalam_wilayah(kode_wilayah, $wilayah)
),
terakhir AS (
    SELECT kode_wilayah, max(tanggal) AS tanggal_stok
    FROM log
    GROUP BY kode_wilayah
),
-- stock is per region and day, whatever the service: take each region's figure once
stok AS (
    SELECT l.kode_wilayah, max(l.blangko_sisa)::BIGINT AS blangko_sisa
    FROM log AS l
    JOIN terakhir AS t ON l.kode_wilayah = t.kode_wilayah AND l.tanggal = t.tanggal_stok
    GROUP BY l.kode_wilayah
),
cetak AS (
    SELECT
        l.kode_wilayah,
        sum(l.tercetak)::BIGINT AS tercetak_14_hari,
        count(DISTINCT l.tanggal) AS hari_lapor_14_hari
    FROM log AS l
    JOIN terakhir AS t ON l.kode_wilayah = t.kode_wilayah
    WHERE l.tanggal > t.tanggal_stok - INTERVAL 14 DAY
    GROUP BY l.kode_wilayah
)
SELECT
    t.kode_wilayah,
    w.nama_wilayah,
    w.tingkat,
    $tanggal::DATE AS tanggal,
    t.tanggal_stok,
    s.blangko_sisa,
    c.tercetak_14_hari,
    c.hari_lapor_14_hari
FROM terakhir AS t
JOIN stok AS s USING (kode_wilayah)
JOIN cetak AS c USING (kode_wilayah)
LEFT JOIN stg_wilayah AS w USING (kode_wilayah)
ORDER BY t.kode_wilayah;
