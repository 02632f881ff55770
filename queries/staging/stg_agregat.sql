-- the rollup kept at ingest (pantau/agregat.py): one row per region (nasional, provinsi, kabkota,
-- kecamatan) per calendar day from the first report to the last, from each kecamatan's latest
-- report at or before that day; no parameters. getvariable('versi').agregat_akhir is its last day. `bulan`
-- ('YYYY-MM', from the file's folder) lets a filter skip whole months without opening their files.
-- stg_agregat_berkas reads the files; stg_agregat is what the queries read: the files, or the
-- current version's rows kept in memory (`Database` in pantau/queries.py names which, per cursor,
-- in getvariable('versi').sumber_agregat).
CREATE OR REPLACE VIEW stg_agregat_berkas AS
SELECT
    tanggal,
    kode_wilayah,
    tingkat,
    wajib_ktp,
    sudah_rekam,
    belum_rekam,
    prr,
    sudah_cetak,
    tanggal_laporan,
    unit_melapor,
    unit_tertinggal,
    unit_lapor_hari_ini,
    kabkota_tertinggal,
    kabkota_lapor_hari_ini,
    baris_hari_ini,
    tingkat_hari_ini,
    bulan
FROM read_parquet(getvariable('versi').agregat, hive_partitioning = true, hive_types_autocast = false);

CREATE OR REPLACE VIEW stg_agregat AS
SELECT * FROM query_table(getvariable('versi').sumber_agregat);
