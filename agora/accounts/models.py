"""People: accounts, profiles, skills and personal access tokens.

A `User` is one person in the organization, with an org role (admin,
learning staff, advocate, member, guest). Each user has one `Profile` (title,
department, bio, contact channels with a visibility each, external links) and
`SkillClaim`s on the shared `Skill` vocabulary, where a skill may have a
parent (Kubernetes under Cloud infrastructure) and `SkillAlias`es that find it
("k8s"). `OrgSettings` is the single
row of organization-wide choices (who may sign up). `AccessToken`s let
scripts use the API; only their hash is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from functools import cached_property
from urllib.parse import urlsplit

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# available_timezones() walks the tz database on disk (~50 ms): read it once.
TIME_ZONES = frozenset(zoneinfo.available_timezones())
TIME_ZONE_CHOICES = sorted((name, name.replace("_", " ")) for name in TIME_ZONES)


def validate_time_zone(value: str) -> None:
    if value not in TIME_ZONES:
        raise ValidationError(_("Choose a time zone from the list."), code="bad_time_zone")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        Profile.objects.get_or_create(user=user)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("org_role", User.OrgRole.ADMIN)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


HANDLE_MAX = 30
HANDLE_PATTERN = r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?"
validate_user_handle = RegexValidator(
    rf"^{HANDLE_PATTERN}$",
    _("Use lowercase letters, digits, - and _ only, starting and ending with a letter or a digit."),
    code="bad_handle",
)


def handle_base(name: str) -> str:
    """Return the handle a name suggests: ``"Ada Lovelace"`` → ``"ada-lovelace"``."""
    base = slugify(name)[: HANDLE_MAX - 4].strip("-_")
    return base or "person"


def unique_handle(name: str, *, exclude_pk: int | None = None) -> str:
    """Return a free handle for `name`, with a numeric suffix when the plain one is taken."""
    base = handle_base(name)
    taken = set(
        User.objects.filter(handle__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("handle", flat=True)
    )
    handle, n = base, 2
    while handle in taken:
        handle, n = f"{base}{n}", n + 1
    return handle


class User(AbstractBaseUser, PermissionsMixin):
    class OrgRole(models.TextChoices):
        ADMIN = "admin", _("Admin")
        STAFF = "staff", _("Learning staff")
        ADVOCATE = "advocate", _("Advocate")
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Guest")

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    # How others @mention this person; made from the name when the account is created.
    handle = models.CharField(
        _("handle"),
        max_length=HANDLE_MAX,
        unique=True,
        validators=[validate_user_handle],
        help_text=_("Others mention you as @handle in discussions."),
        error_messages={"unique": _("Someone already has this handle; choose another.")},
    )
    org_role = models.CharField(
        _("role in the organization"), max_length=16, choices=OrgRole, default=OrgRole.MEMBER
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    language = models.CharField(_("language"), max_length=16, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(Lower("name"), "id", name="user_name_order")]

    def __str__(self) -> str:
        return self.name or self.email

    def get_absolute_url(self) -> str:
        return reverse("person_detail", args=[self.pk])

    @property
    def is_staff(self) -> bool:
        """Only org admins reach the Django admin."""
        return self.is_active and self.org_role == self.OrgRole.ADMIN

    @property
    def is_org_admin(self) -> bool:
        return self.is_active and self.org_role == self.OrgRole.ADMIN

    @property
    def is_guest(self) -> bool:
        return self.org_role == self.OrgRole.GUEST

    def save(self, *args, **kwargs) -> None:
        """Save, and give a new account its profile (every user has exactly one)."""
        creating = self._state.adding
        if not self.handle:
            self.handle = unique_handle(self.name or self.email.split("@")[0])
        super().save(*args, **kwargs)
        if creating:
            Profile.objects.get_or_create(user=self)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_org_admin or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_org_admin or super().has_module_perms(app_label)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    @cached_property
    def initials(self) -> str:
        parts = [part for part in self.name.split() if part]
        return "".join(part[0] for part in parts[:2]).upper() or "?"


class ContactVisibility(models.TextChoices):
    ORGANIZATION = "org", _("Everyone in the organization")
    SHARED_SPACE = "shared", _("People who share a space with me")
    ONLY_ME = "me", _("Only me")


handle_validator = RegexValidator(
    r"^[\w.@+\-: ]{1,80}$", _("Use letters, digits and . @ + - : only.")
)
phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-.]{5,30}$", _("Enter a phone number such as +44 20 7946 0958.")
)


@deconstructible
class HostValidator:
    """Accept only http(s) URLs on one of `hosts` (or their subdomains)."""

    def __init__(self, *hosts: str) -> None:
        self.hosts = hosts

    def __call__(self, value: str) -> None:
        host = (urlsplit(value).hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in self.hosts):
            raise ValidationError(
                _("Enter a link to %(site)s.") % {"site": self.hosts[0]}, code="wrong_host"
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HostValidator) and self.hosts == other.hosts

    def __hash__(self) -> int:
        return hash(self.hosts)


validate_linkedin = HostValidator("linkedin.com")
validate_x = HostValidator("x.com", "twitter.com")
validate_github = HostValidator("github.com")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Busy: answers may take a while")
    AWAY = "away", _("Away")


class Profile(models.Model):
    user = models.OneToOneField(User, primary_key=True, on_delete=models.CASCADE)
    photo = models.ImageField(_("photo"), upload_to="photos/", blank=True)
    title = models.CharField(_("title"), max_length=120, blank=True)
    department = models.CharField(_("department"), max_length=120, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    bio = models.TextField(_("bio"), max_length=5000, blank=True, help_text=_("Markdown."))
    bio_html = models.TextField(blank=True, editable=False)
    interests = models.CharField(
        _("interests"), max_length=500, blank=True, help_text=_("Separate with commas.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    chat_handle = models.CharField(
        _("chat handle"), max_length=80, blank=True, validators=[handle_validator]
    )
    linkedin_url = models.URLField(_("LinkedIn"), blank=True, validators=[validate_linkedin])
    x_url = models.URLField(_("X"), blank=True, validators=[validate_x])
    github_url = models.URLField(_("GitHub"), blank=True, validators=[validate_github])
    website_url = models.URLField(_("website"), blank=True)
    email_visibility = models.CharField(
        _("who sees my email"),
        max_length=8,
        choices=ContactVisibility,
        default=ContactVisibility.ORGANIZATION,
    )
    phone_visibility = models.CharField(
        _("who sees my phone"),
        max_length=8,
        choices=ContactVisibility,
        default=ContactVisibility.SHARED_SPACE,
    )
    chat_visibility = models.CharField(
        _("who sees my chat handle"),
        max_length=8,
        choices=ContactVisibility,
        default=ContactVisibility.ORGANIZATION,
    )
    links_visibility = models.CharField(
        _("who sees my external profiles"),
        max_length=8,
        choices=ContactVisibility,
        default=ContactVisibility.ORGANIZATION,
    )
    open_to_questions = models.BooleanField(_("open to questions"), default=True)
    availability = models.CharField(
        _("availability"), max_length=12, choices=Availability, default=Availability.AVAILABLE
    )
    availability_note = models.CharField(
        _("availability note"),
        max_length=120,
        blank=True,
        help_text=_("For example “Back on 3 December” or “Mornings, Paris time”."),
    )
    request_limit = models.PositiveSmallIntegerField(
        _("open questions at a time"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("When this many of your expert requests are open, people are asked to wait."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["department"], name="profile_department"),
            models.Index(fields=["location"], name="profile_location"),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"

    @property
    def interest_list(self) -> list[str]:
        return [item.strip() for item in self.interests.split(",") if item.strip()]


class Skill(models.Model):
    """A term of the shared skills vocabulary."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent skill"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="skill_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            # Different names can share a slug ("C", "C++" and "C#" are all "c").
            base = slugify(self.name)[:80] or secrets.token_hex(4)
            slug, n = base, 2
            while Skill.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)


class SkillAlias(models.Model):
    """Another name people use for a skill ("k8s" for Kubernetes, "ML")."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("skill aliases")
        constraints = [models.UniqueConstraint(Lower("name"), name="skillalias_name_ci")]

    def __str__(self) -> str:
        return f"{self.name} → {self.skill_id}"


class SkillClaim(models.Model):
    """A person's own statement that they have a skill, at a level."""

    class Level(models.TextChoices):
        LEARNING = "learning", _("Learning")
        PRACTITIONER = "practitioner", _("Practitioner")
        EXPERT = "expert", _("Expert")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skill_claims")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="claims")
    level = models.CharField(_("level"), max_length=16, choices=Level, default=Level.PRACTITIONER)
    years = models.PositiveSmallIntegerField(
        _("years"), null=True, blank=True, validators=[MaxValueValidator(70)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="skillclaim_once_per_skill")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.skill_id} ({self.level})"


class OrgSettings(models.Model):
    """Organization-wide choices; there is exactly one row (pk=1)."""

    class SignupMode(models.TextChoices):
        OPEN = "open", _("Anyone may sign up")
        INVITE = "invite", _("Only people with an invitation")
        CLOSED = "closed", _("Nobody may sign up")

    name = models.CharField(_("organization name"), max_length=120, default="Agora")
    signup_mode = models.CharField(
        _("sign-up"), max_length=8, choices=SignupMode, default=SignupMode.OPEN
    )

    class Meta:
        verbose_name = _("organization settings")
        verbose_name_plural = _("organization settings")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> OrgSettings:
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class AccessToken(models.Model):
    """A personal API token. The secret is shown once; only its hash is kept."""

    PREFIX = "agora_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
