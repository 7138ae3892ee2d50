-- The days off of the government offices that move from year to year
-- (hari libur nasional by the Hijri, Chinese and Saka calendars, cuti
-- bersama by the yearly SKB 3 Menteri), entered by an admin of the whole
-- deployment; the days fixed by date are built into package holiday.
-- Deadlines in working days skip them.

-- +goose Up
CREATE TABLE holiday (
    day        TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('libur_nasional', 'cuti_bersama')),
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE holiday;
