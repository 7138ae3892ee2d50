-- Each timeline entry records the case's version after it (issue 5, point
-- 9). A write on a stale copy of a case (version V) is refused, and the
-- refusal shows what changed since: exactly the entries with case_version
-- above V, which no timestamp could tell apart when two steps share a
-- microsecond. Every step of a case raises its version by one (act,
-- opening, a transfer); the answers and escalations of referrals leave it,
-- so an old entry's version is the count of the version-raising entries up
-- to and including it — one window over the table, not a subquery per row
-- (a national database holds millions of entries). New entries take it
-- from case_file in the same statement (casework.addEvent).

-- +goose Up
ALTER TABLE case_event ADD COLUMN case_version INTEGER NOT NULL DEFAULT 0;
UPDATE case_event e SET case_version = v.n
FROM (SELECT id, COUNT(*) FILTER (WHERE action NOT IN ('referral_accepted', 'referral_declined', 'referral_completed',
        'referral_escalated')) OVER (PARTITION BY case_id ORDER BY id) AS n
      FROM case_event) v
WHERE v.id = e.id;

-- +goose Down
ALTER TABLE case_event DROP COLUMN case_version;
