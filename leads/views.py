"""Doors on a lead's life: the officers' inbox and lead pages, matched needs they may take, and the
enterprise's page following its need through the institutions. Views validate forms and call
services; nothing more."""

from types import SimpleNamespace

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import enterprise_member_required, officer_required
from banks.models import Officer
from banks.selectors import products_for_institution
from core.errors import ServiceError
from core.models import PortalSettings
from core.once import create_once, posted_form_token
from core.sizing import SizeClass
from core.views import redirect_after_create, show_filter_errors, show_refusal
from enterprises.selectors import (
    institution_may_see_need,
    need_by_id,
    need_for_member,
    recommendations_for_need,
    recommendations_for_needs,
)
from enterprises.services import EDITABLE_NEED_STATUSES, need_access_record
from matchmaking.selectors import need_matches_explained, need_near_misses
from meetings.talks import upcoming_slots_for_enterprise, upcoming_slots_for_user

from . import services
from .forms import (
    AgreementCorrectionForm,
    AssignForm,
    DeclineForm,
    DisbursementForm,
    NeedReplyForm,
    NoteForm,
    RequiredNoteForm,
    SignForm,
)
from .models import LEAD_TRANSITIONS
from .selectors import (
    agreement_corrections_for,
    disbursements_for,
    info_requests_on_need,
    lead_counts_for_institution,
    lead_explanation,
    lead_for_officer,
    lead_inbox,
    lead_on_need,
    lead_timeline,
    leads_on_need,
    matched_needs_for_institution,
    need_consent_rows,
    need_matching_pending,
    need_timeline,
)

LEADS_PER_PAGE = 25
MATCHED_NEEDS_PER_PAGE = 25
# The need page lists at most this many matched products.
NEED_PAGE_MATCHES = 20
# While matching runs, the need page asks for the matches this often.
MATCHING_POLL_SECONDS = 3
# Home and need pages list at most this many of the person's coming 1:1 talks.
MY_TALKS_SHOWN = 10
# The officer's home lists at most this many of the institution's products.
OFFICER_HOME_PRODUCTS = 50


def _officer(request) -> Officer:
    return request.user.officer


@officer_required
def home(request):
    officer = _officer(request)
    institution = officer.institution
    return render(
        request,
        "leads/officer_home.html",
        {
            "officer": officer,
            "institution": institution,
            "lead_counts": lead_counts_for_institution(institution=institution),
            "products": products_for_institution(institution=institution)[:OFFICER_HOME_PRODUCTS],
            "my_talks": upcoming_slots_for_user(request.user, now=timezone.now())[:MY_TALKS_SHOWN],
        },
    )


# --- The lead inbox ------------------------------------------------------------------------------


@officer_required
def lead_list(request):
    officer = _officer(request)
    inbox = lead_inbox(officer=officer, params=request.GET)
    show_filter_errors(request, inbox.form)
    page = Paginator(inbox.qs, LEADS_PER_PAGE).get_page(request.GET.get("page"))
    marks = recommendations_for_needs(lead.need for lead in page.object_list)
    for lead in page.object_list:
        lead.recommendations = marks[lead.need_id]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "leads/lead_list.html",
        {"filter": inbox, "page": page, "query": query.urlencode()},
    )


# (form class, service, message) for each step an officer can take on a lead.
LEAD_ACTIONS = {
    "contact": (NoteForm, services.lead_record_contact, _("Contact recorded.")),
    "request_info": (
        RequiredNoteForm,
        services.lead_request_info,
        _("Request sent to the enterprise."),
    ),
    "review": (NoteForm, services.lead_start_review, _("Credit review started.")),
    "approve": (NoteForm, services.lead_approve, _("Loan approved.")),
}


def _lead_context(request, lead, **forms):
    officer = _officer(request)
    may_see = institution_may_see_need(need=lead.need, institution_id=officer.institution_id)
    if may_see:
        need_access_record(need=lead.need, institution=officer.institution, user=request.user)
    context = {
        "lead": lead,
        "need": lead.need,
        "enterprise": lead.need.enterprise,
        "may_see": may_see,
        "explanation": lead_explanation(lead=lead) if may_see else None,
        "recommendations": recommendations_for_need(lead.need) if may_see else [],
        "steps": lead_timeline(lead=lead),
        "allowed": LEAD_TRANSITIONS.targets(lead.status),
        "note_form": NoteForm(),
        "request_form": RequiredNoteForm(),
        "decline_form": DeclineForm(),
        "assign_form": AssignForm(institution=officer.institution),
        "sign_form": SignForm(
            initial={"term_months": lead.need.term_months, "amount": lead.need.amount}
        ),
        "agreement": getattr(lead, "agreement", None),
        "correction_form": AgreementCorrectionForm(),
        "disbursement_form": DisbursementForm(),
    }
    if context["agreement"] is not None:
        context["corrections"] = agreement_corrections_for(agreement=context["agreement"])
        context["disbursements"] = disbursements_for(agreement=context["agreement"])
    context.update(forms)
    return context


@officer_required
def lead_detail(request, pk):
    lead = lead_for_officer(officer=_officer(request), pk=pk)
    return render(request, "leads/lead_detail.html", _lead_context(request, lead))


@officer_required
@require_POST
def lead_claim(request, pk):
    lead = lead_for_officer(officer=_officer(request), pk=pk)
    try:
        services.lead_claim(lead=lead, officer=_officer(request))
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, _("The lead is yours. Contact the enterprise before the deadline.")
        )
    return redirect("banks:lead_detail", pk=pk)


@officer_required
@require_POST
def lead_assign(request, pk):
    officer = _officer(request)
    lead = lead_for_officer(officer=officer, pk=pk)
    form = AssignForm(request.POST, institution=officer.institution)
    if form.is_valid():
        try:
            services.lead_assign(lead=lead, officer=officer, assignee=form.cleaned_data["assignee"])
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Lead assigned."))
            return redirect("banks:lead_detail", pk=pk)
    return render(
        request,
        "leads/lead_detail.html",
        _lead_context(request, lead, assign_form=form),
        status=400,
    )


@officer_required
@require_POST
def lead_step(request, pk, action):
    if action not in LEAD_ACTIONS:
        raise Http404
    officer = _officer(request)
    lead = lead_for_officer(officer=officer, pk=pk)
    form_class, service, done = LEAD_ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(lead=lead, officer=officer, note=form.cleaned_data["note"])
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, done)
            return redirect("banks:lead_detail", pk=pk)
    key = "request_form" if action == "request_info" else "note_form"
    return render(
        request, "leads/lead_detail.html", _lead_context(request, lead, **{key: form}), status=400
    )


@officer_required
@require_POST
def lead_decline(request, pk):
    officer = _officer(request)
    lead = lead_for_officer(officer=officer, pk=pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.lead_decline(lead=lead, officer=officer, **form.cleaned_data)
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Lead declined; the enterprise was told."))
            return redirect("banks:lead_list")
    return render(
        request,
        "leads/lead_detail.html",
        _lead_context(request, lead, decline_form=form),
        status=400,
    )


@officer_required
@require_POST
def lead_sign(request, pk):
    officer = _officer(request)
    lead = lead_for_officer(officer=officer, pk=pk)
    form = SignForm(request.POST)
    if form.is_valid():

        def sign():
            services.loan_agreement_sign(lead=lead, officer=officer, **form.cleaned_data)
            return reverse("banks:lead_detail", kwargs={"pk": pk})

        try:
            outcome = create_once(token=posted_form_token(request), user=request.user, create=sign)
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            return redirect_after_create(
                request, outcome, _("Agreement recorded. The enterprise was told.")
            )
    return render(
        request, "leads/lead_detail.html", _lead_context(request, lead, sign_form=form), status=400
    )


@officer_required
def sign_venues(request):
    """The sign form's venue list for the meeting just chosen (htmx)."""
    form = SignForm(initial={"meeting": request.GET.get("meeting")})
    return render(request, "leads/_sign_venue.html", {"field": form["sub_venue"]})


@officer_required
@require_POST
def disbursement_record(request, pk):
    """An officer records money paid out under the lead's agreement."""
    officer = _officer(request)
    lead = lead_for_officer(officer=officer, pk=pk)
    agreement = getattr(lead, "agreement", None)
    if agreement is None:
        raise Http404
    form = DisbursementForm(request.POST)
    if form.is_valid():
        try:
            services.disbursement_record(agreement=agreement, officer=officer, **form.cleaned_data)
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Disbursement recorded."))
            return redirect(reverse("banks:lead_detail", kwargs={"pk": pk}) + "#agreement")
    return render(
        request,
        "leads/lead_detail.html",
        _lead_context(request, lead, disbursement_form=form),
        status=400,
    )


@officer_required
@require_POST
def agreement_correction_request(request, pk):
    """An officer asks the finance office to correct or void the lead's agreement."""
    officer = _officer(request)
    lead = lead_for_officer(officer=officer, pk=pk)
    agreement = getattr(lead, "agreement", None)
    if agreement is None:
        raise Http404
    form = AgreementCorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_correction_request(
                agreement=agreement, officer=officer, **form.cleaned_data
            )
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Request sent to the finance office."))
            return redirect("banks:lead_detail", pk=pk)
    return render(
        request,
        "leads/lead_detail.html",
        _lead_context(request, lead, correction_form=form),
        status=400,
    )


# --- Matched needs the institution may still take --------------------------------------------


@officer_required
def matched_needs(request):
    officer = _officer(request)
    page = Paginator(
        matched_needs_for_institution(institution=officer.institution), MATCHED_NEEDS_PER_PAGE
    ).get_page(request.GET.get("page"))
    needs = [
        SimpleNamespace(
            pk=row["need_id"],
            enterprise_id=row["need__enterprise_id"],
            project_id=row["need__project_id"],
        )
        for row in page.object_list
    ]
    marks = recommendations_for_needs(needs)
    for row in page.object_list:
        size = row["need__enterprise__size_class"]
        row["size_label"] = SizeClass(size).label if size else ""
        row["recommendations"] = marks[row["need_id"]]
    return render(
        request,
        "leads/matched_needs.html",
        {"page": page, "cap": PortalSettings.load().contact_cap},
    )


@officer_required
@require_POST
def need_take(request, need_id):
    officer = _officer(request)
    need = need_by_id(pk=need_id)
    try:
        lead = services.lead_take(need=need, officer=officer)
    except ServiceError as error:
        show_refusal(request, error)
        return redirect("banks:matched_needs")
    messages.success(request, _("The need is now one of your leads."))
    return redirect("banks:lead_detail", pk=lead.pk)


# --- The enterprise follows its need -------------------------------------------------------------


def _matches_context(need) -> dict:
    return {
        "need": need,
        "matches": need_matches_explained(need=need, limit=NEED_PAGE_MATCHES),
        "near_misses": need_near_misses(need=need) if need.status in EDITABLE_NEED_STATUSES else [],
        "matching_pending": need_matching_pending(need=need),
        "poll_seconds": MATCHING_POLL_SECONDS,
    }


def _need_context(request, need, **extra) -> dict:
    leads = list(leads_on_need(need=need))
    context = {
        **_matches_context(need),
        "timeline": need_timeline(need=need),
        "consent_rows": need_consent_rows(need=need),
        "leads": leads,
        "editable": need.status in EDITABLE_NEED_STATUSES,
        "info_requests": info_requests_on_need(leads=leads),
        "blank_reply_form": NeedReplyForm(),
        "my_talks": upcoming_slots_for_enterprise(
            enterprise_id=need.enterprise_id, now=timezone.now()
        )[:MY_TALKS_SHOWN],
    }
    context.update(extra)
    return context


@enterprise_member_required
def need_detail(request, pk):
    need = need_for_member(user=request.user, pk=pk)
    return render(request, "leads/need_detail.html", _need_context(request, need))


@enterprise_member_required
def need_matches(request, pk):
    """The matched-products card alone: the need page polls it (htmx) while matching runs."""
    need = need_for_member(user=request.user, pk=pk)
    return render(request, "leads/_need_matches.html", _matches_context(need))


@enterprise_member_required
@require_POST
def need_reply(request, pk, lead_pk):
    """The enterprise answers an institution that asked for more information."""
    need = need_for_member(user=request.user, pk=pk)
    lead = lead_on_need(need=need, pk=lead_pk)
    form = NeedReplyForm(request.POST)
    if form.is_valid():
        try:
            services.lead_enterprise_reply(lead=lead, actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Your reply was sent to the institution."))
            return redirect(need)
    return render(
        request,
        "leads/need_detail.html",
        _need_context(request, need, reply_form=form, reply_lead_id=lead.pk),
        status=400,
    )


@enterprise_member_required
@require_POST
def need_after_declines(request, pk):
    """Every holder declined: the enterprise lets the need go to others, or closes it."""
    need = need_for_member(user=request.user, pk=pk)
    release = request.POST.get("answer") == "release"
    try:
        if release:
            services.need_release_to_other_institutions(need=need, actor=request.user)
        else:
            services.need_close_after_declines(need=need, actor=request.user)
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The need goes to other matching institutions.")
            if release
            else _("The need is closed."),
        )
    return redirect(need)
