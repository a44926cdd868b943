-- keyshift worker (remote partitioning): who is alive, and which worker runs which partition.
-- Times are the database's own (current_timestamp), so the hosts' clocks never have to agree.
create table keyshift_worker (
    worker_id  varchar(100) not null primary key,
    host       varchar(255) not null,
    pid        bigint       not null,
    started_at timestamp    not null,
    last_beat  timestamp    not null
);

-- One row per partition (a step execution of the migrate step) a worker has taken. A partition is
-- run by the worker named here only; another worker takes it over only once this one is gone.
create table keyshift_partition_claim (
    step_execution_id bigint       not null primary key,
    worker_id         varchar(100) not null,
    claimed_at        timestamp    not null
);
