#!/usr/bin/env bash
# Load test: gunicorn on PostgreSQL with a small seeded data set, driven by locust
# headless on loopback for a bounded time. Prints throughput, p50/p95 and errors; exits non-zero
# on any failed request or 5xx.
#
#   scripts/loadtest.sh                    # 60 s, 10 users
#   LOADTEST_TIME=30s LOADTEST_USERS=20 scripts/loadtest.sh
#
# Needs PostgreSQL at LOADTEST_DATABASE_URL (default: the local server, database
# helpdesk_loadtest, recreated on every run).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PY="$VENV/bin/python"
RUN_TIME=${LOADTEST_TIME:-60s}
USERS=${LOADTEST_USERS:-10}
SPAWN_RATE=${LOADTEST_SPAWN_RATE:-4}
PORT=${LOADTEST_PORT:-8765}
OUT=${LOADTEST_OUT:-$(mktemp -d)}
export DATABASE_URL=${LOADTEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/helpdesk_loadtest}

# Production settings, except plain HTTP on loopback and no broker (tasks run in-process).
export DEBUG=false
export SECRET_KEY=${SECRET_KEY:-loadtest-$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')}
export ALLOWED_HOSTS=127.0.0.1,localhost
export SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_SSL_REDIRECT=false
export STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export MEDIA_ROOT="$OUT/media"
unset CELERY_BROKER_URL

echo "== load test: fresh database ${DATABASE_URL##*/}, demo data"
"$PY" - <<'EOF'
import os
from urllib.parse import urlparse

import psycopg

url = urlparse(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
EOF
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_demo --customers 8 --tickets 400 >/dev/null

echo "== load test: gunicorn on 127.0.0.1:$PORT"
"$VENV/bin/gunicorn" helpdesk.wsgi:application --bind "127.0.0.1:$PORT" --workers 4 \
  --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=2)" 2>/dev/null; then
    break
  fi
  sleep 0.2
done

echo "== load test: locust, $USERS users for $RUN_TIME"
status=0
"$VENV/bin/locust" -f loadtest/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
  --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$RUN_TIME" --stop-timeout 5 \
  --csv "$OUT/locust" --exit-code-on-error 1 --only-summary --loglevel WARNING || status=$?

"$PY" - "$OUT/locust_stats.csv" "$OUT/locust_failures.csv" <<'EOF'
import csv
import sys

stats = list(csv.DictReader(open(sys.argv[1])))
total = next(row for row in stats if row["Name"] == "Aggregated")
failures = list(csv.DictReader(open(sys.argv[2])))
server_errors = [f for f in failures if "50" in f["Error"] or "HTTPError" in f["Error"]]
print(
    f"requests {total['Request Count']}, failures {total['Failure Count']}, "
    f"{float(total['Requests/s']):.1f} req/s, p50 {total['50%']} ms, p95 {total['95%']} ms, "
    f"p99 {total['99%']} ms, max {float(total['Max Response Time']):.0f} ms"
)
for row in failures:
    print(f"  FAILED {row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}")
if int(total["Request Count"]) == 0:
    sys.exit("load test: no request was made")
if int(total["Failure Count"]) or server_errors:
    sys.exit("load test: failed requests")
EOF
if [ "$status" -ne 0 ]; then
  echo "load test: locust exited with $status"
  tail -20 "$OUT/gunicorn.log" || true
  exit "$status"
fi
echo "== load test passed (CSV and gunicorn log in $OUT)"
