#!/usr/bin/env bash
# make loadtest: a fresh PostgreSQL database with the demo data, gunicorn on loopback (Redis cache and
# sessions), then Locust headless with bounded users and time. Prints the verdict line and fails unless
# there were 0 server errors and 0 requests over 15 s. Not part of `make test`.
#   LOADTEST_USERS=50 LOADTEST_TIME=5m LOADTEST_PORT=8765 LOADTEST_DB=scen_loadtest make loadtest
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
USERS=${LOADTEST_USERS:-50}
DURATION=${LOADTEST_TIME:-5m}
PORT=${LOADTEST_PORT:-8765}
DB=${LOADTEST_DB:-scen_loadtest}
PGURL=${LOADTEST_PG:-postgres://postgres@127.0.0.1:5432}
WORK=$(mktemp -d /tmp/scenariohub-loadtest.XXXXXX)

export DJANGO_SETTINGS_MODULE=scenariohub.settings
export DATABASE_URL="$PGURL/$DB"
export SCENARIOHUB_VAR_DIR="$WORK/var"
# Redis database 15 with its own key prefix in the URL's database, so other users of this Redis are untouched.
export REDIS_URL=${LOADTEST_REDIS:-redis://127.0.0.1:6379/15}
export DEBUG=0
export SCENARIOHUB_TRUSTED_PROXIES=1
export ALLOWED_HOSTS=127.0.0.1,localhost

gunicorn_pid=""
cleanup() {
  if [[ -n "$gunicorn_pid" ]]; then kill "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true; fi
  psql "$PGURL/postgres" -qtAc "DROP DATABASE IF EXISTS \"$DB\"" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "loadtest: preparing $DB (demo data) in $WORK"
psql "$PGURL/postgres" -qtAc "DROP DATABASE IF EXISTS \"$DB\"" >/dev/null
psql "$PGURL/postgres" -qtAc "CREATE DATABASE \"$DB\"" >/dev/null
$BIN/scenariohub migrate --noinput -v0
$BIN/scenariohub seed_demo
$BIN/scenariohub analyze_db
$BIN/scenariohub reindex
$BIN/scenariohub collectstatic --noinput -v0
LOGINS=$($BIN/scenariohub shell -c "from scenariohub.accounts.models import User; print(','.join(User.objects.filter(username__startswith='provider').order_by('username').values_list('username', flat=True)))")
export LOADTEST_LOGINS="$LOGINS"

echo "loadtest: gunicorn on 127.0.0.1:$PORT"
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=${LOADTEST_WORKERS:-3} GUNICORN_ACCESSLOG="$WORK/access.log" \
  $BIN/gunicorn -c deploy/gunicorn.conf.py scenariohub.wsgi >"$WORK/gunicorn.log" 2>&1 &
gunicorn_pid=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null
# Warm-up, as after a deploy: a fresh worker loads the search index and the embedding model on its first
# search (seconds each); spread a few requests of each kind over the workers before measuring.
for _ in 1 2 3 4; do
  for path in / /scenarios/ "/scenarios/?q=%E6%99%BA%E8%83%BD" /scenarios/1/ /accounts/login/ /dashboard/public/ \
      "/api/v1/scenarios?q=%E6%99%BA%E8%83%BD"; do
    echo "http://127.0.0.1:$PORT$path"
  done
done | xargs -P 3 -n 1 curl -s -o /dev/null --max-time 60 || true

echo "loadtest: $USERS users for $DURATION (others on this machine: $(uptime | sed 's/.*load average/load average/'))"
status=0
$BIN/locust -f loadtest/locustfile.py --headless --host "http://127.0.0.1:$PORT" -u "$USERS" -r 5 -t "$DURATION" \
  --stop-timeout 20 --only-summary --csv "$WORK/stats" || status=$?
echo "loadtest: server log $WORK/gunicorn.log, access log $WORK/access.log, stats $WORK/stats_stats.csv"
grep -c " 50[0-9] " "$WORK/access.log" | sed 's/^/loadtest: 5xx lines in the access log: /' || true
exit $status
