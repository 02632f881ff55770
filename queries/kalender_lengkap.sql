-- one row per election and scope in the calendar in use (the uploaded one, else the built-in one),
-- oldest first, whatever its scope, with `berlaku`: does it concern $wilayah (national, a scope
-- containing the region, or a scope inside it); params: $wilayah
SELECT
    nama,
    tanggal,
    cakupan,
    target_persen,
    catatan,
    cakupan = '' OR dalam_wilayah($wilayah, cakupan) OR dalam_wilayah(cakupan, $wilayah) AS berlaku
FROM stg_pemilu
ORDER BY tanggal, nama, cakupan;
