-- The people registry (PPKS): people, name keys for search, households,
-- consent (same shape as the PostgreSQL migration). Personal data: every read of a full record is audited by the
-- application (UU 27/2022).

-- +goose Up
CREATE TABLE person (
    id              INTEGER PRIMARY KEY,
    nik             TEXT,
    name            TEXT NOT NULL,
    aliases         TEXT NOT NULL DEFAULT '',
    sex             TEXT NOT NULL CHECK (sex IN ('L', 'P')),
    birth_date      TEXT,
    birth_year      INTEGER,
    birth_year_estimated BOOLEAN NOT NULL DEFAULT FALSE,
    birth_place     TEXT NOT NULL DEFAULT '',
    village_code    TEXT NOT NULL REFERENCES region (code),
    regency_code    TEXT NOT NULL,
    province_code   TEXT NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    categories      TEXT NOT NULL DEFAULT '',
    disabilities    TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    unit_id         INTEGER REFERENCES unit (id),
    duplicate_of    INTEGER REFERENCES person (id),
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    inactive_reason TEXT NOT NULL DEFAULT '',
    inactive_note   TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX person_nik ON person (nik) WHERE nik IS NOT NULL;
CREATE INDEX person_village ON person (village_code, id);
CREATE INDEX person_unit ON person (unit_id, id);

-- One row per search key of a person: a word's spelling-tolerant key
-- ("w:…") or the key of a pair of its words ("p:…|…"). The kab/kota code
-- beside the key lets a scoped search read only its part of the index.
CREATE TABLE person_key (
    key          TEXT NOT NULL,
    regency_code TEXT NOT NULL,
    person_id    INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    PRIMARY KEY (key, regency_code, person_id)
);
CREATE INDEX person_key_person ON person_key (person_id);

-- PPKS categories of a person (also kept as text on person for display),
-- keyed like person_key so that "category X within region Y" is one range.
CREATE TABLE person_category (
    category     TEXT NOT NULL,
    regency_code TEXT NOT NULL,
    person_id    INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    PRIMARY KEY (category, regency_code, person_id)
);
CREATE INDEX person_category_person ON person_category (person_id);

CREATE TABLE household (
    id           INTEGER PRIMARY KEY,
    kk           TEXT UNIQUE,
    village_code TEXT NOT NULL REFERENCES region (code),
    address      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE household_member (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    person_id    INTEGER NOT NULL REFERENCES person (id),
    relation     TEXT NOT NULL,
    joined_on    TEXT NOT NULL,
    left_on      TEXT
);
-- A person belongs to at most one current KK.
CREATE UNIQUE INDEX household_member_current ON household_member (person_id) WHERE left_on IS NULL;
CREATE INDEX household_member_household ON household_member (household_id);

CREATE TABLE consent (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES person (id),
    purpose       TEXT NOT NULL,
    means         TEXT NOT NULL,
    given_by      TEXT NOT NULL,
    guardian_relation TEXT NOT NULL DEFAULT '',
    given_on      TEXT NOT NULL,
    recorded_by   INTEGER REFERENCES app_user (id),
    recorded_at   TIMESTAMP NOT NULL,
    withdrawn_on  TEXT,
    withdrawn_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consent_person ON consent (person_id);

-- +goose Down
DROP TABLE consent;
DROP TABLE household_member;
DROP TABLE household;
DROP TABLE person_category;
DROP TABLE person_key;
DROP TABLE person;
