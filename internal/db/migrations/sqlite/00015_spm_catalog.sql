-- The SPM catalog (issue 6 point 1): per jenis pelayanan dasar of PP 2/2018
-- Pasal 10, the standard goods and services of Permensos 9/2018 (Pasal 10
-- ayat 4 huruf a: "standar jumlah dan kualitas barang dan/atau jasa"), kept
-- in versions so that a new regulation is loaded as a draft beside the one
-- in force. The ten jenis themselves are fixed by PP 2/2018 (spm.Services);
-- a version holds what it says of each: wording, penerima, source and items.
-- The first version is loaded by spm.SeedCatalog into an empty table.

-- +goose Up
CREATE TABLE spm_catalog (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    regulation   TEXT NOT NULL,
    -- The day the regulation took effect, YYYY-MM-DD.
    valid_from   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
    copied_from  INTEGER REFERENCES spm_catalog (id),
    note         TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES app_user (id),
    created_at   TIMESTAMP NOT NULL,
    updated_by   INTEGER REFERENCES app_user (id),
    updated_at   TIMESTAMP NOT NULL,
    activated_at TIMESTAMP,
    retired_at   TIMESTAMP,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX spm_catalog_name ON spm_catalog (name);
-- Exactly one version is in force: the store retires the old one in the
-- transaction that activates the new, and this index refuses a second.
CREATE UNIQUE INDEX spm_catalog_one_active ON spm_catalog (status) WHERE status = 'active';

CREATE TABLE spm_catalog_jenis (
    catalog_id INTEGER NOT NULL REFERENCES spm_catalog (id),
    jenis      TEXT NOT NULL,
    name       TEXT NOT NULL,
    penerima   TEXT NOT NULL,
    source     TEXT NOT NULL,
    PRIMARY KEY (catalog_id, jenis)
);

-- Items are keyed by code within their jenis: unit costs and budgets key
-- on (jenis, code), which stay the same from version to version.
CREATE TABLE spm_catalog_item (
    catalog_id INTEGER NOT NULL,
    jenis      TEXT NOT NULL,
    line       INTEGER NOT NULL,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    unit_label TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (catalog_id, jenis, line),
    UNIQUE (catalog_id, jenis, code),
    FOREIGN KEY (catalog_id, jenis) REFERENCES spm_catalog_jenis (catalog_id, jenis)
);

-- +goose Down
DROP TABLE spm_catalog_item;
DROP TABLE spm_catalog_jenis;
DROP TABLE spm_catalog;
