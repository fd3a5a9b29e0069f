# Builds the release binary and runs it on a small Debian image.
# Build: docker build -t civic-survey .   (or: docker compose up -d --build)
FROM rust:1-bookworm AS build
# The postgres-tls feature links OpenSSL so libpq can use sslmode=require.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --features postgres-tls

FROM debian:bookworm-slim
# fonts-dejavu-core gives PNG chart exports real glyphs; curl is for the
# health checks in docker-compose.yml; postgresql-client-15 gives
# `civic-survey backup` and `restore` pg_dump and pg_restore (bookworm's 15
# matches the postgres:15 server). /backups belongs to civic, so a volume
# mounted there (the compose backup service) starts writable.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 fonts-dejavu-core \
      curl postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /app civic \
 && install -d -o civic -m 0750 /backups
WORKDIR /app
COPY --from=build /src/target/release/civic-survey /usr/local/bin/civic-survey
COPY assets ./assets
USER civic
ENV BIND_ADDRESS=0.0.0.0:8080
EXPOSE 8080
CMD ["civic-survey", "serve"]
