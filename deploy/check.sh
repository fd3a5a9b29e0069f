#!/usr/bin/env bash
# Checks the deployment files without a container engine:
#   - docker-compose.yml is valid with every required setting given, and
#     refuses to start without POSTGRES_PASSWORD, SECRET_KEY, PUBLIC_URL or
#     CIVIC_SERVER_NAME, naming the one missing;
#   - it has the db, app1, app2, proxy and backup services, and health
#     checks for db, app1, app2 and proxy;
#   - the proxy's nginx configuration, rendered from its template as the
#     nginx image does, passes `nginx -t`.
# Needs docker-compose (or docker compose), nginx, openssl and envsubst
# (installed from gettext-base if missing). Nothing is started; a .env in
# the repository is never read (compose runs on a copy in a temporary
# folder, with an empty environment).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v envsubst >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq gettext-base >/dev/null
fi
for tool in nginx openssl envsubst; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "error: $tool is needed (Debian: apt-get install nginx openssl gettext-base)" >&2
        exit 1
    fi
done
if command -v docker-compose >/dev/null 2>&1; then
    compose=(docker-compose)
elif docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
else
    echo "error: docker-compose (or the docker compose plugin) is needed" >&2
    exit 1
fi
# nginx is often in /usr/sbin, which a plain user's PATH may lack.
nginx=$(command -v nginx)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A copy of what compose reads, with no .env beside it.
mkdir -p "$work/project"
cp docker-compose.yml "$work/project/"
cp -r deploy "$work/project/"

# Throwaway values for the required settings (none of them a real secret).
required=(
    POSTGRES_PASSWORD=check0only0not0a0password
    SECRET_KEY=0123456789abcdef0123456789abcdef01234567
    PUBLIC_URL=https://survey.example.test
    CIVIC_SERVER_NAME=survey.example.test
)

# `compose_config NAME=VALUE... -- OPTION...` runs `config` on the copy with
# only PATH, HOME and the given variables in the environment.
compose_config() {
    local vars=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        vars+=("$1")
        shift
    done
    [ $# -gt 0 ] && shift
    (cd "$work/project" && env -i PATH="$PATH" HOME="$work" "${vars[@]}" \
        "${compose[@]}" -f docker-compose.yml config "$@")
}

# a. Valid with every required setting.
compose_config "${required[@]}" -- -q
echo "compose: valid"

# b. Each required setting missing in turn: compose must refuse, naming it.
for setting in "${required[@]}"; do
    name=${setting%%=*}
    others=()
    for s in "${required[@]}"; do
        [ "$s" = "$setting" ] || others+=("$s")
    done
    if out=$(compose_config "${others[@]}" -- -q 2>&1); then
        echo "error: docker-compose.yml is accepted without $name" >&2
        exit 1
    fi
    if ! grep -q "$name" <<<"$out"; then
        echo "error: without $name, compose fails without naming it:" >&2
        echo "$out" >&2
        exit 1
    fi
    echo "compose: refuses to start without $name, naming it"
done

# c. The services, and a health check for each of db, app1, app2, proxy.
compose_config "${required[@]}" -- >"$work/rendered.yml"
# Prints each service of the rendered file with "health" after the name of
# each that has a health check.
services=$(awk '
    /^services:/ { inside = 1; next }
    /^[^ ]/      { inside = 0 }
    inside && /^  [A-Za-z0-9_.-]+:$/ { name = $1; sub(":", "", name); seen[name] = 1; order[++n] = name }
    inside && /^    healthcheck:/    { health[name] = 1 }
    END { for (i = 1; i <= n; i++) print order[i], (order[i] in health ? "health" : "") }
' "$work/rendered.yml")
for service in db app1 app2 proxy backup; do
    if ! grep -qE "^$service( |$)" <<<"$services"; then
        echo "error: the rendered compose file has no service $service" >&2
        exit 1
    fi
done
for service in db app1 app2 proxy; do
    if ! grep -qE "^$service health$" <<<"$services"; then
        echo "error: service $service has no healthcheck" >&2
        exit 1
    fi
done
echo "compose: services db, app1, app2, proxy and backup; health checks on db, app1, app2 and proxy"

# d. nginx: the template rendered as the image renders it (only
# CIVIC_SERVER_NAME substituted), the instances replaced by local addresses
# nothing listens on (nginx -t resolves upstream names), the paths moved
# into the temporary folder, a throwaway certificate.
conf="$work/nginx"
mkdir -p "$conf/certs" "$conf/temp" "$conf/acme"
cp deploy/nginx/civic-limits.conf deploy/nginx/civic-locations.conf "$conf/"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
    -keyout "$conf/certs/privkey.pem" -out "$conf/certs/fullchain.pem" 2>/dev/null
CIVIC_SERVER_NAME=survey.example.test envsubst '$CIVIC_SERVER_NAME' \
    <deploy/nginx/default.conf.template >"$conf/rendered.conf"
if grep -q 'CIVIC_SERVER_NAME' "$conf/rendered.conf"; then
    echo "error: the template still names CIVIC_SERVER_NAME after envsubst" >&2
    exit 1
fi
if ! grep -qF 'https://survey.example.test$request_uri' "$conf/rendered.conf"; then
    echo "error: the rendered redirect is not https://CIVIC_SERVER_NAME\$request_uri" >&2
    exit 1
fi
sed -i \
    -e 's#server app1:8080#server 127.0.0.1:1#' \
    -e 's#server app2:8080#server 127.0.0.1:2#' \
    -e "s#/etc/nginx/civic/#$conf/#g" \
    -e "s#/etc/nginx/certs/#$conf/certs/#g" \
    -e "s#/var/www/acme#$conf/acme#g" \
    "$conf/rendered.conf"
# (Comments aside.)
if sed 's/#.*//' "$conf/rendered.conf" | grep -nE 'app[12]:8080|/etc/nginx/' >&2; then
    echo "error: deploy/check.sh could not redirect these hosts or paths of the template" >&2
    exit 1
fi
# What the image's nginx.conf has around conf.d/*.conf, reduced.
cat >"$conf/nginx.conf" <<EOF
pid $conf/nginx.pid;
error_log $conf/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $conf/temp/body;
    proxy_temp_path $conf/temp/proxy;
    fastcgi_temp_path $conf/temp/fastcgi;
    uwsgi_temp_path $conf/temp/uwsgi;
    scgi_temp_path $conf/temp/scgi;
    include $conf/rendered.conf;
}
EOF
if ! out=$("$nginx" -t -q -e "$conf/error.log" -p "$conf/" -c "$conf/nginx.conf" 2>&1); then
    echo "error: nginx rejects the compose proxy configuration:" >&2
    echo "$out" >&2
    exit 1
fi
echo "nginx: the compose proxy configuration is valid"
