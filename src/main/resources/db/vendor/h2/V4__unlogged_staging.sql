-- PostgreSQL makes the staging tables unlogged in this version; H2 has no write-ahead log to skip.
-- Kept so both databases have the same schema versions.
select 1;
