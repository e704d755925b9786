#!/usr/bin/env bash
# Start the task-queue consumer in the background and the web server in the foreground;
# stopping the server (Ctrl-C) stops the consumer too.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
"$BIN/python" manage.py run_huey --workers 2 --quiet &
CONSUMER=$!
trap 'kill $CONSUMER 2>/dev/null || true' EXIT INT TERM
echo "DigiGov 已启动：http://$HOST:$PORT/   （工作台 /workbench/ · 管理后台 /admin/ · API 文档 /api/v1/docs）"
"$BIN/gunicorn" digigov.core.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 --timeout 120 \
  --log-level warning   # access lines come from digigov.access (JSON, PII masked), not from gunicorn
