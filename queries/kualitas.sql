-- one row per region of level $tingkat inside $wilayah (default: its children; kecamatan is the
-- finest, as the kecamatan is the unit of reporting; desa gives kecamatan rows): kecamatan units in
-- the master, reporting as of $tanggal, reporting on $tanggal itself, stale (latest report over 7 days
-- older), never reported, and the warnings kept for reports of the 7 days up to $tanggal;
-- params: $wilayah, $tanggal, $tingkat
WITH unit AS (
    SELECT kode_wilayah AS kode_kecamatan
    FROM stg_wilayah
    WHERE tingkat = 'kecamatan' AND dalam_wilayah(kode_wilayah, $wilayah)
),
-- each kecamatan's latest report at or before $tanggal, from the rollup
terakhir AS (
    SELECT kode_wilayah AS kode_kecamatan, tanggal_laporan AS tanggal_lapor
    FROM stg_agregat
    WHERE tingkat = 'kecamatan'
      AND bulan = bulan_dari(least($tanggal::DATE, agregat_akhir()))
      AND tanggal = least($tanggal::DATE, agregat_akhir())
      AND dalam_wilayah(kode_wilayah, $wilayah)
),
status AS (
    SELECT
        left(u.kode_kecamatan, least(panjang_kode($tingkat), 8)) AS kode_wilayah,
        count(*) AS unit_total,
        count(t.tanggal_lapor) AS unit_melapor,
        count(*) FILTER (WHERE t.tanggal_lapor = $tanggal::DATE) AS unit_lapor_hari_ini,
        count(*) FILTER (WHERE t.tanggal_lapor < $tanggal::DATE - INTERVAL 7 DAY) AS unit_tertinggal,
        count(*) FILTER (WHERE t.tanggal_lapor IS NULL) AS unit_belum_pernah,
        max(t.tanggal_lapor) AS tanggal_laporan_terakhir
    FROM unit AS u
    LEFT JOIN terakhir AS t USING (kode_kecamatan)
    GROUP BY ALL
),
peringatan AS (
    -- the warnings counted per region and day
    SELECT kode_wilayah, sum(jumlah)::BIGINT AS peringatan
    FROM stg_peringatan_harian
    WHERE pakai_peringatan_harian()
      AND tingkat = CASE WHEN $tingkat = 'desa' THEN 'kecamatan' ELSE $tingkat END
      AND bulan BETWEEN bulan_dari($tanggal::DATE - INTERVAL 7 DAY) AND bulan_dari($tanggal)
      AND tanggal BETWEEN $tanggal::DATE - INTERVAL 7 DAY AND $tanggal::DATE
      AND dalam_wilayah(kode_wilayah, $wilayah)
    GROUP BY ALL
    UNION ALL
    -- a store without the counts: the warnings themselves
    SELECT left(kode_wilayah, least(panjang_kode($tingkat), 8)) AS kode_wilayah, count(*) AS peringatan
    FROM stg_peringatan
    WHERE NOT pakai_peringatan_harian()
      AND tanggal BETWEEN $tanggal::DATE - INTERVAL 7 DAY AND $tanggal::DATE
      AND dalam_wilayah(kode_wilayah, $wilayah)
    GROUP BY ALL
)
SELECT
    s.kode_wilayah,
    w.nama_wilayah,
    w.tingkat,
    $tanggal::DATE AS tanggal,
    s.unit_total,
    s.unit_melapor,
    s.unit_lapor_hari_ini,
    s.unit_tertinggal,
    s.unit_belum_pernah,
    s.tanggal_laporan_terakhir,
    coalesce(p.peringatan, 0) AS peringatan
FROM status AS s
JOIN stg_wilayah AS w USING (kode_wilayah)
LEFT JOIN peringatan AS p USING (kode_wilayah)
ORDER BY s.unit_tertinggal + s.unit_belum_pernah DESC, s.kode_wilayah;
