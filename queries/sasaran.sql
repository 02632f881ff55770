-- one row per outreach unit (sasaran jemput bola) inside $wilayah as of $tanggal, most belum rekam
-- first, the first $jumlah only (0 = every unit). With $tingkat = 'desa' a unit is the reporting unit:
-- a village, or a kecamatan whose latest report is not split by village; with 'kecamatan' the
-- kecamatan. Also the unit's belum rekam as of $dari and its change (negative = falling), its share of
-- the region's belum rekam (the sum over all units, as in ringkasan), the cumulative share down the
-- list, and the whole list's size: its units, those listed as a whole kecamatan, and the region's
-- belum rekam; params: $wilayah, $tanggal, $dari, $tingkat, $jumlah
WITH laporan AS (
    SELECT * FROM rekam_asof($wilayah, $tanggal::DATE)
),
-- a village (or a kecamatan reported whole) is one row of its kecamatan's latest report (ingest
-- refuses a unit twice on one date; a report replaces its kecamatan's rows of that date): no grouping
kini AS (
    SELECT
        kode_wilayah AS kode_unit,
        wajib_ktp,
        sudah_rekam,
        greatest(wajib_ktp - sudah_rekam, 0) AS belum_rekam,
        tanggal_lapor AS tanggal_laporan
    FROM laporan
    WHERE $tingkat = 'desa'
    UNION ALL
    SELECT
        kode_kecamatan,
        sum(wajib_ktp)::BIGINT,
        sum(sudah_rekam)::BIGINT,
        sum(greatest(wajib_ktp - sudah_rekam, 0))::BIGINT,
        max(tanggal_lapor)
    FROM laporan
    WHERE $tingkat = 'kecamatan'
    GROUP BY kode_kecamatan
),
-- the whole list's size, before the first $jumlah are taken
seluruh AS (
    SELECT
        count(*) AS jumlah_unit,
        count(*) FILTER (WHERE length(kode_unit) = 8) AS unit_kecamatan,
        sum(belum_rekam)::BIGINT AS belum_rekam_wilayah
    FROM kini
),
-- the first $jumlah: a top-N, not a sort of every unit (a nation has 83,762 villages)
pilih AS (
    SELECT *
    FROM kini
    ORDER BY belum_rekam DESC, kode_unit
    LIMIT CASE WHEN $jumlah > 0 THEN $jumlah END
),
urut AS (
    SELECT
        *,
        row_number() OVER (ORDER BY belum_rekam DESC, kode_unit) AS urutan,
        sum(belum_rekam) OVER (ORDER BY belum_rekam DESC, kode_unit ROWS UNBOUNDED PRECEDING) AS belum_kumulatif
    FROM pilih
),
-- belum rekam as of $dari of the listed units only
dulu AS (
    SELECT
        CASE WHEN $tingkat = 'kecamatan' THEN kode_kecamatan ELSE kode_wilayah END AS kode_unit,
        sum(greatest(wajib_ktp - sudah_rekam, 0))::BIGINT AS belum_rekam
    FROM rekam_asof($wilayah, $dari::DATE)
    WHERE CASE WHEN $tingkat = 'kecamatan' THEN kode_kecamatan ELSE kode_wilayah END IN (SELECT kode_unit FROM pilih)
    GROUP BY 1
),
-- the names of the listed units, their kecamatan and their regency: one read of the region master
nama AS (
    SELECT kode_wilayah, nama_wilayah
    FROM stg_wilayah
    WHERE kode_wilayah IN (SELECT unnest([kode_unit, left(kode_unit, 8), left(kode_unit, 5)]) FROM pilih)
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
    d.belum_rekam AS belum_rekam_dari,
    u.belum_rekam - d.belum_rekam AS perubahan_belum_rekam,
    persen(u.belum_rekam, s.belum_rekam_wilayah) AS porsi_belum_rekam,
    persen(u.belum_kumulatif, s.belum_rekam_wilayah) AS porsi_kumulatif,
    u.tanggal_laporan,
    s.jumlah_unit,
    s.unit_kecamatan,
    s.belum_rekam_wilayah
FROM urut AS u
CROSS JOIN seluruh AS s
LEFT JOIN dulu AS d USING (kode_unit)
LEFT JOIN nama AS w ON w.kode_wilayah = u.kode_unit
LEFT JOIN nama AS kec ON kec.kode_wilayah = left(u.kode_unit, 8)
LEFT JOIN nama AS kab ON kab.kode_wilayah = left(u.kode_unit, 5)
ORDER BY u.urutan;
