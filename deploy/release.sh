#!/bin/sh
# One-shot release step, run by the compose service `migrate` before app and
# realtime start (and again on every `docker compose up`; both steps are idempotent):
#  1. apply database migrations;
#  2. publish the static files collected at build time (STATIC_ROOT, /app/static in
#     the image) to STATIC_PUBLISH_DIR, the volume the proxy serves /static/ from.
#     Hashed file names of earlier releases stay, so pages rendered just before an
#     upgrade keep their CSS and JS.
set -eu

python manage.py migrate --noinput

if [ -n "${STATIC_PUBLISH_DIR:-}" ]; then
    cp -R --preserve=mode,timestamps "${STATIC_ROOT:-/app/static}"/. "$STATIC_PUBLISH_DIR"/
    echo "Static files published to $STATIC_PUBLISH_DIR"
fi
