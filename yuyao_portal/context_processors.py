"""What every page's frame needs: who is signed in, on which post, the menu for their
role, and the elderly-friendly mode.

The menu is one list, ``NAV``. An item names the URL it links to, the audiences who see
it and whether it stays in the simplified menu of the elderly-friendly mode. An item
whose URL does not exist yet (a page of a later issue) is left out, so a page appears
in the menu as soon as its URL is routed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.notify.services import unread_count
from grid.identity import (  # noqa: F401  (the audiences, as the templates and tests name them)
    DEPARTMENT,
    EVERYONE,
    NET_AUDIENCES,
    RESIDENT,
    ROLE_AUDIENCE,
    UNIT,
    Identity,
    identity,
)
from grid.permissions import Tier

SESSION_CARE_KEY = "portal_care_mode"


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    audiences: frozenset = EVERYONE
    care: bool = False  # kept in the simplified menu of the elderly-friendly mode
    staff_only: bool = False
    perm: str = ""  # shown only if one of the user's posts grants this permission
    # audiences shown the item without ``perm``: unit staff act on what is dispatched to
    # their unit (a grant per request), not by a permission of their post
    open_to: frozenset = frozenset()


NAV = [
    NavItem("home", _("Workbench"), "home", care=True),
    NavItem("me", _("My household"), "grid:resident-home", frozenset({RESIDENT}), care=True),
    NavItem("my-requests", _("My requests"), "grid:request-mine", frozenset({RESIDENT}), care=True),
    NavItem("area", _("My area"), "grid:street-list", NET_AUDIENCES, care=True),
    NavItem("directory", _("Buildings"), "building-directory", NET_AUDIENCES),
    NavItem(
        "requests",
        _("Request queue"),
        "grid:request-queue",
        NET_AUDIENCES | {UNIT},
        care=True,
        perm="grid.view_servicerequest",
        open_to=frozenset({UNIT}),
    ),
    NavItem(
        "approvals",
        _("Approvals"),
        "grid:approval-queue",
        NET_AUDIENCES - {Tier.GRID.value, Tier.BUILDING.value} | {UNIT},
        perm="grid.change_servicerequest",
        open_to=frozenset({UNIT}),
    ),
    NavItem(
        "request-list",
        _("All requests"),
        "grid:request-list",
        NET_AUDIENCES | {UNIT},
        perm="grid.view_servicerequest",
    ),
    NavItem(
        "visits",
        _("Return visits"),
        "grid:request-visits",
        NET_AUDIENCES,
        perm="grid.change_servicerequest",
    ),
    NavItem("kpis", _("KPIs"), "grid:request-kpis", NET_AUDIENCES, perm="grid.view_servicerequest"),
    NavItem(
        "community-requests",
        _("Community requests"),
        "grid:community-requests",
        frozenset({RESIDENT}),
        care=True,
    ),
    NavItem(
        "residents", _("Residents"), "grid:resident-list", NET_AUDIENCES, perm="grid.view_resident"
    ),
    NavItem(
        "verifications",
        _("Confirmations"),
        "grid:verification-queue",
        NET_AUDIENCES,
        perm="grid.change_verificationrequest",
    ),
    NavItem(
        "roster", _("Import roster"), "grid:roster-import", NET_AUDIENCES, perm="grid.import_roster"
    ),
    # The four modes: each app's page named "home"; the app decides who may open it.
    NavItem("volunteers", _("Volunteers"), "volunteers:home", care=True),
    NavItem("negotiation", _("Consultations"), "negotiation:home", care=True),
    NavItem("funding", _("Funds"), "funding:home"),
    NavItem("training", _("Training"), "training:home", NET_AUDIENCES),
    NavItem("appointments", _("Appointments"), "community:home", care=True),
    NavItem("notices", _("Notices"), "community:notices", care=True),
    NavItem("board", _("Message board"), "community:board"),
    NavItem("groups", _("Interest groups"), "community:groups"),
    NavItem("emergencies", _("Emergencies"), "community:emergencies", care=True),
    NavItem("inbox", _("Inbox"), "grid:inbox", care=True),
    NavItem(
        "second-factor",
        _("Second factor"),
        "otp-state",
        frozenset({Tier.COUNTY.value, Tier.STREET.value, DEPARTMENT}),
    ),
    NavItem("admin", _("Admin"), "admin:index", staff_only=True),
]


def area_url(who: Identity) -> str | None:
    """The page of the node the user's highest post holds (the county: the streets)."""
    node = who.node
    if node is None:
        return reverse("grid:street-list") if who.audience == Tier.COUNTY.value else None
    return reverse(f"grid:{node.tier.value}-detail", args=[node.pk])


def unread_notifications(user) -> int:
    """The signed-in user's unread notifications: one indexed count."""
    return unread_count(user)


def navigation(request, who: Identity | None, care: bool, unread: int = 0) -> list[dict]:
    if who is None:
        return []
    user = request.user
    items = []
    for item in NAV:
        if care and not item.care:
            continue
        if item.staff_only and not user.is_staff:
            continue
        if not item.audiences & who.audiences:
            continue
        if item.perm and not (item.open_to & who.audiences) and not user.has_perm(item.perm):
            continue
        try:
            url = area_url(who) if item.key == "area" else reverse(item.url_name)
        except NoReverseMatch:
            continue
        if url is None:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        count = unread if item.key == "inbox" else 0
        items.append(
            {"key": item.key, "label": item.label, "url": url, "current": current, "count": count}
        )
    # The longest matching URL is the current one (the area page holds the others).
    current = [i for i in items if i["current"]]
    if len(current) > 1:
        keep = max(current, key=lambda i: len(i["url"]))
        for i in current:
            i["current"] = i is keep
    return items


def care_mode(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.care_mode)
    session = getattr(request, "session", None)
    return bool(session.get(SESSION_CARE_KEY)) if session is not None else False


def portal(request):
    care = care_mode(request)
    user = getattr(request, "user", None)
    who = identity(user)
    unread = unread_notifications(user) if who is not None else 0
    return {
        "PORTAL_DEMO": settings.PORTAL_DEMO,
        "PORTAL_COUNTY_NAME": settings.PORTAL_COUNTY_NAME,
        "care_mode": care,
        "identity": who,
        "nav_items": navigation(request, who, care, unread),
        "unread_notifications": unread,
    }
