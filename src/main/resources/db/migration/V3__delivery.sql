-- Delivery of pending notifications (keyshift deliver). Dialect-neutral: runs on PostgreSQL and on H2.
-- A notification that could not be sent stays PENDING: attempts counts the tries, last_error says why
-- (never a secret), and next_attempt_at is when the next try is due (exponential backoff, and the
-- short lease a deliverer takes while it sends). NULL next_attempt_at means due now.

alter table token_notification add column attempts integer default 0 not null;
alter table token_notification add column last_error varchar(1000);
alter table token_notification add column next_attempt_at timestamp with time zone;

create index token_notification_pending on token_notification (status, id);
