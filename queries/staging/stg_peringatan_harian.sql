-- the warnings counted at ingest (pantau/agregat.py): one row per report date, level (nasional,
-- provinsi, kabkota, kecamatan), region (left of each warning's code to the level's length), kind
-- of data and kind of warning, with how many warnings; no parameters. `bulan` ('YYYY-MM', from the
-- file's folder) lets a filter skip whole months. Complete for a store version when
-- getvariable('versi').peringatan_harian_lengkap (a store written before these counts existed
-- has none until its next publish; the queries then count stg_peringatan itself).
-- stg_peringatan_harian_berkas reads the files; stg_peringatan_harian is what the queries read: the
-- files, or the current version's rows above villages of the last days kept in memory (named per
-- cursor in getvariable('versi').sumber_peringatan_harian)
CREATE OR REPLACE VIEW stg_peringatan_harian_berkas AS
SELECT
    tanggal,
    tingkat,
    kode_wilayah,
    jenis_data,
    jenis_peringatan,
    jumlah,
    bulan
FROM read_parquet(getvariable('versi').peringatan_harian, hive_partitioning = true, hive_types_autocast = false);

CREATE OR REPLACE VIEW stg_peringatan_harian AS
SELECT * FROM query_table(getvariable('versi').sumber_peringatan_harian);
