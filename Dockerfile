# KomMA Netzwerk: the production image. One image serves every Python service of
# docker-compose.yml: `app` (gunicorn, HTTP, the default command), `realtime`
# (Daphne, WebSockets) and the one-shot `migrate` (deploy/release.sh).
#
#   docker build -t komma-netzwerk .
#
# Why an editable install: the repository is the application. Settings find the
# site-wide templates/ and the message catalogues relative to the checkout
# (BASE_DIR = the repository root), and templates/ is no Python package, so a
# wheel (`pip install .`) would put the code in site-packages without them. The
# image therefore keeps the repository in /app and installs it with `pip install
# -e .`, exactly as `make` does on a developer's machine: the packages under
# platform/ and the repository root are importable from any working directory.

ARG PYTHON_IMAGE=python:3.11-slim

# --- build: dependencies, the project, message catalogues, static files --------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

# msgfmt for compilemessages; needed only here, not in the runtime image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv && pip install --upgrade pip

WORKDIR /app

# Dependencies first, read from pyproject.toml alone, so that a code change reuses
# this (slow) layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
    && pip install -r /tmp/requirements.txt

COPY . .
RUN pip install --no-deps -e . \
    && python -m compileall -q /app

# Build-time only values: a throwaway key and database; nothing of them is kept.
RUN export DJANGO_SETTINGS_MODULE=komma.settings.production \
        SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-0123456789 \
        DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        STATIC_ROOT=/app/static \
        KOMMA_VAR_DIR=/tmp/komma-var \
    && if find . -name '*.po' -path '*/locale/*' | grep -q .; then \
           python manage.py compilemessages --ignore '.venv' ; \
       fi \
    && python manage.py collectstatic --noinput \
    && rm -rf /tmp/build.sqlite3 /tmp/komma-var

# --- runtime -------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=komma.settings.production \
    STATIC_ROOT=/app/static \
    MEDIA_ROOT=/srv/media \
    KOMMA_VAR_DIR=/srv/var

# DejaVu for the PDF exports (incident records, checklists): without it they fall
# back to a font that cannot show characters outside Latin-1.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user. The code (/app, /opt/venv) stays owned by root and read-only
# for it; it may write only uploads (/srv/media), the static files it publishes for
# the proxy (/srv/static) and /srv/var. Named volumes mounted there start with
# this ownership.
RUN groupadd --system --gid 10001 komma \
    && useradd --system --uid 10001 --gid komma --home-dir /srv/var --no-create-home \
        --shell /usr/sbin/nologin komma \
    && mkdir -p /srv/media /srv/static /srv/var \
    && chown komma:komma /srv/media /srv/static /srv/var

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

WORKDIR /app
USER komma:komma

# 8000: gunicorn (app), 8001: Daphne (realtime)
EXPOSE 8000 8001

CMD ["gunicorn", "--config", "/app/deploy/gunicorn.conf.py", "komma.wsgi:application"]
