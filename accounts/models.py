from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in. What they may see follows from ``role`` and their membership.

    Enterprise members hold an ``enterprises.EnterpriseMembership``; institution officers hold a
    ``banks.Officer``; government staff hold a ``department``.
    """

    class Role(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise member")
        OFFICER = "officer", _("Institution officer")
        GOVERNMENT = "government", _("Government staff")

    class Department(models.TextChoices):
        FINANCE_OFFICE = "finance_office", _("District Finance Office")
        DEVELOPMENT_REFORM = "development_reform", _("Development and Reform Bureau")
        INDUSTRY_IT = "industry_it", _("Industry and Information Technology Bureau")
        FINANCE_BUREAU = "finance_bureau", _("Finance Bureau")
        COMMERCE = "commerce", _("Commerce Bureau")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    department = models.CharField(
        _("department"),
        max_length=30,
        choices=Department.choices,
        blank=True,
        help_text=_("Only for government staff."),
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)

    class LeadEmail(models.TextChoices):
        IMMEDIATE = "immediate", _("At once, for every batch of new leads")
        DAILY = "daily", _("Once a day, as a digest")

    lead_email = models.CharField(
        _("e-mail about new leads"),
        max_length=10,
        choices=LeadEmail.choices,
        default=LeadEmail.DAILY,
        help_text=_("For institution officers; new leads always appear as notices in the portal."),
    )
    email_notifications = models.BooleanField(
        _("receive e-mail notices"),
        default=True,
        help_text=_("Notices always appear in the portal; this switch only controls e-mail."),
    )
    meeting_reminder_email = models.BooleanField(
        _("e-mail meeting reminders"),
        default=True,
        help_text=_(
            "Reminders, changes and cancellations of meetings you are invited to, with a calendar "
            "file; they always appear as notices in the portal."
        ),
    )
    large_text = models.BooleanField(
        _("large text mode"),
        default=False,
        help_text=_("Shows every page with larger text and wider spacing (age-friendly mode)."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department="") | models.Q(role="government"),
                name="department_only_for_government",
            ),
        ]

    def __str__(self):
        full_name = f"{self.last_name}{self.first_name}".strip()
        return full_name or self.username

    @property
    def is_enterprise_member(self) -> bool:
        return self.role == self.Role.ENTERPRISE

    @property
    def is_officer(self) -> bool:
        return self.role == self.Role.OFFICER

    @property
    def is_government(self) -> bool:
        return self.role == self.Role.GOVERNMENT

    @property
    def is_finance_office(self) -> bool:
        """The finance office owns the portal and sees everything."""
        return self.is_government and self.department == self.Department.FINANCE_OFFICE


class Notice(models.Model):
    """An in-portal notice; e-mailed too unless the person turned e-mail off."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notices", verbose_name=_("user")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation (an enterprise or an institution)."""

    email = models.EmailField(_("e-mail"))
    token = models.CharField(_("token"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]
