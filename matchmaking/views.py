"""The finance office's and bureaus' pages."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import finance_office_required, government_required
from accounts.services import ServiceError
from banks import services as bank_services
from banks.models import LoanProduct
from enterprises import services as enterprise_services
from enterprises.forms import VerificationDecisionForm
from enterprises.models import Enterprise, FinancingNeed, Project
from enterprises.selectors import pending_verifications
from enterprises.workflow import IllegalTransition

from . import services
from .forms import ProductReviewForm, ScoringPolicyForm
from .models import ScoringPolicy
from .selectors import needs_by_status, past_meetings_with_totals, signed_totals, upcoming_meetings


@government_required
def office_home(request):
    counts = needs_by_status()
    status_rows = [(label, counts.get(value, 0)) for value, label in FinancingNeed.Status.choices]
    return render(
        request,
        "matchmaking/office_home.html",
        {
            "totals": signed_totals(),
            "status_rows": status_rows,
            "upcoming": upcoming_meetings(),
            "past": past_meetings_with_totals(),
            "pending_count": pending_verifications().count(),
        },
    )


@government_required
def verification_queue(request):
    page = Paginator(pending_verifications(), 30).get_page(request.GET.get("page"))
    return render(request, "matchmaking/verification_queue.html", {"page": page})


@government_required
def verification_detail(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.select_related("chain__cluster"), pk=pk)
    form = VerificationDecisionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_finance_office:
            messages.error(request, _("Only the finance office verifies enterprises."))
            return redirect("matchmaking:verification_detail", pk=pk)
        if form.is_valid():
            if form.cleaned_data["decision"] == "approve":
                enterprise_services.enterprise_verify(enterprise=enterprise, actor=request.user)
                messages.success(request, _("%(name)s is verified.") % {"name": enterprise.name})
            else:
                enterprise_services.enterprise_reject(
                    enterprise=enterprise, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("%(name)s was rejected; the enterprise was told why.")
                    % {"name": enterprise.name},
                )
            return redirect("matchmaking:verification_queue")
    return render(
        request,
        "matchmaking/verification_detail.html",
        {
            "enterprise": enterprise,
            "classification": enterprise.classification(),
            "projects": enterprise.projects.select_related("chain").order_by("-created_at"),
            "members": enterprise.members.select_related("user"),
            "form": form,
        },
    )


@government_required
@require_POST
def project_key_flag(request, pk):
    project = get_object_or_404(Project, pk=pk)
    is_key = request.POST.get("is_key") == "1"
    enterprise_services.project_set_key(project=project, actor=request.user, is_key=is_key)
    messages.success(
        request,
        _("“%(name)s” is now a district key project.") % {"name": project.name}
        if is_key
        else _("“%(name)s” is no longer a key project.") % {"name": project.name},
    )
    return redirect("matchmaking:verification_detail", pk=project.enterprise_id)


@government_required
def product_review_queue(request):
    products = (
        LoanProduct.objects.filter(status=LoanProduct.Status.SUBMITTED)
        .select_related("institution")
        .order_by("updated_at")
    )
    page = Paginator(products, 30).get_page(request.GET.get("page"))
    return render(request, "matchmaking/product_review_queue.html", {"page": page})


@government_required
def product_review(request, pk):
    product = get_object_or_404(LoanProduct.objects.select_related("institution"), pk=pk)
    form = ProductReviewForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_finance_office:
            messages.error(request, _("Only the finance office reviews loan products."))
            return redirect("matchmaking:product_review", pk=pk)
        if form.is_valid():
            try:
                bank_services.loan_product_review(
                    product=product,
                    reviewer=request.user,
                    publish=form.cleaned_data["decision"] == "publish",
                    note=form.cleaned_data["note"],
                )
            except (ServiceError, IllegalTransition) as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Review recorded; the institution was told."))
                return redirect("matchmaking:product_review_queue")
    return render(
        request,
        "matchmaking/product_review.html",
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
            services.scoring_policy_change(actor=request.user, **form.cleaned_data)
        except services.MatchmakingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Saved. All matches are being recomputed with the new weights.")
            )
            return redirect("matchmaking:scoring_policy")
    history = ScoringPolicy.objects.select_related("created_by")[:20]
    return render(request, "matchmaking/scoring_policy.html", {"form": form, "history": history})
