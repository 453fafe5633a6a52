"""Test settings: SQLite in memory unless DATABASE_URL is set; fast hashing."""

import os

os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from .base import *  # noqa: F403
from .env import env_str

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105 - only for the test run
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
KOMMA_TEST_REDIS_URL = env_str("REDIS_URL")
# Connections opened in worker threads (database_sync_to_async) must not outlive
# their task, or PostgreSQL refuses to drop the test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# The suite searches the database backend; the live Elasticsearch tests read
# ELASTICSEARCH_URL from the environment and use throwaway indices of their own.
KOMMA_SEARCH = {**KOMMA_SEARCH, "ELASTICSEARCH_URL": ""}  # noqa: F405
