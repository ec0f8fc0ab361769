"""Pages of accounts: sign-up, sign-in, confirmations, password reset, profile, tokens, data,
closing an account, and the officials of an agency. Forms parse; services decide."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from opengov.core import clock
from opengov.core.clientip import client_ip
from opengov.core.errors import RateLimited, ServiceError
from opengov.core.forms import form_status, mark_refused, refused_status, submit

from . import forms, selectors, services, throttle
from .models import ApiToken, Membership, User, VerificationCode, VerificationLevel
from .permissions import administers_agency, is_signed_in

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


_status = refused_status


# --- sign-in, sign-up, sign-out -------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Sign in with e-mail and password (throttled)."""
    form = forms.LoginForm(request.POST or None)
    status = form_status(request)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except ServiceError as exc:
            form.add_service_error(exc)
            status = _status(exc)
        else:
            login(request, user, backend=BACKEND)
            response = redirect(_safe_next(request, reverse("accounts:profile")))
            # this browser may sign in to the account even while failures lock it elsewhere
            throttle.set_device_cookie(response, user.email)
            return response
    elif request.method == "POST":
        # a malformed address is still a try
        try:
            services.sign_in(request=request, email=request.POST.get("email", ""), password="")
        except RateLimited as exc:
            form.add_service_error(exc)
            status = 429
        except ServiceError:
            pass
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _safe_next(request, "")},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so a link or a prefetch cannot sign anyone out)."""
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("home")


@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    """Open an account; the e-mail confirmation follows."""
    if is_signed_in(request.user):
        return redirect("accounts:profile")
    form = forms.RegisterForm(request.POST or None)
    status = form_status(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_register(
                email=data["email"],
                password=data["password"],
                display_name=data["display_name"],
                real_name=data["real_name"],
                residency=data.get("residency") or "",
                address=client_ip(request),
            )
        except ServiceError as exc:
            form.add_service_error(exc)
            status = _status(exc)
        else:
            # the same answer whether or not the address had an account: the next page asks
            # for the code, and signs the person in once it is right
            email = data["email"].strip().lower()
            request.session[PENDING_REGISTRATION] = {
                "email": email,
                "user": str(user.public_id) if user else None,
                "tries": 0,
            }
            messages.success(
                request,
                _("Welcome! We have sent a confirmation code to %(email)s.") % {"email": email},
            )
            return redirect("accounts:confirm_email")
    return render(request, "accounts/register.html", {"form": form}, status=status)


PENDING_REGISTRATION = "pending_registration"


def _confirm_registration(request: HttpRequest, pending: dict) -> HttpResponse:
    """The code page right after registering, before signing in (see `register_view`)."""
    user = None
    if pending.get("user"):
        user = User.objects.filter(public_id=pending["user"], closed_at__isnull=True).first()
    email = pending["email"]
    form = forms.CodeForm(request.POST if "confirm" in request.POST else None)
    status = 200
    if request.method == "POST" and "resend" in request.POST:
        try:
            services.registration_code_resend(user=user, email=email)
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            pending["tries"] = 0
            request.session[PENDING_REGISTRATION] = pending
            messages.success(request, _("We have sent a new code to %(email)s.") % {"email": email})
        return redirect("accounts:confirm_email")
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.registration_code_check(
                user=user, code=form.cleaned_data["code"], tries=pending.get("tries", 0)
            )
        except ServiceError as exc:
            if exc.code == "code_wrong":
                pending["tries"] = pending.get("tries", 0) + 1
                request.session[PENDING_REGISTRATION] = pending
            form.add_service_error(exc)
            status = _status(exc)
        else:
            del request.session[PENDING_REGISTRATION]
            login(request, confirmed, backend=BACKEND)
            messages.success(request, _("Thank you: your e-mail address is confirmed."))
            return redirect("accounts:profile")
    return render(
        request, "accounts/confirm_email.html", {"form": form, "target": email}, status=status
    )


# --- e-mail confirmation --------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest) -> HttpResponse:
    """Type the code from the e-mail, or ask for a new one."""
    if not is_signed_in(request.user):
        pending = request.session.get(PENDING_REGISTRATION)
        if pending:
            return _confirm_registration(request, pending)
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    user = request.user
    pending = services.pending_email_change(user)
    target = pending.target if pending else user.email
    if user.email_verified_at and target == user.email:
        messages.info(request, _("Your e-mail address is confirmed."))
        return redirect("accounts:profile")
    form = forms.CodeForm(request.POST if "confirm" in request.POST else None)
    status = form_status(request)
    if request.method == "POST" and "resend" in request.POST:
        try:
            services.verification_send(
                user=user, purpose=VerificationCode.Purpose.EMAIL, email=target
            )
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("We have sent a new code to %(email)s.") % {"email": target}
            )
        return redirect("accounts:confirm_email")
    if request.method == "POST" and form.is_valid():
        try:
            services.verification_confirm(
                user=user, purpose=VerificationCode.Purpose.EMAIL, code=form.cleaned_data["code"]
            )
        except ServiceError as exc:
            form.add_service_error(exc)
            status = _status(exc)
        else:
            messages.success(request, _("Thank you: your e-mail address is confirmed."))
            return redirect("accounts:profile")
    return render(
        request, "accounts/confirm_email.html", {"form": form, "target": target}, status=status
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    """Move the account to a new e-mail address (confirmed by a code sent there)."""
    form = forms.EmailChangeForm(request.POST or None)
    sent = ""
    if form.is_bound and form.is_valid():
        sent = _("We have sent a code to %(email)s.") % {"email": form.cleaned_data["email"]}
    if response := submit(
        request,
        form,
        lambda data: services.email_change_request(
            actor=request.user, email=data["email"], password=data["password"]
        ),
        then=reverse("accounts:confirm_email"),
        done=sent,
    ):
        return response
    return render(
        request, "accounts/email_change.html", {"form": form}, status=form_status(request)
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_email_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link lands here; only the button confirms (mail scanners fetch links)."""
    error = None
    if request.method == "POST":
        try:
            services.email_confirm_by_link(token=token)
        except ServiceError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Thank you: your e-mail address is confirmed."))
            return redirect("accounts:profile" if is_signed_in(request.user) else "accounts:login")
    else:
        try:
            services.verification_by_link(token, VerificationCode.Purpose.EMAIL)
        except ServiceError as exc:
            error = str(exc.message)
    return render(
        request,
        "accounts/confirm_email_link.html",
        {"error": error},
        status=400 if error else 200,
    )


# --- phone ----------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def phone_view(request: HttpRequest) -> HttpResponse:
    """Enter a mobile number; a code is sent by text message."""
    form = forms.PhoneForm(request.POST or None, initial={"phone": request.user.phone})
    if response := submit(
        request,
        form,
        lambda data: services.verification_send(
            user=request.user, purpose=VerificationCode.Purpose.PHONE, phone=data["phone"]
        ),
        then=reverse("accounts:phone_confirm"),
        done=_("We have sent a code by text message."),
    ):
        return response
    return render(request, "accounts/phone.html", {"form": form}, status=form_status(request))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def phone_confirm(request: HttpRequest) -> HttpResponse:
    """Type the code from the text message."""
    pending = (
        VerificationCode.objects.filter(
            user=request.user,
            purpose=VerificationCode.Purpose.PHONE,
            used_at__isnull=True,
            superseded=False,
        )
        .order_by("-created_at")
        .first()
    )
    form = forms.CodeForm(request.POST or None)
    status = form_status(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.verification_confirm(
                user=request.user,
                purpose=VerificationCode.Purpose.PHONE,
                code=form.cleaned_data["code"],
            )
        except ServiceError as exc:
            form.add_service_error(exc)
            status = _status(exc)
        else:
            messages.success(request, _("Thank you: your mobile number is confirmed."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/phone_confirm.html",
        {"form": form, "pending": pending, "now": clock.now()},
        status=status,
    )


# --- password -------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link by e-mail."""
    form = forms.EmailForm(request.POST or None)
    status = form_status(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"], address=client_ip(request)
            )
        except ServiceError as exc:
            form.add_service_error(exc)
            status = _status(exc)
        else:
            return render(request, "accounts/password_reset_sent.html")
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_link(request: HttpRequest, token: str) -> HttpResponse:
    """The reset link's page: choose a new password."""
    try:
        services.verification_by_link(token, VerificationCode.Purpose.PASSWORD_RESET)
    except ServiceError as exc:
        return render(
            request, "accounts/password_reset_link.html", {"error": str(exc.message)}, status=400
        )
    form = forms.NewPasswordForm(request.POST or None)
    if response := submit(
        request,
        form,
        lambda data: services.password_reset_complete(token=token, password=data["password"]),
        then=reverse("accounts:login"),
        done=_("Your new password is set. Please sign in."),
    ):
        return response
    return render(
        request, "accounts/password_reset_link.html", {"form": form}, status=form_status(request)
    )


@never_cache
@require_http_methods(["GET", "POST"])
def signin_unlock(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed unlock link: the button lifts the sign-in lock and trusts this browser."""
    if request.method == "POST":
        try:
            user = services.signin_unlock(token=token)
        except ServiceError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Sign-in is unlocked in this browser. Please sign in."))
            response = redirect("accounts:login")
            throttle.set_device_cookie(response, user.email)
            return response
    else:
        try:
            services.verification_by_link(token, VerificationCode.Purpose.SIGNIN_UNLOCK)
        except ServiceError as exc:
            error = str(exc.message)
        else:
            error = None
    return render(
        request, "accounts/signin_unlock.html", {"error": error}, status=400 if error else 200
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's password knowing the current one."""
    from django.contrib.auth import update_session_auth_hash

    def change(data: dict) -> None:
        user = services.password_change(
            actor=request.user, old_password=data["old_password"], new_password=data["password"]
        )
        update_session_auth_hash(request, user)  # this session stays signed in

    form = forms.PasswordChangeForm(request.POST or None)
    if response := submit(
        request,
        form,
        change,
        then=reverse("accounts:profile"),
        done=_("Your password has been changed."),
    ):
        return response
    return render(
        request, "accounts/password_change.html", {"form": form}, status=form_status(request)
    )


# --- profile --------------------------------------------------------------------------------


def _next_step(user: User) -> tuple[str, str] | None:
    """The next verification step to take, as (text, URL name)."""
    level = user.verification_level
    if level == VerificationLevel.NONE:
        return _("Confirm your e-mail address"), "accounts:confirm_email"
    if level == VerificationLevel.EMAIL:
        return _("Confirm your mobile number"), "accounts:phone"
    return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The person's profile: names, preferences, verification and what to do next."""
    user = request.user
    initial = {f: getattr(user, f) for f in services.PROFILE_FIELDS}
    form = forms.ProfileForm(request.POST or None, initial=initial)
    if response := submit(
        request,
        form,
        lambda data: services.user_update(actor=user, user=user, **data),
        then=reverse("accounts:profile"),
        done=_("Your profile has been saved."),
    ):
        return response
    from opengov.core.jurisdiction import jurisdiction

    required = jurisdiction().proposals.required_level
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "next_step": _next_step(user),
            "level_label": VerificationLevel(user.verification_level).label,
            "required_label": VerificationLevel(required).label,
            "meets_required": user.has_level(required),
            "membership": Membership.objects.filter(user=user, active=True)
            .select_related("agency")
            .first(),
            "manages": selectors.agencies_administered(user).exists(),
            "token_count": selectors.user_tokens(user).filter(revoked_at__isnull=True).count(),
        },
        status=form_status(request),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The person's API tokens: create one (its key shown once) or revoke one."""
    form = forms.TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except ServiceError as exc:
            form.add_service_error(exc)
            mark_refused(request, exc)
        else:
            form = forms.TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "new_key": new_key, "tokens": selectors.user_tokens(request.user)},
        status=form_status(request, form),
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    """Revoke one of one's own tokens (another person's token looks like no token)."""
    token = ApiToken.objects.filter(user=request.user, public_id=_uuid_or_404(public_id)).first()
    if token is None:
        raise Http404
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


def _uuid_or_404(value: str):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


@never_cache
@login_required
@require_POST
def data_download(request: HttpRequest) -> HttpResponse:
    """Everything held about the person, as a JSON file."""
    document = services.personal_data_export(actor=request.user, user=request.user)
    body = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = clock.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="opengov-my-data-{stamp}.json"'
    return response


@login_required
@require_POST
def sessions_end(request: HttpRequest) -> HttpResponse:
    """Sign out of every other browser and device; this one stays signed in."""
    from django.contrib.auth import update_session_auth_hash

    user = services.sessions_end_all(actor=request.user)
    update_session_auth_hash(request, user)
    messages.success(request, _("You have been signed out on every other device."))
    return redirect("accounts:profile")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def close_account(request: HttpRequest) -> HttpResponse:
    """Close one's account after confirming with the password."""

    def close(data: dict) -> None:
        services.user_close(actor=request.user, user=request.user, password=data["password"])
        logout(request)

    form = forms.CloseForm(request.POST or None)
    if response := submit(
        request,
        form,
        close,
        then=reverse("home"),
        done=_("Your account is closed. Thank you for taking part."),
    ):
        return response
    return render(request, "accounts/close.html", {"form": form}, status=form_status(request))


# --- officials of an agency -----------------------------------------------------------------


def _administered(request: HttpRequest, code: str):
    agency = selectors.agencies_administered(request.user).filter(code=code).first()
    if agency is None:
        raise Http404
    return agency


@never_cache
@login_required
def agencies(request: HttpRequest) -> HttpResponse:
    """The agencies whose officials the person manages."""
    items = selectors.agencies_administered(request.user)
    if not items.exists():
        raise Http404
    return render(request, "accounts/agencies.html", {"agencies": items})


def _officials_page(request, agency, add_form, status=200, edit_forms=None):
    members = list(selectors.agency_members(agency))
    edit_forms = edit_forms or {}
    rows = [
        (
            m,
            edit_forms.get(m.pk)
            or forms.MemberEditForm(
                prefix=f"m-{m.user.public_id}", initial={"role": m.role, "title": m.title}
            ),
        )
        for m in members
    ]
    return render(
        request,
        "accounts/agency_officials.html",
        {"agency": agency, "rows": rows, "add_form": add_form},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def agency_officials(request: HttpRequest, code: str) -> HttpResponse:
    """An agency administrator's page: the agency's officials; add one by e-mail."""
    agency = _administered(request, code)
    subtree = list(selectors.agency_subtree(agency).filter(active=True))
    form = forms.MemberAddForm(
        request.POST or None, agencies=subtree, initial={"agency": agency.code}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target_agency = next(a for a in subtree if a.code == data["agency"])
        person = selectors.user_by_email(data["email"])
        try:
            if person is None:
                raise ServiceError(
                    "unknown_person",
                    _("Nobody with this e-mail address has an account. Ask them to register."),
                    field="email",
                )
            services.membership_grant(
                actor=request.user,
                user=person,
                agency=target_agency,
                role=data["role"],
                title=data["title"],
            )
        except ServiceError as exc:
            form.add_service_error(exc)
            return _officials_page(request, agency, form, status=400)
        messages.success(
            request,
            _("%(name)s is now an official of %(agency)s.")
            % {"name": person.display_name, "agency": target_agency},
        )
        return redirect("accounts:agency_officials", code=agency.code)
    return _officials_page(request, agency, form, status=400 if form.errors else 200)


def _member_in(agency, public_id: str) -> Membership:
    membership = (
        selectors.agency_members(agency).filter(user__public_id=_uuid_or_404(public_id)).first()
    )
    if membership is None:
        raise Http404
    return membership


@login_required
@require_POST
def agency_official_update(request: HttpRequest, code: str, public_id: str) -> HttpResponse:
    """Change an official's role or title."""
    agency = _administered(request, code)
    membership = _member_in(agency, public_id)
    form = forms.MemberEditForm(request.POST, prefix=f"m-{membership.user.public_id}")
    if response := submit(
        request,
        form,
        lambda data: services.membership_update(
            actor=request.user, membership=membership, role=data["role"], title=data["title"]
        ),
        then=reverse("accounts:agency_officials", kwargs={"code": agency.code}),
        done=_("Saved."),
    ):
        return response
    return _officials_page(
        request,
        agency,
        forms.MemberAddForm(
            agencies=selectors.agency_subtree(agency).filter(active=True),
            initial={"agency": agency.code},
        ),
        400,
        {membership.pk: form},
    )


@login_required
@require_POST
def agency_official_end(request: HttpRequest, code: str, public_id: str) -> HttpResponse:
    """End an official's membership."""
    agency = _administered(request, code)
    membership = _member_in(agency, public_id)
    if not administers_agency(request.user, membership.agency):
        raise Http404
    services.membership_end(actor=request.user, membership=membership)
    messages.success(
        request,
        _("%(name)s is no longer an official of %(agency)s.")
        % {"name": membership.user.display_name, "agency": membership.agency},
    )
    return redirect("accounts:agency_officials", code=agency.code)
