"""Users and posts of every node: street admins, unit staff, community secretaries and
workers, grid members and grid branch secretaries, building leaders and party group
leaders, plus the accounts of some residents. One password hash for all of them."""

import datetime

from django.contrib.auth import get_user_model

from ..models import Post
from ..permissions import Role
from .names import person_name, phone

USER_COLUMNS = (
    "id",
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "display_name",
    "care_mode",
)
POST_COLUMNS = (
    "user_id",
    "role",
    "handling_unit_id",
    "title",
    "duty_phone",
    "is_active",
    "started_on",
    "street_id",
    "community_id",
    "grid_id",
    "building_id",
)
# Username prefixes as in the demo county, followed by the node's full code.
PREFIX = {
    Role.STREET_ADMIN: "jd",
    Role.UNIT_STAFF: "wy",
    Role.COMMUNITY_SECRETARY: "sj",
    Role.COMMUNITY_WORKER: "sg",
    Role.GRID_MEMBER: "wg",
    Role.GRID_BRANCH_SECRETARY: "zb",
    Role.BUILDING_LEADER: "lz",
    Role.PARTY_GROUP_LEADER: "dxz",
}


class Staff:
    """Collects the users and posts of one street or community, then writes them."""

    def __init__(self, writer, rng, password_hash, now):
        self.writer, self.rng, self.password, self.now = writer, rng, password_hash, now
        self.people = []  # (username, display name, staff, role, unit, tiers)
        self.accounts = []  # (username, display name): residents' accounts, no post

    def add(self, role, code, tiers, suffix="", unit=None) -> int:
        """Plan one post holder; returns the index to look the user id up later."""
        born = self.rng.randint(1962, 1998)
        gender = "male" if self.rng.random() < 0.5 else "female"
        name = person_name(self.rng, born, gender)
        username = f"{PREFIX[role]}{code}{suffix}"
        self.people.append((username, name, role == Role.STREET_ADMIN, role, unit, tiers))
        return len(self.people) - 1

    def resident(self, username, name) -> int:
        self.accounts.append((username, name))
        return len(self.accounts) - 1

    def reserve(self):
        total = len(self.people) + len(self.accounts)
        ids = self.writer.reserve(get_user_model(), total)
        self.ids, self.account_ids = ids[: len(self.people)], ids[len(self.people) :]
        return self

    def write(self):
        now, rows = self.now, []
        for user_id, (username, name, staff, *_rest) in zip(self.ids, self.people, strict=True):
            rows.append(
                (
                    user_id,
                    self.password,
                    None,
                    False,
                    username,
                    "",
                    "",
                    "",
                    staff,
                    True,
                    now,
                    name,
                    False,
                )
            )
        for user_id, (username, name) in zip(self.account_ids, self.accounts, strict=True):
            rows.append(
                (
                    user_id,
                    self.password,
                    None,
                    False,
                    username,
                    "",
                    "",
                    "",
                    False,
                    True,
                    now,
                    name,
                    False,
                )
            )
        self.writer.write(get_user_model(), USER_COLUMNS, rows)
        posts = []
        started = now.date() - datetime.timedelta(days=self.rng.randint(30, 1500))
        for user_id, (_, _, _, role, unit, tiers) in zip(self.ids, self.people, strict=True):
            duty = phone(self.rng) if role in (Role.GRID_MEMBER, Role.BUILDING_LEADER) else ""
            posts.append((user_id, role, unit, "", duty, True, started, *tiers))
        self.writer.write(Post, POST_COLUMNS, posts)
