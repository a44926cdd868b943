#!/usr/bin/env bash
# Issue 18's benchmark: the migrate step on worker JVMs through RabbitMQ (migrate --remote) against
# the same run on local threads, on one machine, on the same generated export.
#
#   bench/remote.sh [USERS] [WORKERS...]      (defaults: 1000000 users; 1 2 workers)
#
# Cases, each on a fresh PostgreSQL database:
#   local        migrate on local threads (no broker), the launcher's settings
#   remote-wN    migrate --remote with N `keyshift worker` JVMs started beside it (all by bin/keyshift)
#
# Per case: wall time of the manager (load + migrate + report), users/s, the CPU seconds (user +
# system) of the manager, of the workers (summed) and of the PostgreSQL server (the postmaster with its
# ended backends, from /proc: every backend of the run has ended when it is read; other clients of
# the server during the case are counted too, so keep the machine to yourself), each process's peak
# RSS, the tokens in personal_access_token, and the exit code. A Markdown table goes to stdout and to
# bench/remote-results-<date>.md.
#
# Environment: PGHOST/PGPORT/PGUSER as bench/run.sh; RabbitMQ on localhost:5672 (guest) or
# SPRING_RABBITMQ_*; BENCH_WORK (bench/work); KEYSHIFT_JAR (target/keyshift.jar); BENCH_KEEP=1 keeps
# the databases; BENCH_SEED (42).
set -euo pipefail

USERS=${1:-1000000}
shift || true
WORKERS=("$@")
((${#WORKERS[@]})) || WORKERS=(1 2)
SEED=${BENCH_SEED:-42}
[[ $USERS =~ ^[0-9]+$ ]] || { echo "usage: bench/remote.sh [USERS] [WORKERS...]" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=${KEYSHIFT_JAR:-$ROOT/target/keyshift.jar}
WORK=${BENCH_WORK:-$ROOT/bench/work}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
JDBC_BASE="jdbc:postgresql://$PGHOST:$PGPORT"
STAMP=$(date -u +%Y%m%d-%H%M%S)
RUN_DIR=$WORK/remote-$STAMP-$USERS
RESULTS=$ROOT/bench/remote-results-$STAMP.md
DB_PREFIX="ksremote_$$_"
say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

for tool in java psql openssl; do command -v "$tool" >/dev/null || die "$tool is not on the PATH"; done
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time, for CPU and peak RSS) is missing: apt-get install time"
[[ -f $JAR ]] || die "$JAR is missing: ./mvnw -q package -DskipTests"
psql -X -q -d postgres -Atc 'select 1' >/dev/null || die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER"
POSTMASTER=$(head -n 1 "$(psql -X -q -d postgres -Atc 'show data_directory')/postmaster.pid" 2>/dev/null || true)
[[ -n $POSTMASTER && -r /proc/$POSTMASTER/stat ]] ||
  die "PostgreSQL's postmaster is not a process of this machine (its CPU is measured from /proc)"
TICKS=$(getconf CLK_TCK)

CREATED_DBS=()
WORKER_PIDS=()
drop_db() { psql -X -q -d postgres -c "set client_min_messages = warning" -c "drop database if exists \"$1\" with (force)" >/dev/null; }
cleanup() {
  local pid db
  for pid in "${WORKER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  [[ ${BENCH_KEEP:-0} == 1 ]] && { ((${#CREATED_DBS[@]})) && say "kept databases: ${CREATED_DBS[*]}"; return; }
  for db in "${CREATED_DBS[@]}"; do [[ -z $db ]] || drop_db "$db" || say "could not drop $db"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# CPU seconds the PostgreSQL server has used so far: the postmaster, its ended children, its live ones
pg_cpu() {
  local total=0 pid f
  f=($(sed 's/^.*) //' "/proc/$POSTMASTER/stat"))
  total=$((f[11] + f[12] + f[13] + f[14]))
  for pid in $(pgrep -P "$POSTMASTER"); do
    f=($(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null)) || continue
    ((${#f[@]} > 14)) && total=$((total + f[11] + f[12]))
  done
  awk -v t="$total" -v k="$TICKS" 'BEGIN { printf "%.1f", t / k }'
}
cpu_of() { awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.1f", t }' "$1" 2>/dev/null || echo "?"; }
rss_of() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1" 2>/dev/null || echo "?"; }

mkdir -p "$WORK" "$RUN_DIR"
EXPORT=$WORK/export-$USERS-$SEED
if [[ ! -f $EXPORT/.complete ]]; then
  say "generating $USERS users (seed $SEED) into $EXPORT"
  rm -rf "$EXPORT"
  java -jar "$JAR" generate --users "$USERS" --seed "$SEED" --out "$EXPORT" >&2
  touch "$EXPORT/.complete"
fi
KEY=$WORK/delivery.key
[[ -s $KEY ]] || (umask 077 && openssl rand -base64 32 >"$KEY")
KEYSHIFT=(env -u JAVA_OPTS -u KEYSHIFT_OPTS -u KEYSHIFT_HEAP KEYSHIFT_JAR="$JAR" "$ROOT/bin/keyshift")

ROWS=()
run_case() { # run_case NAME WORKERS (0: local threads)
  local n=$2 db=${DB_PREFIX}${1//-/_} dir=$RUN_DIR/$1 i
  mkdir -p "$dir"
  drop_db "$db"
  psql -X -q -d postgres -c "create database \"$db\"" >/dev/null
  CREATED_DBS+=("$db")
  local env=(SPRING_DATASOURCE_URL="$JDBC_BASE/$db" SPRING_DATASOURCE_USERNAME="$PGUSER"
    SPRING_DATASOURCE_PASSWORD="${PGPASSWORD:-}")
  # workers first (each migrates the schema as it starts, as the manager does), then the manager
  WORKER_PIDS=()
  for ((i = 1; i <= n; i++)); do
    (cd "$dir" && exec env "${env[@]}" /usr/bin/time -v -o "$dir/worker$i.time" "${KEYSHIFT[@]}" worker \
      --delivery-key-file "$KEY" >"$dir/worker$i.log" 2>&1) &
    WORKER_PIDS+=($!)
    sleep 2
  done
  local remote=()
  ((n > 0)) && remote=(--remote)
  local pg_before start end rc
  pg_before=$(pg_cpu)
  say "$1: migrate${remote:+ --remote} ($n worker JVMs), database $db"
  start=$(date +%s%N)
  set +e
  (cd "$dir" && exec env "${env[@]}" /usr/bin/time -v -o "$dir/manager.time" "${KEYSHIFT[@]}" migrate \
    --input "$EXPORT" --delivery-key-file "$KEY" --report-dir "$dir/report" "${remote[@]}" \
    >"$dir/manager.log" 2>&1)
  rc=$?
  set -e
  end=$(date +%s%N)
  # SIGTERM to each worker's JVM (the child of /usr/bin/time): it exits 0 when idle
  for i in "${!WORKER_PIDS[@]}"; do pkill -TERM -P "${WORKER_PIDS[$i]}" 2>/dev/null || true; done
  for i in "${!WORKER_PIDS[@]}"; do wait "${WORKER_PIDS[$i]}" 2>/dev/null || true; done
  WORKER_PIDS=()
  sleep 1
  local pg_after wall wcpu="" wrss="" tokens
  pg_after=$(pg_cpu)
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", (e - s) / 1e9 }')
  for ((i = 1; i <= n; i++)); do
    wcpu+="${wcpu:+ + }$(cpu_of "$dir/worker$i.time")"
    wrss+="${wrss:+ / }$(rss_of "$dir/worker$i.time")"
  done
  tokens=$(psql -X -q -d "$db" -Atc 'select count(*) from personal_access_token' 2>/dev/null || echo "?")
  local ups pgc
  ups=$(awk -v u="$USERS" -v w="$wall" 'BEGIN { if (w > 0) printf "%.0f", u / w; else print "?" }')
  pgc=$(awk -v a="$pg_before" -v b="$pg_after" 'BEGIN { printf "%.1f", b - a }')
  ROWS+=("| $1 | $n | $wall | $ups | $(cpu_of "$dir/manager.time") | ${wcpu:--} | $pgc | $(rss_of "$dir/manager.time") | ${wrss:--} | $tokens | $rc |")
  say "$1: ${wall}s, exit $rc, tokens $tokens; manager CPU $(cpu_of "$dir/manager.time") s, workers ${wcpu:--} s, PostgreSQL $pgc s"
  ((rc == 0)) || tail -n 5 "$dir/manager.log" >&2 || true
  [[ ${BENCH_KEEP:-0} == 1 ]] || { rm -rf "$dir/report/report.csv" "$dir/report/rejects.csv"; }
}

run_case local 0
for n in "${WORKERS[@]}"; do run_case "remote-w$n" "$n"; done

{
  echo "## remote partitioning benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $USERS users (seed $SEED)"
  echo
  echo "Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); $(java -version 2>&1 | head -n 1);"
  echo "PostgreSQL $(psql -X -d postgres -Atc 'show server_version'); RabbitMQ on the same machine; every JVM started by bin/keyshift."
  echo "Command: bench/remote.sh $USERS ${WORKERS[*]}"
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| case | worker JVMs | wall s | users/s | manager CPU s | workers CPU s | PostgreSQL CPU s | manager RSS MiB | worker RSS MiB | tokens | exit |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} | tee "$RESULTS"
