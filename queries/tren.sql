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
-- every report date of each kecamatan touching a region, whatever units it holds: a newer report
-- that leaves a village out replaces the older one that had it
laporan_kecamatan AS (
    SELECT DISTINCT w.kode AS kode_wilayah, r.kode_kecamatan, r.tanggal
    FROM stg_rekam AS r
    JOIN wilayah AS w
        ON dalam_wilayah(r.kode_kecamatan, w.kode) OR dalam_wilayah(w.kode, r.kode_kecamatan)
    WHERE r.tanggal <= $sampai::DATE
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
    WHERE r.tanggal <= $sampai::DATE
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
berlaku AS (
    SELECT k.kode_wilayah, k.tanggal, l.*EXCLUDE (kode_wilayah, tanggal)
    FROM kisi AS k
    ASOF JOIN laporan AS l
        ON k.kode_wilayah = l.kode_wilayah
       AND k.kode_kecamatan = l.kode_kecamatan
       AND k.tanggal >= l.tanggal
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
