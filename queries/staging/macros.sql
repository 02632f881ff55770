-- shared expressions and the as-of roll-up every dashboard query builds on; no parameters

-- coverage in percent with two decimals; above 100 stays above 100
CREATE OR REPLACE MACRO persen(bagian, keseluruhan) AS
    round(100.0 * bagian / nullif(keseluruhan, 0), 2);

-- is `kode` the region `p_wilayah` or inside it ('' = Indonesia)
CREATE OR REPLACE MACRO dalam_wilayah(kode, p_wilayah) AS
    p_wilayah = '' OR kode = p_wilayah OR starts_with(kode, p_wilayah || '.');

CREATE OR REPLACE MACRO panjang_kode(p_tingkat) AS
    CASE p_tingkat
        WHEN 'nasional' THEN 0 WHEN 'provinsi' THEN 2 WHEN 'kabkota' THEN 5
        WHEN 'kecamatan' THEN 8 WHEN 'desa' THEN 13
    END;

CREATE OR REPLACE MACRO tingkat_kode(kode) AS
    CASE length(kode)
        WHEN 0 THEN 'nasional' WHEN 2 THEN 'provinsi' WHEN 5 THEN 'kabkota'
        WHEN 8 THEN 'kecamatan' ELSE 'desa'
    END;

-- one row per reporting unit inside p_wilayah, from its kecamatan's latest report at or before
-- p_tanggal: a kecamatan's newest report replaces its older ones whatever their level, so villages
-- missing from a newer village-level report count as not reported
CREATE OR REPLACE MACRO rekam_asof(p_wilayah, p_tanggal) AS TABLE
    WITH terakhir AS (
        SELECT kode_kecamatan, max(tanggal) AS tanggal_lapor
        FROM stg_rekam
        WHERE tanggal <= p_tanggal
          AND (dalam_wilayah(kode_kecamatan, p_wilayah) OR dalam_wilayah(p_wilayah, kode_kecamatan))
        GROUP BY kode_kecamatan
    )
    SELECT r.*, a.tanggal_lapor
    FROM stg_rekam AS r
    JOIN terakhir AS a
        ON r.kode_kecamatan = a.kode_kecamatan AND r.tanggal = a.tanggal_lapor
    WHERE dalam_wilayah(r.kode_wilayah, p_wilayah);

-- one row per region of level p_tingkat inside p_wilayah that has data as of p_tanggal
CREATE OR REPLACE MACRO rekam_tingkat(p_wilayah, p_tanggal, p_tingkat) AS TABLE
    SELECT
        left(kode_wilayah, panjang_kode(p_tingkat)) AS kode_wilayah,
        sum(wajib_ktp)::BIGINT AS wajib_ktp,
        sum(sudah_rekam)::BIGINT AS sudah_rekam,
        sum(greatest(wajib_ktp - sudah_rekam, 0))::BIGINT AS belum_rekam,
        sum(prr)::BIGINT AS prr,
        sum(sudah_cetak)::BIGINT AS sudah_cetak,
        max(tanggal_lapor) AS tanggal_laporan,
        count(DISTINCT kode_kecamatan) AS unit_melapor,
        count(DISTINCT kode_kecamatan) FILTER (
            WHERE tanggal_lapor < p_tanggal::DATE - INTERVAL 7 DAY
        ) AS unit_tertinggal
    FROM rekam_asof(p_wilayah, p_tanggal::DATE)
    WHERE length(kode_wilayah) >= panjang_kode(p_tingkat)
    GROUP BY ALL;
