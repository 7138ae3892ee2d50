-- The satisfaction survey of a service unit (Survei Kepuasan Masyarakat,
-- PermenPANRB 14/2017; domain.md §6; issue 7 point 1). Every unit must run
-- it at least once a year (Pasal 1); units run it per triwulan, semester or
-- year. The rules (elements, scale, NRR, IKM, mutu, sample size) are the
-- pure package quality/ikm; quality/survey writes these tables.
--
-- Answers are anonymous: no account, no IP address, no device id and no
-- time finer than the day is stored with a response, and the respondent
-- profile is chosen from coarse fixed lists (age band, not age).

-- +goose Up
-- The short public code of a unit's survey link (/s/{code}) and results
-- page (/hasil/{code}): made once per unit, from an alphabet without
-- look-alike characters so that it can be typed from a poster.
CREATE TABLE skm_unit (
    unit_id    INTEGER PRIMARY KEY REFERENCES unit (id) ON DELETE CASCADE,
    code       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- A survey period of a unit: a quarter (number 1–4), a semester (1–2) or
-- a year (1) of one calendar year, with its first and last day as
-- 'YYYY-MM-DD'. Status draft (elements still editable) → open (the public
-- form takes answers) → closed (results published). population is the
-- unit's number of service users in the period, entered by staff, from
-- which the Krejcie–Morgan sample size is read (0: not known).
CREATE TABLE skm_period (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES unit (id),
    region_code   TEXT NOT NULL,
    province_code TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('triwulan', 'semester', 'tahunan')),
    year          INTEGER NOT NULL,
    number        INTEGER NOT NULL,
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    population    INTEGER NOT NULL DEFAULT 0 CHECK (population >= 0),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (unit_id, kind, year, number)
);
-- The public form shows the unit's one open period.
CREATE UNIQUE INDEX skm_period_open ON skm_period (unit_id) WHERE status = 'open';

-- The elements (unsur) asked in a period, by code and name (some regions
-- swap U8 and U9, so never by position alone), with their weights, which
-- sum to 1. Copied from the standard nine when the period is made; frozen
-- once the first answer arrives.
CREATE TABLE skm_element (
    period_id INTEGER NOT NULL REFERENCES skm_period (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    code      TEXT NOT NULL,
    name      TEXT NOT NULL,
    weight    REAL NOT NULL CHECK (weight > 0 AND weight <= 1),
    PRIMARY KEY (period_id, code)
);

-- One respondent's questionnaire. submitted_on is the day only; the
-- profile fields hold a code of a fixed list ('x' = tidak ingin menjawab).
-- suggestion (saran) is free text, shown to the unit's managers only.
CREATE TABLE skm_response (
    id           INTEGER PRIMARY KEY,
    period_id    INTEGER NOT NULL REFERENCES skm_period (id),
    submitted_on TEXT NOT NULL,
    age_band     TEXT NOT NULL,
    sex          TEXT NOT NULL,
    education    TEXT NOT NULL,
    occupation   TEXT NOT NULL,
    service      TEXT NOT NULL,
    suggestion   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX skm_response_period ON skm_response (period_id);

-- The answer 1–4 to each element of the period.
CREATE TABLE skm_answer (
    response_id INTEGER NOT NULL REFERENCES skm_response (id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    value       INTEGER NOT NULL CHECK (value BETWEEN 1 AND 4),
    PRIMARY KEY (response_id, code)
);

-- A tablet at a unit's front desk made a kiosk by its staff: the cookie
-- holds a random token whose SHA-256 is kept here. A kiosk is one device
-- that many people answer on, so the public form's per-device limit is
-- raised for it (quality/survey.KioskLimit).
CREATE TABLE skm_kiosk (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES unit (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES app_user (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX skm_kiosk_unit ON skm_kiosk (unit_id);

-- +goose Down
DROP TABLE skm_kiosk;
DROP TABLE skm_answer;
DROP TABLE skm_response;
DROP TABLE skm_element;
DROP TABLE skm_period;
DROP TABLE skm_unit;
