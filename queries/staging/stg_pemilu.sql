-- one row per election and scope (cakupan: region code prefix, '' = national); no parameters
CREATE OR REPLACE VIEW stg_pemilu AS
SELECT
    nama,
    tanggal::DATE AS tanggal,
    coalesce(cakupan, '') AS cakupan,
    target_persen::DOUBLE AS target_persen,
    catatan
FROM read_parquet(getvariable('versi').pemilu);
