-- one row per region (kabkota or kecamatan), day and service type of the print log; no parameters.
-- stg_cetak_berkas reads the files; stg_cetak is what the queries read: the files, or the current
-- version's rows kept in memory (`Database` in pantau/queries.py names which, per cursor, in
-- getvariable('versi').sumber_cetak)
CREATE OR REPLACE VIEW stg_cetak_berkas AS
SELECT
    tanggal::DATE AS tanggal,
    kode_wilayah,
    tingkat,
    layanan,
    tercetak::BIGINT AS tercetak,
    permohonan::BIGINT AS permohonan,
    rekam_baru::BIGINT AS rekam_baru,
    blangko_diterima::BIGINT AS blangko_diterima,
    blangko_sisa::BIGINT AS blangko_sisa
FROM read_parquet(getvariable('versi').cetak, hive_partitioning = false);

CREATE OR REPLACE VIEW stg_cetak AS
SELECT * FROM query_table(getvariable('versi').sumber_cetak);

-- one row per print-log region and day it reported its blangko stock: the stock (the largest figure
-- of its rows that day), its change since the region's previous stock report (the whole stock at
-- its first) and whether that is its first (`baru`). A day's total stock over regions, each at its
-- latest report, is then the sum of the changes up to that day. stg_stok_berkas computes it from
-- stg_cetak; stg_stok is what the queries read: that, or the current version's rows kept in memory
-- (getvariable('versi').sumber_stok)
CREATE OR REPLACE VIEW stg_stok_berkas AS
WITH stok AS (
    SELECT kode_wilayah, tanggal, max(blangko_sisa) AS blangko_sisa
    FROM stg_cetak
    WHERE blangko_sisa IS NOT NULL
    GROUP BY ALL
)
SELECT
    kode_wilayah,
    tanggal,
    blangko_sisa,
    blangko_sisa - coalesce(lag(blangko_sisa) OVER w, 0) AS selisih,
    (lag(tanggal) OVER w IS NULL)::INTEGER AS baru
FROM stok
WINDOW w AS (PARTITION BY kode_wilayah ORDER BY tanggal);

CREATE OR REPLACE VIEW stg_stok AS
SELECT * FROM query_table(getvariable('versi').sumber_stok);
