-- the 200 newest validation warnings kept for reports from $dari to $sampai inside $wilayah (one
-- row per warning, newest report date first), with the region's name; params: $wilayah, $dari, $sampai
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
ORDER BY p.tanggal DESC, p.kode_wilayah, p.kolom, p.aturan
LIMIT 200;
