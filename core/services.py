"""Writes for the finance office's settings: every change is audited."""

from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import ServiceError
from .models import PortalSettings

EDITABLE_SETTINGS = ("response_working_days", "contact_cap")


@transaction.atomic
def portal_settings_update(*, actor, **values) -> PortalSettings:
    """Change the portal's settings; only the finance office may, and each change is recorded."""
    if actor is None or not (actor.is_superuser or actor.is_finance_office):
        raise ServiceError(_("Only the finance office changes the portal's settings."))
    unknown = set(values) - set(EDITABLE_SETTINGS)
    if unknown:
        raise ServiceError(_("Unknown setting: %(name)s") % {"name": ", ".join(sorted(unknown))})
    settings_row = PortalSettings.load()
    settings_row = PortalSettings.objects.select_for_update().get(pk=settings_row.pk)
    changes = []
    for name, value in values.items():
        old = getattr(settings_row, name)
        if old != value:
            changes.append(f"{PortalSettings._meta.get_field(name).verbose_name}: {old} → {value}")
            setattr(settings_row, name, value)
    settings_row.full_clean()
    settings_row.updated_by = actor
    settings_row.save()
    if changes:
        audit_record(obj=settings_row, action="changed", actor=actor, note="; ".join(changes))
    return settings_row
