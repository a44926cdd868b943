#!/usr/bin/env bash
# Issue 5's benchmark: the pure-SQL reference against the job, on one machine, in one run, on the same
# generated export.
#
#   bench/run.sh [USERS] [SEED]          (defaults: 1000000 users, seed 42)
#
# Cases, each on a fresh database (PostgreSQL) or in a fresh empty directory (H2):
#   reference     bench/reference.sql through psql (COPY + four set-based statements, no validation,
#                 no report, no delivery)
#   job-pg        the job on PostgreSQL, default settings (threads: one per core)
#   job-pg-t1     the job on PostgreSQL, --threads 1
#   job-pg-t2     the job on PostgreSQL, --threads 2
#   job-h2        the job on its embedded H2 file database, default settings
#   job-pg-512m   the job on PostgreSQL with java -Xmx512m: must succeed
#   job-h2-512m   the job on H2 with java -Xmx512m: must succeed too
#   launcher-pg   the job on PostgreSQL started by bin/keyshift, the README's way (its JVM settings)
#   launcher-h2   the same on its embedded H2 file database
#
# Per case: wall time, users/s (USERS / wall), tokens/s (tokens in personal_access_token afterwards;
# for H2, tokens_minted from the run's summary.json), peak RSS of the client process (/usr/bin/time -v:
# the JVM, or psql for the reference; the PostgreSQL server's memory is not counted in either case),
# exit code. Prints the machine, a Markdown table and the ratios, and writes the same to
# bench/results-<date>.md.
#
# Environment: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres): a server where PGUSER may create
# databases, with pgcrypto available. BENCH_WORK (bench/work): where the export and the runs go.
# KEYSHIFT_JAR (target/keyshift.jar): the jar to measure; give a copy when a build may replace it.
# BENCH_KEEP=1 keeps the databases, the H2 files and the full reports. BENCH_CASES: a space-separated
# subset of the case names above, to rerun only some (e.g. BENCH_CASES="reference job-pg").
set -euo pipefail

USERS=${1:-1000000}
SEED=${2:-42}
if ! [[ $USERS =~ ^[0-9]+$ && $SEED =~ ^-?[0-9]+$ ]]; then
  echo "usage: bench/run.sh [USERS] [SEED]   (numbers; defaults 1000000 42)" >&2
  exit 2
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=${KEYSHIFT_JAR:-$ROOT/target/keyshift.jar}
WORK=${BENCH_WORK:-$ROOT/bench/work}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
JDBC_BASE="jdbc:postgresql://$PGHOST:$PGPORT"
CASES=${BENCH_CASES:-reference job-pg job-pg-t1 job-pg-t2 job-h2 job-pg-512m job-h2-512m launcher-pg launcher-h2}
STAMP=$(date -u +%Y%m%d-%H%M%S)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
RUN_DIR=$WORK/run-$STAMP-$USERS
RESULTS=$ROOT/bench/results-$STAMP.md
DB_PREFIX="ksbench_$$_"

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

for tool in java psql openssl; do
  command -v "$tool" >/dev/null || die "$tool is not on the PATH"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time, for peak RSS) is missing: apt-get install time"
psql -X -q -d postgres -Atc 'select 1' >/dev/null || die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER"

# -------------------------------------------------------------------------------- databases we made
CREATED_DBS=()
drop_db() {
  psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "set client_min_messages = warning" \
    -c "drop database if exists \"$1\" with (force)" >/dev/null
}
release_db() { # release_db NAME: drops a database made here once it has been measured (unless BENCH_KEEP=1)
  local db kept=()
  [[ ${BENCH_KEEP:-0} == 1 ]] && return 0
  drop_db "$1"
  for db in "${CREATED_DBS[@]}"; do [[ $db == "$1" ]] || kept+=("$db"); done
  CREATED_DBS=("${kept[@]}")
}
cleanup() {
  local db
  trap '' INT TERM PIPE # finish dropping even if the terminal or the reader of our output has gone
  if [[ ${BENCH_KEEP:-0} != 1 ]]; then
    for db in "${CREATED_DBS[@]}"; do drop_db "$db" || say "could not drop database $db"; done
    CREATED_DBS=()
  elif ((${#CREATED_DBS[@]})); then
    say "kept databases: ${CREATED_DBS[*]}"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'exit 141' PIPE
fresh_db() { # fresh_db NAME: creates the empty database NAME (not in a subshell: it is remembered)
  drop_db "$1"
  psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "create database \"$1\"" >/dev/null
  CREATED_DBS+=("$1")
}

# -------------------------------------------------------------------------------- jar, export, key
if [[ ! -f $JAR ]]; then
  [[ -z ${KEYSHIFT_JAR:-} ]] || die "KEYSHIFT_JAR=$KEYSHIFT_JAR: no such file"
  say "building $JAR"
  (cd "$ROOT" && ./mvnw -q -B package -DskipTests)
fi
mkdir -p "$WORK" "$RUN_DIR"

EXPORT=$WORK/export-$USERS-$SEED
if [[ ! -f $EXPORT/.complete ]]; then
  say "generating $USERS users (seed $SEED) into $EXPORT"
  rm -rf "$EXPORT"
  java -jar "$JAR" generate --users "$USERS" --seed "$SEED" --out "$EXPORT" >&2
  touch "$EXPORT/.complete"
else
  say "reusing the export in $EXPORT"
fi
KEY=$WORK/delivery.key
[[ -s $KEY ]] || (umask 077 && openssl rand -base64 32 >"$KEY")

# -------------------------------------------------------------------------------- measuring one case
ROWS=()      # Markdown table rows
FAILED=()
declare -A WALL TOKENS

# run_case NAME DESCRIPTION DIR -- COMMAND...: runs COMMAND in DIR under /usr/bin/time -v; sets
# CASE_RC, CASE_WALL (seconds), CASE_RSS (MiB), CASE_CPU (user + system seconds of the client process)
run_case() {
  local name=$1 dir=$3
  shift 4
  mkdir -p "$dir"
  local start end
  start=$(date +%s%N)
  set +e
  (cd "$dir" && exec /usr/bin/time -v -o "$dir/time.txt" "$@" >"$dir/stdout.log" 2>"$dir/stderr.log")
  CASE_RC=$?
  set -e
  end=$(date +%s%N)
  CASE_WALL=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", (e - s) / 1e9 }')
  local kb
  kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$dir/time.txt" 2>/dev/null || true)
  CASE_RSS=$(awk -v k="${kb:-0}" 'BEGIN { printf "%.0f", k / 1024 }')
  CASE_CPU=$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.1f", t }' "$dir/time.txt" 2>/dev/null ||
    echo "?")
  if ((CASE_RC != 0)); then
    FAILED+=("$name")
    say "$name FAILED (exit $CASE_RC): see $dir/stdout.log and $dir/stderr.log"
    tail -n 3 "$dir/stdout.log" "$dir/stderr.log" >&2 || true
  fi
}

pg_tokens() {
  psql -X -q -d "$1" -Atc 'select count(*) from personal_access_token' 2>/dev/null || echo "?"
}

summary_field() { # summary_field REPORT_DIR FIELD: a number from the run's summary.json
  sed -n "s/^ *\"$2\": *\([0-9.][0-9.]*\).*/\1/p" "$1/summary.json" 2>/dev/null | head -n 1
}
summary_tokens() { summary_field "$1" tokens_minted; }

record() { # record NAME DESCRIPTION TOKENS [JOB_SECONDS]
  local name=$1 what=$2 tokens=${3:-?} own=${4:-}
  [[ -n $own ]] || own="-"
  local ups tps
  ups=$(awk -v u="$USERS" -v w="$CASE_WALL" 'BEGIN { if (w > 0) printf "%.0f", u / w; else print "?" }')
  if [[ $tokens =~ ^[0-9]+$ ]]; then
    tps=$(awk -v t="$tokens" -v w="$CASE_WALL" 'BEGIN { if (w > 0) printf "%.0f", t / w; else print "?" }')
  else
    tps="?"
  fi
  WALL[$name]=$CASE_WALL
  TOKENS[$name]=$tokens
  ROWS+=("| $name | $what | $CASE_WALL | $own | $CASE_CPU | $ups | $tokens | $tps | $CASE_RSS | $CASE_RC |")
  say "$name: ${CASE_WALL}s, exit $CASE_RC, tokens $tokens, peak RSS ${CASE_RSS} MiB"
}

trim_reports() { # the full report.csv of a big run is large; keep summaries and logs
  if [[ ${BENCH_KEEP:-0} != 1 ]]; then
    rm -rf "$1/data" "$1/report/report.csv" "$1/report/rejects.csv"
  fi
}

# keyshift_command JAVA_OPTS_OR_EMPTY_OR_launcher: sets KEYSHIFT, the command that starts the jar: java with
# those options, or (for "launcher") bin/keyshift, the README's way, with no JAVA_OPTS or KEYSHIFT_OPTS
keyshift_command() {
  if [[ $1 == launcher ]]; then
    KEYSHIFT=(env -u JAVA_OPTS -u KEYSHIFT_OPTS -u KEYSHIFT_HEAP KEYSHIFT_JAR="$JAR" "$ROOT/bin/keyshift")
  else
    KEYSHIFT=(java)
    [[ -n $1 ]] && KEYSHIFT+=("$1")
    KEYSHIFT+=(-jar "$JAR")
  fi
}

job_pg() { # job_pg NAME DESCRIPTION JAVA_OPTS_OR_EMPTY_OR_launcher EXTRA_ARGS...
  local name=$1 what=$2 jopts=$3
  shift 3
  local db=$DB_PREFIX${name//-/_} dir=$RUN_DIR/$name
  fresh_db "$db"
  say "$name: $what (database $db)"
  keyshift_command "$jopts"
  run_case "$name" "$what" "$dir" -- env SPRING_DATASOURCE_URL="$JDBC_BASE/$db" \
    SPRING_DATASOURCE_USERNAME="$PGUSER" SPRING_DATASOURCE_PASSWORD="${PGPASSWORD:-}" \
    "${KEYSHIFT[@]}" migrate --input "$EXPORT" --delivery-key-file "$KEY" \
    --report-dir "$dir/report" "$@"
  local tokens minted
  tokens=$(pg_tokens "$db")
  minted=$(summary_tokens "$dir/report")
  if [[ $CASE_RC == 0 && -n $minted && $minted != "$tokens" ]]; then
    say "$name: summary.json says $minted tokens minted, the database holds $tokens"
  fi
  record "$name" "$what" "$tokens" "$(summary_field "$dir/report" duration_seconds)"
  trim_reports "$dir"
  release_db "$db"
}

wants() { [[ " $CASES " == *" $1 "* ]]; }

# -------------------------------------------------------------------------------- the machine
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM_GIB=$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
JAVA_VERSION=$(java -version 2>&1 | head -n 1)
PG_VERSION=$(psql -X -d postgres -Atc 'show server_version')
PG_SETTINGS=$(psql -X -d postgres -Atc "select string_agg(name || '=' || setting || coalesce(unit, ''), ', ' order by name)
  from pg_settings where name in ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'max_wal_size',
  'synchronous_commit', 'fsync', 'wal_level')")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
data_rows() { # data rows of one CSV of the export (the generator writes no line breaks inside fields)
  if [[ -f $EXPORT/$1 ]]; then echo $(($(wc -l <"$EXPORT/$1") - 1)); else echo "missing"; fi
}
ACCOUNTS_ROWS=$(data_rows accounts.csv)
KEYS_ROWS=$(data_rows legacy_api_keys.csv)
MEMBERSHIP_ROWS=$(data_rows account_memberships.csv)
USAGE_ROWS=$(data_rows api_key_usage.csv)

# -------------------------------------------------------------------------------- the cases
if wants reference; then
  db=${DB_PREFIX}ref
  fresh_db "$db"
  dir=$RUN_DIR/reference
  say "reference: bench/reference.sql (database $db)"
  run_case reference "pure-SQL reference (psql)" "$dir" -- psql -X -q -v ON_ERROR_STOP=1 \
    -v input="$EXPORT" -d "$db" -f "$ROOT/bench/reference.sql"
  REF_COUNTS=$(grep '^reference:' "$dir/stdout.log" 2>/dev/null | sed 's/^reference: //' || true)
  record reference "pure-SQL reference (psql; RSS is psql's, the work is in the server)" "$(pg_tokens "$db")"
  say "reference: ${REF_COUNTS:-no counts printed}"
  release_db "$db"
fi
wants job-pg && job_pg job-pg "job, PostgreSQL, default threads ($(nproc))" ""
wants job-pg-t1 && job_pg job-pg-t1 "job, PostgreSQL, --threads 1" "" --threads 1
wants job-pg-t2 && job_pg job-pg-t2 "job, PostgreSQL, --threads 2" "" --threads 2
job_h2() { # job_h2 NAME DESCRIPTION JAVA_OPTS_OR_EMPTY_OR_launcher
  local name=$1 what=$2 jopts=$3
  local dir=$RUN_DIR/$name
  say "$name: $what (H2 file database in $dir/data)"
  keyshift_command "$jopts"
  run_case "$name" "$what" "$dir" -- env -u SPRING_DATASOURCE_URL -u SPRING_DATASOURCE_USERNAME \
    -u SPRING_DATASOURCE_PASSWORD "${KEYSHIFT[@]}" migrate --input "$EXPORT" --delivery-key-file "$KEY" \
    --report-dir "$dir/report"
  record "$name" "$what (tokens from summary.json)" "$(summary_tokens "$dir/report")" \
    "$(summary_field "$dir/report" duration_seconds)"
  trim_reports "$dir"
}
wants job-h2 && job_h2 job-h2 "job, H2 file database, default threads" ""
wants job-h2-512m && job_h2 job-h2-512m "job, H2 file database, java -Xmx512m" "-Xmx512m"
wants job-pg-512m && job_pg job-pg-512m "job, PostgreSQL, default threads, java -Xmx512m" "-Xmx512m"
wants launcher-pg && job_pg launcher-pg "job, PostgreSQL, started by bin/keyshift (no options)" launcher
wants launcher-h2 && job_h2 launcher-h2 "job, H2 file database, started by bin/keyshift (no options)" launcher

# -------------------------------------------------------------------------------- the report
ratio() { # ratio A B: WALL[A] / WALL[B], or n/a
  local a=${WALL[$1]:-} b=${WALL[$2]:-}
  if [[ -n $a && -n $b ]]; then
    awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
  else
    echo "n/a"
  fi
}
{
  echo "# keyshift benchmark, $USERS users (seed $SEED), started $STARTED, finished $(date -u '+%H:%M UTC')"
  echo
  echo "## Machine"
  echo
  echo "- CPUs: $(nproc) ($CPU_MODEL)"
  echo "- RAM: $MEM_GIB GiB"
  echo "- Java: $JAVA_VERSION"
  echo "- PostgreSQL: $PG_VERSION ($PG_SETTINGS)"
  echo "- Kernel: $(uname -sr)"
  echo "- Load average before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Export: $ACCOUNTS_ROWS accounts, $KEYS_ROWS legacy keys, $MEMBERSHIP_ROWS membership rows, $USAGE_ROWS usage rows"
  echo "- Jar: $JAR, built $(date -u -r "$JAR" '+%Y-%m-%d %H:%M UTC'); checkout: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' (with uncommitted changes)')"
  echo
  echo "## Results"
  echo
  echo "| case | what | wall s | job s | client CPU s | users/s | tokens | tokens/s | peak RSS MiB | exit |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "wall s: the whole command, JVM start-up included; users/s and tokens/s are computed from it."
  echo "job s: the run's own duration_seconds from its summary.json (from job start to report, without"
  echo "the JVM and Spring start-up)."
  echo "client CPU s: user + system CPU of the client process (/usr/bin/time -v); the server's CPU is not"
  echo "counted, so it is near zero for psql. On a shared machine it is steadier than wall time."
  echo "Peak RSS is the client process's (/usr/bin/time -v): the JVM, or psql for the reference."
  echo "PostgreSQL server memory is not included in any row."
  echo
  echo "## Ratios (wall time)"
  echo
  echo "- job-pg / reference: $(ratio job-pg reference) (target at most 1.0, must at most 2.0)"
  echo "- job-h2 / job-pg: $(ratio job-h2 job-pg) (target at most 2.0)"
  echo "- speed-up, --threads 1 / --threads 2: $(ratio job-pg-t1 job-pg-t2)"
  for name in job-pg-512m job-h2-512m; do
    if wants "$name"; then
      if [[ " ${FAILED[*]} " == *" $name "* ]]; then
        echo "- $name (-Xmx512m): FAILED"
      else
        echo "- $name (-Xmx512m): succeeded"
      fi
    fi
  done
  if [[ -n ${REF_COUNTS:-} ]]; then
    echo "- reference: $REF_COUNTS; job-pg: ${TOKENS[job-pg]:-n/a} tokens"
    echo "  (the reference skips the quarantine rules, so it mints slightly more tokens and migrates every key)"
  fi
  if ((${#FAILED[@]})); then
    echo
    echo "FAILED: ${FAILED[*]} (logs in $RUN_DIR)"
  fi
} | tee "$RESULTS"
say "results written to $RESULTS; logs in $RUN_DIR"
((${#FAILED[@]} == 0))
