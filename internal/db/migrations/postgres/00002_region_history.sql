-- Region history (domain.md §8.3): pemekaran and renames change the official
-- list, and old records must keep their meaning. region keeps one row per code
-- (units, accounts and coverage reference it); region_name keeps every name a
-- code has carried, one row per list that gave it that name, so a report on
-- an older period can show the name of that period.
-- Also: TRUNCATE bypasses row triggers, so the audit log needs its own
-- statement trigger to stay append-only.

-- +goose Up
CREATE TABLE region_name (
    code       TEXT COLLATE "C" NOT NULL REFERENCES region (code),
    source_id  TEXT NOT NULL REFERENCES region_source (id),
    name       TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    PRIMARY KEY (code, source_id)
);

-- Every region loaded so far carries the name its list gave it.
INSERT INTO region_name (code, source_id, name, valid_from, valid_to)
SELECT code, source_id, name, valid_from, valid_to FROM region;

-- audit_log_immutable() raises before it could return anything, so it serves
-- a statement-level trigger as well as the row-level one.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();

-- +goose Down
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TABLE region_name;
