-- Working tables of a run, keyed by run_id (the Spring Batch job instance id, stable across restarts).
-- Staging holds the checked export; decisions and rejects are what the report is built from.

create table stg_account (
    run_id        bigint        not null,
    line          bigint        not null,
    account_id    bigint        not null,
    account_name  varchar(1000) not null,
    plan          varchar(20)   not null,
    state         varchar(10)   not null
);
create index stg_account_id on stg_account (run_id, account_id);

create table stg_legacy_key (
    run_id        bigint       not null,
    line          bigint       not null,
    key_id        bigint       not null,
    user_id       bigint       not null,
    email         varchar(320) not null,
    email_lower   varchar(320) not null,
    fingerprint   char(64)     not null,
    hint          varchar(4)   not null,
    created_at    timestamp with time zone not null,
    last_used_at  timestamp with time zone
);
create index stg_legacy_key_id on stg_legacy_key (run_id, key_id);
create index stg_legacy_key_user on stg_legacy_key (run_id, user_id);

-- rejected = true: a rejected row whose user and account could be read (it quarantines the pair)
create table stg_membership (
    run_id          bigint      not null,
    line            bigint      not null,
    user_id         bigint      not null,
    account_id      bigint      not null,
    license_type    varchar(12),
    permission_set  varchar(40),
    project_id      bigint,
    rejected        boolean     not null
);
create index stg_membership_user on stg_membership (run_id, user_id);

create table stg_usage (
    run_id          bigint        not null,
    line            bigint        not null,
    key_id          bigint        not null,
    endpoint        varchar(2000) not null,
    client          varchar(1000) not null,
    last_called_at  timestamp with time zone not null,
    calls           bigint        not null
);
create index stg_usage_key on stg_usage (run_id, key_id);

-- one row per user in scope: the unit of work of the migrate step
create table stg_user (
    run_id        bigint       not null,
    user_id       bigint       not null,
    key_id        bigint       not null,
    email         varchar(320) not null,
    key_count     integer      not null,
    shared_email  boolean      not null,
    primary key (run_id, user_id)
);

create table input_file (
    run_id              bigint      not null,
    file                varchar(64) not null,
    rows_read           bigint      not null,
    rows_deduplicated   bigint      not null,
    primary key (run_id, file)
);

create table input_reject (
    run_id    bigint         not null,
    file      varchar(64)    not null,
    line      bigint         not null,
    category  varchar(100)   not null,
    reason    varchar(1000)  not null,
    record    varchar(100000) not null
);
create index input_reject_run on input_reject (run_id, file, line);

-- the report rows: one per decision, in the user's order (seq)
create table migration_decision (
    run_id        bigint        not null,
    user_id       bigint        not null,
    seq           integer       not null,
    email         varchar(320)  not null,
    account_id    bigint,
    account_name  varchar(1000),
    plan          varchar(20),
    outcome       varchar(20)   not null,
    reason        varchar(30),
    token_id      uuid,
    token_hint    varchar(4),
    permissions   varchar(100000),
    notes         varchar(1000),
    key_status    varchar(16)   not null,
    key_changed   boolean       not null,
    notification  varchar(20),
    primary key (run_id, user_id, seq)
);

-- figures of a run that outlive its staging rows
create table run_record (
    run_id               bigint not null primary key,
    users_in_scope       bigint not null,
    users_out_of_scope   bigint not null
);

-- who holds the database for a run: written by the holder, read by a second launch to say who it is
create table run_holder (
    id          integer      not null primary key,
    host        varchar(255) not null,
    pid         bigint       not null,
    started_at  timestamp with time zone not null,
    command     varchar(1000) not null
);
