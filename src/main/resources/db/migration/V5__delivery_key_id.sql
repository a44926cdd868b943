-- Which delivery key sealed what: the key's identifier (HMAC-SHA-256 of a fixed label under the key,
-- 16 hex characters; it reveals nothing about the key). A run records the key it first sealed with, and
-- a start or resume with another key is refused; each notification carries the identifier too, so that
-- deliver opens exactly the runs of its key. Rows of the previous release have none (NULL): deliver tries
-- its key on a few of them instead, as before.

create table run_delivery_key (
    run_id       bigint      not null primary key,
    key_id       varchar(16) not null,
    recorded_at  timestamp with time zone not null
);

alter table token_notification add column delivery_key_id varchar(16);
