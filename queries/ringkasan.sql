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
-- the region's previous report date, within the 92 days before its latest: the days its rollup row
-- (a village's: its kecamatan's) shows a kecamatan in it reporting
tanggal_sebelumnya AS (
    SELECT max(tanggal) AS tanggal
    FROM stg_agregat
    WHERE kode_wilayah = left($wilayah, 8)
      AND tingkat = tingkat_kode(left($wilayah, 8))
      AND bulan BETWEEN bulan_dari(least($tanggal::DATE, agregat_akhir()) - INTERVAL 92 DAY)
                    AND bulan_dari(least($tanggal::DATE, agregat_akhir()))
      AND unit_lapor_hari_ini > 0
      AND tanggal < (SELECT tanggal_laporan FROM kini)
      AND tanggal >= (SELECT tanggal_laporan FROM kini) - INTERVAL 92 DAY
),
-- the figures on that date: the region's rollup row, or a village's row in that report (its
-- kecamatan reported then, so that report is the village's figure as of that date)
sebelumnya AS (
    SELECT wajib_ktp, sudah_rekam, belum_rekam, prr, sudah_cetak
    FROM stg_agregat
    WHERE NOT perlu_laporan($wilayah, '')
      AND kode_wilayah = $wilayah
      AND tingkat = tingkat_kode($wilayah)
      AND bulan BETWEEN bulan_dari(least($tanggal::DATE, agregat_akhir()) - INTERVAL 92 DAY)
                    AND bulan_dari(least($tanggal::DATE, agregat_akhir()))
      AND tanggal = (SELECT tanggal FROM tanggal_sebelumnya)
    UNION ALL
    SELECT
        wajib_ktp, sudah_rekam, greatest(wajib_ktp - sudah_rekam, 0) AS belum_rekam, prr, sudah_cetak
    FROM stg_rekam
    WHERE perlu_laporan($wilayah, '')
      AND kode_wilayah = $wilayah
      AND tanggal = (SELECT tanggal FROM tanggal_sebelumnya)
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
