#!/usr/bin/env bash
# `make run`: the development server, a Celery worker and beat; Ctrl-C stops all three, once.
#
# Each process runs in its own process group (job control on), so Ctrl-C reaches only this
# script, which then stops the three groups once with SIGTERM and waits for them. (The old
# `trap 'kill 0' INT TERM EXIT` signalled its own group, itself included, and so re-triggered
# itself thousands of times.)
set -u
set -m
VENV=${VENV:-.venv}
PORT=${PORTAL_PORT:-8000}
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}

pids=()
stopping=0
stop() {
  [ "$stopping" = 1 ] && return
  stopping=1
  trap '' INT TERM
  echo
  echo "Stopping the portal: web server, Celery worker and beat..."
  for pid in "${pids[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null
  done
  echo "Stopped."
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

"$VENV/bin/celery" -A config worker --pool=solo --loglevel=INFO &
pids+=($!)
"$VENV/bin/celery" -A config beat --loglevel=INFO &
pids+=($!)
"$VENV/bin/python" manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)

# Whichever stops first (or Ctrl-C) ends the session.
wait -n
stop
