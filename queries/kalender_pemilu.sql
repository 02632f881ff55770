-- one row per election that concerns $wilayah (national, or scoped to $wilayah or a region that
-- contains it), oldest first, with its scope (cakupan), target and note; params: $wilayah
SELECT
    nama,
    tanggal,
    cakupan,
    target_persen,
    catatan
FROM stg_pemilu
WHERE cakupan = '' OR dalam_wilayah($wilayah, cakupan)
ORDER BY tanggal, nama;
