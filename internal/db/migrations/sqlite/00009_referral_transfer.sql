-- A referral to another unit may hand the case over on acceptance (issue
-- 5, point 6: "referrals and transfers").

-- +goose Up
ALTER TABLE case_referral ADD COLUMN transfer BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE case_referral DROP COLUMN transfer;
