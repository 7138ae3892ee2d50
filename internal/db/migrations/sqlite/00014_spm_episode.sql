-- SPM achievement from the casework (issue 6, points 2 and 8). Each case
-- cycle whose approved assessment says the person needs rehabilitasi
-- sosial dasar (or protection as a disaster victim) is an episode in one
-- jenis and one region; spm_tally sums the episodes per region, jenis and
-- quarter, so that X and Y of any period are a sum over a few rows and a
-- step of a case changes a few rows in its own transaction (spm.Store).
-- `layan spm verify` derives every episode from the documents again and
-- compares both tables.

-- +goose Up
-- The level of the disaster a korban bencana case answers: 'provinsi' when
-- the province leads the response (PP 2/2018 Pasal 10: korban bencana
-- provinsi), otherwise the kab/kota's.
ALTER TABLE case_file ADD COLUMN disaster_level TEXT NOT NULL DEFAULT '';
-- The SPM group (spm.Penerima) the approved assessment counted the person
-- in, fixed at approval: the person's PPKS categories may change later.
ALTER TABLE case_assessment ADD COLUMN spm_penerima TEXT NOT NULL DEFAULT '';

CREATE TABLE spm_episode (
    case_id       INTEGER NOT NULL REFERENCES case_file (id),
    cycle         INTEGER NOT NULL,
    person_id     INTEGER NOT NULL,
    region_code   TEXT NOT NULL,
    province_code TEXT NOT NULL,
    jenis         TEXT NOT NULL,
    assessed_on   TEXT NOT NULL,
    met_on        TEXT NOT NULL DEFAULT '',
    ended_on      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, cycle)
);

CREATE TABLE spm_tally (
    region_code   TEXT NOT NULL,
    jenis         TEXT NOT NULL,
    year          INTEGER NOT NULL,
    quarter       INTEGER NOT NULL,
    province_code TEXT NOT NULL,
    y_in          INTEGER NOT NULL DEFAULT 0,
    y_out         INTEGER NOT NULL DEFAULT 0,
    x_in          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, jenis, year, quarter)
);

-- The X and Y a region enters itself, as e-SPM takes them, where it does
-- not run its casework in layan (issue 6 point 2): cumulative from 1
-- January to the quarter's end, with where the figures come from.
CREATE TABLE spm_aggregate (
    region_code   TEXT NOT NULL,
    jenis         TEXT NOT NULL,
    year          INTEGER NOT NULL,
    quarter       INTEGER NOT NULL,
    province_code TEXT NOT NULL,
    x             INTEGER NOT NULL CHECK (x >= 0),
    y             INTEGER NOT NULL CHECK (y >= x),
    source        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    entered_by    INTEGER REFERENCES app_user (id),
    entered_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (region_code, jenis, year, quarter)
);

-- +goose Down
DROP TABLE spm_aggregate;
DROP TABLE spm_tally;
DROP TABLE spm_episode;
ALTER TABLE case_assessment DROP COLUMN spm_penerima;
ALTER TABLE case_file DROP COLUMN disaster_level;
