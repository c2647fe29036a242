from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Notice
        from .notice_counts import unread_notice_counts_forget

        # A function made here is held by nothing else: connected strongly, or it would be
        # collected and the badge would miss notices saved one by one.
        def forget(sender, instance, **kwargs):
            unread_notice_counts_forget([instance.user_id])

        post_save.connect(
            forget, sender=Notice, weak=False, dispatch_uid="accounts.notice_count_save"
        )
        post_delete.connect(
            forget, sender=Notice, weak=False, dispatch_uid="accounts.notice_count_delete"
        )
