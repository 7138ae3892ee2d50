-- Region history (domain.md §8.3): the same region_name table as on
-- PostgreSQL. SQLite has no TRUNCATE; a DELETE without WHERE still fires the
-- audit_log_no_delete trigger (triggers turn off the truncate optimisation).

-- +goose Up
CREATE TABLE region_name (
    code       TEXT NOT NULL REFERENCES region (code),
    source_id  TEXT NOT NULL REFERENCES region_source (id),
    name       TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    PRIMARY KEY (code, source_id)
) WITHOUT ROWID;

-- Every region loaded so far carries the name its list gave it.
INSERT INTO region_name (code, source_id, name, valid_from, valid_to)
SELECT code, source_id, name, valid_from, valid_to FROM region;

-- +goose Down
DROP TABLE region_name;
