-- The tables other systems read (SPEC §9). Dialect-neutral: runs on PostgreSQL and on H2.
-- No column ever holds a legacy key or a token in plain text: keys are fingerprints, tokens digests,
-- and a token value lives only inside an encrypted notification payload until it is delivered.

create table legacy_api_key (
    key_id        bigint       not null primary key,
    user_id       bigint       not null,
    email         varchar(320) not null,
    fingerprint   char(64)     not null,
    hint          varchar(4)   not null,
    status        varchar(16)  not null,
    created_at    timestamp with time zone,
    last_used_at  timestamp with time zone,
    migrated_at   timestamp with time zone,
    revoked_at    timestamp with time zone,
    constraint legacy_api_key_status check (status in ('ACTIVE', 'MIGRATED', 'REVOKED'))
);
create index legacy_api_key_user on legacy_api_key (user_id);

create table personal_access_token (
    id             uuid         not null primary key,
    user_id        bigint       not null,
    account_id     bigint       not null,
    legacy_key_id  bigint       not null references legacy_api_key (key_id),
    name           varchar(200) not null,
    token_digest   char(64)     not null,
    token_hint     varchar(4)   not null,
    created_at     timestamp with time zone not null,
    run_id         bigint       not null,
    constraint personal_access_token_digest unique (token_digest),
    constraint personal_access_token_once unique (legacy_key_id, account_id)
);
create index personal_access_token_user on personal_access_token (user_id);

create table personal_access_token_permission (
    token_id        uuid        not null references personal_access_token (id),
    permission_set  varchar(40) not null,
    project_id      bigint
);
create index personal_access_token_permission_token on personal_access_token_permission (token_id);

create table token_notification (
    id            uuid         not null primary key,
    user_id       bigint       not null,
    email         varchar(320) not null,
    kind          varchar(20)  not null,
    status        varchar(16)  not null,
    payload       varchar(1000000),
    created_at    timestamp with time zone not null,
    delivered_at  timestamp with time zone,
    run_id        bigint       not null,
    constraint token_notification_once unique (run_id, user_id),
    constraint token_notification_kind check (kind in ('TOKENS_ISSUED', 'NO_TOKEN_ISSUED')),
    constraint token_notification_status check (status in ('PENDING', 'DELIVERED'))
);
