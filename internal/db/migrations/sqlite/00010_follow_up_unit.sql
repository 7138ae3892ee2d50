-- A supervisor's work view lists the visits due of the whole unit. Read
-- through the unit's cases it walked every case in bimbingan lanjut (a
-- sentra holds tens of thousands: seconds per request at 500,000 cases);
-- the unit on the visit makes it one range of a partial index. Kept with
-- the case's unit when a transfer moves the case.

-- +goose Up
ALTER TABLE case_follow_up ADD COLUMN unit_id INTEGER REFERENCES unit (id);
UPDATE case_follow_up SET unit_id = (SELECT c.unit_id FROM case_file c WHERE c.id = case_follow_up.case_id);
CREATE INDEX case_follow_up_unit_open ON case_follow_up (unit_id, due_on) WHERE done_on IS NULL;

-- +goose Down
DROP INDEX case_follow_up_unit_open;
ALTER TABLE case_follow_up DROP COLUMN unit_id;
