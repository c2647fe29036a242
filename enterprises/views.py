"""The enterprise's side of the portal. Views validate forms and call services; nothing more."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import AccountForm
from accounts.permissions import enterprise_member_required
from accounts.views import invitation_accept_page
from banks.selectors import institution_by_id
from core.errors import ServiceError
from core.once import create_once, earlier_outcome, posted_form_token
from core.views import redirect_after_create, show_refusal

from . import services
from .forms import (
    EnterpriseProfileForm,
    EnterpriseRegistrationForm,
    FinancingNeedForm,
    InviteColleagueForm,
    ProjectForm,
)
from .models import FinancingNeed
from .selectors import (
    advisers_of_enterprise,
    enterprise_for_adviser,
    enterprise_for_user,
    enterprise_invitation_by_token,
    enterprise_members,
    enterprises_advised_by,
    member_of_enterprise,
    need_for_member,
    needs_for_adviser,
    needs_for_enterprise,
    notices_for_adviser,
    pending_enterprise_invitations,
    project_for_member,
    projects_for_enterprise,
)
from .services import EDITABLE_NEED_STATUSES

NEEDS_PER_PAGE = 20


def _membership(request):
    return request.user.enterprise_membership


# --- Registration -------------------------------------------------------------------------------


@login_not_required
def register(request):
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST":
        # A replay finds the user name and code taken by the first submission: answer it first.
        try:
            earlier = earlier_outcome(token=posted_form_token(request), user=None)
        except ServiceError as error:
            show_refusal(request, error)
        else:
            if earlier is not None:
                return redirect_after_create(request, earlier, "")
    account_form = AccountForm(request.POST or None, prefix="account")
    enterprise_form = EnterpriseRegistrationForm(request.POST or None, prefix="enterprise")
    if request.method == "POST" and account_form.is_valid() and enterprise_form.is_valid():
        data = account_form.cleaned_data
        registered = {}

        def create():
            registered["user"], registered["enterprise"] = services.enterprise_register(
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                enterprise_data={
                    name: enterprise_form.cleaned_data[name] for name in enterprise_form.Meta.fields
                },
            )
            return reverse("enterprises:home")

        try:
            outcome = create_once(token=posted_form_token(request), user=None, create=create)
        except ServiceError as error:
            target = account_form if error.field == "username" else enterprise_form
            show_refusal(request, error, target)
        else:
            if outcome.replayed:
                return redirect_after_create(request, outcome, "")
            login(request, registered["user"], backend="django.contrib.auth.backends.ModelBackend")
            message = _(
                "Registration complete. The finance office will verify %(name)s; meanwhile "
                "you can prepare your financing needs."
            ) % {"name": registered["enterprise"].name}
            return redirect_after_create(request, outcome, message)
    return render(
        request,
        "enterprises/register.html",
        {"account_form": account_form, "enterprise_form": enterprise_form},
    )


@login_not_required
def invitation_accept(request, token):
    invitation = enterprise_invitation_by_token(token=token)
    return invitation_accept_page(
        request,
        invitation=invitation,
        organisation=invitation.enterprise.name,
        accept=services.enterprise_invitation_accept,
        home_url="enterprises:home",
    )


# --- Home and profile ---------------------------------------------------------------------------


@enterprise_member_required
def home(request):
    enterprise = enterprise_for_user(user=request.user)
    return render(
        request,
        "enterprises/home.html",
        {
            "enterprise": enterprise,
            "classification": enterprise.classification(),
            "needs": needs_for_enterprise(enterprise=enterprise)[:10],
            "projects": projects_for_enterprise(enterprise=enterprise)[:10],
            "notices": request.user.notices.all()[:5],
            "membership": _membership(request),
            "advisers": advisers_of_enterprise(enterprise=enterprise),
        },
    )


@enterprise_member_required
def profile_edit(request):
    enterprise = enterprise_for_user(user=request.user)
    form = EnterpriseProfileForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        services.enterprise_update_profile(
            enterprise=enterprise,
            actor=request.user,
            data={name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        messages.success(
            request, _("Profile saved. The size class was recomputed from your figures.")
        )
        return redirect("enterprises:home")
    return render(
        request, "enterprises/profile_form.html", {"form": form, "enterprise": enterprise}
    )


# --- Members ------------------------------------------------------------------------------------


@enterprise_member_required
def members(request):
    enterprise = enterprise_for_user(user=request.user)
    membership = _membership(request)
    form = InviteColleagueForm(request.POST or None)
    if request.method == "POST":
        if not membership.is_admin:
            raise Http404
        if form.is_valid():

            def invite():
                services.enterprise_invite_colleague(
                    enterprise=enterprise, actor=request.user, email=form.cleaned_data["email"]
                )
                return reverse("enterprises:members")

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
        "enterprises/members.html",
        {
            "enterprise": enterprise,
            "membership": membership,
            "members": enterprise_members(enterprise=enterprise),
            "invitations": pending_enterprise_invitations(enterprise=enterprise),
            "form": form,
        },
    )


@enterprise_member_required
@require_POST
def member_remove(request, user_id):
    enterprise = enterprise_for_user(user=request.user)
    member = member_of_enterprise(enterprise=enterprise, user_id=user_id)
    try:
        services.enterprise_remove_member(enterprise=enterprise, actor=request.user, member=member)
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, _("%(name)s no longer acts for the enterprise.") % {"name": member}
        )
    return redirect("enterprises:members")


# --- Projects -----------------------------------------------------------------------------------


@enterprise_member_required
def project_create(request):
    enterprise = enterprise_for_user(user=request.user)
    form = ProjectForm(request.POST or None, initial={"chain": enterprise.chain_id})
    if request.method == "POST" and form.is_valid():

        def create():
            services.project_create(
                enterprise=enterprise, actor=request.user, data=form.cleaned_data
            )
            return reverse("enterprises:projects")

        try:
            outcome = create_once(
                token=posted_form_token(request), user=request.user, create=create
            )
        except ServiceError as error:
            show_refusal(request, error)
        else:
            return redirect_after_create(request, outcome, _("Project saved."))
    return render(request, "enterprises/project_form.html", {"form": form})


@enterprise_member_required
def project_edit(request, pk):
    project = project_for_member(user=request.user, pk=pk)
    if project.archived_at:
        messages.error(request, _("An archived project cannot be edited."))
        return redirect("enterprises:projects")
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        services.project_update(project=project, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Project saved."))
        return redirect("enterprises:projects")
    return render(request, "enterprises/project_form.html", {"form": form, "project": project})


@enterprise_member_required
@require_POST
def project_archive(request, pk):
    project = project_for_member(user=request.user, pk=pk)
    services.project_archive(project=project, actor=request.user)
    messages.success(request, _("Project archived."))
    return redirect("enterprises:projects")


@enterprise_member_required
def projects(request):
    enterprise = enterprise_for_user(user=request.user)
    return render(
        request,
        "enterprises/projects.html",
        {"projects": projects_for_enterprise(enterprise=enterprise, include_archived=True)},
    )


# --- Financing needs ----------------------------------------------------------------------------


@enterprise_member_required
def need_list(request):
    enterprise = enterprise_for_user(user=request.user)
    status = request.GET.get("status") or None
    if status not in FinancingNeed.Status.values:
        status = None
    page = Paginator(
        needs_for_enterprise(enterprise=enterprise, status=status), NEEDS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/need_list.html",
        {"page": page, "status": status, "statuses": FinancingNeed.Status.choices},
    )


def _need_form_data(form):
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


@enterprise_member_required
def need_create(request):
    enterprise = enterprise_for_user(user=request.user)
    form = FinancingNeedForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST

        def create():
            return services.financing_need_create(
                enterprise=enterprise, actor=request.user, data=_need_form_data(form), submit=submit
            ).get_absolute_url()

        try:
            outcome = create_once(
                token=posted_form_token(request), user=request.user, create=create
            )
        except ServiceError as error:
            show_refusal(request, error)
        else:
            return redirect_after_create(
                request,
                outcome,
                _("Need submitted.") if submit else _("Draft saved. Submit it when ready."),
            )
    return render(request, "enterprises/need_form.html", {"form": form, "enterprise": enterprise})


@enterprise_member_required
def need_edit(request, pk):
    need = need_for_member(user=request.user, pk=pk)
    if need.status not in EDITABLE_NEED_STATUSES:
        messages.error(
            request,
            _("A need in status “%(status)s” can no longer be edited.")
            % {"status": need.get_status_display()},
        )
        return redirect(need)
    form = FinancingNeedForm(request.POST or None, instance=need, enterprise=need.enterprise)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            need = services.financing_need_update(
                need=need, actor=request.user, data=_need_form_data(form), submit=submit
            )
        except ServiceError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Need saved."))
            return redirect(need)
    return render(
        request,
        "enterprises/need_form.html",
        {"form": form, "need": need, "enterprise": need.enterprise},
    )


@enterprise_member_required
@require_POST
def need_submit(request, pk):
    need = need_for_member(user=request.user, pk=pk)
    try:
        with transaction.atomic():
            services.financing_need_submit(need=need, actor=request.user)
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Need submitted."))
    return redirect(need)


@enterprise_member_required
@require_POST
def need_withdraw(request, pk):
    need = need_for_member(user=request.user, pk=pk)
    try:
        services.financing_need_withdraw(
            need=need, actor=request.user, reason=request.POST.get("reason", "")[:300]
        )
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Need withdrawn. Institutions working on it were told."))
    return redirect(need)


@enterprise_member_required
@require_POST
def need_revoke_access(request, pk, institution_id):
    need = need_for_member(user=request.user, pk=pk)
    institution = institution_by_id(pk=institution_id)
    services.financing_need_revoke_access(need=need, institution=institution, actor=request.user)
    messages.success(
        request, _("%(institution)s can no longer see this need.") % {"institution": institution}
    )
    return redirect(f"{need.get_absolute_url()}#consent")


# --- Financial advisers: the enterprises a government staff member or an officer advises ------


def _may_be_adviser(user) -> bool:
    return user.is_authenticated and (user.is_government or user.is_officer)


def advised_enterprises(request):
    """The enterprises the signed-in adviser (金融顾问) follows; empty for anyone else."""
    if not _may_be_adviser(request.user):
        raise PermissionDenied
    return render(
        request,
        "enterprises/advised_list.html",
        {"enterprises": enterprises_advised_by(user=request.user)},
    )


def advised_enterprise(request, pk):
    """One advised enterprise's needs and latest notices, read-only. Anyone who does not advise
    it today gets a 404, as if it did not exist."""
    if not _may_be_adviser(request.user):
        raise PermissionDenied
    enterprise = enterprise_for_adviser(user=request.user, pk=pk)
    return render(
        request,
        "enterprises/advised_detail.html",
        {
            "enterprise": enterprise,
            "needs": needs_for_adviser(enterprise=enterprise),
            "notices": notices_for_adviser(enterprise=enterprise),
        },
    )
