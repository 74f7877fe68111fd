#!/usr/bin/env bash
# Installs pg_cron (Debian package postgresql-<ver>-cron) and starts a SEPARATE PostgreSQL cluster with
# pg_cron preloaded, for test/db/schedule.test.ts. Idempotent: re-running changes nothing that is done.
#
# It never touches another cluster: pg_cron needs shared_preload_libraries, i.e. a restart, so it gets
# its own cluster (default "cron" on port 5433) and the main cluster on 5432 keeps running untouched.
#
# Usage (as root, Debian/Ubuntu with the PGDG or Debian postgresql packages):
#   scripts/install-pg-cron.sh            # PG 15, cluster "cron", port 5433, database lh_cron_test
#   LH_CRON_PG_VERSION=16 LH_CRON_PORT=5434 scripts/install-pg-cron.sh
# Then run the tests with:
#   LH_TEST_CRON_URL=postgres://postgres@127.0.0.1:5433/lh_cron_test LH_REQUIRE_CRON=1 npm test
# pg_net and Supabase Vault are not packaged for Debian; the test stands in for their two entry points
# (net.http_post, vault.decrypted_secrets) with small SQL objects — see the test's header.
set -euo pipefail

VER="${LH_CRON_PG_VERSION:-15}"
CLUSTER="${LH_CRON_CLUSTER:-cron}"
PORT="${LH_CRON_PORT:-5433}"
DB="${LH_CRON_DATABASE:-lh_cron_test}"
CONF_DIR="/etc/postgresql/${VER}/${CLUSTER}"

log() { echo "install-pg-cron: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "run as root (it installs a package and creates a cluster)"; exit 2
fi
if [ "${CLUSTER}" = "main" ]; then
  log "refusing to reconfigure the cluster \"main\": choose another LH_CRON_CLUSTER"; exit 2
fi

if ! dpkg -s "postgresql-${VER}-cron" >/dev/null 2>&1; then
  log "installing postgresql-${VER}-cron"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-${VER}-cron" >/dev/null
fi

if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "${VER} ${CLUSTER}"; then
  log "creating cluster ${VER}/${CLUSTER} on port ${PORT}"
  pg_createcluster "${VER}" "${CLUSTER}" --port "${PORT}" >/dev/null
fi

mkdir -p "${CONF_DIR}/conf.d"
cat > "${CONF_DIR}/conf.d/lh-pg-cron.conf" <<EOF
# written by scripts/install-pg-cron.sh
listen_addresses = '127.0.0.1'
shared_preload_libraries = 'pg_cron'
cron.database_name = '${DB}'
EOF

HBA="${CONF_DIR}/pg_hba.conf"
if ! grep -q '^# lh-pg-cron' "${HBA}"; then
  # test cluster only: trust local TCP connections, like the CI server on 5432
  { echo '# lh-pg-cron: test cluster, trust local TCP'; echo 'host all all 127.0.0.1/32 trust'; cat "${HBA}"; } > "${HBA}.new"
  mv "${HBA}.new" "${HBA}"
  chown postgres:postgres "${HBA}"
fi

# restart only this cluster so the preload and hba settings take effect
if pg_lsclusters -h | awk '{print $1" "$2" "$4}' | grep -qx "${VER} ${CLUSTER} online"; then
  if ! psql -h 127.0.0.1 -p "${PORT}" -U postgres -d postgres -Atc 'show shared_preload_libraries' 2>/dev/null | grep -q pg_cron; then
    log "restarting ${VER}/${CLUSTER}"
    pg_ctlcluster --skip-systemctl-redirect "${VER}" "${CLUSTER}" restart
  fi
else
  pg_ctlcluster --skip-systemctl-redirect "${VER}" "${CLUSTER}" start
fi

for _ in $(seq 1 30); do
  psql -h 127.0.0.1 -p "${PORT}" -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1 && break
  sleep 1
done
if ! psql -h 127.0.0.1 -p "${PORT}" -U postgres -d postgres -Atc "select 1 from pg_database where datname = '${DB}'" | grep -q 1; then
  psql -h 127.0.0.1 -p "${PORT}" -U postgres -d postgres -qc "create database ${DB}"
fi
log "ready: postgres://postgres@127.0.0.1:${PORT}/${DB} (pg_cron $(psql -h 127.0.0.1 -p "${PORT}" -U postgres -d "${DB}" -Atc "select default_version from pg_available_extensions where name = 'pg_cron'"))"
