-- one row per region of $wilayah (comma-separated, several allowed) per calendar day from $dari
-- to $sampai: coverage as of that day, each kecamatan carrying its latest report forward;
-- params: $wilayah, $dari, $sampai
WITH wilayah AS (
    SELECT DISTINCT trim(kode) AS kode
    FROM unnest(string_split($wilayah, ',')) AS t(kode)
),
hari AS (
    SELECT tanggal::DATE AS tanggal
    FROM generate_series($dari::DATE, $sampai::DATE, INTERVAL 1 DAY) AS t(tanggal)
),
-- regions down to kecamatan: their rollup rows, the last one carried past the rollup's end
dari_agregat AS (
    SELECT h.tanggal, a.kode_wilayah, a.wajib_ktp, a.sudah_rekam, a.belum_rekam, a.prr, a.sudah_cetak
    FROM stg_agregat AS a
    JOIN hari AS h ON a.tanggal = least(h.tanggal, agregat_akhir())
    WHERE list_contains(string_split($wilayah, ','), a.kode_wilayah)
      AND a.bulan BETWEEN bulan_dari(least($dari::DATE, agregat_akhir())) AND bulan_dari(least($sampai::DATE, agregat_akhir()))
      AND a.tanggal BETWEEN least($dari::DATE, agregat_akhir()) AND least($sampai::DATE, agregat_akhir())
),
-- villages: every report date of each village's kecamatan, whatever units it holds: a newer report
-- that leaves a village out replaces the older one that had it
laporan_kecamatan AS (
    SELECT DISTINCT w.kode AS kode_wilayah, r.kode_kecamatan, r.tanggal
    FROM stg_rekam AS r
    JOIN wilayah AS w
        ON dalam_wilayah(w.kode, r.kode_kecamatan)
    WHERE ada_desa($wilayah)
      AND length(w.kode) > 8
      AND r.tanggal <= $sampai::DATE
),
-- each region's reporting units summed per kecamatan and report date
jumlah AS (
    SELECT
        w.kode AS kode_wilayah,
        r.kode_kecamatan,
        r.tanggal,
        sum(r.wajib_ktp)::BIGINT AS wajib_ktp,
        sum(r.sudah_rekam)::BIGINT AS sudah_rekam,
        sum(greatest(r.wajib_ktp - r.sudah_rekam, 0))::BIGINT AS belum_rekam,
        sum(r.prr)::BIGINT AS prr,
        sum(r.sudah_cetak)::BIGINT AS sudah_cetak
    FROM stg_rekam AS r
    JOIN wilayah AS w ON dalam_wilayah(r.kode_wilayah, w.kode)
    WHERE ada_desa($wilayah)
      AND length(w.kode) > 8
      AND r.tanggal <= $sampai::DATE
    GROUP BY ALL
),
laporan AS (
    SELECT k.kode_wilayah, k.kode_kecamatan, k.tanggal, j.*EXCLUDE (kode_wilayah, kode_kecamatan, tanggal)
    FROM laporan_kecamatan AS k
    LEFT JOIN jumlah AS j USING (kode_wilayah, kode_kecamatan, tanggal)
),
kisi AS (
    SELECT u.kode_wilayah, u.kode_kecamatan, h.tanggal
    FROM (SELECT DISTINCT kode_wilayah, kode_kecamatan FROM laporan) AS u
    CROSS JOIN hari AS h
),
dari_laporan AS (
    SELECT k.tanggal, k.kode_wilayah, l.wajib_ktp, l.sudah_rekam, l.belum_rekam, l.prr, l.sudah_cetak
    FROM kisi AS k
    ASOF JOIN laporan AS l
        ON k.kode_wilayah = l.kode_wilayah
       AND k.kode_kecamatan = l.kode_kecamatan
       AND k.tanggal >= l.tanggal
),
berlaku AS (
    SELECT * FROM dari_agregat
    UNION ALL
    SELECT * FROM dari_laporan
)
SELECT
    b.kode_wilayah,
    w.nama_wilayah,
    w.tingkat,
    b.tanggal,
    sum(b.wajib_ktp)::BIGINT AS wajib_ktp,
    sum(b.sudah_rekam)::BIGINT AS sudah_rekam,
    sum(b.belum_rekam)::BIGINT AS belum_rekam,
    persen(sum(b.sudah_rekam)::BIGINT, sum(b.wajib_ktp)::BIGINT) AS persen_rekam,
    sum(b.prr)::BIGINT AS prr,
    sum(b.sudah_cetak)::BIGINT AS sudah_cetak
FROM berlaku AS b
JOIN stg_wilayah AS w USING (kode_wilayah)
GROUP BY ALL
ORDER BY b.kode_wilayah, b.tanggal;
