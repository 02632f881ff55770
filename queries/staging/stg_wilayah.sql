-- one row per region of the Kemendagri master, nation to village; no parameters
CREATE OR REPLACE VIEW stg_wilayah AS
SELECT
    kode_wilayah,
    nama_wilayah,
    tingkat,
    kode_induk,
    jenis
FROM read_parquet(getvariable('versi').wilayah);
