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
),
-- summed first, then named from the regions inside $wilayah (a code range: the scan of the region
-- master skips the row groups outside it; a kecamatan's names were a read of all 91,600 regions)
jumlah AS (
    SELECT
        jenis_peringatan,
        jenis_data,
        kode_wilayah,
        sum(jumlah)::BIGINT AS jumlah,
        min(tanggal) AS tanggal_pertama,
        max(tanggal) AS tanggal_terakhir
    FROM peringatan
    GROUP BY ALL
)
SELECT
    j.jenis_peringatan,
    j.jenis_data,
    j.kode_wilayah,
    coalesce(w.nama_wilayah, j.kode_wilayah) AS nama_wilayah,
    j.jumlah,
    j.tanggal_pertama,
    j.tanggal_terakhir
FROM jumlah AS j
LEFT JOIN (
    SELECT kode_wilayah, nama_wilayah FROM stg_wilayah WHERE dalam_wilayah(kode_wilayah, $wilayah)
) AS w USING (kode_wilayah)
ORDER BY j.jumlah DESC, j.kode_wilayah, j.jenis_peringatan, j.jenis_data;
