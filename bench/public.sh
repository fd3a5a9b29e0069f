#!/usr/bin/env bash
# Readers per second of a public results page (issue 13), beside a static
# asset served by the same release binary in the same run (the baseline:
# no database, no rendering). The 2019 survey is seeded, an admin publishes
# six questions with a breakdown by borough through the admin form (as a
# browser would: sign-in, CSRF token, cookie), then wrk loads each URL.
#
#   bench/public.sh            # SQLite
#   bench/public.sh postgres   # PostgreSQL at CIVIC_TEST_POSTGRES_URL
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
port="${PORT:-18520}"
seconds="${SECONDS_EACH:-8}"
work=$(mktemp -d)
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet --bin civic-survey

source bench/lib.sh
new_database "$backend" public "$work"
cleanup() {
    [ -f "$work/pid" ] && kill "$(cat "$work/pid")" 2>/dev/null || true
    drop_database
    rm -rf "$work"
}
trap cleanup EXIT
export DATABASE_URL="$url" BIND_ADDRESS="127.0.0.1:$port" RUST_LOG=warn \
    SECRET_KEY="a public bench secret key that is long enough"
./target/release/civic-survey seed csp-2019 > /dev/null
echo "a public bench password" | ./target/release/civic-survey officer add bench@example.gov.uk --role admin > /dev/null
./target/release/civic-survey serve > "$work/server.log" 2>&1 &
echo $! > "$work/pid"
base="http://127.0.0.1:$port"
wait_healthy "$port" "$work/server.log"

jar="$work/cookies"
token() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//'; }
csrf=$(curl -s -c "$jar" -b "$jar" "$base/officers/sign-in" | token)
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" \
    --data-urlencode "email=bench@example.gov.uk" --data-urlencode "password=a public bench password" \
    "$base/officers/sign-in"
csrf=$(curl -s -c "$jar" -b "$jar" "$base/admin/surveys/csp-2019/public" | token)
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" \
    -d question=borough -d question=most-important -d question=asb-concerns -d question=age \
    -d question=ethnicity -d question=gender -d breakdown=borough -d action=publish \
    --data-urlencode "you-said=You said, we did." "$base/admin/surveys/csp-2019/public")
[ "$status" = 303 ] || { echo "publishing gave $status" >&2; exit 1; }
bytes=$(curl -s "$base/surveys/csp-2019/public-results" | wc -c)

rate() { # url connections
    local threads=2
    [ "$2" -lt 2 ] && threads=1
    wrk -t"$threads" -c"$2" -d"${seconds}s" "$1" | awk '/Requests\/sec/ { print $2 }'
}
echo "public results ($backend): a $bytes-byte page, wrk (two threads, one at 1 connection) for ${seconds} s each, same run"
for c in 1 32; do
    asset=$(rate "$base/assets/civic.css" "$c")
    page=$(rate "$base/surveys/csp-2019/public-results" "$c")
    echo "  $c connections: static CSS $asset requests/s (baseline); public page $page/s ($(awk -v a="$page" -v b="$asset" 'BEGIN { printf "%.2f", a / b }')x)"
done
