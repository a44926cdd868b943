-- Rejected rows still count (SPEC §2, "Bad input"). Dialect-neutral: runs on PostgreSQL and on H2.

-- A rejected membership row whose user reads as an id but whose account does not quarantines the
-- user as a whole: it is staged with rejected = true and no account_id.
alter table stg_membership alter column account_id drop not null;

-- A rejected membership row that names no readable user belongs to nobody: a real run stops on it
-- unless the operator accepts it (--accept-unattributed-rows); the report lists it as such.
alter table input_reject add column unattributed boolean default false not null;

-- The account_id or key_id a rejected row of accounts.csv or legacy_api_keys.csv still carries:
-- a repeated id rejects every row carrying it, even rows also rejected for another reason.
create table stg_rejected_id (
    run_id  bigint      not null,
    file    varchar(64) not null,
    line    bigint      not null,
    id      bigint      not null
);
create index stg_rejected_id_run on stg_rejected_id (run_id, file, id);
