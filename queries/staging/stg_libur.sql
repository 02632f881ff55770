-- one row per Indonesian public holiday (cuti bersama excluded: it counts as a working day); no parameters
CREATE OR REPLACE VIEW stg_libur AS
SELECT
    tanggal::DATE AS tanggal,
    nama
FROM read_parquet(getvariable('versi').libur);
