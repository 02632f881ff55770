-- one row per day from $dari to $sampai and service type (layanan) inside $wilayah, plus one row
-- per day with layanan = 'semua' for the day's total; params: $wilayah, $dari, $sampai
WITH log AS (
    SELECT *
    FROM stg_cetak
    WHERE tanggal BETWEEN $dari::DATE AND $sampai::DATE
      AND dalam_wilayah(kode_wilayah, $wilayah)
),
-- a region logs each service at most once a day (ingest refuses a repeat), so counting rows counts regions
per_layanan AS (
    SELECT
        tanggal,
        layanan,
        sum(tercetak)::BIGINT AS tercetak,
        sum(permohonan)::BIGINT AS permohonan,
        sum(rekam_baru)::BIGINT AS rekam_baru,
        sum(blangko_diterima)::BIGINT AS blangko_diterima,
        sum(blangko_sisa)::BIGINT AS blangko_sisa,
        count(*) AS wilayah_melapor
    FROM log
    GROUP BY ALL
),
-- one row per region and day over its services; its stock is one figure whatever the service
per_wilayah AS (
    SELECT
        tanggal,
        kode_wilayah,
        sum(tercetak) AS tercetak,
        sum(permohonan) AS permohonan,
        sum(rekam_baru) AS rekam_baru,
        sum(blangko_diterima) AS blangko_diterima,
        max(blangko_sisa) AS blangko_sisa
    FROM log
    GROUP BY ALL
),
semua AS (
    SELECT
        tanggal,
        'semua' AS layanan,
        sum(tercetak)::BIGINT AS tercetak,
        sum(permohonan)::BIGINT AS permohonan,
        sum(rekam_baru)::BIGINT AS rekam_baru,
        sum(blangko_diterima)::BIGINT AS blangko_diterima,
        sum(blangko_sisa)::BIGINT AS blangko_sisa,
        count(*) AS wilayah_melapor
    FROM per_wilayah
    GROUP BY tanggal
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
