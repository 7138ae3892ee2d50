-- The four tahapan of penerapan SPM (Permendagri 59/2021; domain.md §2.6;
-- issue 6 point 4) beyond pengumpulan data, which the casework and the
-- entered aggregates already are:
--   2. penghitungan kebutuhan: a region's unit costs (satuan biaya) per
--      item of the SPM catalog, so that the budget still needed is the sum
--      of a jenis's unit costs × the people still to serve (spm.Kebutuhan);
--   3. penyusunan rencana: per jenis its targets for each quarter and the
--      budget allocated;
--   4. pelaksanaan: read, not stored here — people served are X, money
--      spent the costs of the services the casework recorded.
-- The rules are spm/kebutuhan.go; spm.Store writes these tables, checking
-- the version as spm_aggregate's entries do.

-- +goose Up
-- A region's unit-cost table of one jenis for one budget year: where the
-- costs come from (a Perkada on standar harga satuan, an SSH) and who
-- entered them. One version for the whole table: it is entered and
-- replaced as a whole.
CREATE TABLE spm_unit_cost (
    region_code   TEXT COLLATE "C" NOT NULL,
    year          INTEGER NOT NULL,
    jenis         TEXT NOT NULL,
    province_code TEXT COLLATE "C" NOT NULL,
    source        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    entered_by    BIGINT REFERENCES app_user (id),
    entered_at    TIMESTAMPTZ NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (region_code, year, jenis)
);

-- The cost per person of one catalog item (spm_catalog_item.code, stable
-- from version to version of the catalog), in whole Rupiah: what giving
-- the item to one person as the standard asks costs the region.
CREATE TABLE spm_unit_cost_item (
    region_code   TEXT COLLATE "C" NOT NULL,
    year          INTEGER NOT NULL,
    jenis         TEXT NOT NULL,
    item_code     TEXT NOT NULL,
    province_code TEXT COLLATE "C" NOT NULL,
    cost          BIGINT NOT NULL CHECK (cost >= 0),
    PRIMARY KEY (region_code, year, jenis, item_code),
    FOREIGN KEY (region_code, year, jenis) REFERENCES spm_unit_cost (region_code, year, jenis)
);

-- A region's plan of one jenis for one budget year: the people it means
-- to have served by the end of each quarter, cumulative from 1 January as
-- X is (so never decreasing), and the budget allocated for the year in
-- whole Rupiah (the APBD's, revised in the APBD-P: it is one amount).
CREATE TABLE spm_plan (
    region_code   TEXT COLLATE "C" NOT NULL,
    year          INTEGER NOT NULL,
    jenis         TEXT NOT NULL,
    province_code TEXT COLLATE "C" NOT NULL,
    target_q1     INTEGER NOT NULL CHECK (target_q1 >= 0),
    target_q2     INTEGER NOT NULL CHECK (target_q2 >= target_q1),
    target_q3     INTEGER NOT NULL CHECK (target_q3 >= target_q2),
    target_q4     INTEGER NOT NULL CHECK (target_q4 >= target_q3),
    budget        BIGINT NOT NULL CHECK (budget >= 0),
    note          TEXT NOT NULL DEFAULT '',
    entered_by    BIGINT REFERENCES app_user (id),
    entered_at    TIMESTAMPTZ NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (region_code, year, jenis)
);

-- The episodes of a region's jenis: the duplicates of the data-quality
-- view (one person counted twice in a jenis) and the case costs of the
-- realisation read them by region.
CREATE INDEX spm_episode_region ON spm_episode (region_code, jenis, person_id);
-- The cases of a kab/kota (or, as a range of codes, of a province) by the
-- day they opened: the data-quality view's cases without an approved
-- assessment and people without NIK.
CREATE INDEX case_file_regency ON case_file (regency_code, opened_at);

-- +goose Down
DROP INDEX case_file_regency;
DROP INDEX spm_episode_region;
DROP TABLE spm_plan;
DROP TABLE spm_unit_cost_item;
DROP TABLE spm_unit_cost;
