#!/usr/bin/env bash
# Crash safety: while the load tool's residents complete the survey, kill the
# server with SIGKILL, start it again, and check that every acknowledged
# response is stored exactly once and that the other residents resume their
# drafts (the load tool retries with the same cookie, as a person would).
#
#   bench/crash.sh              # SQLite
#   bench/crash.sh postgres     # PostgreSQL at CIVIC_TEST_POSTGRES_URL
#   bench/crash.sh pg-restart   # PostgreSQL restarted under the running
#                               # server: it must answer 503 while the
#                               # database is away and recover by itself
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
residents="${RESIDENTS:-4000}"
port="${PORT:-18391}"
work=$(mktemp -d)
cargo build --release --quiet --bin civic-survey
cargo bench --quiet --bench load --no-run 2>/dev/null

source bench/lib.sh
if [ "$backend" = postgres ] || [ "$backend" = pg-restart ]; then
    new_database postgres crash "$work"
else
    new_database sqlite crash "$work"
fi
trap drop_database EXIT
export DATABASE_URL="$url" BIND_ADDRESS="127.0.0.1:$port" RUST_LOG=warn \
    SECRET_KEY="a crash test secret key that is long enough" RATE_LIMIT_SUBMISSIONS_PER_MINUTE=1000000

start() {
    ./target/release/civic-survey serve > "$work/server-$1.log" 2>&1 &
    echo $! > "$work/pid"
    wait_healthy "$port" "$work/server-$1.log"
}

start 1
cargo bench --quiet --bench load -- --url "http://127.0.0.1:$port" --database-url "$url" \
    --residents "$residents" --concurrency 16 --seconds 120 > "$work/load.log" 2>&1 &
load=$!
sleep "${KILL_AFTER:-1.5}"
if [ "$backend" = pg-restart ]; then
    cluster="$(ls /etc/postgresql)"
    pg_ctlcluster --skip-systemctl-redirect "$cluster" main stop -m fast
    echo "crash: stopped PostgreSQL during the load"
    health=$(curl -s -o "$work/health.txt" -w '%{http_code}' "http://127.0.0.1:$port/health" || true)
    page=$(curl -s -o "$work/page.html" -w '%{http_code}' -H "Cookie: civic_draft=$(printf '%064d' 0)" \
        "http://127.0.0.1:$port/surveys/csp-2019/check" || true)
    echo "crash: while the database is away, /health answers $health and a resident page $page ($(grep -o 'Sorry, the service is unavailable' "$work/page.html" | head -1))"
    sleep 2
    pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
    echo "crash: started PostgreSQL again; the server was not restarted"
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$port/health" > /dev/null && break
        sleep 0.2
    done
    echo "crash: /health answers $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health") again"
    if [ "$health" != 503 ] || [ "$page" != 503 ]; then
        echo "crash: expected 503 while the database was away" >&2
        kill "$(cat "$work/pid")" 2>/dev/null || true
        exit 1
    fi
else
    kill -9 "$(cat "$work/pid")"
    echo "crash: killed the server (SIGKILL) during the load"
    sleep 1
    start 2
    echo "crash: started it again"
fi
status=0
wait "$load" || status=$?
cat "$work/load.log"
kill "$(cat "$work/pid")" 2>/dev/null || true
rm -rf "$work"
exit "$status"
