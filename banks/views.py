"""The officers' workspace. Views validate forms and call services; nothing more."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import officer_required
from accounts.views import invitation_accept_page
from core.errors import ServiceError
from core.once import create_once, posted_form_token
from core.views import redirect_after_create, show_filter_errors, show_refusal

from . import services
from .forms import (
    CatalogueFilterForm,
    InviteOfficerForm,
    LoanProductForm,
)
from .models import LoanProduct, Officer, PolicyTag
from .selectors import (
    active_institutions,
    colleague_for_officer,
    officer_invitation_by_token,
    officers_for_institution,
    pending_officer_invitations,
    product_for_officer,
    products_for_institution,
    published_products,
)

# The public catalogue shows this many products a page.
CATALOGUE_PAGE_SIZE = 24


def _officer(request) -> Officer:
    return request.user.officer


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
        submit = "submit" in request.POST
        saved = {}

        def save():
            saved["product"] = services.loan_product_save(
                officer=officer, data=data, product=product, submit=submit
            )
            return reverse("banks:product_list")

        try:
            # A new product is created once per form; an edit may be saved again.
            token = posted_form_token(request) if product is None else None
            outcome = create_once(token=token, user=request.user, create=save)
        except ServiceError as error:
            show_refusal(request, error, form)
        except ValidationError as error:  # e.g. a name the institution already uses
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect_after_create(
                request,
                outcome,
                _("Product sent to the finance office for review.")
                if "product" in saved and saved["product"].status == LoanProduct.Status.SUBMITTED
                else _("Product saved."),
            )
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
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Product sent to the finance office for review."))
    return redirect("banks:product_list")


@officer_required
@require_POST
def product_retire(request, pk):
    product = product_for_officer(officer=_officer(request), pk=pk)
    try:
        services.loan_product_retire(product=product, officer=_officer(request))
    except ServiceError as error:
        show_refusal(request, error)
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

            def invite():
                services.officer_invite(
                    institution=officer.institution, actor=officer, **form.cleaned_data
                )
                return reverse("banks:officer_list")

            try:
                outcome = create_once(
                    token=posted_form_token(request), user=request.user, create=invite
                )
            except ServiceError as error:
                show_refusal(request, error, form)
            else:
                return redirect_after_create(
                    request, outcome, _("Invitation sent to %(email)s.") % form.cleaned_data
                )
    return render(
        request,
        "banks/officer_list.html",
        {
            "me": officer,
            "officers": officers_for_institution(institution=officer.institution),
            "invitations": pending_officer_invitations(institution=officer.institution),
            "form": form,
            "roles": Officer.Role.choices,
        },
    )


def _colleague(request, pk) -> Officer:
    return colleague_for_officer(officer=_officer(request), pk=pk)


@officer_required
@require_POST
def officer_role(request, pk):
    colleague = _colleague(request, pk)
    try:
        services.officer_set_role(
            actor=_officer(request), officer=colleague, role=request.POST.get("role", "")
        )
    except ServiceError as error:
        show_refusal(request, error)
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
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("%(name)s can no longer log in; their leads are unassigned.")
            % {"name": colleague.user},
        )
    return redirect("banks:officer_list")


@login_not_required
def invitation_accept(request, token):
    invitation = officer_invitation_by_token(token=token)
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
    filters = CatalogueFilterForm(request.GET)
    show_filter_errors(request, filters)
    page = Paginator(published_products(**filters.filters()), CATALOGUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "banks/catalogue.html",
        {
            "page": page,
            "query": query.urlencode(),
            "institutions": active_institutions(),
            "tags": PolicyTag.choices,
            "types": LoanProduct.ProductType.choices,
            "params": request.GET,
        },
    )
