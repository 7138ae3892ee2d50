-- The public-form guard (internal/guard; issue 7): the forms anyone may
-- send without an account — the satisfaction survey (SKM) and the
-- complaint form — are held off floods by counting recent submissions per
-- device (a random id in a cookie) and per address. The counts live in the
-- database, not in memory, so that several `layan serve` instances behind a
-- load balancer count together and a restart forgets nothing (as
-- login_failure does for sign-in).
--
-- A row says only that a form was sent from a device and an address at a
-- time: nothing of what was sent, so the answers stay anonymous. Rows older
-- than the longest window are deleted by guard.Allow.

-- +goose Up
CREATE TABLE public_submission (
    id     INTEGER PRIMARY KEY,
    form   TEXT NOT NULL,             -- which public form: "skm", "pengaduan", …
    device TEXT NOT NULL DEFAULT '',  -- the device cookie's id; '' without cookies
    ip     TEXT NOT NULL,
    at     TIMESTAMP NOT NULL
);
-- The two counts of guard.Allow: one device's, one address's submissions of
-- a form within the window.
CREATE INDEX public_submission_device ON public_submission (form, device, at);
CREATE INDEX public_submission_ip ON public_submission (form, ip, at);
-- The pruning of a form's old rows.
CREATE INDEX public_submission_at ON public_submission (form, at);

-- +goose Down
DROP INDEX public_submission_at;
DROP INDEX public_submission_ip;
DROP INDEX public_submission_device;
DROP TABLE public_submission;
