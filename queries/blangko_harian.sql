-- one row per calendar day from $dari to $sampai: the blangko stock of $wilayah, each print-log region
-- (kabupaten/kota, or kecamatan where logged so) counting with its latest stock at or before that
-- day, so a region that did not report on a day does not drop out of the total; params: $wilayah,
-- $dari, $sampai
WITH stok AS (
    -- stock is per region and day, whatever the service: take each region's figure once
    SELECT kode_wilayah, tanggal, max(blangko_sisa) AS blangko_sisa
    FROM stg_cetak
    WHERE tanggal <= $sampai::DATE
      AND blangko_sisa IS NOT NULL
      AND dalam_wilayah(kode_wilayah, $wilayah)
    GROUP BY ALL
),
hari AS (
    SELECT tanggal::DATE AS tanggal
    FROM generate_series($dari::DATE, $sampai::DATE, INTERVAL 1 DAY) AS t(tanggal)
),
kisi AS (
    SELECT w.kode_wilayah, h.tanggal
    FROM (SELECT DISTINCT kode_wilayah FROM stok) AS w
    CROSS JOIN hari AS h
),
berlaku AS (
    SELECT k.tanggal, k.kode_wilayah, s.blangko_sisa, s.tanggal AS tanggal_stok
    FROM kisi AS k
    ASOF JOIN stok AS s
        ON k.kode_wilayah = s.kode_wilayah
       AND k.tanggal >= s.tanggal
)
SELECT
    tanggal,
    sum(blangko_sisa)::BIGINT AS blangko_sisa,
    count(*) AS wilayah_dengan_stok,
    count(*) FILTER (WHERE tanggal_stok = tanggal) AS wilayah_melapor_stok
FROM berlaku
GROUP BY tanggal
ORDER BY tanggal;
