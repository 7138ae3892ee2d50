-- Each timeline entry records the case's version after it (issue 5, point
-- 9). A write on a stale copy of a case (version V) is refused, and the
-- refusal shows what changed since: exactly the entries with case_version
-- above V, which no timestamp could tell apart when two steps share a
-- second. Every step of a case raises its version by one (act, opening,
-- a transfer); the answers and escalations of referrals leave it, so an
-- old entry's version is the count of the version-raising entries up to
-- and including it. New entries take it from case_file in the same
-- statement (casework.addEvent).

-- +goose Up
ALTER TABLE case_event ADD COLUMN case_version INTEGER NOT NULL DEFAULT 0;
UPDATE case_event SET case_version = (SELECT COUNT(*) FROM case_event e
    WHERE e.case_id = case_event.case_id AND e.id <= case_event.id
      AND e.action NOT IN ('referral_accepted', 'referral_declined', 'referral_completed', 'referral_escalated'));

-- +goose Down
ALTER TABLE case_event DROP COLUMN case_version;
