-- one row per region (kabkota or kecamatan), day and service type of the print log; no parameters
CREATE OR REPLACE VIEW stg_cetak AS
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
