-- one row per region of level $tingkat inside $wilayah (default: its children) as of $tanggal,
-- ranked by coverage (1 = highest), with the rank as of $banding; params: $wilayah, $tanggal,
-- $tingkat, $banding. Regions of the master without data are listed last, unranked.
WITH kini AS (
    SELECT * FROM rekam_tingkat($wilayah, $tanggal, $tingkat)
),
banding AS (
    SELECT * FROM rekam_tingkat($wilayah, $banding, $tingkat)
),
peringkat_kini AS (
    SELECT
        *,
        persen(sudah_rekam, wajib_ktp) AS persen_rekam,
        rank() OVER (ORDER BY persen(sudah_rekam, wajib_ktp) DESC NULLS LAST) AS peringkat
    FROM kini
),
peringkat_banding AS (
    SELECT
        kode_wilayah,
        persen(sudah_rekam, wajib_ktp) AS persen_rekam,
        rank() OVER (ORDER BY persen(sudah_rekam, wajib_ktp) DESC NULLS LAST) AS peringkat
    FROM banding
)
SELECT
    w.kode_wilayah,
    w.nama_wilayah,
    w.tingkat,
    $tanggal::DATE AS tanggal,
    k.tanggal_laporan,
    k.wajib_ktp,
    k.sudah_rekam,
    k.belum_rekam,
    k.persen_rekam,
    k.prr,
    k.sudah_cetak,
    coalesce(k.unit_melapor, 0) AS unit_melapor,
    coalesce(k.unit_tertinggal, 0) AS unit_tertinggal,
    k.peringkat,
    $banding::DATE AS tanggal_banding,
    b.persen_rekam AS persen_rekam_banding,
    b.peringkat AS peringkat_banding,
    b.peringkat - k.peringkat AS perubahan_peringkat
FROM stg_wilayah AS w
LEFT JOIN peringkat_kini AS k USING (kode_wilayah)
LEFT JOIN peringkat_banding AS b USING (kode_wilayah)
WHERE w.tingkat = $tingkat
  AND dalam_wilayah(w.kode_wilayah, $wilayah)
ORDER BY k.peringkat NULLS LAST, w.kode_wilayah;
