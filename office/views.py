"""The finance office's and bureaus' console. Each page reads through selectors and acts through
the owning app's service (which checks who may act); no business rule lives here."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import finance_office_required, government_required
from banks import services as bank_services
from banks.selectors import product_for_review, products_awaiting_review
from core.errors import ServiceError
from core.selectors import audit_events, audited_object_types
from core.views import show_refusal
from enterprises import services as enterprise_services
from enterprises.models import FinancingNeed, Project
from enterprises.selectors import (
    enterprise_for_review,
    enterprise_members,
    enterprise_projects,
    needs_by_status,
    pending_verifications,
)
from leads import services as lead_services
from leads.forms import CorrectionDecisionForm
from leads.selectors import (
    agreement_correction_by_id,
    past_meetings_with_totals,
    pending_agreement_corrections,
    signed_totals,
)
from matchmaking import services as matching_services
from matchmaking.models import ScoringPolicy
from matchmaking.selectors import scoring_policy_history
from meetings.selectors import upcoming_meetings

from .forms import AuditSearchForm, ProductReviewForm, ScoringPolicyForm, VerificationDecisionForm

QUEUE_PAGE_SIZE = 30
AUDIT_PAGE_SIZE = 50
# The scoring page shows this many past policies.
POLICY_HISTORY = 20


@government_required
def office_home(request):
    counts = needs_by_status()
    status_rows = [(label, counts.get(value, 0)) for value, label in FinancingNeed.Status.choices]
    return render(
        request,
        "office/office_home.html",
        {
            "totals": signed_totals(),
            "status_rows": status_rows,
            "upcoming": upcoming_meetings(),
            "past": past_meetings_with_totals(),
            "pending_count": pending_verifications().count(),
        },
    )


@finance_office_required
def verification_queue(request):
    page = Paginator(pending_verifications(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "office/verification_queue.html", {"page": page})


@government_required
def verification_detail(request, pk):
    enterprise = get_object_or_404(enterprise_for_review(), pk=pk)
    form = VerificationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                enterprise_services.enterprise_verify(enterprise=enterprise, actor=request.user)
                done = _("%(name)s is verified.") % {"name": enterprise.name}
            else:
                enterprise_services.enterprise_reject(
                    enterprise=enterprise, actor=request.user, reason=form.cleaned_data["reason"]
                )
                done = _("%(name)s was rejected; the enterprise was told why.") % {
                    "name": enterprise.name
                }
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, done)
            return redirect("office:verification_queue")
    return render(
        request,
        "office/verification_detail.html",
        {
            "enterprise": enterprise,
            "classification": enterprise.classification(),
            "projects": enterprise_projects(enterprise=enterprise),
            "members": enterprise_members(enterprise=enterprise),
            "form": form,
        },
    )


@government_required
@require_POST
def project_key_flag(request, pk):
    project = get_object_or_404(Project, pk=pk)
    is_key = request.POST.get("is_key") == "1"
    try:
        enterprise_services.project_set_key(project=project, actor=request.user, is_key=is_key)
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("“%(name)s” is now a district key project.") % {"name": project.name}
            if is_key
            else _("“%(name)s” is no longer a key project.") % {"name": project.name},
        )
    return redirect("office:verification_detail", pk=project.enterprise_id)


@finance_office_required
def product_review_queue(request):
    page = Paginator(products_awaiting_review(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "office/product_review_queue.html", {"page": page})


@finance_office_required
def product_review(request, pk):
    product = product_for_review(pk=pk)
    form = ProductReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank_services.loan_product_review(
                product=product,
                reviewer=request.user,
                publish=form.cleaned_data["decision"] == "publish",
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Review recorded; the institution was told."))
            return redirect("office:product_review_queue")
    return render(
        request,
        "office/product_review.html",
        {"product": product, "form": form, "chains": product.eligible_chains.all()},
    )


@finance_office_required
def scoring_policy(request):
    current = ScoringPolicy.current()
    form = ScoringPolicyForm(
        request.POST or None,
        instance=None,
        initial={f: getattr(current, f) for f in ScoringPolicy.EDITABLE_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            matching_services.scoring_policy_change(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(
                request, _("Saved. All matches are being recomputed with the new weights.")
            )
            return redirect("office:scoring_policy")
    history = scoring_policy_history(limit=POLICY_HISTORY)
    return render(request, "office/scoring_policy.html", {"form": form, "history": history})


@government_required
def audit_log(request):
    """Search every recorded change (全程留痕) by object, actor and date."""
    form = AuditSearchForm(request.GET or None, object_types=audited_object_types())
    criteria = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        criteria = {
            "content_type_id": int(data["object_type"]) if data["object_type"] else None,
            "object_id": data["object_id"],
            "actor_username": data["actor"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    events = audit_events(**criteria) if not form.is_bound or form.is_valid() else []
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "office/audit_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@finance_office_required
def agreement_corrections(request):
    """Corrections and voids of recorded agreements that institutions asked for."""
    return render(
        request,
        "office/agreement_corrections.html",
        {"corrections": pending_agreement_corrections(), "form": CorrectionDecisionForm()},
    )


@finance_office_required
@require_POST
def agreement_correction_decide(request, pk):
    correction = agreement_correction_by_id(pk=pk)
    form = CorrectionDecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        try:
            lead_services.agreement_correction_decide(
                correction=correction, actor=request.user, approve=approve, **form.cleaned_data
            )
        except ServiceError as error:
            show_refusal(request, error)
        else:
            messages.success(
                request, _("Request approved and applied.") if approve else _("Request rejected.")
            )
    else:
        messages.error(request, _("The note is too long."))
    return redirect("office:agreement_corrections")
