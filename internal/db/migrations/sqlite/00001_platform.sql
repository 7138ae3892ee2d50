-- Platform tables: regions, units, accounts, sessions, tokens, throttling, audit.
-- The same shape as the PostgreSQL migration; SQLite compares TEXT bytewise,
-- so a region subtree is the same range query on both engines.

-- +goose Up
CREATE TABLE region_source (
    id           TEXT PRIMARY KEY,
    regulation   TEXT NOT NULL,
    valid_from   TEXT NOT NULL,
    data_package TEXT NOT NULL,
    licence      TEXT NOT NULL,
    loaded_at    TIMESTAMP NOT NULL
);

CREATE TABLE region (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    level         INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    parent_code   TEXT,
    province_code TEXT NOT NULL,
    source_id     TEXT NOT NULL REFERENCES region_source (id),
    valid_from    TEXT NOT NULL,
    valid_to      TEXT
) WITHOUT ROWID;
CREATE INDEX region_parent ON region (parent_code, code);

CREATE TABLE unit (
    id            INTEGER PRIMARY KEY,
    type          TEXT NOT NULL,
    name          TEXT NOT NULL,
    region_code   TEXT NOT NULL REFERENCES region (code),
    province_code TEXT NOT NULL,
    address       TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX unit_region ON unit (region_code);
CREATE UNIQUE INDEX unit_name ON unit (region_code, lower(name));

CREATE TABLE unit_coverage (
    unit_id       INTEGER NOT NULL REFERENCES unit (id) ON DELETE CASCADE,
    province_code TEXT NOT NULL REFERENCES region (code),
    PRIMARY KEY (unit_id, province_code)
);

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    role          TEXT NOT NULL,
    region_code   TEXT REFERENCES region (code),
    unit_id       INTEGER REFERENCES unit (id),
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX app_user_region ON app_user (region_code);
CREATE INDEX app_user_unit ON app_user (unit_id);

CREATE TABLE user_session (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX user_session_user ON user_session (user_id);
CREATE INDEX user_session_expires ON user_session (expires_at);

CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_token_user ON api_token (user_id);

CREATE TABLE login_failure (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       TIMESTAMP NOT NULL
);
CREATE INDEX login_failure_user ON login_failure (username, at);
CREATE INDEX login_failure_ip ON login_failure (ip, at);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    region_code TEXT,
    before_data TEXT,
    after_data  TEXT,
    request_id  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_region ON audit_log (region_code, id);

-- The audit log is append-only: no role of the application may rewrite history.
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;
DROP TABLE login_failure;
DROP TABLE api_token;
DROP TABLE user_session;
DROP TABLE app_user;
DROP TABLE unit_coverage;
DROP TABLE unit;
DROP TABLE region;
DROP TABLE region_source;
