"""Reference data and tools every app uses: the district's industry classification, the working-day
calendar, the finance office's settings and the audit log."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IndustryCluster(models.Model):
    """One of the district's industry clusters (产业集群)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("industry cluster")
        verbose_name_plural = _("industry clusters")

    def __str__(self):
        return self.name


class IndustryChain(models.Model):
    """One of the district's growth industry chains (成长型产业链)."""

    cluster = models.ForeignKey(
        IndustryCluster, on_delete=models.PROTECT, related_name="chains", verbose_name=_("cluster")
    )
    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_key_chain = models.BooleanField(
        _("key chain"), default=False, help_text=_("A chain the district gives priority to.")
    )
    lead_official = models.CharField(_("responsible district leader"), max_length=50, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")

    def __str__(self):
        return self.name


class PortalSettings(models.Model):
    """The finance office's settings: one row, edited in the admin; changes are audited."""

    response_working_days = models.PositiveSmallIntegerField(
        _("working days to first contact"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    contact_cap = models.PositiveSmallIntegerField(
        _("institutions that may hold one need at once"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")

    def __str__(self):
        return str(_("Portal settings"))

    @classmethod
    def load(cls) -> "PortalSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class CalendarDay(models.Model):
    """A day that differs from the Monday-to-Friday rule: a holiday or a make-up workday.

    Filled from chinesecalendar for the years it covers; the finance office adds the State
    Council's notice for later years by hand. Days not listed follow the weekday rule.
    """

    class Source(models.TextChoices):
        LIBRARY = "library", _("chinesecalendar")
        MANUAL = "manual", _("Entered by the finance office")

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up workday")
        verbose_name_plural = _("holidays and make-up workdays")

    def __str__(self):
        return f"{self.date} {self.name}"


class AuditEventQuerySet(models.QuerySet):
    """The audit log is evidence: rows are appended, never changed or removed in bulk either."""

    def update(self, **kwargs):
        raise PermissionError("Audit events cannot be changed.")

    def delete(self):
        raise PermissionError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One recorded change of state (全程留痕): who, in what role, when, on what, from what to what.

    Written only through ``core.audit.audit_record``; append-only. ``actor`` is empty for changes
    the system made by itself (bulk matching, a need closed elsewhere). ``thread`` groups the
    events a timeline shows together: a lead's events belong to its need's thread.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status change")
        CHANGED = "changed", _("Changed")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Note")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        REVIEWED = "reviewed", _("Reviewed")
        ACCESS_REVOKED = "access_revoked", _("Access withdrawn")

    SYSTEM_ROLE = "system"

    # Set when recorded; only history imported from before the portal (demo data, migrations of
    # paper records) passes an earlier time to ``audit_record``.
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_role = models.CharField(_("role"), max_length=40)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    object_repr = models.CharField(_("object"), max_length=200)
    thread_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    thread_id = models.PositiveBigIntegerField(null=True, blank=True)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["thread_type", "thread_id"]),
        ]

    def __str__(self):
        return f"{self.object_repr}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")

    @property
    def is_system(self) -> bool:
        return self.actor_role == self.SYSTEM_ROLE

    @property
    def actor_role_label(self) -> str:
        """The actor's role in words (their department for government staff)."""
        if self.actor is None:
            return ""
        if getattr(self.actor, "department", ""):
            return self.actor.get_department_display()
        return self.actor.get_role_display() if getattr(self.actor, "role", "") else ""

    @property
    def object_kind(self) -> str:
        model = self.content_type.model_class()
        return str(model._meta.verbose_name) if model else self.content_type.model

    def _state_label(self, code: str) -> str:
        """A state code in words, from the choices of the object's own fields."""
        model = self.content_type.model_class()
        for field in model._meta.fields if model and code else ():
            labels = dict(field.flatchoices) if field.choices else {}
            if code in labels:
                return str(labels[code])
        return code

    @property
    def from_label(self) -> str:
        return self._state_label(self.from_state)

    @property
    def to_label(self) -> str:
        return self._state_label(self.to_state)


class OutboxMessage(models.Model):
    """A Celery task to publish, written in the same transaction as the change that needs it.

    If the broker is down when the change commits, the row stays unsent and the relay
    (``core.outbox.relay_pending``, run by beat every minute and by ``manage.py relay_outbox``)
    publishes it when the broker is back: no work is lost with the request that caused it.
    """

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("publish attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(sent_at__isnull=True),
                name="core_outbox_pending",
            )
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"


class UsedFormToken(models.Model):
    """A form that created something, by the one-time token rendered in it (see ``core.once``).

    The unique token makes a replay of the same form (a double click, a retry after a timeout)
    find what the first submission created instead of creating it again; two replays racing each
    other meet on the constraint, not on a check-then-insert."""

    token = models.CharField(_("form token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("used at"), auto_now_add=True)

    class Meta:
        verbose_name = _("used form token")
        verbose_name_plural = _("used form tokens")

    def __str__(self):
        return self.token
