"""Volunteer service: the services' rules (issue 13)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.certificates.models import Certificate
from core.checkin import current_code
from core.notify.models import OutboxMessage
from core.rules.services import set_rule
from core.timeline import Conflict
from grid.scoping import OutOfScope
from volunteers import services
from volunteers.models import (
    Correction,
    HourEntry,
    HourEvent,
    Membership,
    Shift,
    SignUp,
    TimeBankEntry,
    Volunteer,
)

from .helpers import hours, leader_user, make_activity, make_shift, resident_user, volunteer_of

PURPOSE = services.CHECKIN_PURPOSE


@pytest.fixture
def people(world):
    household = world.households[0]
    return [resident_user(household, f"v{n}") for n in range(4)]


def test_a_resident_registers_with_consent_and_is_shown_masked_without_it(world, people):
    with_consent = services.register_volunteer(user=people[0], consent=True)
    without = services.register_volunteer(user=people[1], consent=False)
    assert with_consent.building_id == world.buildings[0].pk
    assert services.shown_name(with_consent) == with_consent.name
    assert services.shown_name(without) != without.name and "*" in services.shown_name(without)
    with pytest.raises(Conflict):
        services.register_volunteer(user=people[0], consent=True)
    with pytest.raises(ValidationError, match="认证"):
        services.register_volunteer(user=world.user("outsider"), consent=True)


def test_an_office_creates_a_team_with_a_leader_who_decides_applications(world, people):
    worker = world.user("community_worker")
    leader = leader_user("舞蹈队长")
    team = services.create_team(
        by=worker, node=world.communities[0], name="夕阳红舞蹈队", kind="dance", leader=leader
    )
    with pytest.raises(OutOfScope):
        services.create_team(by=worker, node=world.communities[2], name="别处")
    volunteer_of(people[0])
    volunteer_of(people[1])
    applied = services.apply_to_team(user=people[0], team=team)
    second = services.apply_to_team(user=people[1], team=team)
    with pytest.raises(Conflict):
        services.apply_to_team(user=people[0], team=team)
    with pytest.raises(OutOfScope):
        services.decide_membership(by=people[1], membership=applied, accept=True)
    services.decide_membership(by=leader, membership=applied, accept=True)
    with pytest.raises(ValidationError):
        services.decide_membership(by=leader, membership=second, accept=False)
    declined = services.decide_membership(
        by=leader, membership=second, accept=False, reason="名额已满"
    )
    assert declined.state == Membership.State.DECLINED
    assert Membership.objects.get(pk=applied.pk).state == Membership.State.ACTIVE
    assert (
        OutboxMessage.objects.filter(channel="inbox", payload__kind="volunteers.membership").count()
        == 2
    )
    services.set_recruiting(by=leader, team=team, recruiting=False)
    volunteer_of(people[2])
    with pytest.raises(Conflict):
        services.apply_to_team(user=people[2], team=team)


def test_sign_up_no_duplicate_never_over_capacity_and_the_waitlist_moves_up(world, team, people):
    activity = make_activity(team, title="垃圾分类宣传", tags=("environment",))
    shift = make_shift(activity, capacity=2)
    for user in people:
        volunteer_of(user)
    first = services.sign_up(user=people[0], shift=shift)
    services.sign_up(user=people[1], shift=shift)
    with pytest.raises(Conflict, match="已报名"):
        services.sign_up(user=people[0], shift=shift)
    with pytest.raises(Conflict, match="已满"):
        services.sign_up(user=people[2], shift=shift)
    waiting = services.sign_up(user=people[2], shift=shift, waitlist=True)
    assert waiting.state == SignUp.State.WAITLISTED
    assert Shift.objects.get(pk=shift.pk).booked == 2
    services.cancel_signup(by=people[0], signup=first)
    assert SignUp.objects.get(pk=waiting.pk).state == SignUp.State.BOOKED
    assert Shift.objects.get(pk=shift.pk).booked == 2
    assert (
        OutboxMessage.objects.filter(channel="inbox", payload__kind="volunteers.promoted").count()
        == 1
    )


def test_cancellation_deadline_is_a_rule_parameter(world, team, people):
    activity = make_activity(team)
    soon = make_shift(activity, starts_in=datetime.timedelta(hours=5))
    volunteer_of(people[0])
    signup = services.sign_up(user=people[0], shift=soon)
    with pytest.raises(ValidationError, match="12"):
        services.cancel_signup(by=people[0], signup=signup)
    set_rule(
        key="volunteers.cancel_before_hours",
        value="4",
        scope="community",
        scope_id=world.communities[0].pk,
        in_force_from=timezone.localdate(),
    )
    services.cancel_signup(by=people[0], signup=signup)
    assert SignUp.objects.get(pk=signup.pk).state == SignUp.State.CANCELLED


def test_past_shifts_minors_and_agreements(world, team, people):
    past = make_shift(make_activity(team), starts_in=-datetime.timedelta(hours=1))
    volunteer_of(people[0])
    with pytest.raises(Conflict, match="已开始"):
        services.sign_up(user=people[0], shift=past)
    risky = make_activity(team, title="防汛巡查", tags=("emergency",), dangerous=True)
    shift = make_shift(risky)
    with pytest.raises(ValidationError, match="协议"):
        services.sign_up(user=people[0], shift=shift)
    services.sign_up(user=people[0], shift=shift, agree=True)
    child = resident_user(
        world.households[0], "child", birth_date=timezone.localdate().replace(year=2015)
    )
    volunteer_of(child)
    with pytest.raises(ValidationError, match="未成年"):
        services.sign_up(user=child, shift=shift, agree=True)


def test_reminders_go_out_once_before_the_shift(world, team, people):
    shift = make_shift(make_activity(team), starts_in=datetime.timedelta(hours=10))
    volunteer_of(people[0])
    services.sign_up(user=people[0], shift=shift)
    assert services.send_reminders() == 1
    assert services.send_reminders() == 0
    assert OutboxMessage.objects.filter(
        channel="inbox", payload__kind="volunteers.shift_reminder"
    ).exists()


def _on_shift(team, user, *, started=datetime.timedelta(hours=1), length=3, **flags):
    activity = make_activity(team, title="助老陪伴", **flags)
    shift = make_shift(activity, starts_in=datetime.timedelta(days=1), hours=length)
    volunteer_of(user)
    signup = services.sign_up(user=user, shift=shift, agree=True)
    start = timezone.now() - started
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=length)
    )
    shift.refresh_from_db()
    return shift, signup


def test_scan_in_and_out_gives_confirmed_hours_rounded_and_capped(world, team, people):
    user = people[0]
    shift, signup = _on_shift(team, user, started=datetime.timedelta(minutes=140))
    with pytest.raises(ValidationError, match="过期|无效"):
        services.check_in(user=user, shift=shift, code="000000")
    old = current_code(PURPOSE, shift.pk, at=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.check_in(user=user, shift=shift, code=old)
    services.check_in(user=user, shift=shift, code=current_code(PURPOSE, shift.pk))
    with pytest.raises(Conflict):
        services.check_in(user=user, shift=shift, code=current_code(PURPOSE, shift.pk))
    # Checked in 1 h after the start; checking out 2 h 20 min in: 1 h 20 → 1.5 h.
    SignUp.objects.filter(pk=signup.pk).update(
        checked_in_at=shift.starts_at + datetime.timedelta(hours=1)
    )
    entry = services.check_out(user=user, shift=shift, code=current_code(PURPOSE, shift.pk))
    assert entry.state == HourEntry.State.CONFIRMED and entry.hours == hours("1.5")
    assert Volunteer.objects.get(user=user).confirmed_hours == hours("1.5")
    with pytest.raises(Conflict):
        services.check_out(user=user, shift=shift, code=current_code(PURPOSE, shift.pk))
    assert HourEntry.objects.filter(signup=signup).count() == 1
    # Elderly care with time bank: deposited.
    assert services.balance_of(Volunteer.objects.get(user=user)) == 0  # not a time-bank one


def test_served_hours_round_to_half_hours_and_stop_at_the_shift_end(world, team):
    activity = make_activity(team)
    shift = make_shift(activity, hours=2)
    start = shift.starts_at
    assert services.served_hours(shift, start, start + datetime.timedelta(minutes=140)) == 2
    assert services.served_hours(shift, start, start + datetime.timedelta(minutes=100)) == hours(
        "1.5"
    )
    assert (
        services.served_hours(
            shift, start - datetime.timedelta(hours=1), start + datetime.timedelta(hours=9)
        )
        == 2
    )


def test_risky_activity_needs_insurance_before_check_in(world, team, people):
    user = people[0]
    shift, signup = _on_shift(team, user, dangerous=True)
    with pytest.raises(ValidationError, match="保险"):
        services.check_in(user=user, shift=shift, code=current_code(PURPOSE, shift.pk))
    services.confirm_insurance(by=team.leader, activity=shift.activity)
    services.check_in(user=user, shift=shift, code=current_code(PURPOSE, shift.pk))


def test_leader_ticks_names_and_entered_hours_wait_for_confirmation(world, team, people):
    leader = team.leader
    shift, signup = _on_shift(team, people[0], time_bank=True)
    services.tick_in(by=leader, signup=signup)
    SignUp.objects.filter(pk=signup.pk).update(checked_in_at=shift.starts_at)
    entry = services.tick_out(by=leader, signup=signup)
    assert entry.hours == 1
    volunteer = Volunteer.objects.get(user=people[0])
    assert services.balance_of(volunteer) == 1  # elderly care: 1 credit per hour
    _shift2, forgot = _on_shift(team, people[1])
    with pytest.raises(ValidationError, match="3"):
        services.enter_hours(by=people[1], signup=forgot, hours=5)
    with pytest.raises(ValidationError, match="0.5"):
        services.enter_hours(by=people[1], signup=forgot, hours="1.3")
    pending = services.enter_hours(by=people[1], signup=forgot, hours="2.5")
    assert pending.state == HourEntry.State.PENDING
    assert Volunteer.objects.get(user=people[1]).confirmed_hours == 0
    with pytest.raises(OutOfScope):
        services.confirm_hours(by=people[0], entry=pending)
    services.confirm_hours(by=world.user("community_worker"), entry=pending)
    assert Volunteer.objects.get(user=people[1]).confirmed_hours == hours("2.5")


def test_a_correction_is_answered_in_the_timeline(world, team):
    resident = world.user("resident")
    correction = Correction.objects.get(user=resident)
    assert correction.due_at > timezone.now()
    with pytest.raises(Conflict):
        services.ask_correction(user=resident, entry=correction.entry, hours=1, reason="再问")
    services.answer_correction(by=team.leader, correction=correction, accept=True, answer="已核实")
    entry = HourEntry.objects.get(pk=correction.entry_id)
    assert entry.hours == hours("1.5")
    assert [e.action for e in HourEvent.objects.filter(entry=entry)] == [
        "record",
        "ask_correction",
        "answer_correction",
    ]
    with pytest.raises(OutOfScope):
        services.ask_correction(user=world.user("outsider"), entry=entry, hours=1, reason="x")


def test_star_levels_follow_the_rule_parameters(world):
    assert services.star_level(99) == 0
    assert services.star_level(100) == 1
    assert services.star_level(1499) == 4
    assert services.star_level(1500) == 5


def test_a_certificate_is_issued_by_the_team_that_recorded_the_hours(world, team):
    resident = world.user("resident")
    record = services.request_certificate(user=resident, team=team)
    certificate = Certificate.objects.get(pk=record.certificate_id)
    assert certificate.issuer_name == team.name and record.hours == 3
    assert ["确认服务时长", "3.0"] in certificate.details or [
        "Confirmed hours",
        "3.0",
    ] in certificate.details
    with pytest.raises(ValidationError):
        services.request_certificate(user=world.user("outsider"), team=team)


def test_the_time_bank_is_a_ledger_that_never_goes_negative(world, team):
    volunteer = Volunteer.objects.get(user=world.users["resident"])
    assert services.balance_of(volunteer) == 3
    spouse = services.family_of(volunteer)[0]
    spent = services.withdraw_credits(
        by=world.user("resident"), volunteer=volunteer, amount=2, beneficiary=spouse
    )
    assert spent.balance == 1 and spent.amount == -2 and spent.seq == 2
    with pytest.raises(ValidationError):
        services.withdraw_credits(by=world.user("resident"), volunteer=volunteer, amount=1)
    stranger = world.residents[3]
    with pytest.raises(ValidationError, match="家庭"):
        services.withdraw_credits(
            by=world.user("resident"), volunteer=volunteer, amount=1, beneficiary=stranger
        )
    with pytest.raises(OutOfScope):
        services.reverse_entry(by=world.user("resident"), entry=spent, reason="x")
    reversal = services.reverse_entry(by=world.user("community_worker"), entry=spent, reason="记错")
    assert reversal.amount == 2 and services.balance_of(volunteer) == 3
    assert TimeBankEntry.objects.filter(volunteer=volunteer).count() == 3
    with pytest.raises(Conflict):
        services.reverse_entry(by=world.user("community_worker"), entry=spent, reason="again")
    assert Decimal(reversal.balance) == services.balance_of(volunteer)
