-- one row per reporting unit (kecamatan or desa) per report date, as stored; no parameters
CREATE OR REPLACE VIEW stg_rekam AS
SELECT
    tanggal::DATE AS tanggal,
    kode_wilayah,
    tingkat,
    kode_kecamatan,
    left(kode_wilayah, 5) AS kode_kabkota,
    left(kode_wilayah, 2) AS kode_provinsi,
    wajib_ktp::BIGINT AS wajib_ktp,
    sudah_rekam::BIGINT AS sudah_rekam,
    prr::BIGINT AS prr,
    sudah_cetak::BIGINT AS sudah_cetak
FROM read_parquet(getvariable('versi').rekam, hive_partitioning = false);
