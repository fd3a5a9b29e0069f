# Shared by the bench scripts (sourced, not run): a scratch database and
# waiting for a started server.

# new_database postgres|sqlite LABEL FOLDER: sets `url` to a new database,
# a PostgreSQL one on CIVIC_TEST_POSTGRES_URL or a SQLite file in FOLDER.
# drop_database removes a PostgreSQL one again (call it on exit).
new_database() {
    if [ "$1" = postgres ]; then
        pg_server="${CIVIC_TEST_POSTGRES_URL:?set CIVIC_TEST_POSTGRES_URL}"
        pg_server="${pg_server%/}"
        pg_name="civic_$2_$$"
        psql "$pg_server/postgres" -qc "CREATE DATABASE $pg_name"
        url="$pg_server/$pg_name"
    else
        url="sqlite://$3/$2.db"
    fi
}
drop_database() {
    if [ -n "${pg_name:-}" ]; then
        psql "$pg_server/postgres" -qc "DROP DATABASE IF EXISTS $pg_name WITH (FORCE)" >/dev/null 2>&1 || true
    fi
}

# wait_healthy PORT LOG: until the server on PORT answers /health; after
# 10 s, its log and a failure.
wait_healthy() {
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$1/health" > /dev/null && return 0
        sleep 0.1
    done
    echo "the server on port $1 did not start" >&2; cat "$2" >&2; exit 1
}
