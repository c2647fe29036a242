"""Forms shared by every role: the person's account, and the house style of all forms."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import PhoneField, PortalFormMixin

from .models import User


class AccountForm(PortalFormMixin, forms.Form):
    """The person half of the registration page (also used to accept an invitation)."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=30,
        regex=r"^[A-Za-z0-9_.-]{3,30}$",
        error_messages={
            "invalid": _("Use 3–30 letters, digits, dots, dashes or underscores."),
        },
    )
    full_name = forms.CharField(label=_("Your name"), max_length=30)
    phone = PhoneField(
        label=_("Mobile phone"),
        pattern=r"^1\d{10}$",
        error_messages={"invalid": _("Enter an 11-digit mainland mobile number.")},
    )
    email = forms.EmailField(label=_("E-mail"))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken."), code="taken")
        return username

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            probe = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class PortalPasswordChangeForm(PortalFormMixin, auth_forms.PasswordChangeForm):
    pass


class PortalPasswordResetForm(PortalFormMixin, auth_forms.PasswordResetForm):
    """Django's reset form: it answers the same whether or not the address belongs to anyone."""


class PortalSetPasswordForm(PortalFormMixin, auth_forms.SetPasswordForm):
    pass
