-- keyshift status (another process, maybe on another host) tells a paused run from a working one:
-- while its migrate workers wait on the pause file (--pause-file) the run records since when (null
-- while they work), and how long the current attempt has been paused in all, which the rate status
-- shows leaves out. Times and durations are the run's own clock, as Spring Batch's columns.
-- Dialect-neutral: runs on PostgreSQL and on H2.
alter table run_record add column paused_since timestamp;
alter table run_record add column paused_millis bigint default 0 not null;
