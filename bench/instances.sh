#!/usr/bin/env bash
# Several instances behind a reverse proxy, as councils deploy (issue 12):
# nginx (Debian's, installed if absent) with the shipped configuration
# (deploy/nginx/civic-limits.conf and civic-locations.conf), round robin
# over two release instances on one PostgreSQL database. Then:
#   1. an officer's live page on instance B hears responses submitted
#      through instance A (delay printed, at most 2 s; by NOTIFY, not polling);
#   2. one client's survey starts through the proxy are limited across both
#      instances (60 a minute);
#   3. residents, each from its own loopback address, complete the survey
#      through the proxy; their requests spread over both instances;
#      instance A is SIGKILLed mid-load and not restarted; a backup is taken
#      while the load goes on; every acknowledged response must be stored
#      exactly once.
#
#   bench/instances.sh        # needs CIVIC_TEST_POSTGRES_URL (.ci/run sets it)
set -euo pipefail
cd "$(dirname "$0")/.."
residents="${RESIDENTS:-3000}"
proxy_port="${PROXY_PORT:-18480}"
a_port=$((proxy_port + 1))
b_port=$((proxy_port + 2))
work=$(mktemp -d)
source bench/lib.sh

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
cargo build --release --quiet --bin civic-survey
cargo bench --quiet --bench load --no-run 2>/dev/null

new_database postgres instances "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    sleep 0.5
    drop_database
    rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="$url" RUST_LOG=warn \
    SECRET_KEY="an instances test secret key that is long enough" \
    TRUSTED_PROXIES=127.0.0.1 METRICS_TOKEN="an instances test metrics token"
officer=live@example.gov.uk
password="an instances test password"
echo "$password" | ./target/release/civic-survey officer add "$officer" --role analyst >/dev/null

start() { # name port
    if curl -s -o /dev/null "http://127.0.0.1:$2/health"; then
        echo "port $2 is taken: set PROXY_PORT to another" >&2; exit 1
    fi
    BIND_ADDRESS="127.0.0.1:$2" ./target/release/civic-survey serve > "$work/$1.log" 2>&1 &
    pids+=($!)
    echo $! > "$work/$1.pid"
    wait_healthy "$2" "$work/$1.log"
}
start a "$a_port"
start b "$b_port"

deploy="$PWD/deploy/nginx"
mkdir -p "$work/tmp"
cat > "$work/nginx.conf" <<EOF
$([ "$(id -u)" = 0 ] && echo "user root;")
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
    log_format upstreams '\$upstream_addr \$status "\$request"';
    access_log $work/access.log upstreams;
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    include $deploy/civic-limits.conf;
    upstream civic_app {
        server 127.0.0.1:$a_port max_fails=3 fail_timeout=5s;
        server 127.0.0.1:$b_port max_fails=3 fail_timeout=5s;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$proxy_port;
        include $deploy/civic-locations.conf;
    }
}
EOF
"$nginx_bin" -t -q -c "$work/nginx.conf" -p "$work"
"$nginx_bin" -c "$work/nginx.conf" -p "$work"
for i in $(seq 1 50); do
    curl -sf "http://127.0.0.1:$proxy_port/health" > /dev/null && break
    [ "$i" = 50 ] && { echo "the proxy did not answer" >&2; cat "$work/nginx-error.log" >&2; exit 1; }
    sleep 0.1
done
proxy="http://127.0.0.1:$proxy_port"
echo "instances: nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///') at $proxy, round robin over instance A (127.0.0.1:$a_port) and B (127.0.0.1:$b_port), one PostgreSQL database"

cargo bench --quiet --bench load -- --url "$proxy" \
    --instances "http://127.0.0.1:$a_port" "http://127.0.0.1:$b_port" \
    --officer "$officer" "$password"
echo "rate: the accepted starts by instance: A $(grep -c "127.0.0.1:$a_port 303 \"POST /surveys/csp-2019/start" "$work/access.log" || true), B $(grep -c "127.0.0.1:$b_port 303 \"POST /surveys/csp-2019/start" "$work/access.log" || true) (each instance alone allows 60)"

# Throughput: one instance reached directly, then both through the proxy,
# in this run (all on this machine's cores, with PostgreSQL and the load).
rate_of() { grep -oE '[0-9.]+ completed responses/s' "$1" | grep -oE '^[0-9.]+'; }
cargo bench --quiet --bench load -- --url "http://127.0.0.1:$b_port" --database-url "$url" \
    --residents 1500 --concurrency 16 --seconds 120 --spread-clients > "$work/direct.log" 2>&1 \
    || { cat "$work/direct.log"; exit 1; }
cargo bench --quiet --bench load -- --url "$proxy" --database-url "$url" \
    --residents 1500 --concurrency 16 --seconds 120 --spread-clients > "$work/proxied.log" 2>&1 \
    || { cat "$work/proxied.log"; exit 1; }
direct=$(rate_of "$work/direct.log"); proxied=$(rate_of "$work/proxied.log")
echo "throughput: one instance reached directly $direct completed responses/s; two behind the proxy $proxied/s ($(awk -v a="$proxied" -v b="$direct" 'BEGIN { printf "%.2f", a / b }')x, same run, 16 residents at a time)"
grep -h "^check:" "$work/direct.log" "$work/proxied.log" | sed 's/^/throughput /'
: > "$work/access.log"
kill -USR1 "$(cat "$work/nginx.pid")"

cargo bench --quiet --bench load -- --url "$proxy" --database-url "$url" \
    --residents "$residents" --concurrency 16 --seconds 240 --spread-clients > "$work/load.log" 2>&1 &
load=$!
pids+=("$load")
sleep "${KILL_AFTER:-4}"
before_a=$(grep -c "^127.0.0.1:$a_port " "$work/access.log" || true)
before_b=$(grep -c "^127.0.0.1:$b_port " "$work/access.log" || true)
kill -9 "$(cat "$work/a.pid")"
wait "$(cat "$work/a.pid")" 2>/dev/null || true
echo "instances: killed instance A (SIGKILL) during the load, not restarted; until then the proxy had sent $before_a requests to A and $before_b to B"
sleep 1
./target/release/civic-survey backup "$work/during.dump" | sed 's/^/backup during the load: /'
status=0
wait "$load" || status=$?
cat "$work/load.log"
after_b=$(grep -c "^127.0.0.1:$b_port " "$work/access.log" || true)
failed_over=$(grep -cE "^127.0.0.1:$a_port, 127.0.0.1:$b_port " "$work/access.log" || true)
errors=$(awk '$2 ~ /^5/' "$work/access.log" | wc -l)
echo "instances: the proxy sent $((after_b - before_b)) requests to B after A was killed; requests that went to A, found it gone and were passed to B: $failed_over; requests that met a 5xx at the proxy: $errors (a request in flight on A when it died; the load tool tries it again, as a person would)"
if grep -q "FAILED" "$work/load.log"; then status=1; fi
exit "$status"
