#!/usr/bin/env bash
# Performance against the machine's own ceilings, in one run (issue 6):
# completed responses/s and latency at concurrency 1, 8, 32 on SQLite and
# PostgreSQL beside a trivial actix handler (wrk) and a plain storage loop,
# with the server's peak memory; then the results page at 10,000 and
# 1,000,000 responses beside the same GROUP BY in sqlite3/psql.
#
#   bench/perf.sh            # everything (about 15 minutes)
#   bench/perf.sh load       # the load table only
#   bench/perf.sh live       # residents at 500/s with and without 20 officers watching live
#   BENCH_RESPONSES=100000 bench/perf.sh results   # a quicker results table
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
for tool in wrk sqlite3 psql; do
    command -v "$tool" > /dev/null || echo "perf: $tool is not installed (apt-get install ${tool/psql/postgresql-client}); its figures are skipped" >&2
done
cargo build --release --quiet --bin civic-survey
if [ "$what" = all ] || [ "$what" = load ]; then
    cargo bench --quiet --bench load -- --perf
fi
if [ "$what" = all ] || [ "$what" = live ]; then
    cargo bench --quiet --bench load -- --live
fi
if [ "$what" = all ] || [ "$what" = results ]; then
    cargo bench --quiet --bench results
fi
