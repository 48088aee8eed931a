"""A direct ``save()`` or ``delete()`` of a ``RuleValue`` invalidates the cache too."""

from django.db.models.signals import post_delete, post_save

from .cache import note_write
from .models import RuleValue


def _written(sender, instance, using=None, **kwargs):
    note_write(instance.key, using=using)
    loaded = getattr(instance, "_loaded_key", None)
    if loaded and loaded != instance.key:
        note_write(loaded, using=using)
    instance._loaded_key = instance.key


def connect():
    post_save.connect(_written, sender=RuleValue, dispatch_uid="rules_value_saved")
    post_delete.connect(_written, sender=RuleValue, dispatch_uid="rules_value_deleted")
