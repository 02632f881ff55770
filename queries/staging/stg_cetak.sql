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
