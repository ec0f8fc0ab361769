"""Forms of the accounts pages: they parse and label; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opengov.core.forms import ServiceErrorMixin

from .models import Membership, Residency


class BaseForm(ServiceErrorMixin, forms.Form):
    """A form whose errors can come from a service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _password(label, autocomplete="current-password", help_text=""):
    return forms.CharField(
        label=label,
        max_length=128,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class LoginForm(BaseForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = _password(_("Password"))


def residency_field() -> forms.ChoiceField:
    """The nationality statement, asked at sign-up and on the profile."""
    return forms.ChoiceField(
        label=_("Nationality"),
        choices=[("", _("Not stated")), *Residency.choices],
        required=False,
        help_text=_(
            "Consultations on trade, investment and intellectual property also take comments "
            "from foreign residents; the others take comments from nationals. Commenting asks "
            "for this statement."
        ),
    )


class RegisterForm(BaseForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send a confirmation code to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    display_name = forms.CharField(
        label=_("Public display name"),
        max_length=50,
        help_text=_("Shown with your proposals, signatures and comments. A pseudonym is fine."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    real_name = forms.CharField(
        label=_("Real name (optional, never shown)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    residency = residency_field()
    password = _password(
        _("Password"),
        "new-password",
        _("At least 10 characters; not only digits, not a common password."),
    )
    password2 = _password(_("Password again"), "new-password")

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") != data.get("password"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data


class CodeForm(BaseForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits in the message we sent you."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": r"[0-9 ]*"}
        ),
    )


class PhoneForm(BaseForm):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        help_text=_("For example 0912 345 678. We send a code by text message."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class EmailForm(BaseForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class EmailChangeForm(BaseForm):
    email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=254,
        help_text=_("We send a code there; your address changes once you confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = _password(_("Your password"))


class NewPasswordForm(BaseForm):
    password = _password(
        _("New password"),
        "new-password",
        _("At least 10 characters; not only digits, not a common password."),
    )
    password2 = _password(_("New password again"), "new-password")

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") != data.get("password"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data


class PasswordChangeForm(NewPasswordForm):
    old_password = _password(_("Current password"))
    field_order = ["old_password", "password", "password2"]


class ProfileForm(BaseForm):
    display_name = forms.CharField(
        label=_("Public display name"),
        max_length=50,
        help_text=_("Shown with your proposals, signatures and comments. A pseudonym is fine."),
    )
    real_name = forms.CharField(
        label=_("Real name (never shown)"),
        max_length=100,
        required=False,
    )
    notify_by_email = forms.BooleanField(label=_("Send me e-mail notices"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language of e-mail and text messages"),
        choices=[("", _("The language of the page")), *list(settings.LANGUAGES)],
        required=False,
    )
    residency = residency_field()


class TokenForm(BaseForm):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “my data analysis script”."),
    )


class CloseForm(BaseForm):
    password = _password(_("Your password"))
    confirm = forms.BooleanField(
        label=_("I understand that closing my account cannot be undone."), required=True
    )


ROLE_CHOICES = Membership.Role.choices


class MemberAddForm(BaseForm):
    email = forms.EmailField(
        label=_("E-mail address of a registered person"),
        max_length=254,
    )
    agency = forms.ChoiceField(label=_("Agency or unit"))
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.code, str(a)) for a in agencies]


class MemberEditForm(BaseForm):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
