"""Leads and agreements in the admin: readable, never moved around the services."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import AgreementCorrection, Lead, LoanAgreement


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    """A lead's status, holder and deadlines change only through the lead services."""

    list_display = ("need", "institution", "score", "status", "assigned_to", "contact_due_at")
    list_filter = ("status", "institution", "decline_reason")
    search_fields = ("need__enterprise__name", "institution__name")
    raw_id_fields = ("need", "product", "assigned_to")


@admin.register(LoanAgreement)
class LoanAgreementAdmin(ReadOnlyAdmin):
    """Agreements are recorded by officers through signing; corrections are a later, audited flow."""

    list_display = (
        "contract_number",
        "institution",
        "amount",
        "rate",
        "term_months",
        "signed_on",
        "meeting",
        "voided_at",
    )
    list_filter = ("institution", "meeting", "signed_on")
    search_fields = ("contract_number", "lead__need__enterprise__name")
    raw_id_fields = ("lead",)
    date_hierarchy = "signed_on"


@admin.register(AgreementCorrection)
class AgreementCorrectionAdmin(ReadOnlyAdmin):
    """Filed by officers and decided by the finance office on its console, never here."""

    list_display = ("agreement", "kind", "status", "requested_by", "requested_at", "decided_by")
    list_filter = ("kind", "status")
    raw_id_fields = ("agreement",)
