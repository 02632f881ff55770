-- one row per outreach unit (sasaran jemput bola) inside $wilayah as of $tanggal, most belum rekam
-- first. With $tingkat = 'desa' a unit is the reporting unit: a village, or a kecamatan whose latest
-- report is not split by village; with 'kecamatan' the kecamatan. Also the unit's belum rekam as of
-- $dari and its change (negative = falling), its share of the region's belum rekam (the sum over
-- all units, as in ringkasan) and the cumulative share down the list; params: $wilayah, $tanggal,
-- $dari, $tingkat
WITH kini AS (
    SELECT
        CASE WHEN $tingkat = 'kecamatan' THEN kode_kecamatan ELSE kode_wilayah END AS kode_unit,
        sum(wajib_ktp)::BIGINT AS wajib_ktp,
        sum(sudah_rekam)::BIGINT AS sudah_rekam,
        sum(greatest(wajib_ktp - sudah_rekam, 0))::BIGINT AS belum_rekam,
        max(tanggal_lapor) AS tanggal_laporan
    FROM rekam_asof($wilayah, $tanggal::DATE)
    GROUP BY 1
),
dulu AS (
    SELECT
        CASE WHEN $tingkat = 'kecamatan' THEN kode_kecamatan ELSE kode_wilayah END AS kode_unit,
        sum(greatest(wajib_ktp - sudah_rekam, 0))::BIGINT AS belum_rekam
    FROM rekam_asof($wilayah, $dari::DATE)
    GROUP BY 1
),
urut AS (
    SELECT
        k.*,
        d.belum_rekam AS belum_rekam_dari,
        row_number() OVER (ORDER BY k.belum_rekam DESC, k.kode_unit) AS urutan,
        sum(k.belum_rekam) OVER () AS belum_rekam_wilayah,
        sum(k.belum_rekam) OVER (ORDER BY k.belum_rekam DESC, k.kode_unit ROWS UNBOUNDED PRECEDING) AS belum_kumulatif
    FROM kini AS k
    LEFT JOIN dulu AS d USING (kode_unit)
)
SELECT
    u.urutan,
    u.kode_unit AS kode_wilayah,
    w.nama_wilayah,
    tingkat_kode(u.kode_unit) AS tingkat,
    left(u.kode_unit, 8) AS kode_kecamatan,
    kec.nama_wilayah AS nama_kecamatan,
    left(u.kode_unit, 5) AS kode_kabkota,
    kab.nama_wilayah AS nama_kabkota,
    $tanggal::DATE AS tanggal,
    u.wajib_ktp,
    u.sudah_rekam,
    u.belum_rekam,
    persen(u.sudah_rekam, u.wajib_ktp) AS persen_rekam,
    $dari::DATE AS tanggal_dari,
    u.belum_rekam_dari,
    u.belum_rekam - u.belum_rekam_dari AS perubahan_belum_rekam,
    persen(u.belum_rekam, u.belum_rekam_wilayah) AS porsi_belum_rekam,
    persen(u.belum_kumulatif, u.belum_rekam_wilayah) AS porsi_kumulatif,
    u.tanggal_laporan
FROM urut AS u
LEFT JOIN stg_wilayah AS w ON w.kode_wilayah = u.kode_unit
LEFT JOIN stg_wilayah AS kec ON kec.kode_wilayah = left(u.kode_unit, 8)
LEFT JOIN stg_wilayah AS kab ON kab.kode_wilayah = left(u.kode_unit, 5)
ORDER BY u.urutan;
