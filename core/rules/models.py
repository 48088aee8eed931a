"""Rule values in the database (``RuleValue``) and their append-only history
(``RuleChange``).

A ``RuleValue`` is the value of one registered parameter (``core.rules.registry``) for one
scope (the county, one street or one community) from one date on. The core does not know
the street and community models: ``scope_id`` is the id the ``grid`` app gives them, and
``node.rule_scopes`` (see ``core.rules.lookup``) maps a node to those ids.

Writes go through ``core.rules.services``; a direct ``save()``, ``delete()``, queryset
``update()`` or ``bulk_create()`` still invalidates the cached values (``signals.py`` and
the queryset below).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import registry
from .cache import note_write


def today():
    """Today in the portal's time zone (``settings.TIME_ZONE``, Asia/Shanghai)."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


class Scope(models.TextChoices):
    COUNTY = "county", _("County")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


class RuleValueQuerySet(models.QuerySet):
    """Bulk writes skip the model signals: these invalidate the cached values themselves."""

    def update(self, **kwargs):
        keys = set(self.order_by().values_list("key", flat=True).distinct())
        if isinstance(kwargs.get("key"), str):
            keys.add(kwargs["key"])
        count = super().update(**kwargs)
        for key in keys:
            note_write(key)
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        for key in {obj.key for obj in objs}:
            note_write(key)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        keys = {obj.key for obj in objs} | {getattr(obj, "_loaded_key", None) for obj in objs}
        count = super().bulk_update(objs, fields, *args, **kwargs)
        for key in keys - {None}:
            note_write(key)
        return count

    bulk_update.alters_data = True


class RuleValue(models.Model):
    key = models.CharField(_("parameter"), max_length=registry.MAX_KEY_LENGTH, db_index=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope, default=Scope.COUNTY)
    scope_id = models.PositiveIntegerField(
        _("street or community id"),
        null=True,
        blank=True,
        help_text=_("Empty for the county; the id of the street or community otherwise."),
    )
    value = models.CharField(_("value"), max_length=registry.MAX_VALUE_LENGTH)
    source_title = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("The title of the document that sets this value."),
    )
    in_force_from = models.DateField(_("in force from"), default=today)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = RuleValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule value")
        verbose_name_plural = _("rule values")
        ordering = ["key", "scope", "scope_id", "-in_force_from"]
        constraints = [
            # scope_id is NULL for the county: NULLs are distinct in a plain unique
            # constraint, so the county rows get their own constraint without scope_id.
            models.UniqueConstraint(
                fields=["key", "scope", "in_force_from"],
                condition=models.Q(scope_id__isnull=True),
                name="rules_value_unique_county",
                violation_error_message=_(
                    "A value for this parameter, scope and date already exists."
                ),
            ),
            models.UniqueConstraint(
                fields=["key", "scope", "scope_id", "in_force_from"],
                condition=models.Q(scope_id__isnull=False),
                name="rules_value_unique_local",
                violation_error_message=_(
                    "A value for this parameter, scope and date already exists."
                ),
            ),
            models.CheckConstraint(
                condition=(models.Q(scope="county", scope_id__isnull=True))
                | (models.Q(scope__in=["street", "community"], scope_id__isnull=False)),
                name="rules_value_scope_id_iff_local",
                violation_error_message=_(
                    "A county value has no street or community id; "
                    "a street or community value needs one."
                ),
            ),
        ]

    def __str__(self):
        where = self.get_scope_display()
        if self.scope_id is not None:
            where = f"{where} {self.scope_id}"
        return f"{self.key} = {self.value} ({where}, {self.in_force_from})"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The key it was loaded with: a save under another key invalidates both.
        instance._loaded_key = instance.__dict__.get("key")
        return instance

    @property
    def parameter(self):
        """The registered parameter of this row, or ``None`` if its key is unknown."""
        return registry._parameters.get(self.key)

    @property
    def typed_value(self):
        return registry.parse(registry.get_parameter(self.key), self.value)

    def clean(self):
        errors = {}
        parameter = self.parameter
        if parameter is None:
            errors["key"] = ValidationError(
                _("Unknown rule parameter: %(key)s."), code="unknown", params={"key": self.key}
            )
        elif self.value is not None:
            try:
                self.value = registry.canonical(parameter, self.value)
            except ValidationError as exc:
                errors["value"] = exc
        if self.scope == Scope.COUNTY and self.scope_id is not None:
            errors["scope_id"] = ValidationError(
                _("A county value has no street or community id."), code="county_id"
            )
        elif self.scope != Scope.COUNTY and self.scope_id is None:
            errors["scope_id"] = ValidationError(
                _("Give the id of the street or community."), code="local_id"
            )
        if errors:
            raise ValidationError(errors)


class RuleChangeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("the rule history is append-only")

    def delete(self):
        raise TypeError("the rule history is append-only")


class RuleChange(models.Model):
    """One row per creation, change or deletion of a ``RuleValue``; never changed."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")

    key = models.CharField(_("parameter"), max_length=registry.MAX_KEY_LENGTH, db_index=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope)
    scope_id = models.PositiveIntegerField(_("street or community id"), null=True, blank=True)
    old_value = models.CharField(_("old value"), max_length=registry.MAX_VALUE_LENGTH, blank=True)
    new_value = models.CharField(_("new value"), max_length=registry.MAX_VALUE_LENGTH, blank=True)
    source_title = models.CharField(_("source"), max_length=300, blank=True)
    in_force_from = models.DateField(_("in force from"))
    action = models.CharField(_("action"), max_length=10, choices=Action)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept when the account is deleted later (changed_by then becomes NULL).
    changed_by_name = models.CharField(_("changed by (name)"), max_length=150, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)

    objects = RuleChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule change")
        verbose_name_plural = _("rule changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.key}: {self.old_value} → {self.new_value}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("the rule history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("the rule history is append-only")
