"""Chinese by default, English on request, catalogues complete and compiled."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
# The project's catalogue, and one per app of the modes (each app owns its strings, so
# the apps can be built side by side): ``cd volunteers && django-admin makemessages``.
CATALOGUES = sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")) + sorted(
    ROOT.glob("*/locale/*/LC_MESSAGES/*.po")
)
ZH_CATALOGUES = [p for p in CATALOGUES if p.parent.parent.name == "zh_Hans"]


def test_pages_are_chinese_by_default_even_for_english_browsers(world, client):
    client.force_login(world.users["grid_member"])
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "工作台" in html and "网格员" in html


def test_the_user_can_switch_to_english_and_back(world, client):
    client.force_login(world.users["grid_member"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "Workbench" in html and "Grid member" in html and "工作台" not in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "工作台" in client.get("/").content.decode()


def test_api_errors_follow_the_language(world, api_client):
    response = api_client.get("/api/v1/streets/")
    assert response.status_code in (401, 403)
    assert "身份" in response.json()["detail"] or "认证" in response.json()["detail"]


@pytest.mark.parametrize("zh", ZH_CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_a_chinese_translation(zh):
    catalogue = polib.pofile(str(zh))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert missing == [] and fuzzy == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogues_match_their_sources(po_path, tmp_path):
    compiled = tmp_path / "django.mo"
    polib.pofile(str(po_path)).save_as_mofile(str(compiled))
    committed = po_path.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run scripts/compile_messages.py"
    assert polib.mofile(str(committed)).ordered_metadata() is not None
    ours = {e.msgid: e.msgstr for e in polib.mofile(str(compiled))}
    theirs = {e.msgid: e.msgstr for e in polib.mofile(str(committed))}
    assert ours == theirs, "the .mo is stale: run scripts/compile_messages.py"


def test_translation_of_model_names():
    with translation.override("zh-hans"):
        from grid.models import Building

        assert str(Building._meta.verbose_name) == "楼栋"
