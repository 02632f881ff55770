-- one row for $wilayah as of $tanggal, with the figures as of the region's previous report date
-- beside them (<column>_sebelumnya, tanggal_sebelumnya); params: $wilayah, $tanggal
WITH kini AS (
    SELECT * FROM rekam_tingkat($wilayah, $tanggal, tingkat_kode($wilayah))
),
kabkota AS (
    SELECT
        count(*) FILTER (WHERE tanggal_laporan < $tanggal::DATE - INTERVAL 7 DAY) AS kabkota_tertinggal
    FROM rekam_tingkat($wilayah, $tanggal, 'kabkota')
),
tanggal_sebelumnya AS (
    SELECT max(tanggal) AS tanggal
    FROM stg_rekam
    WHERE tanggal < (SELECT tanggal_laporan FROM kini)
      AND (dalam_wilayah(kode_wilayah, $wilayah) OR dalam_wilayah($wilayah, kode_kecamatan))
),
sebelumnya AS (
    SELECT *
    FROM rekam_tingkat($wilayah, (SELECT tanggal FROM tanggal_sebelumnya), tingkat_kode($wilayah))
)
SELECT
    w.kode_wilayah,
    w.nama_wilayah,
    w.tingkat,
    $tanggal::DATE AS tanggal,
    kini.tanggal_laporan,
    kini.wajib_ktp,
    kini.sudah_rekam,
    kini.belum_rekam,
    persen(kini.sudah_rekam, kini.wajib_ktp) AS persen_rekam,
    kini.prr,
    kini.sudah_cetak,
    coalesce(kini.unit_melapor, 0) AS unit_melapor,
    coalesce(kini.unit_tertinggal, 0) AS unit_tertinggal,
    coalesce(kabkota.kabkota_tertinggal, 0) AS kabkota_tertinggal,
    (SELECT tanggal FROM tanggal_sebelumnya) AS tanggal_sebelumnya,
    sebelumnya.wajib_ktp AS wajib_ktp_sebelumnya,
    sebelumnya.sudah_rekam AS sudah_rekam_sebelumnya,
    sebelumnya.belum_rekam AS belum_rekam_sebelumnya,
    persen(sebelumnya.sudah_rekam, sebelumnya.wajib_ktp) AS persen_rekam_sebelumnya,
    sebelumnya.prr AS prr_sebelumnya,
    sebelumnya.sudah_cetak AS sudah_cetak_sebelumnya
FROM stg_wilayah AS w
LEFT JOIN kini ON TRUE
LEFT JOIN sebelumnya ON TRUE
CROSS JOIN kabkota
WHERE w.kode_wilayah = $wilayah;
