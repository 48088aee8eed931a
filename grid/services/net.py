"""Every change of the net goes through these functions."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Building, Community, Grid
from ..scoping import OutOfScope, forget_role_permissions, save_in_scope


def install_role_permissions(apps, role_permissions: dict) -> int:
    """Install ``{role: {"app.codename", ...}}`` into ``RolePermission``.

    Called from data migrations with the historical ``apps``; creates the model
    permissions first when the migration runs before Django's post-migrate step.
    Returns the number of grants added; running it again adds nothing.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    RolePermission = apps.get_model("grid", "RolePermission")
    added = 0
    for role, perms in role_permissions.items():
        for perm in perms:
            app_label, codename = str(perm).split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                # The model arrives in a later migration, which installs it again.
                continue
            _obj, created = RolePermission.objects.get_or_create(
                role=str(role), permission=permission
            )
            added += int(created)
    forget_role_permissions()
    return added


def _next_code(parent_code: str, siblings, length: int, keep: str) -> str:
    """A code below ``parent_code``: keep the old sequence if free, else the next one."""
    taken = {code[-3:] for code in siblings.values_list("code", flat=True)}
    if keep not in taken:
        return parent_code + keep
    for seq in range(1, 1000):
        candidate = f"{seq:03d}"
        if candidate not in taken:
            return parent_code + candidate
    raise ValueError(_("No free code is left under %(code)s.") % {"code": parent_code})


def _require(user, action: str, obj) -> None:
    perm = f"{obj._meta.app_label}.{action}_{obj._meta.model_name}"
    if not user.has_perm(perm, obj):
        raise OutOfScope(_("You may not change %(name)s.") % {"name": obj})


def _recode_below(node) -> None:
    """Give the nodes below ``node`` codes that start with its new code."""
    below = {Community: (Grid, "community"), Grid: (Building, "grid")}.get(type(node))
    if below is None:
        return
    child_model, fk = below
    children = list(child_model.objects.filter(**{fk: node}))
    for child in children:
        child.code = node.code + child.code[-3:]
    child_model.objects.bulk_update(children, ["code"])
    for child in children:
        _recode_below(child)


def _move(user, node, parent, siblings, length: int):
    _require(user, "change", node)
    setattr(node, node.parent_field, parent)
    node.code = _next_code(parent.code, siblings.exclude(pk=node.pk), length, node.code[-3:])
    save_in_scope(user, node, "change")
    _recode_below(node)
    return node


@transaction.atomic
def move_community(*, user, community: Community, street) -> Community:
    """Move a community to another street; everything below follows."""
    return _move(user, community, street, Community.objects.filter(street=street), 12)


@transaction.atomic
def move_grid(*, user, grid: Grid, community: Community) -> Grid:
    """Move a grid to another community; its buildings and records follow."""
    return _move(user, grid, community, Grid.objects.filter(community=community), 15)


@transaction.atomic
def move_building(*, user, building: Building, grid: Grid) -> Building:
    """Move a building to another grid; what hangs on it follows."""
    return _move(user, building, grid, Building.objects.filter(grid=grid), 18)
