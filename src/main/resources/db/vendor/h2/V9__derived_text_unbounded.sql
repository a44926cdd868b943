-- Text the program derives from valid input has no bound the input's limits give: a pair with thousands
-- of project grants writes a permissions text over 100,000 characters (in the report, the previous
-- permissions and the token events too), and a notification lists all of a
-- user's tokens with their permissions. Such a value must never stop a run, so these columns are
-- unbounded (text on PostgreSQL; the largest varchar on H2).
-- H2 counts a varchar's length in UTF-16 units, PostgreSQL in characters: a hint of four emoji is 8
-- units, so the legacy key hint is widened on H2 to hold four characters of any kind.
alter table migration_decision alter column permissions set data type character varying(1000000000);
alter table token_notification alter column payload set data type character varying(1000000000);
alter table legacy_api_key alter column hint set data type character varying(8);
alter table stg_legacy_key alter column hint set data type character varying(8);
alter table migration_decision alter column previous_permissions set data type character varying(1000000000);
alter table token_event alter column permissions_before set data type character varying(1000000000);
alter table token_event alter column permissions_after set data type character varying(1000000000);
