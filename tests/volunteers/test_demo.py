"""The demo step fills the demo county's volunteer service (and runs once)."""

import pytest

from grid.demo import seed_demo
from volunteers.models import (
    HourEntry,
    MemberReport,
    Mobilisation,
    Need,
    NeedClaim,
    RecordNote,
    Shift,
    SignUp,
    Team,
    TimeBankEntry,
    Volunteer,
    Wish,
)
from volunteers.services import star_level


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.PORTAL_DEMO = True
    settings.PORTAL_DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    seed_demo()


def test_the_demo_has_teams_history_waitlists_and_the_time_bank(demo):
    assert Team.objects.count() == 2
    assert Volunteer.objects.count() == 8
    assert HourEntry.objects.filter(state="confirmed").count() > 50
    assert HourEntry.objects.filter(state="pending").exists()
    assert any(star_level(v.confirmed_hours) >= 1 for v in Volunteer.objects.all())
    assert SignUp.objects.filter(state="waitlisted").exists()
    assert Shift.objects.filter(booked=2, capacity=2).exists()
    assert TimeBankEntry.objects.filter(kind="withdrawal").exists()
    assert not Volunteer.objects.filter(user__username="resident1").exists()
    assert MemberReport.objects.filter(state="placed").count() == 2
    assert Need.objects.count() == 3 and NeedClaim.objects.filter(state="confirmed").exists()
    assert set(Wish.objects.values_list("state", flat=True)) == {"open", "claimed", "confirmed"}
    assert RecordNote.objects.filter(kind="appraisal").count() == 1
    # the volunteers demo's own call, and the one the community demo's open emergency
    # starts through core.mobilisation
    assert Mobilisation.objects.filter(state="open").count() == 2
    seed_demo()
    assert Team.objects.count() == 2
