"""Test settings: the real settings with a few fast replacements, nothing else copied."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]

# Each pytest-xdist process gets its own Celery queue, so a worker started by one test process
# never runs a task queued by another (which would look in the other's test database).
CELERY_TASK_DEFAULT_QUEUE = f"portal-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
