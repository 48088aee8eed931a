"""Funding in Django admin: each money record is read in the user's scope and never
written there; who reported a burden is never shown; the county keeps the list."""

import pytest
from django.urls import reverse

from funding.models import (
    AdmissionApplication,
    AdmissionList,
    BurdenReport,
    CommunityTask,
    Disclosure,
    Expenditure,
    Fund,
    LedgerEntry,
    Project,
    VentureCall,
)

MODELS = [
    Fund,
    LedgerEntry,
    Project,
    Expenditure,
    Disclosure,
    AdmissionApplication,
    CommunityTask,
    BurdenReport,
    VentureCall,
]


def _url(model, name, *args):
    return reverse(f"admin:funding_{model._meta.model_name}_{name}", args=args)


@pytest.mark.parametrize("persona", ["county_admin", "street_admin", "other_street_admin"])
def test_changelists_and_change_pages_follow_the_scope(world, client, persona):
    client.force_login(world.users[persona])
    user = world.user(persona)
    for model in MODELS:
        visible = set(model.objects.for_user(user).values_list("pk", flat=True))
        response = client.get(_url(model, "changelist"))
        if not user.has_perm(f"funding.view_{model._meta.model_name}"):
            assert response.status_code == 403, (persona, model)
            continue
        assert response.status_code == 200, (persona, model)
        assert {obj.pk for obj in response.context["cl"].result_list} == visible, (persona, model)
        for obj in model.objects.all()[:4]:
            status = client.get(_url(model, "change", obj.pk)).status_code
            assert status == (200 if obj.pk in visible else 404), (persona, model, obj)


def test_the_street_sees_its_funds_and_not_the_other_street(world, client):
    client.force_login(world.users["street_admin"])
    listed = {f.pk for f in client.get(_url(Fund, "changelist")).context["cl"].result_list}
    assert listed and listed == set(
        Fund.objects.filter(street=world.streets[0]).values_list("pk", flat=True)
    )
    client.force_login(world.users["other_street_admin"])
    listed = {f.pk for f in client.get(_url(Fund, "changelist")).context["cl"].result_list}
    assert not listed & set(
        Fund.objects.filter(street=world.streets[0]).values_list("pk", flat=True)
    )


def test_money_records_are_never_written_in_admin(world, client):
    client.force_login(world.users["county_admin"])
    fund = Fund.objects.first()
    entry = LedgerEntry.objects.first()
    assert client.get(_url(Fund, "add")).status_code == 403
    assert client.post(_url(Fund, "change", fund.pk), {"name": "改名"}).status_code == 403
    assert client.post(_url(LedgerEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    fund.refresh_from_db()
    assert fund.name != "改名" and LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_who_reported_a_burden_is_never_shown(world, client):
    client.force_login(world.users["county_admin"])
    report = BurdenReport.objects.get()
    html = client.get(_url(BurdenReport, "change", report.pk)).content.decode()
    assert report.department in html
    assert "community_secretary" not in html and "id_reporter" not in html


def test_the_county_keeps_the_admitted_work_list(world, client, django_user_model):
    superuser = django_user_model.objects.create_superuser("list_keeper", password="x")
    client.force_login(superuser)
    assert client.get(reverse("admin:funding_admissionlist_changelist")).status_code == 200
    current = AdmissionList.objects.order_by("-number").first()
    answer = client.post(
        reverse("admin:funding_admissionlist_add"),
        {
            "number": current.number + 1,
            "in_force_from": "2027-01-01",
            "note": "2027 年版",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-code": "A-99",
            "items-0-kind": "assisting",
            "items-0-title": "协助人口普查",
            "items-0-deliverable": "survey",
            "items-0-keywords": "普查",
            "items-0-citation": "《全国人口普查条例》",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    added = AdmissionList.objects.get(number=current.number + 1)
    assert added.items.get().title == "协助人口普查"
