-- The quarterly SPM report of a kab/kota or a province (issue 6 point 5):
-- what e-SPM takes each triwulan under Permendagri 59/2021 Pasal 24 —
-- capaian, anggaran, permasalahan and solusi per jenis, the four tahapan
-- of penerapan SPM, rencana aksi — and its review: draf → diajukan →
-- diverifikasi (by the province, for a kab/kota) → dikunci. The rules are
-- spm.DecideReport and spm.KeterisianOf; spm.Store writes these tables.

-- +goose Up
CREATE TABLE spm_report (
    id            INTEGER PRIMARY KEY,
    region_code   TEXT NOT NULL,
    province_code TEXT NOT NULL,
    year          INTEGER NOT NULL,
    quarter       INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    status        TEXT NOT NULL DEFAULT 'draf'
                  CHECK (status IN ('draf', 'diajukan', 'diverifikasi', 'dikunci')),
    rencana_aksi  TEXT NOT NULL DEFAULT '',
    -- The region's spm.Achievement for the period as JSON, taken at
    -- submission and kept unchanged until the report goes back to draf: a
    -- locked period's figures never move when cases do. NULL while draf.
    capaian       TEXT,
    snapshot_at   TIMESTAMP,
    -- Why the report last went back to draf (returned or reopened).
    reason        TEXT NOT NULL DEFAULT '',
    submitted_by  INTEGER REFERENCES app_user (id),
    submitted_at  TIMESTAMP,
    verified_by   INTEGER REFERENCES app_user (id),
    verified_at   TIMESTAMP,
    locked_by     INTEGER REFERENCES app_user (id),
    locked_at     TIMESTAMP,
    created_by    INTEGER REFERENCES app_user (id),
    created_at    TIMESTAMP NOT NULL,
    updated_by    INTEGER REFERENCES app_user (id),
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (region_code, year, quarter)
);
-- A period's reports of the nation, or of one province and its kab/kota:
-- the listing of who submitted and who is late.
CREATE INDEX spm_report_period ON spm_report (year, quarter, province_code);

-- Per jenis pelayanan dasar of the region's level: its problems and their
-- solutions, and the budget planned and realised in whole Rupiah (NULL:
-- not yet filled in, which is not the same as 0).
CREATE TABLE spm_report_jenis (
    report_id          INTEGER NOT NULL REFERENCES spm_report (id),
    jenis              TEXT NOT NULL,
    province_code      TEXT NOT NULL,
    permasalahan       TEXT NOT NULL DEFAULT '',
    solusi             TEXT NOT NULL DEFAULT '',
    anggaran_rencana   INTEGER CHECK (anggaran_rencana >= 0),
    anggaran_realisasi INTEGER CHECK (anggaran_realisasi >= 0),
    PRIMARY KEY (report_id, jenis)
);

-- The four tahapan of penerapan SPM (Permendagri 59/2021; domain.md
-- §2.6): done or not (NULL: not yet answered), with a note.
CREATE TABLE spm_report_tahap (
    report_id     INTEGER NOT NULL REFERENCES spm_report (id),
    tahap         TEXT NOT NULL,
    province_code TEXT NOT NULL,
    done          BOOLEAN,
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, tahap)
);

-- Every step of a report's review, with the report as it stood (content
-- and figures, JSON): a reopened period's locked figures stay here.
CREATE TABLE spm_report_event (
    id            INTEGER PRIMARY KEY,
    report_id     INTEGER NOT NULL REFERENCES spm_report (id),
    province_code TEXT NOT NULL,
    action        TEXT NOT NULL,
    from_status   TEXT NOT NULL,
    to_status     TEXT NOT NULL,
    actor_id      INTEGER REFERENCES app_user (id),
    actor_name    TEXT NOT NULL,
    at            TIMESTAMP NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    snapshot      TEXT NOT NULL
);
CREATE INDEX spm_report_event_report ON spm_report_event (report_id, id);

-- The history is append-only, like the audit log: nothing once reported is lost.
-- +goose StatementBegin
CREATE TRIGGER spm_report_event_no_update BEFORE UPDATE ON spm_report_event
BEGIN
    SELECT RAISE(ABORT, 'spm_report_event is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER spm_report_event_no_delete BEFORE DELETE ON spm_report_event
BEGIN
    SELECT RAISE(ABORT, 'spm_report_event is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE spm_report_event;
DROP TABLE spm_report_tahap;
DROP TABLE spm_report_jenis;
DROP TABLE spm_report;
