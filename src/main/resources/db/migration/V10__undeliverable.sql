-- keyshift deliver: a notification the mail server refused for good (a 5xx reply to its recipient or
-- its message) is UNDELIVERABLE: it keeps its payload and the server's reply in last_error, and is
-- not tried again until `deliver --retry-undeliverable` makes it PENDING (after the address was fixed).
-- Dialect-neutral: runs on PostgreSQL and on H2.
alter table token_notification drop constraint token_notification_status;
alter table token_notification add constraint token_notification_status
    check (status in ('PENDING', 'DELIVERED', 'UNDELIVERABLE'));
