-- one row per validation warning kept for reports from $dari to $sampai inside $wilayah, newest
-- first, with the region's name; params: $wilayah, $dari, $sampai (by default both the newest report
-- date: an export of the day's warnings; a year of a whole nation is millions of rows)
SELECT
    p.tanggal,
    p.jenis_data,
    p.kode_wilayah,
    w.nama_wilayah,
    p.kolom,
    p.nilai,
    p.aturan,
    p.berkas
FROM stg_peringatan AS p
LEFT JOIN stg_wilayah AS w USING (kode_wilayah)
WHERE p.tanggal BETWEEN $dari::DATE AND $sampai::DATE
  AND dalam_wilayah(p.kode_wilayah, $wilayah)
ORDER BY p.tanggal DESC, p.kode_wilayah, p.kolom;
