-- Case management (issue 5): the case, its team and its timeline. The
-- documents of a case (assessment, plan, services, referrals, follow-ups)
-- come in later steps; the case row carries where each stands, which is
-- what casework.Decide needs, so that the stage rules are checked against
-- one row inside the writing transaction.

-- +goose Up
CREATE TABLE case_file (
    id                 INTEGER PRIMARY KEY,
    person_id          INTEGER NOT NULL REFERENCES person (id),
    unit_id            INTEGER NOT NULL REFERENCES unit (id),
    -- The person's desa when the case opened, and its kab/kota and
    -- province: the region an SPM figure counts the case for.
    village_code       TEXT NOT NULL REFERENCES region (code),
    regency_code       TEXT NOT NULL,
    province_code      TEXT NOT NULL,
    cluster            TEXT NOT NULL,
    setting            TEXT NOT NULL,
    source             TEXT NOT NULL,
    risk               TEXT NOT NULL,
    stage              TEXT NOT NULL,
    assessment_review  TEXT NOT NULL DEFAULT '',
    plan_review        TEXT NOT NULL DEFAULT '',
    plan_in_force      BOOLEAN NOT NULL DEFAULT FALSE,
    termination_review TEXT NOT NULL DEFAULT '',
    termination_reason TEXT NOT NULL DEFAULT '',
    -- A reopened case starts a new cycle; the earlier one stays in the timeline.
    cycle              INTEGER NOT NULL DEFAULT 1,
    worker_id          INTEGER REFERENCES app_user (id),
    opened_at          TIMESTAMP NOT NULL,
    emergency_until    TIMESTAMP NOT NULL,
    closed_at          TIMESTAMP,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX case_file_unit ON case_file (unit_id, stage, id);
CREATE INDEX case_file_person ON case_file (person_id, id);
CREATE INDEX case_file_worker ON case_file (worker_id, stage, id);

-- The pekerja sosial on a case: they, and the supervisors of its unit, are
-- the only ones who open it.
CREATE TABLE case_team (
    case_id INTEGER NOT NULL REFERENCES case_file (id),
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_team_user ON case_team (user_id, case_id);

-- Every step of a case, in order: the case's timeline.
CREATE TABLE case_event (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES case_file (id),
    at           TIMESTAMP NOT NULL,
    actor_id     INTEGER REFERENCES app_user (id),
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,
    cycle        INTEGER NOT NULL,
    stage_before TEXT NOT NULL,
    stage_after  TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_event_case ON case_event (case_id, id);

-- +goose Down
DROP TABLE case_event;
DROP TABLE case_team;
DROP TABLE case_file;
