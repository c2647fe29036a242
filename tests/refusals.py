"""Asserting a refusal: the exact error type (not a subclass, not ``Exception``), its field when
it names one, and a database left exactly as it was."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager

import pytest
from django.apps import apps

from core.errors import ServiceError

PORTAL_APPS = {
    "core",
    "accounts",
    "banks",
    "enterprises",
    "matchmaking",
    "meetings",
    "leads",
    "office",
}
# Reference tables no request writes; left out to keep the fingerprint cheap.
NOT_FINGERPRINTED = {"core.CalendarDay", "core.IndustryCluster", "core.IndustryChain"}


def fingerprint() -> dict[str, str]:
    """A hash of every row of every portal table (test databases are small)."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in PORTAL_APPS or model._meta.label in NOT_FINGERPRINTED:
            continue
        rows = model.objects.order_by("pk").values_list()
        out[model._meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return out


@contextmanager
def refused(kind: type[ServiceError] = ServiceError, *, field: str | None = None):
    """``with refused(IllegalTransition): service(...)``: raises exactly ``kind`` (with ``field``
    when given, else no field) and changes nothing in the database."""
    before = fingerprint()
    with pytest.raises(kind) as info:
        yield info
    assert type(info.value) is kind, f"{type(info.value).__name__}: {info.value}"
    assert info.value.field == field, f"field {info.value.field!r}, message {info.value.message}"
    after = fingerprint()
    changed = sorted(label for label in before if before[label] != after[label])
    assert not changed, f"the refused call changed {changed}"
