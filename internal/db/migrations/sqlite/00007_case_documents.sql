-- Case documents (issue 5): the assessment of each cycle, the versions of
-- the plan and their items, the services delivered, referrals, follow-up
-- visits and attachments. Where a document stands in review is on
-- case_file (casework.State); each document carries its own version so
-- that two people editing different parts of a case do not conflict.

-- +goose Up
ALTER TABLE case_file ADD COLUMN assessed_at TIMESTAMP;    -- the assessment of this cycle approved
ALTER TABLE case_file ADD COLUMN planned_at TIMESTAMP;     -- the first plan of this cycle approved
-- Whether the approved assessment of this cycle concludes that the person
-- needs rehabilitasi sosial dasar: the Y of SPM (domain.md §3).
ALTER TABLE case_file ADD COLUMN needs_rehab BOOLEAN;

-- One assessment per case and cycle. domains holds a JSON object of
-- findings by casework.Domain; needs and components are comma lists.
CREATE TABLE case_assessment (
    case_id          INTEGER NOT NULL REFERENCES case_file (id),
    cycle            INTEGER NOT NULL,
    domains          TEXT NOT NULL DEFAULT '{}',
    risks            TEXT NOT NULL DEFAULT '',
    needs            TEXT NOT NULL DEFAULT '',
    components       TEXT NOT NULL DEFAULT '',
    risk             TEXT NOT NULL,
    conference_on    TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD of the temu bahas kasus
    conference_with  TEXT NOT NULL DEFAULT '',
    conference_notes TEXT NOT NULL DEFAULT '',
    needs_rehab      BOOLEAN,
    conclusion       TEXT NOT NULL DEFAULT '',
    updated_by       INTEGER REFERENCES app_user (id),
    updated_at       TIMESTAMP NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (case_id, cycle)
);

-- Each version of a plan is a row; the newest of a cycle is the one being
-- drafted or reviewed, the newest approved one is in force.
CREATE TABLE case_plan (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES case_file (id),
    cycle       INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    goals       TEXT NOT NULL,
    review      TEXT NOT NULL,
    approved_at TIMESTAMP,
    updated_by  INTEGER REFERENCES app_user (id),
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (case_id, cycle, number)
);

CREATE TABLE case_plan_item (
    plan_id          INTEGER NOT NULL REFERENCES case_plan (id),
    line             INTEGER NOT NULL,
    need             TEXT NOT NULL,
    component        TEXT NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_label       TEXT NOT NULL DEFAULT '',
    responsible_unit INTEGER REFERENCES unit (id),
    responsible_user INTEGER REFERENCES app_user (id),
    target_on        TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, line)
);

-- Services delivered. cost is whole Rupiah.
CREATE TABLE case_service (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES case_file (id),
    cycle       INTEGER NOT NULL,
    given_on    TEXT NOT NULL,
    need        TEXT NOT NULL,
    component   TEXT NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    cost        INTEGER NOT NULL CHECK (cost >= 0),
    provider    TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    emergency   BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_by INTEGER REFERENCES app_user (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX case_service_case ON case_service (case_id, cycle, given_on);

-- Referrals to another unit (to_unit) or to an outside agency, which
-- answers through a signed link (only the hash of its token is kept).
CREATE TABLE case_referral (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES case_file (id),
    cycle        INTEGER NOT NULL,
    to_unit      INTEGER REFERENCES unit (id),
    agency_kind  TEXT NOT NULL DEFAULT '',
    agency_name  TEXT NOT NULL DEFAULT '',
    need         TEXT NOT NULL DEFAULT '',
    purpose      TEXT NOT NULL,
    status       TEXT NOT NULL,
    sent_by      INTEGER REFERENCES app_user (id),
    sent_at      TIMESTAMP NOT NULL,
    due_at       TIMESTAMP NOT NULL,
    escalated_at TIMESTAMP,
    answered_at  TIMESTAMP,
    answered_by  TEXT NOT NULL DEFAULT '',
    answer_note  TEXT NOT NULL DEFAULT '',
    outcome      TEXT NOT NULL DEFAULT '',
    closed_at    TIMESTAMP,
    link_hash    TEXT,
    link_expires TIMESTAMP,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX case_referral_case ON case_referral (case_id, id);
CREATE INDEX case_referral_to ON case_referral (to_unit, status, id) WHERE to_unit IS NOT NULL;
CREATE INDEX case_referral_due ON case_referral (due_at) WHERE closed_at IS NULL;
CREATE UNIQUE INDEX case_referral_link ON case_referral (link_hash) WHERE link_hash IS NOT NULL;

-- Bimbingan lanjut: visits scheduled at terminasi, each with its outcome.
CREATE TABLE case_follow_up (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES case_file (id),
    cycle       INTEGER NOT NULL,
    due_on      TEXT NOT NULL,
    done_on     TEXT,
    outcome     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES app_user (id),
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX case_follow_up_case ON case_follow_up (case_id, due_on);
CREATE INDEX case_follow_up_open ON case_follow_up (due_on) WHERE done_on IS NULL;

-- Files kept on disk under the configured directory, named by the
-- SHA-256 of their content; the row keeps what was checked.
CREATE TABLE case_attachment (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES case_file (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    uploaded_by  INTEGER REFERENCES app_user (id),
    uploaded_at  TIMESTAMP NOT NULL
);
CREATE INDEX case_attachment_case ON case_attachment (case_id, id);

-- +goose Down
DROP TABLE case_attachment;
DROP TABLE case_follow_up;
DROP TABLE case_referral;
DROP TABLE case_service;
DROP TABLE case_plan_item;
DROP TABLE case_plan;
DROP TABLE case_assessment;
ALTER TABLE case_file DROP COLUMN needs_rehab;
ALTER TABLE case_file DROP COLUMN planned_at;
ALTER TABLE case_file DROP COLUMN assessed_at;
