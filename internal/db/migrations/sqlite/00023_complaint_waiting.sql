-- The work list's complaints (complaint.Store.Waiting, on every Pekerjaan
-- saya): a worker's open ones by assignee, a unit head's open ones of the
-- unit, the soonest due first, without reading the unit's closed history.

-- +goose Up
CREATE INDEX complaint_assignee_open ON complaint (assigned_to, status, due_at);
CREATE INDEX complaint_unit_open ON complaint (unit_id, status, due_at);

-- +goose Down
DROP INDEX complaint_unit_open;
DROP INDEX complaint_assignee_open;
