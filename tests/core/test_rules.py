"""Rule parameters: defaults, the most specific scope, dates in force, the cache, refusals,
the admin and the history."""

import ast
import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation

from core.rules import registry, rule
from core.rules.migration_helpers import install_defaults
from core.rules.models import RuleChange, RuleValue, today
from core.rules.registry import Kind, Parameter
from core.rules.services import delete_rule, set_rule

LIMIT = "tests.rules.register_limit"
FLAG = "tests.rules.flag"
MODE = "tests.rules.mode"
COUNT = "tests.rules.count"


@dataclass
class FakeNode:
    """What grid's models will offer: ``rule_scopes``, most specific first."""

    rule_scopes: list


COMMUNITY_7 = FakeNode([("community", 7), ("street", 2)])
COMMUNITY_8 = FakeNode([("community", 8), ("street", 2)])
COMMUNITY_9_OTHER_STREET = FakeNode([("community", 9), ("street", 3)])
STREET_2 = FakeNode([("street", 2)])


@pytest.fixture(autouse=True)
def parameters():
    with registry.temporary(
        Parameter(
            key=LIMIT,
            default=Decimal("1"),
            kind=Kind.DECIMAL,
            unit="working hours",
            label="Register within",
            help="From the report to its registration.",
            minimum=Decimal("0.5"),
            maximum=Decimal("72"),
            source="12345 hotline rules",
        ),
        Parameter(key=FLAG, default=False, kind="bool", label="A switch"),
        Parameter(
            key=MODE,
            default="a",
            kind=Kind.CHOICE,
            choices=[("a", "Mode A"), ("b", "Mode B")],
        ),
        Parameter(key=COUNT, default=3, kind=Kind.INT, minimum=0, maximum=10),
    ) as registered:
        yield registered


def tomorrow():
    return today() + datetime.timedelta(days=1)


# --- registry ---------------------------------------------------------------------------


def test_registering_the_same_key_with_another_definition_raises():
    again = Parameter(key=COUNT, default=3, kind=Kind.INT, minimum=0, maximum=10)
    registry.register(again)  # the same definition: fine
    with pytest.raises(ValueError, match="already registered"):
        registry.register(Parameter(key=COUNT, default=4, kind=Kind.INT))


def test_temporary_parameters_are_gone_after_the_block():
    with registry.temporary(Parameter(key="tests.rules.passing", default=1, kind="int")):
        assert registry.get_parameter("tests.rules.passing").default == 1
    assert not registry.is_registered("tests.rules.passing")
    assert [p.key for p in registry.all_parameters()] == sorted(
        p.key for p in registry.all_parameters()
    )


def test_a_definition_with_a_refused_default_raises():
    with pytest.raises(ValueError, match="default"):
        Parameter(key="tests.rules.bad", default=20, kind=Kind.INT, maximum=10)
    with pytest.raises(ValueError):
        Parameter(key="Not A Key", default=1, kind=Kind.INT)


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        (LIMIT, " 2.50 ", Decimal("2.5")),
        (LIMIT, "72", Decimal("72")),
        (COUNT, "0", 0),
        (FLAG, "是", True),
        (FLAG, "false", False),
        (MODE, "b", "b"),
    ],
)
def test_parse_turns_text_into_the_typed_value(key, text, value):
    assert registry.parse(registry.get_parameter(key), text) == value


@pytest.mark.parametrize(
    ("key", "text", "words"),
    [
        (LIMIT, "abc", "请输入数字"),
        (LIMIT, "NaN", "请输入数字"),
        (LIMIT, "1e3", "请输入数字"),
        (LIMIT, "0.1", "不得小于"),
        (LIMIT, "100", "不得大于"),
        (LIMIT, "1\x00", "空字符"),
        (LIMIT, "9" * 2000, "过长"),
        (COUNT, "2.5", "整数"),
        (COUNT, "１２", "整数"),
        (COUNT, "", "请输入"),
        (FLAG, "maybe", "是"),
        (MODE, "c", "Mode A"),
    ],
)
def test_parse_refuses_bad_text_with_a_chinese_message(key, text, words):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        registry.parse(registry.get_parameter(key), text)
    with translation.override("zh-hans"):
        assert words in " ".join(refused.value.messages)


# --- reading ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_default_applies_with_no_row():
    assert rule(LIMIT) == Decimal("1")
    assert rule(LIMIT, COMMUNITY_7) == Decimal("1")
    assert rule(FLAG) is False


@pytest.mark.django_db
def test_a_county_row_overrides_the_default():
    set_rule(key=LIMIT, value="2", source_title="County notice")
    assert rule(LIMIT) == Decimal("2")
    assert rule(LIMIT, COMMUNITY_7) == Decimal("2")


@pytest.mark.django_db
def test_a_street_row_overrides_the_county_for_a_node_in_that_street():
    set_rule(key=LIMIT, value="2")
    set_rule(key=LIMIT, value="3", scope="street", scope_id=2)
    assert rule(LIMIT, STREET_2) == Decimal("3")
    assert rule(LIMIT, COMMUNITY_7) == Decimal("3")
    assert rule(LIMIT, COMMUNITY_9_OTHER_STREET) == Decimal("2")
    assert rule(LIMIT) == Decimal("2")


@pytest.mark.django_db
def test_a_community_row_overrides_the_street():
    set_rule(key=LIMIT, value="3", scope="street", scope_id=2)
    set_rule(key=LIMIT, value="4", scope="community", scope_id=7)
    assert rule(LIMIT, COMMUNITY_7) == Decimal("4")
    assert rule(LIMIT, COMMUNITY_8) == Decimal("3")


@pytest.mark.django_db
def test_a_row_in_force_from_tomorrow_applies_only_from_tomorrow():
    set_rule(key=LIMIT, value="2", in_force_from=today() - datetime.timedelta(days=30))
    set_rule(key=LIMIT, value="5", in_force_from=tomorrow())
    assert rule(LIMIT) == Decimal("2")
    assert rule(LIMIT, on=tomorrow()) == Decimal("5")
    assert rule(LIMIT, on=today() - datetime.timedelta(days=31)) == Decimal("1")


@pytest.mark.django_db
def test_an_unknown_key_is_a_key_error():
    with pytest.raises(KeyError):
        rule("tests.rules.nobody_registered_this")


@pytest.mark.django_db
def test_a_stored_value_the_parameter_now_refuses_falls_back_to_the_less_specific_scope():
    RuleValue.objects.filter(key__startswith="tests.").create(key=LIMIT, value="2")
    RuleValue.objects.filter(key__startswith="tests.").create(
        key=LIMIT, value="500", scope="street", scope_id=2
    )
    assert rule(LIMIT, STREET_2) == Decimal("2")


# --- the cache --------------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_through_the_service_invalidates_the_cache_at_once():
    assert rule(LIMIT) == Decimal("1")
    set_rule(key=LIMIT, value="2")
    assert rule(LIMIT) == Decimal("2")
    set_rule(key=LIMIT, value="2.5")
    assert rule(LIMIT) == Decimal("2.5")


@pytest.mark.django_db
def test_a_committed_write_invalidates_the_cache_for_every_reader(
    django_capture_on_commit_callbacks,
):
    assert rule(LIMIT) == Decimal("1")
    with django_capture_on_commit_callbacks(execute=True):
        set_rule(key=LIMIT, value="2")
    assert rule(LIMIT) == Decimal("2")
    with django_capture_on_commit_callbacks(execute=True):
        delete_rule(rule_value=RuleValue.objects.filter(key__startswith="tests.").get(key=LIMIT))
    assert rule(LIMIT) == Decimal("1")


@pytest.mark.django_db
def test_a_direct_save_invalidates_the_cache(django_capture_on_commit_callbacks):
    assert rule(COUNT) == 3
    with django_capture_on_commit_callbacks(execute=True):
        row = RuleValue.objects.filter(key__startswith="tests.").create(key=COUNT, value="5")
    assert rule(COUNT) == 5
    with django_capture_on_commit_callbacks(execute=True):
        row.value = "6"
        row.save()
    assert rule(COUNT) == 6
    with django_capture_on_commit_callbacks(execute=True):
        RuleValue.objects.filter(key__startswith="tests.").filter(pk=row.pk).update(value="7")
    assert rule(COUNT) == 7
    with django_capture_on_commit_callbacks(execute=True):
        row.delete()
    assert rule(COUNT) == 3


@pytest.mark.django_db
def test_a_row_moved_to_another_key_invalidates_both(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        RuleValue.objects.filter(key__startswith="tests.").create(key=COUNT, value="5")
    assert (rule(COUNT), rule(LIMIT)) == (5, Decimal("1"))
    with django_capture_on_commit_callbacks(execute=True):
        row = RuleValue.objects.filter(key__startswith="tests.").get(key=COUNT)
        row.key = LIMIT
        row.save()
    assert (rule(COUNT), rule(LIMIT)) == (3, Decimal("5"))


@pytest.mark.django_db
def test_a_write_rolled_back_leaves_nothing_in_the_cache():
    assert rule(LIMIT) == Decimal("1")

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        set_rule(key=LIMIT, value="9")
        assert rule(LIMIT) == Decimal("9")  # the writer sees its own write
        raise Undo
    assert rule(LIMIT) == Decimal("1")


@pytest.mark.django_db
def test_a_second_read_of_a_key_does_no_query(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_rule(key=LIMIT, value="2")
        set_rule(key=LIMIT, value="3", scope="street", scope_id=2)
    with django_assert_num_queries(1):
        assert rule(LIMIT, COMMUNITY_7) == Decimal("3")
    with django_assert_num_queries(0):
        assert rule(LIMIT, COMMUNITY_7) == Decimal("3")
        assert rule(LIMIT) == Decimal("2")
        assert rule(LIMIT, on=tomorrow()) == Decimal("2")
    with django_assert_num_queries(1):
        assert rule(COUNT) == 3  # no row: the default, cached too
    with django_assert_num_queries(0):
        assert rule(COUNT) == 3


# --- writing ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "words"),
    [("abc", "请输入数字"), ("200", "不得大于"), ("2\x00", "空字符"), ("", "请输入")],
)
def test_bad_values_are_refused_with_a_message_and_nothing_is_saved(value, words):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        set_rule(key=LIMIT, value=value)
    with translation.override("zh-hans"):
        assert words in " ".join(refused.value.message_dict["value"])
    assert not RuleValue.objects.filter(key__startswith="tests.").exists()
    assert not RuleChange.objects.filter(key__startswith="tests.").exists()
    assert rule(LIMIT) == Decimal("1")


@pytest.mark.django_db
def test_an_unknown_key_or_a_wrong_scope_id_is_refused():
    with pytest.raises(ValidationError) as refused:
        set_rule(key="tests.rules.unknown", value="1")
    assert "key" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        set_rule(key=LIMIT, value="2", scope="street")
    assert "scope_id" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        set_rule(key=LIMIT, value="2", scope="county", scope_id=3)
    assert "scope_id" in refused.value.message_dict
    assert not RuleValue.objects.filter(key__startswith="tests.").exists()


@pytest.mark.django_db
def test_set_rule_updates_the_row_of_the_same_date_and_keeps_the_history():
    user = get_user_model().objects.create_user("rules-admin", password="x-Long-Pass-1")
    first = set_rule(key=LIMIT, value="2.50", source_title="Notice 1", by=user)
    assert first.value == "2.5"  # the canonical text
    second = set_rule(key=LIMIT, value=Decimal("3"), source_title="Notice 2", by=user)
    set_rule(key=LIMIT, value="3", source_title="Notice 2", by=user)  # no change: no row
    assert second.pk == first.pk and RuleValue.objects.filter(key__startswith="tests.").count() == 1
    delete_rule(rule_value=second, by=user)
    history = list(
        RuleChange.objects.filter(key__startswith="tests.")
        .order_by("id")
        .values_list("action", "old_value", "new_value")
    )
    assert history == [("created", "", "2.5"), ("changed", "2.5", "3"), ("deleted", "3", "")]
    assert set(
        RuleChange.objects.filter(key__startswith="tests.").values_list(
            "changed_by_name", flat=True
        )
    ) == {"rules-admin"}


@pytest.mark.django_db
def test_typed_values_are_stored_as_canonical_text():
    assert set_rule(key=FLAG, value=True).value == "true"
    assert rule(FLAG) is True
    assert set_rule(key=COUNT, value=4).value == "4"
    assert rule(COUNT) == 4


@pytest.mark.django_db
def test_the_county_and_a_street_may_hold_the_same_date_but_not_twice():
    set_rule(key=LIMIT, value="2")
    set_rule(key=LIMIT, value="3", scope="street", scope_id=2)
    with pytest.raises(ValidationError):
        RuleValue(key=LIMIT, value="4").full_clean()
    with pytest.raises(ValidationError):
        RuleValue(key=LIMIT, value="4", scope="street", scope_id=2).full_clean()
    RuleValue(key=LIMIT, value="4", scope="street", scope_id=5).full_clean()


@pytest.mark.django_db
def test_the_history_is_append_only():
    set_rule(key=LIMIT, value="2")
    change = RuleChange.objects.filter(key__startswith="tests.").get()
    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        change.delete()
    with pytest.raises(TypeError):
        RuleChange.objects.filter(key__startswith="tests.").update(new_value="9")
    with pytest.raises(TypeError):
        RuleChange.objects.filter(key__startswith="tests.").all().delete()


@pytest.mark.django_db
def test_install_defaults_creates_the_missing_county_rows_only():
    from django.apps import apps

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    set_rule(key=COUNT, value="5", in_force_from=datetime.date(2024, 1, 1))
    rows = [
        (LIMIT, "2.0", "Notice", "2024-01-01"),
        (COUNT, "7", "Notice", datetime.date(2024, 1, 1)),
    ]
    assert install_defaults(apps, editor, rows) == 1
    assert install_defaults(apps, editor, rows) == 0
    assert rule(LIMIT) == Decimal("2") and rule(COUNT) == 5
    assert RuleValue.objects.filter(key__startswith="tests.").get(key=LIMIT).value == "2"
    assert (
        RuleChange.objects.filter(key__startswith="tests.")
        .filter(key=LIMIT, action="created")
        .count()
        == 1
    )


# --- the admin --------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        "rules-super", "rules@example.invalid", "x-Long-Pass-1"
    )


def _form(**changes):
    data = {
        "key": LIMIT,
        "scope": "county",
        "scope_id": "",
        "value": "2",
        "in_force_from": today().isoformat(),
        "source_title": "County notice 3",
        "note": "",
        "_save": "save",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_admin_saves_a_valid_value_through_the_service(client, superuser):
    client.force_login(superuser)
    page = client.get("/admin/rules/rulevalue/add/")
    assert page.status_code == 200
    assert LIMIT in page.content.decode() and "working hours" in page.content.decode()
    response = client.post("/admin/rules/rulevalue/add/", _form(value="2.50"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert rule(LIMIT) == Decimal("2.5")
    row = RuleValue.objects.filter(key__startswith="tests.").get()
    assert (row.value, row.changed_by) == ("2.5", superuser)
    change = RuleChange.objects.filter(key__startswith="tests.").get()
    assert (change.action, change.new_value, change.changed_by) == ("created", "2.5", superuser)

    response = client.post(
        f"/admin/rules/rulevalue/{row.pk}/change/",
        {"value": "4", "source_title": "County notice 4", "note": "", "_save": "save"},
    )
    assert response.status_code == 302
    assert rule(LIMIT) == Decimal("4")
    assert (
        RuleChange.objects.filter(key__startswith="tests.")
        .filter(action="changed", old_value="2.5", new_value="4")
        .exists()
    )
    listing = client.get("/admin/rules/rulevalue/").content.decode()
    assert "Register within" in listing and "County notice 4" in listing
    assert client.get(f"/admin/rules/rulevalue/{row.pk}/change/").status_code == 200
    assert client.get("/admin/rules/rulechange/").status_code == 200

    response = client.post(f"/admin/rules/rulevalue/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert rule(LIMIT) == Decimal("1")
    assert RuleChange.objects.filter(key__startswith="tests.").filter(action="deleted").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"value": "abc"}, "请输入数字"),
        ({"value": "100"}, "不得大于"),
        ({"scope": "street"}, "街道或社区的编号"),
        ({"key": "tests.rules.unknown"}, "选择一个有效的选项"),
    ],
)
def test_the_admin_shows_a_bad_value_as_an_error_and_saves_nothing(
    client, superuser, changes, words
):
    client.force_login(superuser)
    response = client.post(
        "/admin/rules/rulevalue/add/", _form(**changes), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    assert (
        not RuleValue.objects.filter(key__startswith="tests.").exists()
        and not RuleChange.objects.filter(key__startswith="tests.").exists()
    )
    assert rule(LIMIT) == Decimal("1")


@pytest.mark.django_db
def test_the_rule_history_admin_is_read_only(client, superuser):
    set_rule(key=LIMIT, value="2")
    change = RuleChange.objects.filter(key__startswith="tests.").get()
    client.force_login(superuser)
    assert client.get("/admin/rules/rulechange/add/").status_code == 403
    page = client.get(f"/admin/rules/rulechange/{change.pk}/change/")
    assert page.status_code == 200 and 'name="new_value"' not in page.content.decode()
    refused = client.post(f"/admin/rules/rulechange/{change.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 403
    assert RuleChange.objects.filter(key__startswith="tests.").count() == 1


@pytest.mark.django_db
def test_staff_without_the_model_permission_cannot_open_the_rules(client):
    staff = get_user_model().objects.create_user("rules-staff", password="x-Long-Pass-1")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/rules/rulevalue/").status_code == 403
    assert client.post("/admin/rules/rulevalue/add/", _form()).status_code == 403
    assert not RuleValue.objects.filter(key__startswith="tests.").exists()


# --- layering ---------------------------------------------------------------------------

APPS_ABOVE = ("grid", "volunteers", "negotiation", "funding", "training", "yuyao_portal")


def test_the_rules_app_imports_nothing_from_the_apps_above():
    root = Path(__file__).resolve().parents[2] / "core" / "rules"
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [
                f"{path.name}: {name}" for name in names if name.split(".")[0] in APPS_ABOVE
            ]
    assert offenders == []
