-- Households and consent (issue 4, points 2 and 3). Consent records who
-- gave it (the person or a guardian, UU 27/2022 Pasal 25–26), for which
-- purpose and who recorded and withdrew it; names are kept beside the
-- account ids so that the record still reads true after an account is
-- renamed.

-- +goose Up
ALTER TABLE consent
    ADD COLUMN purpose_note TEXT NOT NULL DEFAULT '',
    ADD COLUMN guardian_name TEXT NOT NULL DEFAULT '',
    ADD COLUMN cannot_consent BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN cannot_consent_reason TEXT NOT NULL DEFAULT '',
    ADD COLUMN recorded_by_name TEXT NOT NULL DEFAULT '',
    ADD COLUMN withdrawn_by BIGINT REFERENCES app_user (id),
    ADD COLUMN withdrawn_by_name TEXT NOT NULL DEFAULT '',
    ADD COLUMN withdrawn_at TIMESTAMPTZ;

-- A person's past and current KKs, newest first.
CREATE INDEX household_member_person ON household_member (person_id, joined_on);

-- +goose Down
DROP INDEX household_member_person;
ALTER TABLE consent
    DROP COLUMN withdrawn_at,
    DROP COLUMN withdrawn_by_name,
    DROP COLUMN withdrawn_by,
    DROP COLUMN recorded_by_name,
    DROP COLUMN cannot_consent_reason,
    DROP COLUMN cannot_consent,
    DROP COLUMN guardian_name,
    DROP COLUMN purpose_note;
