-- Staging rows are a copy of the export, kept only while a run is in progress: write them without
-- WAL. PostgreSQL empties unlogged tables after a crash; the load step notices (run_record is logged
-- and says how many users there were) and loads the export again when the run is resumed.
alter table stg_account set unlogged;
alter table stg_legacy_key set unlogged;
alter table stg_membership set unlogged;
alter table stg_usage set unlogged;
alter table stg_user set unlogged;
