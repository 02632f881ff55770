-- one row per calendar day from $dari to $sampai: the blangko stock of $wilayah, each print-log region
-- (kabupaten/kota, or kecamatan where logged so) counting with its latest stock at or before that
-- day, so a region that did not report on a day does not drop out of the total. Each region's stock
-- changes only on its report days, so the day's total is the running sum of those changes: no grid
-- of regions x days is built; params: $wilayah, $dari, $sampai
WITH stok AS (
    -- each region's stock on its report days in the range, and its latest before the range
    SELECT kode_wilayah, tanggal, max(blangko_sisa) AS blangko_sisa
    FROM stg_cetak
    WHERE tanggal BETWEEN $dari::DATE AND $sampai::DATE
      AND blangko_sisa IS NOT NULL
      AND dalam_wilayah(kode_wilayah, $wilayah)
    GROUP BY ALL
    UNION ALL
    SELECT kode_wilayah, terakhir.tanggal, terakhir.blangko_sisa
    FROM (
        SELECT kode_wilayah, max(struct_pack(tanggal := tanggal, blangko_sisa := blangko_sisa)) AS terakhir
        FROM stg_cetak
        WHERE tanggal < $dari::DATE
          AND blangko_sisa IS NOT NULL
          AND dalam_wilayah(kode_wilayah, $wilayah)
        GROUP BY ALL
    )
),
ubah AS (
    SELECT
        greatest(tanggal, $dari::DATE) AS tanggal,
        blangko_sisa - coalesce(lag(blangko_sisa) OVER w, 0) AS selisih,
        (lag(tanggal) OVER w IS NULL)::INTEGER AS baru,
        (tanggal >= $dari::DATE)::INTEGER AS melapor
    FROM stok
    WINDOW w AS (PARTITION BY kode_wilayah ORDER BY tanggal)
),
per_hari AS (
    SELECT tanggal, sum(selisih) AS selisih, sum(baru) AS baru, sum(melapor) AS melapor
    FROM ubah
    GROUP BY tanggal
),
hari AS (
    SELECT tanggal::DATE AS tanggal
    FROM generate_series($dari::DATE, $sampai::DATE, INTERVAL 1 DAY) AS t(tanggal)
),
berjalan AS (
    SELECT
        h.tanggal,
        sum(coalesce(p.selisih, 0)) OVER (ORDER BY h.tanggal)::BIGINT AS blangko_sisa,
        sum(coalesce(p.baru, 0)) OVER (ORDER BY h.tanggal)::BIGINT AS wilayah_dengan_stok,
        coalesce(p.melapor, 0)::BIGINT AS wilayah_melapor_stok
    FROM hari AS h
    LEFT JOIN per_hari AS p USING (tanggal)
)
SELECT tanggal, blangko_sisa, wilayah_dengan_stok, wilayah_melapor_stok
FROM berjalan
WHERE wilayah_dengan_stok > 0
ORDER BY tanggal;
