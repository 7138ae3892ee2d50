-- Accessible-facility audits of service units ("sarana prasarana ramah
-- kelompok rentan", issue 7 point 3; domain.md §7.2): UU 25/2009 Pasal 29
-- asks every provider for facilities and special treatment for vulnerable
-- groups, Pedoman MenPANRB 7/2022 evaluates them, PermenPUPR 14/PRT/M/2017
-- sets the physical criteria. The official scoring items and weights were
-- not retrieved (domain.md §7.2 ✘), so the checklist is configurable: the
-- defaults are written by internal/quality/sarpras on first use.
-- The rules are internal/quality/sarpras/sarpras.go; its Store writes
-- these tables, one transaction per change, each change audited.

-- +goose Up
-- One item of the checklist. code is stable: audits and tasks name an item
-- by it. An item is never deleted, only made inactive, and an audit copies
-- the items it was made with (sarpras_answer), so changing the list never
-- changes an old audit.
CREATE TABLE sarpras_item (
    code        TEXT PRIMARY KEY,
    grp         TEXT NOT NULL,
    name        TEXT NOT NULL,
    criterion   TEXT NOT NULL,
    source      TEXT NOT NULL,
    weight      REAL NOT NULL CHECK (weight > 0),
    position    INTEGER NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

-- An audit of one unit on one day. status draft → final; a final audit is
-- never changed again (the store refuses), score is set when it is final.
-- region_code and province_code are the unit's, for region-keyed reading.
CREATE TABLE sarpras_audit (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES unit (id),
    region_code   TEXT NOT NULL,
    province_code TEXT NOT NULL,
    audit_date    TEXT NOT NULL,
    auditor_id    INTEGER REFERENCES app_user (id),
    status        TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    score         REAL,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    finalised_at  TIMESTAMP,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sarpras_audit_unit ON sarpras_audit (unit_id, audit_date, id);
CREATE INDEX sarpras_audit_region ON sarpras_audit (region_code, status);

-- One item of one audit: the item as it was when the audit was made, and
-- its answer ('' while unanswered).
CREATE TABLE sarpras_answer (
    audit_id  INTEGER NOT NULL REFERENCES sarpras_audit (id),
    item_code TEXT NOT NULL,
    position  INTEGER NOT NULL,
    grp       TEXT NOT NULL,
    name      TEXT NOT NULL,
    criterion TEXT NOT NULL,
    source    TEXT NOT NULL,
    weight    REAL NOT NULL,
    answer    TEXT NOT NULL DEFAULT '' CHECK (answer IN ('', 'ada_sesuai', 'ada_tidak_sesuai', 'tidak_ada')),
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (audit_id, item_code)
);

-- A photo of one item of an audit, kept on disk by the SHA-256 of its
-- content like a case attachment (internal/filestore), under its own
-- directory.
CREATE TABLE sarpras_photo (
    id           INTEGER PRIMARY KEY,
    audit_id     INTEGER NOT NULL REFERENCES sarpras_audit (id),
    item_code    TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    uploaded_by  INTEGER REFERENCES app_user (id),
    uploaded_at  TIMESTAMP NOT NULL,
    FOREIGN KEY (audit_id, item_code) REFERENCES sarpras_answer (audit_id, item_code)
);
CREATE INDEX sarpras_photo_audit ON sarpras_photo (audit_id, id);

-- A remediation task raised by an audit for one item: who of the unit
-- owns it, by when, and when it was done.
CREATE TABLE sarpras_task (
    id           INTEGER PRIMARY KEY,
    audit_id     INTEGER NOT NULL REFERENCES sarpras_audit (id),
    unit_id      INTEGER NOT NULL REFERENCES unit (id),
    region_code  TEXT NOT NULL,
    item_code    TEXT NOT NULL,
    description  TEXT NOT NULL,
    owner_id     INTEGER NOT NULL REFERENCES app_user (id),
    due_on       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'done')),
    done_at      TIMESTAMP,
    created_by   INTEGER REFERENCES app_user (id),
    created_at   TIMESTAMP NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    FOREIGN KEY (audit_id, item_code) REFERENCES sarpras_answer (audit_id, item_code)
);
CREATE INDEX sarpras_task_unit ON sarpras_task (unit_id, status, due_on);
CREATE INDEX sarpras_task_owner ON sarpras_task (owner_id, status, due_on);

-- +goose Down
DROP TABLE sarpras_task;
DROP TABLE sarpras_photo;
DROP TABLE sarpras_answer;
DROP TABLE sarpras_audit;
DROP TABLE sarpras_item;
