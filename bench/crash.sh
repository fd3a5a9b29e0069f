#!/usr/bin/env bash
# Crash safety: while the load tool's residents complete the survey, kill the
# server with SIGKILL, start it again, and check that every acknowledged
# response is stored exactly once and that the other residents resume their
# drafts (the load tool retries with the same cookie, as a person would).
#
#   bench/crash.sh            # SQLite
#   bench/crash.sh postgres   # PostgreSQL at CIVIC_TEST_POSTGRES_URL
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
residents="${RESIDENTS:-400}"
port="${PORT:-18391}"
work=$(mktemp -d)
cargo build --release --quiet --bin civic-survey
cargo bench --quiet --bench load --no-run 2>/dev/null

if [ "$backend" = postgres ]; then
    server="${CIVIC_TEST_POSTGRES_URL:?set CIVIC_TEST_POSTGRES_URL}"
    name="civic_crash_$$"
    psql "$server/postgres" -qc "CREATE DATABASE $name"
    url="$server/$name"
    trap 'psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
else
    url="sqlite://$work/crash.db"
fi
export DATABASE_URL="$url" BIND_ADDRESS="127.0.0.1:$port" RUST_LOG=warn \
    SECRET_KEY="a crash test secret key that is long enough" RATE_LIMIT_SUBMISSIONS_PER_MINUTE=1000000

start() {
    ./target/release/civic-survey serve > "$work/server-$1.log" 2>&1 &
    echo $! > "$work/pid"
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$port/health" > /dev/null && return 0
        sleep 0.1
    done
    echo "the server did not start" >&2; cat "$work/server-$1.log" >&2; exit 1
}

start 1
cargo bench --quiet --bench load -- --url "http://127.0.0.1:$port" --database-url "$url" \
    --residents "$residents" --concurrency 16 --seconds 120 > "$work/load.log" 2>&1 &
load=$!
sleep "${KILL_AFTER:-2}"
kill -9 "$(cat "$work/pid")"
echo "crash: killed the server (SIGKILL) during the load"
sleep 1
start 2
echo "crash: started it again"
status=0
wait "$load" || status=$?
cat "$work/load.log"
kill "$(cat "$work/pid")" 2>/dev/null || true
rm -rf "$work"
exit "$status"
