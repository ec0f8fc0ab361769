"""Users and their verification, agencies, memberships (roles) and API tokens."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from opengov.core.jurisdiction import VERIFICATION_LEVELS


class VerificationLevel(models.TextChoices):
    """How well a person's identity is established, in increasing order."""

    NONE = "none", _("Not verified")
    EMAIL = "email", _("E-mail verified")
    EMAIL_PHONE = "email+phone", _("E-mail and mobile verified")
    CERTIFICATE = "certificate", _("Citizen digital certificate")


#: the times a person verified each means; `User.verification_level` is derived from them
VERIFICATION_FIELDS = ("email_verified_at", "phone_verified_at", "certificate_verified_at")
#: the roles a platform administrator gives (the superuser is the platform administrator)
ROLE_FIELDS = ("is_moderator", "is_reviewer", "is_aml_reviewer", "is_staff", "is_superuser")


def level_rank(level: str) -> int:
    """Position of a level in VERIFICATION_LEVELS (higher is stronger)."""
    return VERIFICATION_LEVELS.index(level)


class Residency(models.TextChoices):
    """What a person states about their nationality: some consultations (trade, investment,
    intellectual property) also take comments from foreign residents, the others only from
    nationals."""

    NATIONAL = "national", _("National of the Republic of China (Taiwan)")
    FOREIGN_RESIDENT = "foreign_resident", _("Foreign resident with a residence certificate")


class UserManager(BaseUserManager["User"]):
    """Creates users keyed by e-mail address."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        """A plain user (services add the audit event and verification)."""
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        """A platform administrator."""
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account: citizen, official, moderator, reviewer or administrator.

    `display_name` is what the public sees (a pseudonym is allowed); `real_name` is private.
    National ID numbers are never stored, only their keyed hash. Closing an account
    anonymises it in place, so signatures and comments keep counting but name nobody.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("public display name"),
        max_length=50,
        help_text=_("Shown with your proposals, signatures and comments. A pseudonym is fine."),
    )
    real_name = models.CharField(_("real name"), max_length=100, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    certificate_verified_at = models.DateTimeField(null=True, blank=True)
    national_id_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    is_moderator = models.BooleanField(
        _("moderator"), default=False, help_text=_("Platform operator: reviews proposals.")
    )
    is_reviewer = models.BooleanField(
        _("independent reviewer"),
        default=False,
        help_text=_("Assesses action-plan commitments on the IRM scales."),
    )
    is_aml_reviewer = models.BooleanField(
        _("AML reviewer"),
        default=False,
        help_text=_(
            "Vetted anti-money-laundering reviewer: sees the confidential part of the "
            "beneficial-ownership register (each view is audited)."
        ),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    notify_by_email = models.BooleanField(_("send me e-mail notices"), default=True)
    residency = models.CharField(
        _("nationality"),
        max_length=20,
        choices=Residency.choices,
        blank=True,
        help_text=_(
            "Your own statement; consultations use it to know who they take comments from."
        ),
    )
    preferred_language = models.CharField(max_length=10, blank=True)
    date_joined = models.DateTimeField(_("date joined"))
    closed_at = models.DateTimeField(null=True, blank=True)
    session_version = models.PositiveIntegerField(
        default=0, help_text="Raised to sign the person out of every session."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Sessions carry this hash; it changes with the password or `session_version`."""
        if not self.session_version:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "opengov.accounts.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_version}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def verification_level(self) -> str:
        """The strongest level this person has reached."""
        if self.certificate_verified_at:
            return VerificationLevel.CERTIFICATE
        if self.email_verified_at and self.phone_verified_at:
            return VerificationLevel.EMAIL_PHONE
        if self.email_verified_at:
            return VerificationLevel.EMAIL
        return VerificationLevel.NONE

    def has_level(self, level: str) -> bool:
        """True when this person's verification is at least `level`."""
        return level_rank(self.verification_level) >= level_rank(level)

    @property
    def is_platform_admin(self) -> bool:
        """Platform administrators are superusers."""
        return self.is_active and self.is_superuser


class Agency(models.Model):
    """A government agency; `parent` builds the tree (Executive Yuan → ministry → department).

    `path` is the chain of codes from the root ("EY/MOI/"), kept by the services, so an
    agency and all its sub-units are one `path__startswith` query.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(_("abbreviation"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent agency"),
    )
    path = models.CharField(max_length=500, db_index=True, editable=False)
    website = models.URLField(blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An official's membership in one agency; it covers the agency's sub-units.

    A person holds at most one active membership: each official acts for one agency.
    """

    class Role(models.TextChoices):
        OFFICIAL = "official", _("Agency official")
        ADMIN = "admin", _("Agency administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.OFFICIAL)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(active=True), name="one_active_membership_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency} ({self.role})"


class VerificationCode(models.Model):
    """A one-time code (and, for e-mail, a link token) proving control of an address or phone.

    Only hashes are stored. A code expires, locks after the profile's number of wrong tries,
    and is used once.
    """

    class Purpose(models.TextChoices):
        EMAIL = "email", _("Confirm e-mail")
        PHONE = "phone", _("Confirm mobile number")
        PASSWORD_RESET = "password_reset", _("Reset password")
        SIGNIN_UNLOCK = "signin_unlock", _("Unlock sign-in")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    target = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} code for {self.user_id}"


class ApiToken(models.Model):
    """A bearer token for programs, created and revoked by its owner; only its hash is kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
