-- one row per validation warning kept at ingest (never a rejection); no parameters
CREATE OR REPLACE VIEW stg_peringatan AS
SELECT
    tanggal::DATE AS tanggal,
    jenis_data,
    kode_wilayah,
    kode_kecamatan,
    kolom,
    nilai,
    aturan,
    berkas
FROM read_parquet(getvariable('versi').peringatan, hive_partitioning = false);
