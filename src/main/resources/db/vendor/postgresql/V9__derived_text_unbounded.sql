-- Text the program derives from valid input has no bound the input's limits give: a pair with thousands
-- of project grants writes a permissions text over 100,000 characters (in the report, the previous
-- permissions and the token events too), and a notification lists all of a
-- user's tokens with their permissions. Such a value must never stop a run, so these columns are
-- unbounded (text on PostgreSQL; the largest varchar on H2).
alter table migration_decision alter column permissions type text;
alter table token_notification alter column payload type text;
alter table migration_decision alter column previous_permissions type text;
alter table token_event alter column permissions_before type text;
alter table token_event alter column permissions_after type text;
