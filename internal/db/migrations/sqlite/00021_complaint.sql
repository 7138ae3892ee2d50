-- Complaints (pengaduan, issue 7 point 4). UU 25/2009 Pasal 36 ff. and
-- Perpres 76/2013 make handling complaints a duty of every service unit.
-- A complaint belongs to one unit; the public files it without an account
-- and follows it by its tracking code. The contact is optional (the
-- complainant may stay anonymous) and is personal data: only the unit's
-- staff read it (UU 27/2022).

-- +goose Up
CREATE TABLE complaint (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES unit (id),
    -- The unit's region and province, copied when filed: figures of a
    -- region are read by this column without a join, keyed by region.
    region_code     TEXT NOT NULL,
    province_code   TEXT NOT NULL,
    -- The tracking code without separators, upper case: unique and
    -- unguessable (complaint.NewCode).
    code            TEXT NOT NULL UNIQUE,
    category        TEXT NOT NULL,
    body            TEXT NOT NULL,
    contact_name    TEXT NOT NULL DEFAULT '',
    contact         TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL,
    received_at     TIMESTAMP NOT NULL,
    -- The deadline of the first response, fixed when filed.
    due_at          TIMESTAMP NOT NULL,
    -- diterima → diproses → dijawab → selesai, or ditolak.
    status          TEXT NOT NULL,
    reject_reason   TEXT NOT NULL DEFAULT '',
    assigned_to     INTEGER REFERENCES app_user (id),
    -- Escalation: 0 none, 1 the unit's supervisors, 2 the region's admin.
    escalation      INTEGER NOT NULL DEFAULT 0,
    escalated_at    TIMESTAMP,
    response        TEXT NOT NULL DEFAULT '',
    responded_at    TIMESTAMP,
    closed_at       TIMESTAMP,
    updated_at      TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX complaint_unit ON complaint (unit_id, received_at, id);
CREATE INDEX complaint_region ON complaint (region_code, received_at);
-- The escalation run reads open complaints by deadline.
CREATE INDEX complaint_due ON complaint (status, due_at);

-- Every step of a complaint, append-only: status changes, assignment,
-- escalation and the response, with who and when. Nothing here is shown
-- to the public except the dates of the steps.
CREATE TABLE complaint_event (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaint (id),
    at            TIMESTAMP NOT NULL,
    actor_id      INTEGER REFERENCES app_user (id),
    actor_name    TEXT NOT NULL,
    action        TEXT NOT NULL,
    status_before TEXT NOT NULL,
    status_after  TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_event_complaint ON complaint_event (complaint_id, id);
-- +goose StatementBegin
CREATE TRIGGER complaint_event_no_update BEFORE UPDATE ON complaint_event
BEGIN
    SELECT RAISE(ABORT, 'complaint_event is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER complaint_event_no_delete BEFORE DELETE ON complaint_event
BEGIN
    SELECT RAISE(ABORT, 'complaint_event is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE complaint_event;
DROP TABLE complaint;
