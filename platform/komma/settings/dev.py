"""Development on the embedded defaults: SQLite, in-memory layer, console e-mail."""

from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)


def _development_secret_key() -> str:
    """A key generated once per checkout and kept in var/ (never committed)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY") or _development_secret_key()
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # WebAuthn on http://127.0.0.1 during development
