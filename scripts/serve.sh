#!/usr/bin/env bash
# Start the task-queue consumer in the background and the web server in the foreground;
# stopping the server (Ctrl-C) stops the consumer too.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
VAR=${DIGIGOV_VAR_DIR:-var}
# the OpenID Connect issuer: the address this server answers on unless the deployment names its public one
export DIGIGOV_SITE_URL=${DIGIGOV_SITE_URL:-http://$HOST:$PORT}
# the web workers' Prometheus counters, summed by /metrics; emptied at each start (stale files
# from a previous run's worker ids would otherwise be added in)
METRICS_DIR=${PROMETHEUS_MULTIPROC_DIR:-$VAR/prometheus}
mkdir -p "$METRICS_DIR"
find "$METRICS_DIR" -maxdepth 1 -name '*.db' -type f -delete
GATEWAY_PORT=${GATEWAY_PORT:-$((PORT + 1))}
"$BIN/python" manage.py run_huey --workers 2 --quiet &
CONSUMER=$!
# the API gateway (data plane of the sharing platform): its own ASGI application, reading policy from the same database
"$BIN/uvicorn" digigov.data.gateway.asgi:app --host "$HOST" --port "$GATEWAY_PORT" --loop uvloop --http httptools \
  --log-level warning --no-access-log &
GATEWAY=$!
trap 'kill $CONSUMER $GATEWAY 2>/dev/null || true' EXIT INT TERM
echo "DigiGov 已启动：http://$HOST:$PORT/   （工作台 /workbench/ · 管理后台 /admin/ · API 文档 /api/v1/docs）"
echo "接口网关已启动：http://$HOST:$GATEWAY_PORT/gw/v1/healthz"
PROMETHEUS_MULTIPROC_DIR="$METRICS_DIR" "$BIN/gunicorn" digigov.core.wsgi:application -c digigov/core/gunicorn_conf.py \
  --bind "$HOST:$PORT" --workers 2 --threads 4 --timeout 120
