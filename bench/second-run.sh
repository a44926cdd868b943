#!/usr/bin/env bash
# Issue 14's second-run benchmark: the job on PostgreSQL, a first run on the generated export, then a
# second run on the same export with 5% drift (every 20th row of account_memberships.csv dropped: grants
# shrunk; every 20th account locked: its tokens revoked), which reconciles every ACTIVE token in scope.
#
#   bench/second-run.sh [USERS] [SEED]          (defaults: 1000000 users, seed 42)
#
# Prints the wall time of both runs, the tokens updated and revoked and the events written. The export
# is bench/run.sh's (bench/work/export-USERS-SEED, generated if missing); the database
# (ksbench2_<pid>) is dropped at the end. Same environment as bench/run.sh: PGHOST, PGPORT, PGUSER,
# KEYSHIFT_JAR, BENCH_WORK. Wall time on a shared machine is noise: run it on an idle one.
set -euo pipefail

USERS=${1:-1000000}
SEED=${2:-42}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=${KEYSHIFT_JAR:-$ROOT/target/keyshift.jar}
WORK=${BENCH_WORK:-$ROOT/bench/work}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=ksbench2_$$
RUN_DIR=$WORK/second-run-$(date -u +%Y%m%d-%H%M%S)-$USERS
say() { echo "bench: $*" >&2; }

[[ -f $JAR ]] || (cd "$ROOT" && ./mvnw -q -B -ntp package -DskipTests)
EXPORT=$WORK/export-$USERS-$SEED
if [[ ! -f $EXPORT/.complete ]]; then
  say "generating $USERS users (seed $SEED) into $EXPORT"
  rm -rf "$EXPORT"
  java -jar "$JAR" generate --users "$USERS" --seed "$SEED" --out "$EXPORT" >&2
  touch "$EXPORT/.complete"
fi
DRIFTED=$WORK/export-$USERS-$SEED-drift5
if [[ ! -f $DRIFTED/.complete ]]; then
  say "making the 5% drifted copy in $DRIFTED"
  rm -rf "$DRIFTED" && mkdir -p "$DRIFTED"
  cp "$EXPORT"/*.csv "$DRIFTED"/
  awk 'NR == 1 || (NR - 1) % 20 != 0' "$EXPORT/account_memberships.csv" > "$DRIFTED/account_memberships.csv"
  awk 'NR > 1 && (NR - 1) % 20 == 0 { sub(/,active\r?$/, ",locked\r") } { print }' "$EXPORT/accounts.csv" \
    > "$DRIFTED/accounts.csv"
  touch "$DRIFTED/.complete"
fi

mkdir -p "$RUN_DIR"
createdb "$DB"
trap 'dropdb --if-exists "$DB"' EXIT
openssl rand -base64 32 > "$RUN_DIR/delivery.key"
run() { # name input [options]
  local name=$1 input=$2; shift 2
  local start end
  start=$(date +%s.%N)
  SPRING_DATASOURCE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB" SPRING_DATASOURCE_USERNAME=$PGUSER \
    java -jar "$JAR" migrate --input "$input" --delivery-key-file "$RUN_DIR/delivery.key" \
    --report-dir "$RUN_DIR/$name" "$@" > "$RUN_DIR/$name.log" 2>&1
  end=$(date +%s.%N)
  printf '%s: %.1f s wall\n' "$name" "$(echo "$end - $start" | bc)"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run first "$EXPORT"
run second "$DRIFTED" --max-revocations 100000000
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
psql -X -q -d "$DB" -Atc "select event || ' ' || count(*) from token_event group by event order by event"
grep -h "earlier tokens" "$RUN_DIR/second.log" || true
