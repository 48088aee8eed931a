"""The API of 在职党员双报到 (/api/v1/volunteers/member-reports/, needs/, need-claims/,
wishes/): a wish from post to confirmation, claims, the summary, refusals, masking."""

from django.utils import timezone

from grid.models import Resident
from volunteers.models import MemberReport, Need, Wish

from .test_members import placed_member

BASE = "/api/v1/volunteers"


def test_a_small_wish_over_the_api(world, api_client):
    member = placed_member(world, "apimember")
    resident = world.user("resident")
    api_client.force_authenticate(resident)
    posted = api_client.post(f"{BASE}/wishes/", {"title": "想要一副老花镜"}, format="json")
    assert posted.status_code == 201, posted.content
    wish = posted.json()
    assert (
        wish["state"] == "open"
        and wish["resident_name"] == Resident.objects.get(user=resident).name
    )

    api_client.force_authenticate(member)
    listed = api_client.get(f"{BASE}/wishes/", {"state": "open"}).json()["results"]
    row = next(r for r in listed if r["id"] == wish["id"])
    assert "*" in row["resident_name"]  # masked to other residents
    claimed = api_client.post(f"{BASE}/wishes/{wish['id']}/claim/")
    assert claimed.status_code == 200 and claimed.json()["state"] == "claimed"
    assert claimed.json()["resident_name"] == wish["resident_name"]  # the claimer sees it
    again = api_client.post(f"{BASE}/wishes/{wish['id']}/claim/")
    assert again.status_code == 409
    empty = api_client.post(f"{BASE}/wishes/{wish['id']}/fulfil/", {"note": ""}, format="json")
    assert empty.status_code == 400
    done = api_client.post(
        f"{BASE}/wishes/{wish['id']}/fulfil/", {"note": "送到家里"}, format="json"
    )
    assert done.status_code == 200 and done.json()["state"] == "fulfilled"
    assert api_client.post(f"{BASE}/wishes/{wish['id']}/confirm/").status_code == 403

    api_client.force_authenticate(resident)
    confirmed = api_client.post(f"{BASE}/wishes/{wish['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    assert Wish.objects.get(pk=wish["id"]).confirmed_at is not None


def test_a_resident_of_another_street_sees_no_wish_and_claims_none(world, api_client):
    far = placed_member(world, "farmember", household=-1, grid=-1, by="other_street_admin")
    wish = Wish.objects.get(title="想学用智能手机挂号")
    api_client.force_authenticate(far)
    ids = [r["id"] for r in api_client.get(f"{BASE}/wishes/").json()["results"]]
    assert wish.pk not in ids
    assert api_client.post(f"{BASE}/wishes/{wish.pk}/claim/").status_code == 404


def test_the_office_places_posts_and_confirms_and_reads_the_summary(world, api_client):
    member = placed_member(world, "apimember")
    worker = world.user("community_worker")
    api_client.force_authenticate(worker)
    posted = api_client.post(
        f"{BASE}/needs/",
        {"community": world.communities[0].pk, "title": "助老送餐", "places": 1, "tag": "elderly"},
        format="json",
    )
    assert posted.status_code == 201, posted.content
    too_many = api_client.post(
        f"{BASE}/needs/",
        {"community": world.communities[0].pk, "title": "x", "places": 99},
        format="json",
    )
    assert too_many.status_code == 400
    far = api_client.post(
        f"{BASE}/needs/", {"community": world.communities[3].pk, "title": "x"}, format="json"
    )
    assert far.status_code == 422
    need = posted.json()["id"]

    api_client.force_authenticate(member)
    claim = api_client.post(f"{BASE}/need-claims/", {"need": need}, format="json")
    assert claim.status_code == 201, claim.content
    full = api_client.post(f"{BASE}/need-claims/", {"need": need}, format="json")
    assert full.status_code == 409
    claim_id = claim.json()["id"]
    finished = api_client.post(
        f"{BASE}/need-claims/{claim_id}/finish/", {"note": "送餐三次"}, format="json"
    )
    assert finished.json()["state"] == "done"

    api_client.force_authenticate(worker)
    confirmed = api_client.post(f"{BASE}/need-claims/{claim_id}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    assert Need.objects.get(pk=need).claimed == 1

    report = MemberReport.objects.get(user=member)
    year = timezone.localdate().year
    quarter = (timezone.localdate().month - 1) // 3 + 1
    appraised = api_client.post(
        f"{BASE}/member-reports/{report.pk}/appraise/",
        {"year": year, "grade": "good"},
        format="json",
    )
    assert appraised.status_code == 201, appraised.content
    twice = api_client.post(
        f"{BASE}/member-reports/{report.pk}/appraise/",
        {"year": year, "grade": "good"},
        format="json",
    )
    assert twice.status_code == 409
    summary = api_client.get(
        f"{BASE}/member-reports/summary/",
        {"year": year, "quarter": quarter, "workplace": "余姚市税务局党委"},
    )
    assert summary.status_code == 200, summary.content
    (row,) = summary.json()
    assert row["needs"] == 1 and row["workplace"] == "余姚市税务局党委"
    bad = api_client.get(f"{BASE}/member-reports/summary/", {"year": year, "quarter": 5})
    assert bad.status_code == 400


def test_a_resident_reports_and_sees_only_their_own_report(world, api_client):
    from .helpers import resident_user, volunteer_of

    user = resident_user(world.households[0], "reporter")
    api_client.force_authenticate(user)
    first = api_client.post(f"{BASE}/member-reports/", {"workplace": "x"}, format="json")
    assert first.status_code == 422  # not a volunteer yet
    volunteer_of(user)
    made = api_client.post(
        f"{BASE}/member-reports/", {"workplace": "余姚市教育局党委"}, format="json"
    )
    assert made.status_code == 201 and made.json()["state"] == "reported"
    rows = api_client.get(f"{BASE}/member-reports/").json()["results"]
    assert [r["id"] for r in rows] == [made.json()["id"]]
    # A resident names no grid they may place anyone in: the id is of nothing they see.
    place = f"{BASE}/member-reports/{rows[0]['id']}/place/"
    refused = api_client.post(place, {"grid": world.grids[0].pk}, format="json")
    assert refused.status_code == 422
    assert MemberReport.objects.get(pk=rows[0]["id"]).state == "reported"
