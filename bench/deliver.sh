#!/usr/bin/env bash
# Issue 15's benchmark: keyshift deliver against a real mail server on this machine.
#
#   bench/deliver.sh [USERS] [CONNECTIONS...]      (defaults: 100000 users; connections 1 2 4 8)
#
# 1. generates USERS users (seed 42; reused from bench/work when already there) and migrates them
#    once on PostgreSQL (a real run: one sealed notification per user);
# 2. makes sure Postfix runs on 127.0.0.1:25, configured to accept everything from 127.0.0.1 and
#    discard it (installed with apt-get, non-interactively, when missing; the configuration is
#    rewritten only when this script installed it, or when BENCH_POSTFIX_CONFIGURE=1);
# 3. for each connection count: a fresh copy of the migrated database (CREATE DATABASE ... TEMPLATE),
#    then `bin/keyshift deliver` (the launcher, as the README runs it) as its own process under /usr/bin/time -v;
# 4. one more case with keyshift.mail.max-rate (BENCH_MAX_RATE, default 100 messages/s) at 4 connections.
# BENCH_MODE=link (default: deliver's default, a claim link per message) or token (the token e-mail).
#
# Per case: wall time of the deliver process, messages sent (its summary line), messages/s (sent /
# wall, JVM start included), peak RSS, exit code. A Markdown table goes to stdout and to
# bench/deliver-results-<date>.md. Environment: PGHOST/PGPORT/PGUSER as bench/run.sh; BENCH_WORK
# (bench/work); KEYSHIFT_JAR (target/keyshift.jar); BENCH_KEEP=1 keeps the databases.
# BENCH_MIGRATED_DB=NAME skips the migrate and copies that database (one this script migrated and
# kept) for each case. BENCH_SECONDS=S stops each deliver S seconds after it started (JVM start
# included) (SIGTERM: it finishes the message in hand and
# says how many it sent), to measure the rate on a machine too busy to send everything.
set -euo pipefail

USERS=${1:-100000}
shift || true
CONNECTIONS=("$@")
((${#CONNECTIONS[@]})) || CONNECTIONS=(1 2 4 8)
MAX_RATE=${BENCH_MAX_RATE:-100}
MODE=${BENCH_MODE:-link}
if ! [[ $USERS =~ ^[0-9]+$ ]]; then
  echo "usage: bench/deliver.sh [USERS] [CONNECTIONS...]   (numbers; defaults 100000, 1 2 4 8)" >&2
  exit 2
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=${KEYSHIFT_JAR:-$ROOT/target/keyshift.jar}
WORK=${BENCH_WORK:-$ROOT/bench/work}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
JDBC_BASE="jdbc:postgresql://$PGHOST:$PGPORT"
STAMP=$(date -u +%Y%m%d-%H%M%S)
RUN_DIR=$WORK/deliver-$STAMP-$USERS
RESULTS=$ROOT/bench/deliver-results-$STAMP.md
DB_PREFIX="ksdeliver_$$_"
say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

for tool in java psql openssl; do command -v "$tool" >/dev/null || die "$tool is not on the PATH"; done
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time, for peak RSS) is missing: apt-get install time"
psql -X -q -d postgres -Atc 'select 1' >/dev/null || die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER"

CREATED_DBS=()
drop_db() { psql -X -q -d postgres -c "set client_min_messages = warning" -c "drop database if exists \"$1\" with (force)" >/dev/null; }
cleanup() {
  [[ ${BENCH_KEEP:-0} == 1 ]] && { ((${#CREATED_DBS[@]})) && say "kept databases: ${CREATED_DBS[*]}"; return; }
  local db
  for db in "${CREATED_DBS[@]}"; do [[ -z $db ]] || drop_db "$db" || say "could not drop $db"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# -------------------------------------------------------------------------------- Postfix
postfix_up() { (exec 3<>/dev/tcp/127.0.0.1/25) 2>/dev/null; }
configure_postfix() {
  # everything from 127.0.0.1 is relayed to the discard transport: accepted (queued), then dropped
  postconf -e "inet_interfaces = loopback-only" "inet_protocols = ipv4" "mynetworks = 127.0.0.0/8" \
    "mydestination =" "local_recipient_maps =" "default_transport = discard" "relay_transport = discard" \
    "local_transport = discard" "smtpd_relay_restrictions = permit_mynetworks, reject" \
    "default_process_limit = 100" "smtpd_client_connection_count_limit = 50" "maillog_file = /var/log/postfix.log"
}
if ! command -v postfix >/dev/null && [[ ! -x /usr/sbin/postfix ]]; then
  say "installing Postfix (apt-get, non-interactive)"
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections 2>/dev/null || true
  echo "postfix postfix/mailname string localhost" | debconf-set-selections 2>/dev/null || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postfix >/dev/null
  configure_postfix
elif [[ ${BENCH_POSTFIX_CONFIGURE:-0} == 1 ]]; then
  configure_postfix
fi
if ! postfix_up; then
  say "starting Postfix"
  /usr/sbin/postfix start >/dev/null 2>&1 || /usr/sbin/postfix reload >/dev/null 2>&1 || true
  for _ in $(seq 50); do postfix_up && break; sleep 0.2; done
  postfix_up || die "Postfix does not listen on 127.0.0.1:25"
fi
POSTFIX_VERSION=$(postconf -h mail_version 2>/dev/null || echo "?")

# -------------------------------------------------------------------------------- export, key, migrate
[[ -f $JAR ]] || (cd "$ROOT" && ./mvnw -q -B package -DskipTests)
mkdir -p "$WORK" "$RUN_DIR"
EXPORT=$WORK/export-$USERS-42
if [[ ! -f $EXPORT/.complete ]]; then
  say "generating $USERS users into $EXPORT"
  rm -rf "$EXPORT"
  java -jar "$JAR" generate --users "$USERS" --seed 42 --out "$EXPORT" >&2
  touch "$EXPORT/.complete"
fi
KEY=$WORK/delivery.key
[[ -s $KEY ]] || (umask 077 && openssl rand -base64 32 >"$KEY")

if [[ -n ${BENCH_MIGRATED_DB:-} ]]; then
  # a database an earlier run of this script migrated (kept with BENCH_KEEP=1): only copied, never changed
  TEMPLATE=$BENCH_MIGRATED_DB
  say "reusing the migrated database $TEMPLATE"
else
  TEMPLATE=${DB_PREFIX}migrated
  drop_db "$TEMPLATE"; psql -X -q -d postgres -c "create database \"$TEMPLATE\"" >/dev/null; CREATED_DBS+=("$TEMPLATE")
  say "migrating $USERS users into $TEMPLATE"
  (cd "$RUN_DIR" && SPRING_DATASOURCE_URL="$JDBC_BASE/$TEMPLATE" SPRING_DATASOURCE_USERNAME="$PGUSER" \
    SPRING_DATASOURCE_PASSWORD="${PGPASSWORD:-}" java -jar "$JAR" migrate --input "$EXPORT" --delivery-key-file "$KEY" \
    --report-dir "$RUN_DIR/migrate-report" --accept-unattributed-rows >"$RUN_DIR/migrate.log" 2>&1) ||
    die "migrate failed: see $RUN_DIR/migrate.log"
fi
PENDING=$(psql -X -q -d "$TEMPLATE" -Atc "select count(*) from token_notification where status = 'PENDING'")
say "$PENDING notifications pending"

# -------------------------------------------------------------------------------- one deliver per case
ROWS=()
run_deliver() { # run_deliver NAME CONNECTIONS MAX_RATE_OR_EMPTY
  local name=$1 conns=$2 rate=$3 db=${DB_PREFIX}$1 dir=$RUN_DIR/$1
  mkdir -p "$dir"
  drop_db "$db"
  psql -X -q -d postgres -c "create database \"$db\" template \"$TEMPLATE\"" >/dev/null
  CREATED_DBS+=("$db")
  local args=(--mode "$MODE" --spring.mail.host=127.0.0.1 --spring.mail.port=25 --keyshift.mail.from=keyshift@example.com
    --keyshift.mail.connections="$conns" --keyshift.mail.report-dir="$dir/reports")
  [[ -n $rate ]] && args+=(--keyshift.mail.max-rate="$rate")
  [[ $MODE == link ]] && args+=(--keyshift.claim.base-url=https://keyshift.example.com)
  say "$name: deliver ($MODE mode), $conns connection(s)${rate:+, max-rate $rate}"
  local start end rc
  start=$(date +%s%N)
  set +e
  (cd "$dir" && SPRING_DATASOURCE_URL="$JDBC_BASE/$db" SPRING_DATASOURCE_USERNAME="$PGUSER" \
    SPRING_DATASOURCE_PASSWORD="${PGPASSWORD:-}" /usr/bin/time -v -o "$dir/time.txt" \
    ${BENCH_SECONDS:+timeout -s TERM -k 60 "$BENCH_SECONDS"} env KEYSHIFT_JAR="$JAR" "$ROOT/bin/keyshift" deliver --delivery-key-file "$KEY" "${args[@]}" \
    >"$dir/stdout.log" 2>"$dir/stderr.log")
  rc=$?
  set -e
  end=$(date +%s%N)
  local wall sent rss rate_s own
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", (e - s) / 1e9 }')
  sent=$(sed -n 's/^keyshift: deliver: \([0-9,]*\) sent.*/\1/p' "$dir/stdout.log" | tail -n 1 | tr -d ,)
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$dir/time.txt")
  own=$(sed -n 's/^keyshift: deliver: .* sent (.*), \([0-9.]*\) messages\/s.*/\1/p' "$dir/stdout.log" | tail -n 1)
  rate_s=$(awk -v n="${sent:-0}" -v w="$wall" 'BEGIN { if (w > 0) printf "%.0f", n / w; else print "?" }')
  ROWS+=("| $name | $conns | ${rate:-none} | ${sent:-?} | $wall | $rate_s | ${own:--} | $rss | $rc |")
  say "$name: ${sent:-?} sent in ${wall}s = $rate_s msg/s (its own: ${own:--}), peak RSS $rss MiB, exit $rc"
  ((rc == 0)) || tail -n 3 "$dir/stdout.log" "$dir/stderr.log" >&2 || true
  [[ ${BENCH_KEEP:-0} == 1 ]] || { drop_db "$db"; CREATED_DBS=("${CREATED_DBS[@]/$db/}"); }
}
for c in "${CONNECTIONS[@]}"; do run_deliver "c$c" "$c" ""; done
run_deliver "c4-rate$MAX_RATE" 4 "$MAX_RATE"

{
  echo "## deliver benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $USERS users ($PENDING notifications)"
  echo
  echo "Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); $(java -version 2>&1 | head -n 1);"
  echo "Postfix $POSTFIX_VERSION on 127.0.0.1:25 (discard transport); PostgreSQL $(psql -X -d postgres -Atc 'show server_version')."
  echo "Command: ${BENCH_SECONDS:+BENCH_SECONDS=$BENCH_SECONDS }BENCH_MODE=$MODE BENCH_MAX_RATE=$MAX_RATE bench/deliver.sh $USERS ${CONNECTIONS[*]}"
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| case | connections | max-rate | sent | wall s | msg/s (sent / wall) | msg/s (its last progress line) | peak RSS MiB | exit |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} | tee "$RESULTS"
