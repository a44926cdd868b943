-- Tokens never travel by e-mail (keyshift serve). Dialect-neutral: runs on PostgreSQL and on H2.
--
-- In link mode a TOKENS_ISSUED message carries a claim link instead of the tokens. Its notification
-- goes PENDING -> SENT (the mail server accepted the message with the link; the tokens still wait,
-- encrypted, in the payload) -> DELIVERED (the user claimed them on the page: payload erased,
-- delivered_at is the claim's time, one token_event DELIVERED per token). Token mode, and the
-- messages that carry no secret (NO_TOKEN_ISSUED, TOKENS_CHANGED), go PENDING -> DELIVERED as before.
-- UNDELIVERABLE is the delivery engine's (V10 on its branch): kept here so this script keeps it.
alter table token_notification drop constraint token_notification_status;
alter table token_notification add constraint token_notification_status
    check (status in ('PENDING', 'SENT', 'DELIVERED', 'UNDELIVERABLE'));
alter table token_notification add column sent_at timestamp with time zone;
-- deliver --reissue --waive-key-check: the operator who waived the legacy key check for this user's
-- next link (copied onto the claim that link carries)
alter table token_notification add column claim_key_check_waived_by varchar(300);

-- One row per link sent. The claim secret (256 random bits) is stored only as its SHA-256 digest.
-- state: OPEN (usable until expires_at), CLAIMED (tokens shown once), LOCKED (5 wrong legacy keys),
-- REPLACED (the operator reissued the link: this one is dead). An OPEN claim past expires_at is expired.
create table token_claim (
    id                     uuid         not null primary key,
    notification_id        uuid         not null references token_notification (id),
    user_id                bigint       not null,
    secret_digest          char(64)     not null,
    state                  varchar(10)  not null,
    created_at             timestamp with time zone not null,
    expires_at             timestamp with time zone not null,
    failures               integer      default 0 not null,
    claimed_at             timestamp with time zone,
    locked_at              timestamp with time zone,
    replaced_at            timestamp with time zone,
    key_check_waived_by    varchar(300),
    constraint token_claim_digest unique (secret_digest),
    constraint token_claim_state check (state in ('OPEN', 'CLAIMED', 'LOCKED', 'REPLACED'))
);
create index token_claim_notification on token_claim (notification_id);
create index token_notification_sent on token_notification (status, sent_at);
