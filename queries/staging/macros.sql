-- shared expressions and the as-of roll-up every dashboard query builds on; no parameters

-- coverage in percent with two decimals; above 100 stays above 100
CREATE OR REPLACE MACRO persen(bagian, keseluruhan) AS
    round(100.0 * bagian / nullif(keseluruhan, 0), 2);

-- is `kode` the region `p_wilayah` or inside it ('' = Indonesia). Every such code lies between
-- p_wilayah and p_wilayah || '/' ('/' follows '.'): said as a range too, so that a scan of sorted
-- files skips the row groups outside it by their min/max statistics
CREATE OR REPLACE MACRO dalam_wilayah(kode, p_wilayah) AS
    p_wilayah = ''
    OR (kode >= p_wilayah AND kode < p_wilayah || '/'
        AND (kode = p_wilayah OR starts_with(kode, p_wilayah || '.')));

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

-- the rollup's last day: a date after it carries each kecamatan's latest report forward
CREATE OR REPLACE MACRO agregat_akhir() AS getvariable('versi').agregat_akhir::DATE;

-- the rollup's month partition ('YYYY-MM') holding a day
CREATE OR REPLACE MACRO bulan_dari(p_tanggal) AS strftime(p_tanggal::DATE, '%Y-%m');

-- does a question about p_wilayah at level p_tingkat need the reports themselves (villages), or
-- does the rollup (down to kecamatan) answer it
CREATE OR REPLACE MACRO perlu_laporan(p_wilayah, p_tingkat) AS
    p_tingkat = 'desa' OR length(p_wilayah) > 8;

-- can the warnings counted per region and day (stg_peringatan_harian) answer the questions, or
-- must the warnings themselves be read (a store written before the counts existed)
CREATE OR REPLACE MACRO pakai_peringatan_harian() AS getvariable('versi').peringatan_harian_lengkap;

-- peringatan_per_hari(p_wilayah, p_dari, p_sampai): one row per day from p_dari to p_sampai with
-- warnings inside p_wilayah, and how many, from the counts (nothing when they are incomplete)
CREATE OR REPLACE MACRO peringatan_per_hari(p_wilayah, p_dari, p_sampai) AS TABLE
    SELECT tanggal, sum(jumlah)::BIGINT AS jumlah
    FROM stg_peringatan_harian
    WHERE pakai_peringatan_harian()
      AND tingkat = tingkat_kode(p_wilayah)
      AND kode_wilayah = p_wilayah
      AND bulan BETWEEN bulan_dari(p_dari) AND bulan_dari(p_sampai)
      AND tanggal BETWEEN p_dari::DATE AND p_sampai::DATE
    GROUP BY tanggal;

-- does a comma-separated list of region codes hold a village (a four-digit last part)
CREATE OR REPLACE MACRO ada_desa(p_wilayah) AS
    regexp_matches(p_wilayah, '\.[0-9][0-9][0-9][0-9]');

-- one row per reporting unit inside p_wilayah, from its kecamatan's latest report at or before
-- p_tanggal: a kecamatan's newest report replaces its older ones whatever their level, so villages
-- missing from a newer village-level report count as not reported. Which report is the latest comes
-- from the rollup; only those reports are read.
CREATE OR REPLACE MACRO rekam_asof(p_wilayah, p_tanggal) AS TABLE
    WITH terakhir AS (
        SELECT kode_wilayah AS kode_kecamatan, tanggal_laporan AS tanggal_lapor
        FROM stg_agregat
        WHERE tingkat = 'kecamatan'
          AND bulan = bulan_dari(least(p_tanggal::DATE, agregat_akhir()))
          AND tanggal = least(p_tanggal::DATE, agregat_akhir())
          AND (dalam_wilayah(kode_wilayah, p_wilayah) OR dalam_wilayah(p_wilayah, kode_wilayah))
    )
    SELECT r.*, a.tanggal_lapor
    FROM stg_rekam AS r
    JOIN terakhir AS a
        ON r.kode_kecamatan = a.kode_kecamatan AND r.tanggal = a.tanggal_lapor
    WHERE dalam_wilayah(r.kode_wilayah, p_wilayah);

-- rekam_tingkat(p_wilayah, p_tanggal, p_tingkat): one row per region of level p_tingkat inside
-- p_wilayah that has data as of p_tanggal; when the level is above the region (a kecamatan's
-- 'kabkota'), the one row is the region's own part. Two parts: rekam_tingkat_agregat (down to
-- kecamatan, from the rollup) and rekam_tingkat_desa (villages, from the reports). The runner gives a
-- cursor whose question cannot reach villages a rekam_tingkat of the first part only (a temporary
-- macro, see pantau/queries.py), so the village part is not bound and planned for nothing.

-- down to kecamatan, from the rollup
CREATE OR REPLACE MACRO rekam_tingkat_agregat(p_wilayah, p_tanggal, p_tingkat) AS TABLE
    -- the rollup rows themselves: the common case, one row group or a few
    SELECT
        kode_wilayah, wajib_ktp, sudah_rekam, belum_rekam, prr, sudah_cetak,
        tanggal_laporan, unit_melapor, unit_tertinggal
    FROM stg_agregat
    WHERE NOT perlu_laporan(p_wilayah, p_tingkat)
      AND length(p_wilayah) <= panjang_kode(p_tingkat)
      AND p_tanggal::DATE <= agregat_akhir()
      AND tingkat = p_tingkat
      AND bulan = bulan_dari(p_tanggal)
      AND tanggal = p_tanggal::DATE
      AND dalam_wilayah(kode_wilayah, p_wilayah)
    UNION ALL
    -- from the rollup's kecamatan rows of one day: a date after the rollup's last day (staleness
    -- counted against the date asked), or a level above the region
    SELECT
        left(kode_wilayah, panjang_kode(p_tingkat)) AS kode_wilayah,
        sum(wajib_ktp)::BIGINT, sum(sudah_rekam)::BIGINT, sum(belum_rekam)::BIGINT, sum(prr)::BIGINT,
        sum(sudah_cetak)::BIGINT, max(tanggal_laporan), count(*),
        count(*) FILTER (WHERE tanggal_laporan < p_tanggal::DATE - INTERVAL 7 DAY)
    FROM stg_agregat
    WHERE NOT perlu_laporan(p_wilayah, p_tingkat)
      AND (p_tanggal::DATE > agregat_akhir() OR length(p_wilayah) > panjang_kode(p_tingkat))
      AND tingkat = 'kecamatan'
      AND bulan = bulan_dari(least(p_tanggal::DATE, agregat_akhir()))
      AND tanggal = least(p_tanggal::DATE, agregat_akhir())
      AND dalam_wilayah(kode_wilayah, p_wilayah)
    GROUP BY 1;

-- villages: from the reports (the runner passes only the report files the question needs)
CREATE OR REPLACE MACRO rekam_tingkat_desa(p_wilayah, p_tanggal, p_tingkat) AS TABLE
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
    WHERE perlu_laporan(p_wilayah, p_tingkat)
      AND length(kode_wilayah) >= panjang_kode(p_tingkat)
    GROUP BY 1;

-- both parts: what every cursor has unless the runner knows its question stops at kecamatan
CREATE OR REPLACE MACRO rekam_tingkat(p_wilayah, p_tanggal, p_tingkat) AS TABLE
    SELECT * FROM rekam_tingkat_agregat(p_wilayah, p_tanggal, p_tingkat)
    UNION ALL
    SELECT * FROM rekam_tingkat_desa(p_wilayah, p_tanggal, p_tingkat);
