-- A unit's case figures (issue 5, point 7): caseload, medians of days to
-- assessment, plan and closure, and what is overdue, for a supervisor. A
-- sentra holds hundreds of thousands of cases; without these indexes each
-- figure walked all of them, and a median sorted every case opened in the
-- period (most of a second at 500,000 cases on SQLite). With them each
-- figure is a range of an index, read without the table:
--  - case_file_unit_opened and case_file_unit_closed: the cases opened and
--    closed in a period;
--  - case_file_days_to_*: the WIB calendar days from opening to the
--    approval of the assessment, of the first plan, and to closure, by unit
--    and then days, each with its opening: the histogram of a period's days
--    is read one number of days at a time (a few hundred of them), each a
--    count of one range, with no sort (casework.medianQuery). The
--    expressions are those of casework.wibDays, which the queries must
--    repeat exactly for the engine to use the index (a test checks it).
--    PostgreSQL reads an expression index without the table only when the
--    columns of the expression are in it too: the INCLUDE;
--  - case_file_unassessed: the open cases without an approved assessment,
--    by opening, whose oldest are overdue;
--  - case_referral_unanswered: the referrals still waiting for an answer,
--    by due time; those past it are few (the escalation job reads them too),
--    while the open referrals of case_referral_due grow with every accepted
--    one still in service.

-- +goose Up
CREATE INDEX case_file_unit_opened ON case_file (unit_id, opened_at);
CREATE INDEX case_file_unit_closed ON case_file (unit_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX case_file_days_to_assessment ON case_file
    (unit_id, (CAST((assessed_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE) - CAST((opened_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)), opened_at) INCLUDE (assessed_at)
    WHERE assessed_at IS NOT NULL;
CREATE INDEX case_file_days_to_plan ON case_file
    (unit_id, (CAST((planned_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE) - CAST((opened_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)), opened_at) INCLUDE (planned_at)
    WHERE planned_at IS NOT NULL;
CREATE INDEX case_file_days_to_closure ON case_file
    (unit_id, (CAST((closed_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE) - CAST((opened_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)), opened_at) INCLUDE (closed_at)
    WHERE closed_at IS NOT NULL;
CREATE INDEX case_file_unassessed ON case_file (unit_id, opened_at)
    WHERE closed_at IS NULL AND assessment_review <> 'disetujui';
CREATE INDEX case_referral_unanswered ON case_referral (due_at, case_id) WHERE status = 'dikirim';

-- +goose Down
DROP INDEX case_referral_unanswered;
DROP INDEX case_file_unassessed;
DROP INDEX case_file_days_to_closure;
DROP INDEX case_file_days_to_plan;
DROP INDEX case_file_days_to_assessment;
DROP INDEX case_file_unit_closed;
DROP INDEX case_file_unit_opened;
