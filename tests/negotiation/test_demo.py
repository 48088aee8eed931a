"""The demo step fills the demo resident's building's consultations (and runs once)."""

import pytest
from django.contrib.auth import get_user_model

from grid.demo import seed_demo
from negotiation.models import Support, Topic, Vote


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.PORTAL_DEMO = True
    settings.PORTAL_DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    seed_demo()


def test_the_demo_has_an_accepted_topic_an_open_vote_and_one_to_review(demo):
    assert Topic.objects.filter(state=Topic.State.SUBMITTED).count() == 1
    lift = Topic.objects.get(title="本幢加装电梯")
    assert lift.state != Topic.State.SUBMITTED
    assert Support.objects.filter(topic=lift).count() == 1
    vote = Vote.objects.get(topic=lift)
    assert vote.state == Vote.State.OPEN and vote.electorate >= 1
    seed_demo()
    assert Topic.objects.count() == 2 and Vote.objects.count() == 1


def test_the_demo_resident_votes_on_the_page(demo, client):
    client.force_login(get_user_model().objects.get(username="resident1"))
    vote = Vote.objects.get()
    page = client.get(f"/negotiation/votes/{vote.pk}/")
    assert page.status_code == 200 and vote.question in page.content.decode()
    option = vote.options.order_by("order", "id").first()
    client.post(f"/negotiation/votes/{vote.pk}/cast/", {"option": option.pk})
    assert vote.ballots.count() == 1
