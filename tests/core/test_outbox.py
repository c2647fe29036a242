"""The transactional outbox: no task is lost when the broker is down, none is sent twice."""

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, transaction
from django.urls import reverse

from core import outbox
from core.models import OutboxMessage
from enterprises.models import FinancingNeed
from matchmaking.models import Match
from matchmaking.tasks import rescore_need
from tests.conftest import csrf_post, service_missing, wait_for
from tests.factories import FinancingNeedFactory, LoanProductFactory

GOOD = {"tags": ["mortgage", "first_loan"]}
# A page must not hang on a broker that is down (it took 19 s before the outbox); this bound is
# generous on a loaded machine and far below the old hang.
NO_HANG_SECONDS = 8
REPO = Path(__file__).resolve().parents[2]


class PrivateRedis:
    """A throwaway redis-server on a free loopback port that a test may stop and restart."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.is_up, timeout=10), "private redis-server did not start"

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def is_up(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def queued(self, queue: str) -> int:
        import redis

        return redis.Redis.from_url(self.url).llen(queue)


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    if server.binary is None:
        service_missing("redis-server is not installed")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_celery(private_redis):
    """A Celery app on the private Redis, made current for this thread (the project's app keeps
    its cached connection and backend, so it is not reconfigured)."""
    from celery import Celery, current_app

    app = Celery("portal-outage-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = private_redis.url
    app.conf.result_backend = private_redis.url
    app.conf.broker_transport_options = {"socket_connect_timeout": 1}
    previous = current_app._get_current_object()
    app.set_current()
    try:
        yield app
    finally:
        previous.set_current()
        app.close()


def test_a_need_submitted_while_redis_is_down_is_rescored_when_it_returns(
    transactional_db, private_redis, private_celery, web_as, enterprise_member, enterprise
):
    from celery.contrib.testing.worker import start_worker

    product = LoanProductFactory(**GOOD)
    need = FinancingNeedFactory(enterprise=enterprise, status="draft")
    web = web_as(enterprise_member)
    web.get(need.get_absolute_url())  # the CSRF cookie, before the outage
    # The app has talked to the broker before it goes away (a cached connection dies with it).
    warm = outbox.enqueue("core.tasks.sync_working_day_calendar")  # published at once
    warm.refresh_from_db()
    assert warm.sent_at is not None
    private_redis.stop()

    started = time.monotonic()
    response = csrf_post(web, reverse("enterprises:need_submit", args=[need.pk]))
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < NO_HANG_SECONDS
    need.refresh_from_db()
    assert need.status == FinancingNeed.Status.SUBMITTED
    pending = OutboxMessage.objects.get(task_name=rescore_need.name, args=[need.pk])
    assert pending.sent_at is None
    assert pending.attempts == 1 and pending.last_error

    private_redis.start()
    call_command("relay_outbox", stdout=open("/dev/null", "w"))  # noqa: SIM115
    pending.refresh_from_db()
    assert pending.sent_at is not None
    with start_worker(private_celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert wait_for(lambda: _matched(need, product))


def _matched(need, product) -> bool:
    try:
        return Match.objects.filter(need=need, product=product).exists()
    except OperationalError:  # SQLite: the worker thread holds the table for a moment
        return False


def test_the_relay_publishes_each_pending_row_once_oldest_first(
    transactional_db, private_redis, private_celery
):
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    private_redis.stop()
    first, second, _third = (outbox.enqueue(rescore_need.name, need_id) for need_id in (7, 8, 9))
    assert OutboxMessage.objects.filter(sent_at=None).count() == 3
    assert outbox.relay_pending() == 0  # still down: nothing sent, nothing lost

    private_redis.start()
    assert outbox.relay_pending(limit=1) == 1
    first.refresh_from_db(), second.refresh_from_db()
    assert first.sent_at is not None and second.sent_at is None
    assert outbox.relay_pending() == 2
    assert outbox.relay_pending() == 0  # a second run finds nothing left
    assert private_redis.queued(queue) == 3


def test_a_rolled_back_change_queues_nothing(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(rescore_need.name, 1)
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_no_service_queues_a_task_around_the_outbox():
    """Every task goes through core.outbox.enqueue: a direct .delay()/.apply_async() after commit
    is lost when the broker is down."""
    direct = re.compile(r"\.(delay|apply_async)\b|send_task\(")
    offenders = []
    for app in settings.INSTALLED_APPS:
        folder = REPO / app
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.py"):
            if path == REPO / "core" / "outbox.py":
                continue
            if direct.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_after_one_failed_publish_the_next_tasks_wait_for_the_relay_without_trying(
    transactional_db, private_redis, private_celery
):
    private_redis.stop()
    with transaction.atomic():
        first = outbox.enqueue(rescore_need.name, 1)
        second = outbox.enqueue(rescore_need.name, 2)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.attempts, second.attempts) == (1, 0)  # the page waited for the broker once
    assert first.sent_at is None and second.sent_at is None

    private_redis.start()
    assert outbox.relay_pending() == 2
    third = outbox.enqueue(rescore_need.name, 3)  # the relay's success resumes publishing at once
    third.refresh_from_db()
    assert third.sent_at is not None
