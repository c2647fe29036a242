from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.views import show_refusal

from .forms import (
    AccountForm,
    PortalFormMixin,
    PortalPasswordChangeForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
)
from .models import User
from .permissions import is_enterprise_member, is_government, is_officer
from .services import notices_mark_read


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PortalPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:preferences")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Forgotten password: a link by e-mail. The page answers the same for unknown addresses."""

    form_class = PortalPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # The link uses the configured address, never the request's Host header (which an
        # attacker could set to their own site).
        self.extra_email_context = {"portal_base_url": settings.PORTAL_BASE_URL}
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = PortalSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def home(request):
    """Send each person to the home page of their role."""
    user = request.user
    if is_enterprise_member(user):
        return redirect("enterprises:home")
    if is_officer(user):
        return redirect("banks:home")
    if is_government(user):
        return redirect("office:office_home")
    return render(request, "accounts/no_role.html", status=403)


class PreferencesForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "email",
            "phone",
            "email_notifications",
            "meeting_reminder_email",
            "lead_email",
            "large_text",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_officer:
            # Only institution officers receive leads.
            del self.fields["lead_email"]


def notices(request):
    page = Paginator(request.user.notices.all(), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notices.html", {"page": page})


@require_POST
def notices_read(request):
    notices_mark_read(user=request.user)
    messages.success(request, _("All notices marked as read."))
    return redirect("accounts:notices")


def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Preferences saved."))
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


@login_not_required
def accessibility_statement(request):
    """What the portal does for people with disabilities and older users, and how to report a
    barrier (GB/T 37668, WCAG 2.1 AA)."""
    return render(
        request,
        "accounts/accessibility.html",
        {"support_email": settings.PORTAL_ACCESSIBILITY_EMAIL},
    )


def invitation_accept_page(request, *, invitation, organisation: str, accept, home_url: str):
    """The page where an invited colleague creates their account (enterprise or institution).

    ``accept(token=..., username=..., ...)`` is the service that creates the account and joins
    it to the organisation.
    """
    if request.user.is_authenticated:
        messages.info(request, _("Log out first to accept an invitation with a new account."))
        return redirect("home")
    form = AccountForm(request.POST or None, prefix="account", initial={"email": invitation.email})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accept(
                token=invitation.token,
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
            )
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome! You now act for %(name)s.") % {"name": organisation}
            )
            return redirect(home_url)
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation, "organisation": organisation},
    )
