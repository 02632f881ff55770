-- one row per day from $dari to $sampai and service type (layanan) inside $wilayah, plus one row
-- per day with layanan = 'semua' for the day's total; params: $wilayah, $dari, $sampai
WITH log AS (
    SELECT *
    FROM stg_cetak
    WHERE tanggal BETWEEN $dari::DATE AND $sampai::DATE
      AND dalam_wilayah(kode_wilayah, $wilayah)
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
-- each service's rows, and each region's day as layanan 'semua': a region logs each service at most
-- once a day (ingest refuses a repeat), so counting rows counts regions
baris AS (
    SELECT tanggal, layanan, tercetak, permohonan, rekam_baru, blangko_diterima, blangko_sisa FROM log
    UNION ALL
    SELECT tanggal, 'semua', tercetak, permohonan, rekam_baru, blangko_diterima, blangko_sisa FROM per_wilayah
),
harian AS (
    SELECT
        tanggal,
        layanan,
        sum(tercetak)::BIGINT AS tercetak,
        sum(permohonan)::BIGINT AS permohonan,
        sum(rekam_baru)::BIGINT AS rekam_baru,
        sum(blangko_diterima)::BIGINT AS blangko_diterima,
        sum(blangko_sisa)::BIGINT AS blangko_sisa,
        count(*) AS wilayah_melapor
    FROM baris
    GROUP BY tanggal, layanan
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
FROM harian
ORDER BY tanggal, layanan = 'semua', layanan;
