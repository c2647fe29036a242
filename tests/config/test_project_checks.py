import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def _python(args, env):
    """Run this project's Python in a fresh process with ``env``, from the project root."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_no_model_change_lacks_its_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_deploy_check_is_clean_with_production_variables(tmp_path):
    # Production's environment: the browser tests' async switch is not part of it.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **base,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-production-like-secret-" + "x7Qp2Lm9Zr4" * 5,
        "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    completed = _python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no issues" in completed.stdout


def test_secret_key_is_required_without_debug(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    completed = _python(["manage.py", "check"], env)
    assert completed.returncode != 0
    assert "DJANGO_SECRET_KEY" in completed.stderr


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("TIME_ZONE", "Asia/Shanghai"), ("LANGUAGE_CODE", "zh-hans"), ("USE_TZ", True)],
)
def test_locale_defaults(settings, setting, expected):
    assert getattr(settings, setting) == expected


def test_the_web_server_is_secure_by_default(tmp_path):
    """Importing the WSGI application with no DJANGO_DEBUG means production: a key is required."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG"}}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "PORTAL_VAR_DIR": str(tmp_path)}
    completed = _python(["-c", "import config.wsgi"], env)
    assert completed.returncode != 0
    assert "DJANGO_SECRET_KEY" in completed.stderr


def test_code_only_commands_run_without_a_key_and_stay_in_production(tmp_path):
    """`python manage.py makemigrations --check` reads models and migrations only: it needs no
    key, while every other command still does (test above)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG"}}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "PORTAL_VAR_DIR": str(tmp_path)}
    completed = _python(["manage.py", "makemigrations", "--check", "--dry-run"], env)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "No changes detected" in completed.stdout
    migrate = _python(["manage.py", "migrate", "--check"], env)
    assert migrate.returncode != 0
    assert "DJANGO_SECRET_KEY" in migrate.stderr
