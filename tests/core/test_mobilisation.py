"""core.mobilisation: the registry between an emergency and whichever mode mobilises
volunteers, without the modes importing each other."""

import pytest
from django.core.exceptions import PermissionDenied

from core import mobilisation
from core.mobilisation import MobilisationState


@pytest.fixture
def registry():
    saved = dict(mobilisation.PROVIDERS)
    mobilisation.PROVIDERS.clear()
    yield mobilisation.PROVIDERS
    mobilisation.PROVIDERS.clear()
    mobilisation.PROVIDERS.update(saved)


def test_each_provider_is_asked_and_its_reference_kept(registry, db):
    calls = []

    def start(*, by, node, kind, title, reason):
        calls.append((by, node, kind, title))
        return 7

    def state(*, ref, viewer):
        return MobilisationState("fake", "t", True, households=4, answered=3)

    mobilisation.register("fake", mobilise=start, state=state)
    links = mobilisation.mobilise(by="u", node="n", kind="flood", title="t")
    assert links == {"fake": {"ref": "7"}}
    assert calls == [("u", "n", "flood", "t")]
    [seen] = mobilisation.states(links, viewer="v")
    assert seen.percent == 75


def test_a_refusal_is_kept_as_its_reason_and_stands_down_nothing(registry, db):
    def refuse(**kwargs):
        raise PermissionDenied("no post")

    stood = []
    mobilisation.register(
        "fake",
        mobilise=refuse,
        state=lambda **kw: None,
        stand_down=lambda **kw: stood.append(kw),
    )
    links = mobilisation.mobilise(by="u", node="n", kind="fire", title="t")
    assert mobilisation.refusals(links) == {"fake": "no post"}
    assert mobilisation.states(links, viewer="v") == []
    mobilisation.stand_down(by="u", links=links)
    assert stood == []


def test_unknown_or_malformed_links_are_ignored(registry, db):
    assert mobilisation.states({"gone": {"ref": "1"}, "x": "junk"}, viewer=None) == []
    assert mobilisation.states(None, viewer=None) == []
    mobilisation.stand_down(by=None, links={"gone": {"ref": "1"}})


def test_volunteers_registers_its_provider_at_startup():
    assert "volunteers" in mobilisation.PROVIDERS
