from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import RolePermission
from .scoping import forget_role_permissions


@receiver(post_save, sender=RolePermission)
@receiver(post_delete, sender=RolePermission)
def role_permissions_changed(**kwargs):
    forget_role_permissions()
