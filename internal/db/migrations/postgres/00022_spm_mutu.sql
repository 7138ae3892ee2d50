-- The quality side of the SPM index (issue 6 point 3; PP 2/2018 Pasal 10
-- ayat 4): per region, jenis and quarter, the share of the standard goods
-- and services and of the standard human resources the region met, in
-- hundredths of a percent (8725 is 87.25 %), with where the figures come
-- from. domain.md §3 ✘ keeps it apart from the recipients' capaian; the
-- index weighs the two by the deployment's settings (spm.Settings).

-- +goose Up
CREATE TABLE spm_mutu (
    region_code   TEXT COLLATE "C" NOT NULL,
    jenis         TEXT NOT NULL,
    year          INTEGER NOT NULL,
    quarter       INTEGER NOT NULL,
    province_code TEXT COLLATE "C" NOT NULL,
    barang_jasa   INTEGER NOT NULL CHECK (barang_jasa BETWEEN 0 AND 10000),
    sdm           INTEGER NOT NULL CHECK (sdm BETWEEN 0 AND 10000),
    source        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    entered_by    BIGINT REFERENCES app_user (id),
    entered_at    TIMESTAMPTZ NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (region_code, jenis, year, quarter)
);

-- +goose Down
DROP TABLE spm_mutu;
