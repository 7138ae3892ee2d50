-- Households and consent (issue 4, points 2 and 3), same shape as the
-- PostgreSQL migration. Consent records who gave it (the person or a
-- guardian, UU 27/2022 Pasal 25–26), for which purpose and who recorded and
-- withdrew it; names are kept beside the account ids so that the record
-- still reads true after an account is renamed.

-- +goose Up
ALTER TABLE consent ADD COLUMN purpose_note TEXT NOT NULL DEFAULT '';
ALTER TABLE consent ADD COLUMN guardian_name TEXT NOT NULL DEFAULT '';
ALTER TABLE consent ADD COLUMN cannot_consent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE consent ADD COLUMN cannot_consent_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE consent ADD COLUMN recorded_by_name TEXT NOT NULL DEFAULT '';
ALTER TABLE consent ADD COLUMN withdrawn_by INTEGER REFERENCES app_user (id);
ALTER TABLE consent ADD COLUMN withdrawn_by_name TEXT NOT NULL DEFAULT '';
ALTER TABLE consent ADD COLUMN withdrawn_at TIMESTAMP;

-- A person's past and current KKs, newest first.
CREATE INDEX household_member_person ON household_member (person_id, joined_on);

-- +goose Down
DROP INDEX household_member_person;
ALTER TABLE consent DROP COLUMN withdrawn_at;
ALTER TABLE consent DROP COLUMN withdrawn_by_name;
ALTER TABLE consent DROP COLUMN withdrawn_by;
ALTER TABLE consent DROP COLUMN recorded_by_name;
ALTER TABLE consent DROP COLUMN cannot_consent_reason;
ALTER TABLE consent DROP COLUMN cannot_consent;
ALTER TABLE consent DROP COLUMN guardian_name;
ALTER TABLE consent DROP COLUMN purpose_note;
