-- one row per calendar day from $dari to $sampai: the blangko stock of $wilayah, each print-log region
-- (kabupaten/kota, or kecamatan where logged so) counting with its latest stock at or before that
-- day, so a region that did not report on a day does not drop out of the total. stg_stok holds each
-- region's change of stock on its report days, so the stock of a day is the running sum of the
-- changes up to it: no grid of regions x days is built; params: $wilayah, $dari, $sampai
WITH per_hari AS (
    SELECT tanggal, sum(selisih) AS selisih, sum(baru) AS baru, count(*) AS melapor
    FROM stg_stok
    WHERE tanggal <= $sampai::DATE
      AND dalam_wilayah(kode_wilayah, $wilayah)
    GROUP BY tanggal
),
berjalan AS (
    SELECT
        tanggal,
        sum(selisih) OVER (ORDER BY tanggal) AS blangko_sisa,
        sum(baru) OVER (ORDER BY tanggal) AS wilayah_dengan_stok,
        melapor
    FROM per_hari
),
hari AS (
    SELECT tanggal::DATE AS tanggal
    FROM generate_series($dari::DATE, $sampai::DATE, INTERVAL 1 DAY) AS t(tanggal)
)
SELECT
    h.tanggal,
    b.blangko_sisa::BIGINT AS blangko_sisa,
    b.wilayah_dengan_stok::BIGINT AS wilayah_dengan_stok,
    (CASE WHEN b.tanggal = h.tanggal THEN b.melapor ELSE 0 END)::BIGINT AS wilayah_melapor_stok
FROM hari AS h
ASOF JOIN berjalan AS b ON h.tanggal >= b.tanggal
WHERE b.wilayah_dengan_stok > 0
ORDER BY h.tanggal;
