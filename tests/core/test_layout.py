"""platform/ is a folder, not a package: the stdlib ``platform`` keeps working everywhere."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
STDLIB = Path(os.__file__).parent


def production_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="komma.settings.production",
        SECRET_KEY="x" * 20 + "-production-like-secret-key-for-the-layout-test-" + "y" * 10,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp_path / 'layout.sqlite3'}",
        PYTHONPATH=f"{ROOT / 'platform'}{os.pathsep}{ROOT}",
        KOMMA_VAR_DIR=str(tmp_path),
    )
    env.pop("REDIS_URL", None)
    return env


def test_platform_folder_is_not_a_package():
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_stdlib_platform_under_pytest():
    import platform
    import uuid

    assert Path(platform.__file__).parent == STDLIB
    assert platform.python_implementation() == "CPython"
    assert uuid.uuid4().version == 4


def test_stdlib_platform_under_manage_py():
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", "import platform, uuid; print(platform.__file__)"],
        cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "komma.settings.dev"},
    )  # fmt: skip
    assert Path(out.stdout.strip().splitlines()[-1]).parent == STDLIB


def test_stdlib_platform_under_wsgi(tmp_path):
    code = (
        "import komma.wsgi, platform, uuid; "
        "print(platform.__file__, type(komma.wsgi.application).__name__)"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], cwd=tmp_path, env=production_env(tmp_path),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    path, app = out.stdout.split()
    assert Path(path).parent == STDLIB
    assert app == "WSGIHandler"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_daphne_serves_asgi_app_with_stdlib_platform(tmp_path):
    env = production_env(tmp_path)
    env["SECURE_SSL_REDIRECT"] = "0"
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True, cwd=tmp_path
    )
    port = _free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "komma.asgi:application"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        body = None
        for _attempt in range(100):  # bounded: at most ~20 s
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.load(r)
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, server.stdout.read1().decode() if server.stdout else ""
        assert body["status"] == "ok"
        assert set(body["checks"]) == {"database", "cache", "channel_layer", "search"}
    finally:
        server.terminate()
        server.wait(timeout=10)
