"""The unread-notice count of the navigation bar, kept in the cache so a page does not count
notices on every request.

Every write that can change a count forgets it: ``notices_send`` and ``notices_mark_read`` (bulk
writes, which send no signals) and the ``Notice`` save/delete signals (the admin, fixtures). It is
forgotten at once and again after the transaction commits, so a count read from the database
while the write was uncommitted does not stay; the timeout bounds any other miss.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from .models import Notice

# A count cached without a later write expires anyway after this long.
COUNT_SECONDS = 5 * 60


def _key(user_id: int) -> str:
    return f"accounts:unread_notices:{user_id}"


def unread_notice_count(user) -> int:
    key = _key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notice.objects.filter(user_id=user.pk, read_at__isnull=True).count()
        cache.add(key, count, COUNT_SECONDS)
    return count


def unread_notice_counts_forget(user_ids: Iterable[int]) -> None:
    keys = [_key(pk) for pk in set(user_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
