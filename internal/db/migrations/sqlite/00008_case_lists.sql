-- The case lists and the work view (issue 5): a unit's cases newest first,
-- its open ones, and what waits for a supervisor, each one range of an
-- index however many cases the unit holds.

-- +goose Up
CREATE INDEX case_file_unit_all ON case_file (unit_id, id);
CREATE INDEX case_file_unit_open ON case_file (unit_id, id) WHERE closed_at IS NULL;
CREATE INDEX case_file_awaiting ON case_file (unit_id, id)
    WHERE assessment_review = 'diajukan' OR plan_review = 'diajukan' OR termination_review = 'diajukan';

-- +goose Down
DROP INDEX case_file_awaiting;
DROP INDEX case_file_unit_open;
DROP INDEX case_file_unit_all;
