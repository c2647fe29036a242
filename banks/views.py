"""The officers' workspace. Views validate forms and call services; nothing more."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import officer_required
from accounts.services import ServiceError
from accounts.views import invitation_accept_page
from enterprises.models import FinancingNeed
from enterprises.selectors import institution_may_see_need
from enterprises.services import need_access_record
from enterprises.sizing import SizeClass
from enterprises.workflow import IllegalTransition
from matchmaking import services as lead_services
from matchmaking.models import LEAD_TRANSITIONS, PortalSettings
from matchmaking.selectors import lead_explanation

from . import services
from .forms import (
    AssignForm,
    DeclineForm,
    InviteOfficerForm,
    LoanProductForm,
    NoteForm,
    RequiredNoteForm,
    SignForm,
)
from .models import Institution, LoanProduct, Officer, OfficerInvitation, PolicyTag
from .selectors import (
    lead_counts_for_institution,
    lead_for_officer,
    lead_inbox,
    matched_needs_for_institution,
    officers_for_institution,
    product_for_officer,
    products_for_institution,
    published_products,
)

LEADS_PER_PAGE = 25


def _officer(request) -> Officer:
    return request.user.officer


def _refuse(request, form, error):
    if form is not None and getattr(error, "field", None) and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        messages.error(request, error.message)


@officer_required
def home(request):
    officer = _officer(request)
    institution = officer.institution
    return render(
        request,
        "banks/home.html",
        {
            "officer": officer,
            "institution": institution,
            "lead_counts": lead_counts_for_institution(institution=institution),
            "products": products_for_institution(institution=institution)[:50],
        },
    )


# --- The lead inbox ------------------------------------------------------------------------------


@officer_required
def lead_list(request):
    officer = _officer(request)
    inbox = lead_inbox(officer=officer, params=request.GET)
    page = Paginator(inbox.qs, LEADS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "banks/lead_list.html",
        {"filter": inbox, "page": page, "query": query.urlencode()},
    )


# (form class, service, message) for each step an officer can take on a lead.
LEAD_ACTIONS = {
    "contact": (NoteForm, lead_services.lead_record_contact, _("Contact recorded.")),
    "request_info": (
        RequiredNoteForm,
        lead_services.lead_request_info,
        _("Request sent to the enterprise."),
    ),
    "review": (NoteForm, lead_services.lead_start_review, _("Credit review started.")),
    "approve": (NoteForm, lead_services.lead_approve, _("Loan approved.")),
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
        "steps": lead.events.select_related("actor"),
        "allowed": LEAD_TRANSITIONS.targets(lead.status),
        "note_form": NoteForm(),
        "request_form": RequiredNoteForm(),
        "decline_form": DeclineForm(),
        "assign_form": AssignForm(institution=officer.institution),
        "sign_form": SignForm(
            initial={"term_months": lead.need.term_months, "amount": lead.need.amount}
        ),
    }
    context.update(forms)
    return context


@officer_required
def lead_detail(request, pk):
    lead = lead_for_officer(officer=_officer(request), pk=pk)
    return render(request, "banks/lead_detail.html", _lead_context(request, lead))


@officer_required
@require_POST
def lead_claim(request, pk):
    lead = lead_for_officer(officer=_officer(request), pk=pk)
    try:
        lead_services.lead_claim(lead=lead, officer=_officer(request))
    except (ServiceError, IllegalTransition) as error:
        messages.error(request, error.message)
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
            lead_services.lead_assign(
                lead=lead, officer=officer, assignee=form.cleaned_data["assignee"]
            )
        except (ServiceError, IllegalTransition) as error:
            _refuse(request, form, error)
        else:
            messages.success(request, _("Lead assigned."))
            return redirect("banks:lead_detail", pk=pk)
    return render(
        request,
        "banks/lead_detail.html",
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
        except (ServiceError, IllegalTransition) as error:
            _refuse(request, form, error)
        else:
            messages.success(request, done)
            return redirect("banks:lead_detail", pk=pk)
    key = "request_form" if action == "request_info" else "note_form"
    return render(
        request, "banks/lead_detail.html", _lead_context(request, lead, **{key: form}), status=400
    )


@officer_required
@require_POST
def lead_decline(request, pk):
    officer = _officer(request)
    lead = lead_for_officer(officer=officer, pk=pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            lead_services.lead_decline(lead=lead, officer=officer, **form.cleaned_data)
        except (ServiceError, IllegalTransition) as error:
            _refuse(request, form, error)
        else:
            messages.success(request, _("Lead declined; the enterprise was told."))
            return redirect("banks:lead_list")
    return render(
        request,
        "banks/lead_detail.html",
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
        try:
            lead_services.loan_agreement_sign(lead=lead, officer=officer, **form.cleaned_data)
        except (ServiceError, IllegalTransition) as error:
            _refuse(request, form, error)
        else:
            messages.success(request, _("Agreement recorded. The enterprise was told."))
            return redirect("banks:lead_detail", pk=pk)
    return render(
        request, "banks/lead_detail.html", _lead_context(request, lead, sign_form=form), status=400
    )


# --- Matched needs the institution may still take --------------------------------------------


@officer_required
def matched_needs(request):
    officer = _officer(request)
    page = Paginator(matched_needs_for_institution(institution=officer.institution), 25).get_page(
        request.GET.get("page")
    )
    for row in page.object_list:
        size = row["need__enterprise__size_class"]
        row["size_label"] = SizeClass(size).label if size else ""
    return render(
        request,
        "banks/matched_needs.html",
        {"page": page, "cap": PortalSettings.load().contact_cap},
    )


@officer_required
@require_POST
def need_take(request, need_id):
    officer = _officer(request)
    need = get_object_or_404(FinancingNeed, pk=need_id)
    try:
        lead = lead_services.lead_take(need=need, officer=officer)
    except (ServiceError, IllegalTransition) as error:
        messages.error(request, error.message)
        return redirect("banks:matched_needs")
    messages.success(request, _("The need is now one of your leads."))
    return redirect("banks:lead_detail", pk=lead.pk)


# --- Loan products -----------------------------------------------------------------------------


@officer_required
def product_list(request):
    officer = _officer(request)
    return render(
        request,
        "banks/product_list.html",
        {"products": products_for_institution(institution=officer.institution)},
    )


def _product_form_view(request, product=None):
    officer = _officer(request)
    form = LoanProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = services.loan_product_save(
                officer=officer, data=data, product=product, submit="submit" in request.POST
            )
        except (ServiceError, IllegalTransition) as error:
            _refuse(request, form, error)
        except ValidationError as error:  # e.g. a name the institution already uses
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Product sent to the finance office for review.")
                if saved.status == LoanProduct.Status.SUBMITTED
                else _("Product saved."),
            )
            return redirect("banks:product_list")
    return render(request, "banks/product_form.html", {"form": form, "product": product})


@officer_required
def product_create(request):
    return _product_form_view(request)


@officer_required
def product_edit(request, pk):
    product = product_for_officer(officer=_officer(request), pk=pk)
    if product.status == LoanProduct.Status.RETIRED:
        messages.error(request, _("A retired product cannot be edited."))
        return redirect("banks:product_list")
    return _product_form_view(request, product)


@officer_required
@require_POST
def product_submit(request, pk):
    product = product_for_officer(officer=_officer(request), pk=pk)
    try:
        services.loan_product_submit(product=product, officer=_officer(request))
    except (ServiceError, IllegalTransition) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Product sent to the finance office for review."))
    return redirect("banks:product_list")


@officer_required
@require_POST
def product_retire(request, pk):
    product = product_for_officer(officer=_officer(request), pk=pk)
    try:
        services.loan_product_retire(product=product, officer=_officer(request))
    except (ServiceError, IllegalTransition) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Product retired; it is no longer matched."))
    return redirect("banks:product_list")


# --- Officers (institution admins) ----------------------------------------------------------------


@officer_required
def officer_list(request):
    officer = _officer(request)
    form = InviteOfficerForm(request.POST or None)
    if request.method == "POST":
        if not officer.is_admin:
            raise Http404
        if form.is_valid():
            try:
                services.officer_invite(
                    institution=officer.institution, actor=officer, **form.cleaned_data
                )
            except ServiceError as error:
                _refuse(request, form, error)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
                return redirect("banks:officer_list")
    return render(
        request,
        "banks/officer_list.html",
        {
            "me": officer,
            "officers": officers_for_institution(institution=officer.institution),
            "invitations": OfficerInvitation.objects.filter(
                institution=officer.institution, accepted_at__isnull=True
            )[:20],
            "form": form,
            "roles": Officer.Role.choices,
        },
    )


def _colleague(request, pk) -> Officer:
    return get_object_or_404(
        Officer.objects.select_related("user", "institution"),
        pk=pk,
        institution=_officer(request).institution,
    )


@officer_required
@require_POST
def officer_role(request, pk):
    colleague = _colleague(request, pk)
    try:
        services.officer_set_role(
            actor=_officer(request), officer=colleague, role=request.POST.get("role", "")
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Role updated."))
    return redirect("banks:officer_list")


@officer_required
@require_POST
def officer_remove(request, pk):
    colleague = _colleague(request, pk)
    try:
        services.officer_remove(actor=_officer(request), officer=colleague)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s can no longer log in; their leads are unassigned.")
            % {"name": colleague.user},
        )
    return redirect("banks:officer_list")


@login_not_required
def invitation_accept(request, token):
    invitation = get_object_or_404(
        OfficerInvitation.objects.select_related("institution"), token=token
    )
    return invitation_accept_page(
        request,
        invitation=invitation,
        organisation=invitation.institution.name,
        accept=services.officer_invitation_accept,
        home_url="banks:home",
    )


# --- The public catalogue (金融超市) -------------------------------------------------------------


@login_not_required
def catalogue(request):
    page = Paginator(published_products(params=request.GET), 24).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "banks/catalogue.html",
        {
            "page": page,
            "query": query.urlencode(),
            "institutions": Institution.objects.filter(is_active=True).order_by("name"),
            "tags": PolicyTag.choices,
            "types": LoanProduct.ProductType.choices,
            "params": request.GET,
        },
    )
