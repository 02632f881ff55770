-- one row per kind of warning and region of level $tingkat inside $wilayah (default: its children)
-- for reports from $dari to $sampai, most warnings first: the kind is the rule's text without its
-- particulars (the tail after ';', bracketed parts, numbers and dates become '…'), so
-- "sudah_rekam turun dari 31054 pada laporan 2024-04-01; ..." counts as
-- "sudah_rekam turun dari … pada laporan …"; params: $wilayah, $dari, $sampai, $tingkat
WITH peringatan AS (
    -- the warnings counted per region and day
    SELECT jenis_peringatan, jenis_data, kode_wilayah, jumlah, tanggal
    FROM stg_peringatan_harian
    WHERE pakai_peringatan_harian()
      AND tingkat = $tingkat
      AND bulan BETWEEN bulan_dari($dari) AND bulan_dari($sampai)
      AND tanggal BETWEEN $dari::DATE AND $sampai::DATE
      AND dalam_wilayah(kode_wilayah, $wilayah)
    UNION ALL
    -- a store without the counts: the warnings themselves; the kind as in pantau/agregat.py
    -- warning_kind, which made the counts
    SELECT
        trim(regexp_replace(
            regexp_replace(regexp_replace(aturan, ';.*$', ''), '\s*\([^)]*\)', '', 'g'),
            '[0-9][0-9.,:-]*', '…', 'g'
        )) AS jenis_peringatan,
        jenis_data,
        left(kode_wilayah, panjang_kode($tingkat)) AS kode_wilayah,
        1 AS jumlah,
        tanggal
    FROM stg_peringatan
    WHERE NOT pakai_peringatan_harian()
      AND tanggal BETWEEN $dari::DATE AND $sampai::DATE
      AND dalam_wilayah(kode_wilayah, $wilayah)
)
SELECT
    p.jenis_peringatan,
    p.jenis_data,
    p.kode_wilayah,
    coalesce(w.nama_wilayah, p.kode_wilayah) AS nama_wilayah,
    sum(p.jumlah)::BIGINT AS jumlah,
    min(p.tanggal) AS tanggal_pertama,
    max(p.tanggal) AS tanggal_terakhir
FROM peringatan AS p
LEFT JOIN stg_wilayah AS w USING (kode_wilayah)
GROUP BY ALL
ORDER BY jumlah DESC, p.kode_wilayah, p.jenis_peringatan, p.jenis_data;
