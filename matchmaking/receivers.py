"""Matching follows changes in the apps below it: a need or a product that changed is rescored
after the change commits (connected in ``MatchmakingConfig.ready``)."""

from django.db import transaction
from django.dispatch import receiver

from banks.signals import product_changed
from enterprises.signals import need_changed

from .tasks import rescore_need, rescore_product


@receiver(need_changed)
def rescore_changed_need(sender, *, need_id, **kwargs) -> None:
    transaction.on_commit(lambda: rescore_need.delay(need_id))


@receiver(product_changed)
def rescore_changed_product(sender, *, product_id, **kwargs) -> None:
    transaction.on_commit(lambda: rescore_product.delay(product_id))
