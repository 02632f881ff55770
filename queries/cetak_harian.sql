-- one row per day from $dari to $sampai and service type (layanan) inside $wilayah, plus one row
-- per day with layanan = 'semua' for the day's total; params: $wilayah, $dari, $sampai
WITH log AS (
    SELECT *
    FROM stg_cetak
    WHERE tanggal BETWEEN $dari::DATE AND $sampai::DATE
      AND dalam_wilayah(kode_wilayah, $wilayah)
),
per_layanan AS (
    SELECT
        tanggal,
        layanan,
        sum(tercetak)::BIGINT AS tercetak,
        sum(permohonan)::BIGINT AS permohonan,
        sum(rekam_baru)::BIGINT AS rekam_baru,
        sum(blangko_diterima)::BIGINT AS blangko_diterima,
        sum(blangko_sisa)::BIGINT AS blangko_sisa,
        count(DISTINCT kode_wilayah) AS wilayah_melapor
    FROM log
    GROUP BY ALL
),
-- stock is per region and day, whatever the service: take each region's figure once
stok AS (
    SELECT tanggal, kode_wilayah, max(blangko_sisa) AS blangko_sisa
    FROM log
    GROUP BY ALL
),
semua AS (
    SELECT
        l.tanggal,
        'semua' AS layanan,
        sum(l.tercetak)::BIGINT AS tercetak,
        sum(l.permohonan)::BIGINT AS permohonan,
        sum(l.rekam_baru)::BIGINT AS rekam_baru,
        sum(l.blangko_diterima)::BIGINT AS blangko_diterima,
        (SELECT sum(s.blangko_sisa)::BIGINT FROM stok AS s WHERE s.tanggal = l.tanggal) AS blangko_sisa,
        count(DISTINCT l.kode_wilayah) AS wilayah_melapor
    FROM log AS l
    GROUP BY l.tanggal
)
SELECT
    $wilayah AS kode_wilayah,
    tanggal,
    layanan,
    tercetak,
    permohonan,
    rekam_baru,
    blangko_diterima,
    blangko_sisa,
    wilayah_melapor,
    dayofweek(tanggal) IN (0, 6) OR tanggal IN (SELECT tanggal FROM stg_libur) AS hari_libur
FROM (SELECT * FROM per_layanan UNION ALL SELECT * FROM semua)
ORDER BY tanggal, layanan = 'semua', layanan;
