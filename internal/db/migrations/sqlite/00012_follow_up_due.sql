-- The work view lists a unit's oldest due visits, by due day and id. With
-- the id in the index the range comes out in that order and the LIMIT stops
-- the scan; without it PostgreSQL read every due visit of the unit to sort
-- them, or walked the index of all units' visits by day. The index of
-- open visits by day alone served no query.

-- +goose Up
DROP INDEX case_follow_up_unit_open;
DROP INDEX case_follow_up_open;
CREATE INDEX case_follow_up_unit_due ON case_follow_up (unit_id, due_on, id) WHERE done_on IS NULL;

-- +goose Down
DROP INDEX case_follow_up_unit_due;
CREATE INDEX case_follow_up_open ON case_follow_up (due_on) WHERE done_on IS NULL;
CREATE INDEX case_follow_up_unit_open ON case_follow_up (unit_id, due_on) WHERE done_on IS NULL;
