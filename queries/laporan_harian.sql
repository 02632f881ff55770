-- one row per report date from $dari to $sampai inside $wilayah: the snapshots present, how many
-- kecamatan and kabupaten/kota reported in each, at which level, and the warnings kept for it;
-- params: $wilayah, $dari, $sampai
WITH laporan AS (
    -- down to kecamatan: the region's rollup rows on the days something in it was reported
    SELECT
        tanggal,
        baris_hari_ini AS baris,
        unit_lapor_hari_ini AS kecamatan_melapor,
        kabkota_lapor_hari_ini AS kabkota_melapor,
        tingkat_hari_ini AS tingkat_unit
    FROM stg_agregat
    WHERE NOT perlu_laporan($wilayah, '')
      AND kode_wilayah = $wilayah
      AND tingkat = tingkat_kode($wilayah)
      AND bulan BETWEEN bulan_dari($dari) AND bulan_dari($sampai)
      AND tanggal BETWEEN $dari::DATE AND $sampai::DATE
      AND unit_lapor_hari_ini > 0
    UNION ALL
    -- a village: its own rows in the reports of those days
    SELECT
        tanggal,
        count(*) AS baris,
        count(DISTINCT kode_kecamatan) AS kecamatan_melapor,
        count(DISTINCT kode_kabkota) AS kabkota_melapor,
        string_agg(DISTINCT tingkat, ', ' ORDER BY tingkat) AS tingkat_unit
    FROM stg_rekam
    WHERE perlu_laporan($wilayah, '')
      AND tanggal BETWEEN $dari::DATE AND $sampai::DATE
      AND kode_wilayah = $wilayah
    GROUP BY tanggal
),
peringatan AS (
    -- the warnings counted per region and day
    SELECT tanggal, jumlah AS peringatan
    FROM peringatan_per_hari($wilayah, $dari, $sampai)
    UNION ALL
    -- a store without the counts: the warnings themselves
    SELECT tanggal, count(*) AS peringatan
    FROM stg_peringatan
    WHERE NOT pakai_peringatan_harian()
      AND tanggal BETWEEN $dari::DATE AND $sampai::DATE
      AND dalam_wilayah(kode_wilayah, $wilayah)
    GROUP BY tanggal
)
SELECT
    l.tanggal,
    l.baris,
    l.kecamatan_melapor,
    l.kabkota_melapor,
    l.tingkat_unit,
    coalesce(p.peringatan, 0) AS peringatan
FROM laporan AS l
LEFT JOIN peringatan AS p USING (tanggal)
ORDER BY l.tanggal DESC;
