"""Personas and shared fixtures.

Like healthchecks' Alice, Bob and Charlie: each door is tried by the persona who owns the data and
by outsiders who must be refused.
"""

import datetime as dt
import os

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User

from .factories import (
    EnterpriseMemberFactory,
    InstitutionFactory,
    MeetingFactory,
    OfficerFactory,
    UserFactory,
)

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"
# scripts/mutation.py runs each mutant against the fast SQLite tests only.
MUTATION_RUN = os.environ.get("PORTAL_MUTATION") == "1"
SLOW_FIXTURES = {"celery_worker", "smtp_server", "live_server", "page", "phone_page"}


def _on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


POSTGRES_ONLY = "needs PostgreSQL (row locks, concurrency): set DATABASE_URL=postgres://…"


def pytest_collection_modifyitems(config, items):
    # A PostgreSQL-only test is skipped at the test itself, with the reason, on SQLite; in CI
    # (PORTAL_REQUIRE_SERVICES=1) it is not skipped but fails in the fixture below.
    if not REQUIRE_SERVICES and not _on_postgresql():
        for item in items:
            if item.get_closest_marker("postgres"):
                item.add_marker(pytest.mark.skip(reason=POSTGRES_ONLY))
    if not MUTATION_RUN:
        return
    slow = [
        item
        for item in items
        if item.get_closest_marker("browser")
        or item.get_closest_marker("postgres")
        or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
    ]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item not in slow]


if MUTATION_RUN and os.environ.get("PORTAL_MUTATION_DB"):

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker):
        """A mutation run forks one pytest per mutant: migrating a fresh test database each time
        took most of a mutant's seconds. scripts/mutation.py migrates a template once; each
        run works on a copy of it in memory-backed storage, removed afterwards."""
        import shutil
        import tempfile

        from django.db import connections

        template = os.environ["PORTAL_MUTATION_DB"]
        folder = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
        copy = os.path.join(folder, f"portal-mutant-{os.getpid()}.sqlite3")
        shutil.copyfile(template, copy)
        connection = connections["default"]
        connection.close()
        connection.settings_dict["NAME"] = copy
        yield
        connection.close()
        os.remove(copy)


@pytest.fixture(scope="session", autouse=True)
def _a_cache_of_each_workers_own():
    """With Redis as the cache, each xdist worker caches in a Redis database of its own (10 +
    its number): one worker's keys (user ids repeat across the workers' databases) and its
    per-test flush never reach another worker, nor the broker's database."""
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings
    from django.test.utils import override_settings

    default = settings.CACHES["default"]
    if "redis" not in default["BACKEND"].lower():
        yield
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(worker[2:]) if worker[2:].isdigit() else 0
    parts = urlsplit(default["LOCATION"])
    location = urlunsplit(parts._replace(path=f"/{10 + number}"))
    with override_settings(CACHES={"default": {**default, "LOCATION": location}}):
        yield


@pytest.fixture(autouse=True)
def _outbox_publishes_again():
    """Each test starts with the outbox publishing: an earlier test's broker outage pauses the
    process's publishing for BROKER_DOWN_PAUSE_SECONDS, and a worker test right after it would
    wait for tasks that were never sent."""
    from core import outbox

    outbox._paused_until = 0.0


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language (Chinese): an earlier test's English
    request leaves English active in the thread (LocaleMiddleware activates it per request), and
    a service called directly afterwards would write its notices in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached counts and tokens of an earlier test's
    (rolled back) rows must not show."""
    cache.clear()


def service_missing(reason: str):
    """Skip on a developer's machine; fail in CI, where every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"Required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _postgresql_only(request):
    if request.node.get_closest_marker("postgres") and not _on_postgresql():
        pytest.fail(f"Required service missing: this test {POSTGRES_ONLY}")


@pytest.fixture
def enterprise_member(db):
    """陈静, admin of her enterprise."""
    return EnterpriseMemberFactory(user__username="chenjing", user__last_name="陈").user


@pytest.fixture
def enterprise(enterprise_member):
    return enterprise_member.enterprise_membership.enterprise


@pytest.fixture
def other_enterprise_member(db):
    """A member of another enterprise: must never see the first one's data."""
    return EnterpriseMemberFactory(user__username="lisi").user


@pytest.fixture
def institution(db):
    return InstitutionFactory(name="测试工商银行清溪支行", short_name="测试工行")


@pytest.fixture
def officer_user(institution):
    return OfficerFactory(user__username="wangjl", institution=institution).user


@pytest.fixture
def institution_admin(institution):
    return OfficerFactory(user__username="zhaohz", institution=institution, role="admin").user


@pytest.fixture
def other_officer_user(db):
    """An officer of another institution."""
    return OfficerFactory(user__username="sunjl").user


@pytest.fixture
def finance_user(db):
    return UserFactory(
        username="zhoum", role=User.Role.GOVERNMENT, department=User.Department.FINANCE_OFFICE
    )


@pytest.fixture
def bureau_user(db):
    return UserFactory(
        username="zhengh", role=User.Role.GOVERNMENT, department=User.Department.DEVELOPMENT_REFORM
    )


@pytest.fixture
def meeting(finance_user):
    """A symposium ten days from now, organised by the finance office."""
    starts_at = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    return MeetingFactory(
        title="第一季度政银企座谈会",
        kind="symposium",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        organizer=finance_user,
    )


@pytest.fixture
def outsider(db):
    """Logged in, but attached to nothing: refused everywhere."""
    return UserFactory(username="outsider")


def csrf_post(client, url, data=None, *, form_url=None, follow=False):
    """POST like a browser: first GET the page with the form, then send its CSRF token.

    A door that only answers POST has no form page of its own; the browser then holds the
    cookie from an earlier page, so a fresh one is issued here the way the middleware would."""
    from django.middleware.csrf import _get_new_csrf_string

    if "csrftoken" not in client.cookies:
        client.get(form_url or url)
    if "csrftoken" not in client.cookies:
        client.cookies["csrftoken"] = _get_new_csrf_string()
    payload = dict(data or {})
    payload["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    return client.post(url, payload, follow=follow)


def send(client, method, url, data=None):
    """GET, or POST with the CSRF token: a refusal then comes from the door, not from CSRF."""
    if method == "post":
        return csrf_post(client, url, data)
    return client.get(url, data)


@pytest.fixture
def client(db):
    """The one test client: CSRF checks on, like a real browser (pytest-django's is off).

    POST through ``csrf_post`` (or ``send``); a bare ``client.post`` is refused with 403."""
    from django.test import Client

    return Client(enforce_csrf_checks=True)


@pytest.fixture
def web_as(client):
    """Log ``client`` in as ``user`` and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session", autouse=True)
def _a_task_queue_of_each_workers_own():
    """Each xdist worker sends and consumes on a queue of its own: with one broker, another
    worker's Celery worker would otherwise take a task and run it against its own database, and
    its purge would drop this worker's tasks."""
    from config.celery import app

    before = app.conf.task_default_queue
    app.conf.task_default_queue = f"portal-tests-{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}"
    yield
    app.conf.task_default_queue = before


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker in a thread: Redis in CI, the file-system broker otherwise."""
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from config.celery import app

    if REQUIRE_SERVICES:
        assert settings.CELERY_BROKER_URL.startswith("redis://"), "CI must run on Redis"
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost (aiosmtpd); the portal's SMTP backend sends to it."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    try:
        yield received
    finally:
        controller.stop()


def run_outbox(*task_names: str) -> int:
    """Run the tasks queued in the outbox (all of them, or those named) here, as the worker would,
    so a test asserts what the task did. Returns how many ran."""
    from config.celery import app
    from core.models import OutboxMessage

    messages = OutboxMessage.objects.filter(sent_at=None).order_by("created_at", "id")
    if task_names:
        messages = messages.filter(task_name__in=task_names)
    ran = 0
    for message in messages:
        app.tasks[message.task_name].apply(args=message.args, throw=True)
        ran += 1
    return ran


def wait_for(predicate, timeout=30.0, interval=0.1):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
