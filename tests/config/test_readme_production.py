"""The README's production steps, followed as written on a clean directory, serve pages and hashed
static files from gunicorn (they once gave a 500 on every page: collectstatic ran in debug mode
and wrote no manifest)."""

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "portal.example.gov.cn"  # the README's DJANGO_ALLOWED_HOSTS


def production_block() -> list[str]:
    """The README's production commands, one per line (continuation lines joined)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Production", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str):
    # As behind the README's HTTPS proxy: the Host it names and the forwarded scheme.
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def production_env(tmp_path, exported: dict) -> dict:
    """The README's exports, with its placeholders filled; nothing of the test run's own
    environment that would change the portal's mode."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PORTAL_", "CELERY_", "EMAIL_"))
        and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env |= exported
    env |= {
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        # Placeholders ("...") and hosts of the README's own machines.
        "DJANGO_SECRET_KEY": "readme-production-test-" + "k3Vq9Lr7Tz" * 5,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "REDIS_URL": "",
        "EMAIL_HOST": "",
    }
    return env


def test_the_readme_production_steps_serve_pages_and_hashed_static_files(tmp_path):
    lines = production_block()
    exported = {}
    commands = []
    for line in lines:
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if words[0] == "export":
            exported |= dict(word.split("=", 1) for word in words[1:])
        elif words[0] in {"pip", "celery"}:
            continue  # installed already in this venv; workers need no page
        else:
            commands.append(line)
    assert exported.get("DJANGO_DEBUG", "0") == "0"
    env = production_env(tmp_path, exported)
    port = free_port()
    setup = [c for c in commands if not c.startswith("gunicorn")]
    (serve,) = [c for c in commands if c.startswith("gunicorn")]
    for command in setup:
        completed = subprocess.run(
            ["bash", "-ec", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
        )
        assert completed.returncode == 0, command + completed.stdout + completed.stderr
    serve = serve.replace("0.0.0.0:8000", f"127.0.0.1:{port}").replace("--workers 4", "--workers 1")
    server = subprocess.Popen(
        shlex.split(serve),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert wait_for(lambda: _answers(port), timeout=60), "gunicorn did not start"
        status, login_page = get(port, "/accounts/login/")
        assert status == 200
        hashed = re.findall(r'/static/[^"\']+\.[0-9a-f]{12}\.css', login_page)
        assert hashed, "the login page links no hashed stylesheet"
        assert get(port, hashed[0])[0] == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_manage_py_runs_in_production_mode_unless_told_otherwise(tmp_path):
    env = production_env(tmp_path, {})
    completed = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.stdout.strip().splitlines()[-1] == "False", completed.stderr
