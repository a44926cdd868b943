-- The pure-SQL reference of issue 5: what an operator could write by hand instead of running keyshift.
--
--   createdb ref && psql -X -q -v ON_ERROR_STOP=1 -v input=/path/to/export -d ref -f bench/reference.sql
--
-- Run it into a fresh, empty database (the server needs pgcrypto: `create extension` is done here).
-- It creates the product tables the job writes (copied from V1__product_tables.sql: same primary keys,
-- unique constraints, foreign keys and indexes, so both pay the same index maintenance), \copy-es the
-- four CSV files into plain staging tables, then does the migration in four set-based statements:
--
--   1. INSERT ... SELECT the legacy keys (fingerprint = SHA-256 hex, hint = last 4 characters); the
--      job does the same before minting, and personal_access_token.legacy_key_id references it;
--   2. INSERT ... SELECT one token per eligible (legacy key, account), value from gen_random_bytes(),
--      stored as its SHA-256 digest (hex) and a 4-character hint, like the product;
--   3. INSERT ... SELECT the grants of each token from its owner's membership rows, normalised like
--      the product (exact repeats removed, a project grant dropped where the set is on all projects);
--   4. UPDATE the legacy keys to MIGRATED.
--
-- Eligibility, as a reference: a (key, account) pair gets a token when the account is in accounts.csv,
-- is `active`, is on the team/enterprise/enterprise_plus plan, and every membership row of the pair
-- names the `developer` license (a pair with mixed licenses gets nothing, as LICENSE_CONFLICT would).
--
-- What it deliberately does NOT do (the job does all of it; see SPEC §2-§7):
--   * no validation: no rejects, no row-level checks (bad ids, enums, timestamps); a malformed row
--     stops the whole script (ON_ERROR_STOP) instead of being rejected;
--   * header check is only `header match`: the columns must be in the generator's order (the SPEC
--     allows any order); an unknown, missing or reordered column stops the script;
--   * no quarantine rules: DUPLICATE_LEGACY_KEY (a user with two keys gets tokens for both keys),
--     DUPLICATE_IDENTITY (shared e-mails), INVALID_GRANT, UNKNOWN_ACCOUNT (the pair simply gets no
--     token) are not detected; a repeated account_id is not either, and a repeated key_id stops the
--     script (primary key violation);
--   * so every legacy key becomes MIGRATED, including keys the job would leave ACTIVE (quarantined);
--   * tokens are 'dbtu_' || 64 hex characters (256 random bits, no base62, no CRC32 checksum): the
--     value is thrown away after hashing, since nothing delivers it;
--   * no notifications, no encryption, no delivery, no report.csv/summary, no api_key_usage advice
--     (the usage file is loaded, for the same input cost, and not used);
--   * no restart/resume, no run lock, no progress: it is one transaction, all or nothing.
--
-- It ANALYZEs what it has just bulk-loaded (as the job does), and ends by printing one line:
--   reference: tokens N, grants N, keys migrated N

\set ON_ERROR_STOP 1
\cd :input

begin;

create extension if not exists pgcrypto;

-- ---------------------------------------------------------------- product tables (from V1)

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

-- ---------------------------------------------------------------- staging: the CSV files as they are

create table ref_account (
    account_id    bigint,
    account_name  text,
    plan          text,
    state         text
);
create table ref_legacy_key (
    key_id        bigint,
    user_id       bigint,
    email         text,
    api_key       text,
    created_at    timestamp with time zone,
    last_used_at  timestamp with time zone
);
create table ref_membership (
    user_id         bigint,
    account_id      bigint,
    license_type    text,
    permission_set  text,
    project_id      bigint
);
create table ref_usage (
    key_id          bigint,
    endpoint        text,
    client          text,
    last_called_at  timestamp with time zone,
    calls           bigint
);

\copy ref_account from 'accounts.csv' with (format csv, header match)
\copy ref_legacy_key from 'legacy_api_keys.csv' with (format csv, header match)
\copy ref_membership from 'account_memberships.csv' with (format csv, header match)
\copy ref_usage from 'api_key_usage.csv' with (format csv, header match)

analyze ref_account;
analyze ref_legacy_key;
analyze ref_membership;

-- ---------------------------------------------------------------- 1. legacy keys: fingerprint and hint only

insert into legacy_api_key (key_id, user_id, email, fingerprint, hint, status, created_at, last_used_at)
select key_id, user_id, email, encode(digest(api_key, 'sha256'), 'hex'), right(api_key, 4), 'ACTIVE',
       created_at, last_used_at
from ref_legacy_key;

-- fresh statistics, as after any bulk load: without them the planner takes the tables created in this
-- transaction for empty and plans the grants' anti-join as a nested loop (minutes at 100k users)
analyze legacy_api_key;

-- ---------------------------------------------------------------- 2. tokens: one per eligible (key, account)

insert into personal_access_token (id, user_id, account_id, legacy_key_id, name, token_digest, token_hint,
                                   created_at, run_id)
select gen_random_uuid(), t.user_id, t.account_id, t.key_id, 'Migrated from legacy API key ' || t.key_id,
       encode(digest(t.token, 'sha256'), 'hex'), right(t.token, 4), now(), 1
from (
    select p.key_id, p.user_id, p.account_id,
           'dbtu_' || encode(gen_random_bytes(32), 'hex') as token
    from (
        select k.key_id, k.user_id, m.account_id
        from ref_legacy_key k
        join ref_membership m on m.user_id = k.user_id
        join ref_account a on a.account_id = m.account_id
        where a.state = 'active'
          and a.plan in ('team', 'enterprise', 'enterprise_plus')
        group by k.key_id, k.user_id, m.account_id
        having bool_and(m.license_type = 'developer')
    ) p
) t;

analyze personal_access_token;

-- ---------------------------------------------------------------- 3. grants: the owner's rows in that account
-- normalised like the product: exact repeats removed, a project grant dropped where the same set is
-- also granted on all projects

insert into personal_access_token_permission (token_id, permission_set, project_id)
select distinct t.id, m.permission_set, m.project_id
from personal_access_token t
join ref_membership m on m.user_id = t.user_id and m.account_id = t.account_id
-- (written as one NOT EXISTS so that PostgreSQL makes it a hash anti-join: "project_id is null or not
-- exists (...)" runs the subquery once per membership row, quadratic)
where not exists (select 1
                  from ref_membership w
                  where m.project_id is not null
                    and w.user_id = m.user_id
                    and w.account_id = m.account_id
                    and w.permission_set = m.permission_set
                    and w.project_id is null);

-- ---------------------------------------------------------------- 4. legacy keys: MIGRATED

update legacy_api_key set status = 'MIGRATED', migrated_at = now() where status = 'ACTIVE';

drop table ref_account, ref_legacy_key, ref_membership, ref_usage;

commit;

\pset tuples_only on
\pset format unaligned
select format('reference: tokens %s, grants %s, keys migrated %s',
              (select count(*) from personal_access_token),
              (select count(*) from personal_access_token_permission),
              (select count(*) from legacy_api_key where status = 'MIGRATED'));
