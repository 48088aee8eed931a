"""People on the net: households, residents, party members, movements, resident
accounts and the log of every whole view of personal data."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..pii import (
    id_birth_date,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    validate_id_number,
    validate_phone,
)
from ..querysets import ResidentQuerySet
from ..scoping import TierScoped


class HouseholdTag(models.Model):
    """A tag communities put on households (elderly living alone, low-income, ...).
    The list is county-wide; a county admin may extend it."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("household tag")
        verbose_name_plural = _("household tags")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Household(TierScoped):
    """A household (户): a room of a unit of a building."""

    class Kind(models.TextChoices):
        OWNER_OCCUPIED = "owner", _("Owner-occupied")
        RENTED = "rented", _("Rented")
        COLLECTIVE = "collective", _("Collective")

    self_access = {"view": [("household", "id")]}

    unit = models.PositiveSmallIntegerField(
        _("unit"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    room = models.CharField(_("room"), max_length=16)
    kind = models.CharField(
        _("type"), max_length=16, choices=Kind.choices, default=Kind.OWNER_OCCUPIED
    )
    head = models.ForeignKey(
        "grid.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household head"),
    )
    tags = models.ManyToManyField(HouseholdTag, blank=True, verbose_name=_("tags"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building_id", "unit", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "room"], name="one_household_per_room"
            ),
            models.CheckConstraint(
                condition=Q(building__isnull=False), name="household_in_building"
            ),
        ]

    def __str__(self):
        if self.building_id is None:
            return f"{self.unit}-{self.room}"
        return _("%(building)s unit %(unit)s room %(room)s") % {
            "building": self.building.name,
            "unit": self.unit,
            "room": self.room,
        }

    def clean(self):
        super().clean()
        if self.building_id is None:
            raise ValidationError({"building": _("A household is in a building.")})
        if self.unit and self.building_id and self.unit > self.building.units:
            raise ValidationError(
                {"unit": _("This building has %(units)s units.") % {"units": self.building.units}}
            )


class Resident(TierScoped):
    """A resident (居民) of a household. Never deleted: moving out and death are
    movements that change the state."""

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Relation(models.TextChoices):
        HEAD = "head", _("Household head")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        GRANDPARENT = "grandparent", _("Grandparent")
        SIBLING = "sibling", _("Sibling")
        TENANT = "tenant", _("Tenant")
        OTHER = "other", _("Other")

    class ResidenceStatus(models.TextChoices):
        REGISTERED_HERE = "registered", _("Registered and living here")
        UNREGISTERED = "unregistered", _("Living here without registration")
        AWAY = "away", _("Registered here but away")

    class PoliticalStatus(models.TextChoices):
        PARTY_MEMBER = "party_member", _("Party member")
        LEAGUE_MEMBER = "league_member", _("League member")
        MASSES = "masses", _("Masses")

    class State(models.TextChoices):
        LIVING = "living", _("Living here")
        MOVED_OUT = "moved_out", _("Moved out")
        DECEASED = "deceased", _("Deceased")

    self_access = {"view": [("household", "household_id")]}

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("household")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=64, db_index=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    id_number = models.CharField(
        _("ID number"), max_length=18, unique=True, validators=[validate_id_number]
    )
    id_last4 = models.CharField(
        _("last four digits of the ID number"), max_length=4, editable=False
    )
    phone = models.CharField(_("phone"), max_length=11, blank=True, validators=[validate_phone])
    relation = models.CharField(
        _("relation to the head"), max_length=16, choices=Relation.choices, default=Relation.OTHER
    )
    residence_status = models.CharField(
        _("residence status"),
        max_length=16,
        choices=ResidenceStatus.choices,
        default=ResidenceStatus.REGISTERED_HERE,
    )
    political_status = models.CharField(
        _("political status"),
        max_length=16,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
    )
    occupation = models.CharField(_("occupation or workplace"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.LIVING)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident",
        verbose_name=_("user account"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta(TierScoped.Meta):
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household_id", "id"]
        permissions = [
            ("reveal_resident_pii", _("Can see a resident's ID number and phone whole")),
            ("import_roster", _("Can import a roster of households and residents")),
            ("export_roster", _("Can export a roster of households and residents")),
        ]
        indexes = [
            models.Index(fields=["street", "id_last4"], name="resident_street_last4"),
            models.Index(fields=["community", "id_last4"], name="resident_community_last4"),
            models.Index(fields=["grid", "id_last4"], name="resident_grid_last4"),
            models.Index(fields=["street", "phone"], name="resident_street_phone"),
            models.Index(fields=["street", "name"], name="resident_street_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def id_number_masked(self):
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self):
        return mask_phone(self.phone)

    def clean(self):
        super().clean()
        number = normalize_id_number(self.id_number)
        born = id_birth_date(number) if len(number) == 18 else None
        if born is not None and self.birth_date and born != self.birth_date:
            raise ValidationError(
                {"birth_date": _("The date of birth differs from the one in the ID number.")}
            )

    def fill_tier_columns(self):
        if self.household_id is not None:
            self.building = self.household.building
            self.grid_id = self.community_id = self.street_id = None
        super().fill_tier_columns()

    def save(self, *args, **kwargs):
        self.id_number = normalize_id_number(self.id_number)
        self.id_last4 = self.id_number[-4:]
        super().save(*args, **kwargs)


class PartyMembership(TierScoped):
    """A resident who is a party member, in one party organisation on the net; an
    in-service member (在职党员) also names the workplace organisation."""

    class Status(models.TextChoices):
        FULL = "full", _("Full member")
        PROBATIONARY = "probationary", _("Probationary member")
        TRANSFERRED_OUT = "transferred_out", _("Transferred out")

    resident = models.OneToOneField(
        Resident,
        on_delete=models.PROTECT,
        related_name="party_membership",
        verbose_name=_("resident"),
    )
    organization = models.ForeignKey(
        "grid.PartyOrganization",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("party organisation"),
    )
    joined_on = models.DateField(_("joined the party on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.FULL
    )
    in_service = models.BooleanField(_("in-service member reporting here"), default=False)
    workplace = models.CharField(_("workplace party organisation"), max_length=100, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["organization_id", "resident_id"]

    def __str__(self):
        return f"{self.resident} · {self.organization}"

    def clean(self):
        super().clean()
        if self.in_service and not self.workplace:
            raise ValidationError({"workplace": _("Name the workplace of an in-service member.")})

    def fill_tier_columns(self):
        """The organisation's node is the member's place on the net."""
        if self.organization_id is not None:
            org = self.organization
            self.street_id, self.community_id = org.street_id, org.community_id
            self.grid_id, self.building_id = org.grid_id, org.building_id
        super().fill_tier_columns()


class Movement(TierScoped):
    """A dated event of a resident: moving in, out, between households, or death."""

    class Kind(models.TextChoices):
        MOVE_IN = "move_in", _("Moved in")
        MOVE_OUT = "move_out", _("Moved out")
        TRANSFER = "transfer", _("Moved between households")
        DEATH = "death", _("Died")

    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="movements", verbose_name=_("resident")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("date"))
    from_household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements_out",
        verbose_name=_("from household"),
    )
    to_household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements_in",
        verbose_name=_("to household"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.resident} · {self.date}"

    def fill_tier_columns(self):
        household = self.to_household or self.from_household
        if household is not None:
            self.building = household.building
            self.grid_id = self.community_id = self.street_id = None
        super().fill_tier_columns()


class VerificationRequest(TierScoped):
    """A resident account asking to be linked to a household of a building."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    self_access = {"view": [("user", "user_id")]}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="verification_requests",
        verbose_name=_("account"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=11, validators=[validate_phone])
    id_last4 = models.CharField(_("last four digits of the ID number"), max_length=4, blank=True)
    unit = models.PositiveSmallIntegerField(
        _("unit"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    room = models.CharField(_("room"), max_length=16)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("matched resident"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("household verification request")
        verbose_name_plural = _("household verification requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(state="pending"), name="one_pending_request_per_user"
            ),
            models.CheckConstraint(
                condition=Q(building__isnull=False), name="verification_in_building"
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.get_state_display()}"

    @property
    def phone_masked(self):
        return mask_phone(self.phone)


class VerificationCode(models.Model):
    """A one-time code sent to a phone; only its hash is kept."""

    phone = models.CharField(_("phone"), max_length=11, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=16, default="signup")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{mask_phone(self.phone)} · {self.purpose}"

    @staticmethod
    def hash(phone: str, code: str) -> str:
        return hashlib.sha256(f"{settings.SECRET_KEY}:{phone}:{code}".encode()).hexdigest()


class PersonalDataAccess(models.Model):
    """One whole view of a resident's personal data: append-only, kept three years."""

    class Field(models.TextChoices):
        ID_NUMBER = "id_number", _("ID number")
        PHONE = "phone", _("Phone")
        EXPORT = "export", _("Export of a roster")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} · {self.get_field_display()} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("The access log cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The access log cannot be deleted."))
