"""The global input guard: NUL bytes, invalid UTF-8, huge ids, malformed JSON and
oversized bodies are refused with a 400 (413 for size) and a message in the user's
language, before any view runs; nothing changes in the database."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.test import Client

from grid.models import Category, ServiceRequest

from ..factories import build_world

HUGE = "9" * 25
BEYOND_INT64 = str(2**63)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def resident(world, english):
    english.force_login(world.users["resident"])
    return english


@pytest.fixture
def staff(world, english):
    english.force_login(world.users["county_admin"])
    return english


def detail(response, status=400):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    message = json.loads(response.content)["detail"]
    assert isinstance(message, str) and message
    return message


def page_message(response, status=400):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert 'data-testid="refused"' in content
    return content


def open311_error(response, fmt="json", status=400):
    assert response.status_code == status, response.content[:300]
    if fmt == "xml":
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        (error,) = root.findall("error")
        assert error.findtext("code") == str(status)
        return error.findtext("description")
    (error,) = json.loads(response.content)
    assert error["code"] == status and error["description"]
    return error["description"]


def submission(world, **changes):
    data = {
        "category": Category.objects.get(code="environment-rubbish").pk,
        "description": "楼道灯坏了",
    }
    data.update(changes)
    return data


# --- the API --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"description": "bad\x00value"},
        {"description\x00": "x"},
        {"category": int(HUGE)},
        {"category": -(2**63) - 1},
        {"building": 2**64},
    ],
)
def test_api_json_with_nul_or_huge_integer_is_400(world, resident, changes):
    before = ServiceRequest.objects.count()
    body = json.dumps(submission(world, **changes))
    message = detail(resident.post("/api/v1/requests/", body, content_type="application/json"))
    assert "NUL" in message or "whole number" in message
    assert ServiceRequest.objects.count() == before


@pytest.mark.parametrize(
    "body, words",
    [
        (b'{"description": "x", ', "not valid JSON"),
        (b"{'description': 'x'}", "not valid JSON"),
        (b'{"description": NaN}', "not valid JSON"),
        (b'{"category": 1e999}', "too large"),
        (b'{"description": "\xff\xfe broken"}', "UTF-8"),
        (b"[" * 100000 + b"]" * 100000, "JSON"),
    ],
)
def test_api_malformed_json_is_400(world, resident, body, words):
    before = ServiceRequest.objects.count()
    response = resident.post("/api/v1/requests/", body, content_type="application/json")
    assert words in detail(response)
    assert ServiceRequest.objects.count() == before


def test_api_json_on_put_and_patch_is_checked_too(world, staff):
    post_id = world.users["grid_member"].posts.first().pk
    for method in (staff.put, staff.patch):
        response = method(f"/api/v1/posts/{post_id}/", b"{nope", content_type="application/json")
        assert "JSON" in detail(response)


def test_good_json_still_passes(world, resident):
    body = json.dumps(submission(world, description="楼道灯坏了，请修理 ☺"))
    response = resident.post("/api/v1/requests/", body, content_type="application/json")
    assert response.status_code == 201, response.content


def test_an_action_without_a_body_still_passes(world, english):
    english.force_login(world.users["grid_member"])
    request = ServiceRequest.objects.get(reporter_user=world.users["resident"])
    response = english.post(
        f"/api/v1/requests/{request.pk}/register/", b"", content_type="application/json"
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "query",
    [
        "page=" + HUGE,
        "page=" + BEYOND_INT64,
        "limit=" + HUGE,
        "id=-" + HUGE,
        "street_id=" + HUGE,
        "page_size=" + HUGE,
    ],
)
def test_api_huge_ids_in_the_query_are_400(world, staff, query):
    message = detail(staff.get(f"/api/v1/residents/?{query}"))
    assert "whole number" in message and query.split("=")[0] in message


@pytest.mark.parametrize("query", ["search=%00", "search=a%00b", "x%00=1", "search=%ff%fe"])
def test_api_nul_and_invalid_utf8_in_the_query_are_400(world, staff, query):
    message = detail(staff.get(f"/api/v1/residents/?{query}"))
    assert "NUL" in message or "UTF-8" in message


def test_api_ids_within_range_and_chinese_search_pass(world, staff):
    assert staff.get("/api/v1/residents/", {"search": "张", "page": "1"}).status_code == 200
    assert staff.get(f"/api/v1/residents/?id={2**63 - 1}").status_code == 200


def test_api_date_filters_with_garbage_are_400(world, staff):
    for query in ("date_from=garbage", "date_to=2026-13-45", "date_from=99999-01-01"):
        response = staff.get(f"/api/v1/movements/?{query}")
        assert response.status_code == 400, (query, response.content)
        assert query.split("=")[0] in json.loads(response.content)


def test_api_body_over_the_limit_is_413(world, resident, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    before = ServiceRequest.objects.count()
    body = json.dumps(submission(world, description="长" * 3000))
    message = detail(resident.post("/api/v1/requests/", body, content_type="application/json"), 413)
    assert "too large" in message
    assert ServiceRequest.objects.count() == before


def test_refusals_are_in_the_users_language(world, client):
    client.force_login(world.users["resident"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = detail(client.get("/api/v1/requests/?search=%00"))
    assert response_language(client, "/api/v1/requests/?search=%00") == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert response_language(client, "/api/v1/requests/?search=%00") == "zh-hans"
    assert english


def response_language(client, path):
    return client.get(path)["Content-Language"]


# --- the pages ------------------------------------------------------------------------


def test_page_form_with_nul_is_400_and_creates_nothing(world, resident):
    before = ServiceRequest.objects.count()
    data = submission(world, description="灯坏了\x00", building=world.buildings[0].pk)
    content = page_message(resident.post("/net/requests/new/", data))
    assert "NUL" in content
    assert ServiceRequest.objects.count() == before


def test_page_form_with_invalid_utf8_is_400(world, resident):
    before = ServiceRequest.objects.count()
    body = b"category=1&description=%ff%fe%fd"
    response = resident.post(
        "/net/requests/new/", body, content_type="application/x-www-form-urlencoded"
    )
    assert "UTF-8" in page_message(response)
    assert ServiceRequest.objects.count() == before


def test_multipart_form_with_nul_is_400(world, resident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = ServiceRequest.objects.count()
    data = submission(world, description="x\x00y")
    data["photo"] = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    assert "NUL" in page_message(resident.post("/net/requests/new/", data))
    assert ServiceRequest.objects.count() == before


def test_upload_over_the_limit_is_413(world, resident, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PORTAL_MAX_UPLOAD_SIZE = 1000
    data = submission(world)
    data["photo"] = SimpleUploadedFile("a.jpg", b"\xff" * 5000, content_type="image/jpeg")
    assert "too large" in page_message(resident.post("/net/requests/new/", data), 413)


@pytest.mark.parametrize(
    "path",
    [
        "/net/residents/?q=%00",
        "/net/residents/?q=%c3%28",
        "/net/requests/?page=" + HUGE,
        "/directory/buildings/?page=" + BEYOND_INT64,
        "/net/residents/%00/",
    ],
)
def test_page_queries_with_bad_input_are_400_with_a_page(world, staff, path):
    content = page_message(staff.get(path))
    assert "NUL" in content or "UTF-8" in content or "whole number" in content
    assert "Content-Security-Policy" in staff.get(path).headers


def test_too_many_fields_is_400(world, resident, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=1" for i in range(20))
    response = resident.post(
        "/net/requests/new/", body, content_type="application/x-www-form-urlencoded"
    )
    assert "too many fields" in page_message(response)


def test_anonymous_pages_are_guarded_too(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = page_message(client.post("/accounts/login/", {"username": "a\x00", "password": "x"}))
    assert "NUL" in content


# --- Open311 --------------------------------------------------------------------------


@pytest.fixture
def key(db):
    world = build_world()
    from grid.models import Open311Key

    key = Open311Key(name="合作方", street=world.streets[0])
    plain = key.set_new_key()
    key.save()
    return world, plain


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_post_with_nul_is_400_in_the_error_format(key, english, fmt):
    world, plain = key
    before = ServiceRequest.objects.count()
    data = {
        "api_key": plain,
        "service_code": "environment-rubbish",
        "description": "x\x00",
        "address_id": world.buildings[0].code,
    }
    description = open311_error(english.post(f"/open311/v2/requests.{fmt}", data), fmt)
    assert "NUL" in description
    assert ServiceRequest.objects.count() == before


def test_open311_query_with_nul_is_400(key, english):
    description = open311_error(english.get("/open311/v2/requests.xml?status=%00"), "xml")
    assert "NUL" in description


def test_open311_string_ids_are_not_read_as_integers(key, english):
    _world, plain = key
    number = "9" * 20  # beyond 64 bits, but a request number is a string
    response = english.get(f"/open311/v2/requests.json?service_request_id={number}&api_key={plain}")
    assert response.status_code == 200
