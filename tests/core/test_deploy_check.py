"""Production settings: ``check --deploy`` is clean; a missing secret stops the start."""

import subprocess
import sys

from .test_layout import ROOT, production_env


def test_check_deploy_has_no_warnings(tmp_path):
    env = production_env(tmp_path)
    env.update(
        ALLOWED_HOSTS="netzwerk.komma.example",
        CSRF_TRUSTED_ORIGINS="https://netzwerk.komma.example",
        KOMMA_BASE_URL="https://netzwerk.komma.example",
        EMAIL_HOST="mail.komma.example",
    )
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues (0 silenced)." in out.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = production_env(tmp_path)
    env.pop("SECRET_KEY")
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env, capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode != 0
    assert "SECRET_KEY must be set" in out.stderr
