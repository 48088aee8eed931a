"""The one net: streets, communities, grids and buildings; party organisations, handling
units and posts attached to it; role grants and single-object grants."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ..permissions import Role, Tier, post_tier
from ..querysets import NetQuerySet, PostQuerySet
from ..scoping import TierScoped, propagate_tier_columns, scopes_from

digits = RegexValidator(r"^\d+$", _("Only digits are allowed."))


CODE_MESSAGES = {
    9: _("The code must be exactly 9 digits."),
    12: _("The code must be exactly 12 digits."),
    15: _("The code must be exactly 15 digits."),
    18: _("The code must be exactly 18 digits."),
}


def _code_validator(length):
    return RegexValidator(rf"^\d{{{length}}}$", CODE_MESSAGES[length])


class NetNode(models.Model):
    """What the four tiers of the net share: a code, a name and scoped managers."""

    tier: Tier
    parent_field: str | None = None
    code_length: int = 0

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = NetQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def parent(self):
        return getattr(self, self.parent_field) if self.parent_field else None

    @property
    def rule_scopes(self) -> list[tuple[str, int]]:
        """Where rule parameters are looked up for this node (``core.rules.rule``)."""
        return scopes_from(self, self.pk)

    def ancestors(self):
        """Nodes above this one, from the street down."""
        chain, node = [], self.parent
        while node is not None:
            chain.insert(0, node)
            node = node.parent
        return chain

    def tier_values(self) -> dict:
        """The tier columns of this node as attname → id, its own tier included."""
        values = {f"{node.tier.value}_id": node.pk for node in self.ancestors()}
        values[f"{self.tier.value}_id"] = self.pk
        return values

    def clean(self):
        super().clean()
        if self.code_length and self.code and len(self.code) != self.code_length:
            raise ValidationError({"code": CODE_MESSAGES[self.code_length]})
        parent = self.parent if self.parent_field and self._parent_set() else None
        if parent is not None and self.code and not self.code.startswith(parent.code):
            raise ValidationError(
                {
                    "code": _("The code must start with the code of %(parent)s (%(code)s).")
                    % {"parent": parent.name, "code": parent.code}
                }
            )

    def _parent_set(self):
        return getattr(self, f"{self.parent_field}_id") is not None

    def _fill_denormalized(self):
        """Copy the ancestors' ids into the denormalized columns."""

    def prepare_for_validation(self):
        if self.parent_field is None or self._parent_set():
            self._fill_denormalized()

    def save(self, *args, **kwargs):
        with transaction.atomic():
            moved = False
            if self.pk and self.parent_field:
                attname = f"{self.parent_field}_id"
                old = type(self).objects.filter(pk=self.pk).values_list(attname, flat=True).first()
                moved = old is not None and old != getattr(self, attname)
            self._fill_denormalized()
            super().save(*args, **kwargs)
            if moved:
                propagate_tier_columns(self)


class Street(NetNode):
    class Kind(models.TextChoices):
        STREET = "street", _("Street (街道)")
        TOWN = "town", _("Town (镇)")
        TOWNSHIP = "township", _("Township (乡)")

    tier = Tier.STREET
    code_length = 9
    tier_columns = {Tier.STREET: "id"}

    code = models.CharField(
        _("code"),
        max_length=9,
        unique=True,
        validators=[_code_validator(9)],
        help_text=_("6-digit county code and a 3-digit street sequence."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STREET)

    class Meta(NetNode.Meta):
        verbose_name = _("street or town")
        verbose_name_plural = _("streets and towns")


class Community(NetNode):
    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community (社区)")
        VILLAGE = "village", _("Village (村)")

    tier = Tier.COMMUNITY
    parent_field = "street"
    code_length = 12
    tier_columns = {Tier.STREET: "street_id", Tier.COMMUNITY: "id"}

    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        related_name="communities",
        verbose_name=_("street or town"),
    )
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        validators=[_code_validator(12)],
        help_text=_("The street code and a 3-digit community sequence."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMMUNITY)
    office_address = models.CharField(_("office address"), max_length=200, blank=True)
    office_phone = models.CharField(
        _("office phone"), max_length=32, blank=True, help_text=_("A public duty phone.")
    )

    class Meta(NetNode.Meta):
        verbose_name = _("community or village")
        verbose_name_plural = _("communities and villages")


class Grid(NetNode):
    tier = Tier.GRID
    parent_field = "community"
    code_length = 15
    tier_columns = {Tier.STREET: "street_id", Tier.COMMUNITY: "community_id", Tier.GRID: "id"}

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        related_name="grids",
        editable=False,
        verbose_name=_("street or town"),
    )
    code = models.CharField(
        _("code"),
        max_length=15,
        unique=True,
        validators=[_code_validator(15)],
        help_text=_("15 digits: county 6, street 3, community 3, grid 3."),
    )

    class Meta(NetNode.Meta):
        verbose_name = _("grid")
        verbose_name_plural = _("grids")

    def _fill_denormalized(self):
        self.street_id = self.community.street_id


class HandlingUnit(TierScoped):
    """A unit that receives dispatched work: a property company, a department or a unit
    in a community. Attached to the node it serves (none: county-wide)."""

    class Kind(models.TextChoices):
        PROPERTY_COMPANY = "property_company", _("Property company")
        DEPARTMENT = "department", _("Department")
        COMMUNITY_UNIT = "community_unit", _("Unit in the community")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)

    class Meta(TierScoped.Meta):
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Building(NetNode):
    tier = Tier.BUILDING
    parent_field = "grid"
    code_length = 18
    tier_columns = {
        Tier.STREET: "street_id",
        Tier.COMMUNITY: "community_id",
        Tier.GRID: "grid_id",
        Tier.BUILDING: "id",
    }

    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("grid")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="buildings",
        editable=False,
        verbose_name=_("community"),
    )
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        related_name="buildings",
        editable=False,
        verbose_name=_("street or town"),
    )
    code = models.CharField(
        _("code"),
        max_length=18,
        unique=True,
        validators=[_code_validator(18)],
        help_text=_("The grid code and a 3-digit building sequence."),
    )
    address = models.CharField(_("address"), max_length=200)
    units = models.PositiveSmallIntegerField(
        _("units"), default=1, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    floors = models.PositiveSmallIntegerField(
        _("floors"), default=1, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("WGS 84, for matching places reported by coordinates."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    property_company = models.ForeignKey(
        HandlingUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buildings",
        limit_choices_to={"kind": HandlingUnit.Kind.PROPERTY_COMPANY},
        verbose_name=_("property company"),
    )

    class Meta(NetNode.Meta):
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="building_units_positive"),
            models.CheckConstraint(condition=Q(floors__gte=1), name="building_floors_positive"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="building_coordinates_together",
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="building_location")]

    def _fill_denormalized(self):
        self.community_id = self.grid.community_id
        self.street_id = self.grid.street_id


class PartyOrganization(TierScoped):
    """A party organisation attached to a node of the net."""

    class Kind(models.TextChoices):
        COMMUNITY_COMMITTEE = "community_committee", _("Community party committee")
        COMMUNITY_GENERAL_BRANCH = "community_general_branch", _("Community general branch")
        GRID_BRANCH = "grid_branch", _("Grid party branch")
        BUILDING_GROUP = "building_group", _("Building party group")

    KIND_TIER = {
        Kind.COMMUNITY_COMMITTEE: Tier.COMMUNITY,
        Kind.COMMUNITY_GENERAL_BRANCH: Tier.COMMUNITY,
        Kind.GRID_BRANCH: Tier.GRID,
        Kind.BUILDING_GROUP: Tier.BUILDING,
    }

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secretary or leader"),
    )

    class Meta(TierScoped.Meta):
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["street_id", "community_id", "grid_id", "building_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["community_committee", "community_general_branch"],
                        community__isnull=False,
                        grid__isnull=True,
                    )
                    | Q(kind="grid_branch", grid__isnull=False, building__isnull=True)
                    | Q(kind="building_group", building__isnull=False)
                ),
                name="party_org_kind_matches_tier",
            ),
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(kind__in=["community_committee", "community_general_branch"]),
                name="one_party_committee_per_community",
            ),
            models.UniqueConstraint(
                fields=["grid"], condition=Q(kind="grid_branch"), name="one_branch_per_grid"
            ),
            models.UniqueConstraint(
                fields=["building"],
                condition=Q(kind="building_group"),
                name="one_party_group_per_building",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        expected = self.KIND_TIER.get(self.kind)
        if expected and self.scope_tier() != expected:
            raise ValidationError(
                _("A %(kind)s is attached to a %(tier)s.")
                % {"kind": self.get_kind_display(), "tier": expected.label}
            )

    def save(self, *args, **kwargs):
        self.fill_tier_columns()
        self.parent = self._parent_organisation()
        super().save(*args, **kwargs)

    def _parent_organisation(self):
        tier = self.scope_tier()
        if tier == Tier.BUILDING:
            lookup = {"grid_id": self.grid_id, "kind": self.Kind.GRID_BRANCH}
        elif tier == Tier.GRID:
            lookup = {
                "community_id": self.community_id,
                "kind__in": [self.Kind.COMMUNITY_COMMITTEE, self.Kind.COMMUNITY_GENERAL_BRANCH],
            }
        else:
            return None
        return PartyOrganization.objects.filter(**lookup).exclude(pk=self.pk).first()


class Post(TierScoped):
    """A user's post (岗位): one role on one node of the net."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    handling_unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("handling unit"),
    )
    title = models.CharField(_("title"), max_length=64, blank=True)
    duty_phone = models.CharField(
        _("duty phone"),
        max_length=32,
        blank=True,
        help_text=_("A public duty phone shown to the residents the post serves."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta(TierScoped.Meta):
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["street_id", "community_id", "grid_id", "building_id", "role"]
        indexes = [models.Index(fields=["user", "is_active"], name="post_user_active")]

    def __str__(self):
        node = self.scope_node()
        where = node.name if node else settings.PORTAL_COUNTY_NAME
        return f"{self.user} · {self.get_role_display()} · {where}"

    @property
    def tier(self) -> Tier:
        return post_tier(
            self.role, self.street_id, self.community_id, self.grid_id, self.building_id
        )

    def clean(self):
        super().clean()
        if not self.role:
            return
        if self.role == Role.UNIT_STAFF:
            if self.handling_unit_id is None:
                raise ValidationError({"handling_unit": _("Handling unit staff need a unit.")})
            return
        if self.scope_tier() != self.tier:
            raise ValidationError(
                _("A %(role)s holds a post on a %(tier)s.")
                % {"role": self.get_role_display(), "tier": self.tier.label}
            )
        duplicate = Post.objects.filter(
            user_id=self.user_id,
            role=self.role,
            street_id=self.street_id,
            community_id=self.community_id,
            grid_id=self.grid_id,
            building_id=self.building_id,
        ).exclude(pk=self.pk)
        if self.user_id and duplicate.exists():
            raise ValidationError(_("This user already holds this post."))

    def save(self, *args, **kwargs):
        if self.role == Role.UNIT_STAFF and self.handling_unit_id and self.scope_node() is None:
            unit = self.handling_unit
            self.street_id, self.community_id = unit.street_id, unit.community_id
            self.grid_id, self.building_id = unit.grid_id, unit.building_id
        super().save(*args, **kwargs)


class RolePermission(models.Model):
    """One permission granted by one role. Installed from the apps' ``permissions.py``
    by data migrations; a county admin may change them."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    permission = models.ForeignKey(
        "auth.Permission", on_delete=models.CASCADE, verbose_name=_("permission")
    )

    class Meta:
        verbose_name = _("role permission")
        verbose_name_plural = _("role permissions")
        ordering = ["role", "permission__content_type__app_label", "permission__codename"]
        constraints = [
            models.UniqueConstraint(fields=["role", "permission"], name="unique_role_permission")
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.permission.codename}"


class BuildingUserGrant(UserObjectPermissionBase):
    """A permission on one building granted to one user (e.g. a property manager)."""

    content_object = models.ForeignKey(Building, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("building grant to a user")
        verbose_name_plural = _("building grants to users")


class BuildingGroupGrant(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Building, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("building grant to a group")
        verbose_name_plural = _("building grants to groups")
