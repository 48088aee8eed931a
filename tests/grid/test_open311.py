"""Open311 GeoReport v2 conformance, written from the specification
(http://wiki.open311.org/GeoReport_v2): every endpoint in JSON and XML, the error
format and status codes, partner keys bound to a node, and no personal data out."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from grid.models import Category, Open311Key, RequestEvent, ServiceRequest
from grid.services import (
    dispatch_request,
    register_request,
    reject_request,
    submit_request,
)

BASE = "/open311/v2/"
CHINESE = "楼道里堆满杂物，消防通道被堵塞！请尽快处理。「急」"


def make_key(node=None, name="合作方", active=True):
    key = Open311Key(name=name, is_active=active, **({node.tier.value: node} if node else {}))
    plain = key.set_new_key()
    key.save()
    return plain


def as_json(response, status=200):
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def as_xml(response, status=200):
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def assert_error(response, status, fmt="json"):
    """The spec's error body: a list of {code, description}."""
    if fmt == "xml":
        root = as_xml(response, status)
        assert root.tag == "errors"
        errors = root.findall("error")
        assert errors and all(e.findtext("code") == str(status) for e in errors)
        assert all(e.findtext("description") for e in errors)
        return [e.findtext("description") for e in errors]
    body = as_json(response, status)
    assert isinstance(body, list) and body
    for entry in body:
        assert set(entry) == {"code", "description"}
        assert entry["code"] == status and entry["description"]
    return [e["description"] for e in body]


@pytest.fixture
def county_key(world):
    return make_key()


@pytest.fixture
def street_key(world):
    return make_key(world.streets[0], "街道一合作方")


@pytest.fixture
def other_street_key(world):
    return make_key(world.streets[1], "街道二合作方")


def post(client, key, fmt="json", **data):
    payload = {"service_code": "environment-rubbish", "description": CHINESE}
    payload.update(data)
    if key is not None:
        payload["api_key"] = key
    payload = {k: v for k, v in payload.items() if v is not None}
    return client.post(f"{BASE}requests.{fmt}", payload)


def resident_request(world):
    """The public request the world's resident reported."""
    return ServiceRequest.objects.get(category__code="environment-rubbish", reporter__isnull=False)


def private_request(world):
    return submit_request(
        user=world.user("resident"),
        category=Category.objects.get(code="dispute-family"),
        description="家里的私事",
        is_public=False,
    )


# --- discovery and services ------------------------------------------------------------


def test_discovery_in_both_formats(client, world):
    body = as_json(client.get(f"{BASE}discovery.json"))
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = as_xml(client.get(f"{BASE}discovery.xml"))
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert set(formats) == {"text/xml", "application/json"}


def test_services_are_the_active_category_leaves(client, world):
    body = as_json(client.get(f"{BASE}services.json"))
    leaves = Category.objects.filter(parent__isnull=False, is_active=True)
    assert {s["service_code"] for s in body} == set(leaves.values_list("code", flat=True))
    rubbish = next(s for s in body if s["service_code"] == "environment-rubbish")
    assert rubbish["service_name"] == "暴露垃圾"
    assert rubbish["group"] == "环境卫生"
    assert rubbish["type"] == "realtime"
    assert rubbish["metadata"] is True
    assert {"description", "keywords"} <= set(rubbish)
    root = as_xml(client.get(f"{BASE}services.xml"))
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert sorted(codes) == sorted(s["service_code"] for s in body)
    node = next(s for s in root.findall("service") if s.findtext("service_code") == "safety-fire")
    assert node.findtext("group") == "安全隐患" and node.findtext("metadata") == "true"


def test_inactive_category_is_not_a_service(client, world):
    Category.objects.filter(code="facility-light").update(is_active=False)
    codes = {s["service_code"] for s in as_json(client.get(f"{BASE}services.json"))}
    assert "facility-light" not in codes
    assert_error(client.get(f"{BASE}services/facility-light.json"), 404)


def test_service_definition_in_both_formats(client, world):
    body = as_json(client.get(f"{BASE}services/environment-rubbish.json"))
    assert body["service_code"] == "environment-rubbish"
    (attribute,) = body["attributes"]
    assert attribute["code"] == "public" and attribute["datatype"] == "singlevaluelist"
    assert {v["key"] for v in attribute["values"]} == {"true", "false"}
    assert {"variable", "required", "datatype_description", "order", "description"} <= set(
        attribute
    )
    root = as_xml(client.get(f"{BASE}services/environment-rubbish.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "environment-rubbish"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == [
        "true",
        "false",
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_404(client, world, fmt):
    assert_error(client.get(f"{BASE}services/no-such-service.{fmt}"), 404, fmt)
    assert_error(client.get(f"{BASE}services/environment.{fmt}"), 404, fmt)  # not a leaf


def test_unknown_resources_and_formats_are_404_in_the_error_format(client, world):
    assert_error(client.get(f"{BASE}services.csv"), 404)
    assert_error(client.get(f"{BASE}nothing.xml"), 404, "xml")
    assert_error(client.get(f"{BASE}services/%00.json"), 400)  # the input guard
    assert_error(client.get(f"{BASE}requests/{'9' * 200}.json"), 404)


def test_method_not_allowed_is_405_in_the_error_format(client, world):
    assert_error(client.post(f"{BASE}services.json", {}), 405)
    assert_error(client.delete(f"{BASE}requests.xml"), 405, "xml")


def test_wrong_jurisdiction_is_400(client, world):
    assert_error(client.get(f"{BASE}services.json", {"jurisdiction_id": "somewhere"}), 400)
    assert client.get(f"{BASE}services.json", {"jurisdiction_id": "330281"}).status_code == 200


# --- POST a service request ------------------------------------------------------------


def test_post_creates_a_request_without_a_reporter(client, world, street_key):
    building = world.buildings[0]
    body = as_json(post(client, street_key, address_id=building.code), 201)
    (answer,) = body
    assert {"service_request_id", "token", "service_notice", "account_id"} <= set(answer)
    request = ServiceRequest.objects.get(number=answer["service_request_id"])
    assert request.reporter is None and request.reporter_user is None
    assert request.recorded_by is None
    assert request.building == building and request.state == "submitted"
    assert request.description == CHINESE
    assert request.is_public is True  # the category's default
    assert request.due_register_at is not None
    event = RequestEvent.objects.get(request=request)
    assert event.action == "submit" and event.actor is None and "街道一合作方" in event.note
    assert request.open311.token == answer["token"]


def test_post_in_xml(client, world, county_key):
    root = as_xml(post(client, county_key, "xml", address_id=world.buildings[5].code), 201)
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert ServiceRequest.objects.filter(number=number, building=world.buildings[5]).exists()
    assert root.findtext("request/token")


def test_post_with_the_public_attribute(client, world, county_key):
    answer = as_json(
        post(
            client, county_key, address_id=world.buildings[0].code, **{"attribute[public]": "false"}
        ),
        201,
    )[0]
    assert ServiceRequest.objects.get(number=answer["service_request_id"]).is_public is False


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "not-a-key", "x" * 500])
def test_post_without_a_valid_key_is_403(client, world, key, fmt):
    before = ServiceRequest.objects.count()
    assert_error(post(client, key, fmt, address_id=world.buildings[0].code), 403, fmt)
    assert ServiceRequest.objects.count() == before


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_with_a_nul_in_the_key_is_refused_by_the_input_guard(client, world, fmt):
    before = ServiceRequest.objects.count()
    assert_error(post(client, "bad\x00key", fmt, address_id=world.buildings[0].code), 400, fmt)
    assert ServiceRequest.objects.count() == before


def test_inactive_key_is_403(client, world):
    key = make_key(active=False)
    assert_error(post(client, key, address_id=world.buildings[0].code), 403)
    assert_error(client.get(f"{BASE}requests.json", {"api_key": key}), 403)


BAD_POSTS = [
    {"service_code": "no-such-service"},
    {"service_code": "environment"},
    {"service_code": None},
    {"service_code": "x" * 100},
    {"description": None},
    {"description": "   "},
    {"description": "垃" * 4001},
    {"description": "有\x00空字符"},
    {"address_id": None},
    {"address_id": None, "lat": "30.0"},
    {"address_id": None, "lat": "91", "long": "121"},
    {"address_id": None, "lat": "nan", "long": "121"},
    {"address_id": None, "address_string": "地" * 201},
    {"address_id": "1" * 19},
    {"address_id": "123456789012345678"},
    {"media_url": "not a url"},
    {"email": "not-an-email"},
    {"first_name": "名" * 51},
    {"attribute[public]": "maybe"},
    {"attribute[colour]": "red"},
    {"jurisdiction_id": "elsewhere"},
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("data", BAD_POSTS)
def test_bad_post_is_400_and_changes_nothing(client, world, county_key, data, fmt):
    before = ServiceRequest.objects.count()
    data = {"address_id": world.buildings[0].code, **data}
    assert_error(post(client, county_key, fmt, **data), 400, fmt)
    assert ServiceRequest.objects.count() == before


def test_post_matches_address_string_to_a_building(client, world, county_key):
    building = world.buildings[3]
    answer = as_json(
        post(client, county_key, address_id=None, address_string=building.address), 201
    )
    request = ServiceRequest.objects.get(number=answer[0]["service_request_id"])
    assert request.building == building and request.description == CHINESE
    answer = as_json(post(client, county_key, address_id=None, address_string=building.code), 201)
    assert ServiceRequest.objects.get(number=answer[0]["service_request_id"]).building == building


def test_post_keeps_an_inexact_address_and_coordinates_as_text(client, world, county_key):
    building = world.buildings[2]
    text = f"{building.address}东侧路口"
    answer = as_json(
        post(client, county_key, address_id=None, address_string=text, lat="30.04", long="121.15"),
        201,
    )
    request = ServiceRequest.objects.get(number=answer[0]["service_request_id"])
    assert request.building == building
    assert request.description.startswith(CHINESE)
    assert text in request.description and "30.04" in request.description


def test_post_matches_coordinates_to_the_nearest_building(client, world, county_key):
    building = world.buildings[5]
    lat, long = float(building.latitude), float(building.longitude)
    answer = as_json(post(client, county_key, address_id=None, lat=lat + 0.0001, long=long), 201)
    request = ServiceRequest.objects.get(number=answer[0]["service_request_id"])
    assert request.building == building
    (row,) = as_json(client.get(f"{BASE}requests/{request.number}.json"))
    assert row["lat"] == pytest.approx(lat) and row["long"] == pytest.approx(long)
    assert row["address_id"] == building.code

    # 150 m north: still that building, the point kept for the register
    answer = as_json(post(client, county_key, address_id=None, lat=lat + 0.00135, long=long), 201)
    request = ServiceRequest.objects.get(number=answer[0]["service_request_id"])
    assert request.building == building and f"{lat + 0.00135}" in request.description


def test_post_far_from_any_building_goes_to_the_nearest_grid(client, world, county_key):
    building = world.buildings[0]
    lat, long = float(building.latitude), float(building.longitude)
    answer = as_json(post(client, county_key, address_id=None, lat=lat - 0.003, long=long), 201)
    request = ServiceRequest.objects.get(number=answer[0]["service_request_id"])
    assert request.building is None and request.grid == building.grid


def test_coordinates_outside_the_keys_node_are_not_matched(client, world):
    key = make_key(world.communities[0])
    inside = world.buildings[0]
    outside = world.buildings[4]  # the second community
    assert inside.community == world.communities[0] != outside.community
    lat, long = float(outside.latitude), float(outside.longitude)
    before = ServiceRequest.objects.count()
    assert_error(post(client, key, address_id=None, lat=lat, long=long), 400)
    assert ServiceRequest.objects.count() == before


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unmatched_address_is_kept_in_the_keys_intake(client, world, fmt):
    community = world.communities[0]
    key = make_key(community, "社区合作方")
    response = post(client, key, fmt, address_id=None, address_string="火星上的某个地方")
    assert response.status_code == 201, response.content
    request = ServiceRequest.objects.latest("pk")
    assert request.place_unmatched and request.place_text == "火星上的某个地方"
    assert (request.community_id, request.street_id) == (community.pk, community.street_id)
    assert request.building_id is None and request.grid_id is None
    assert request.level == "community" and request.state == "submitted"
    assert request.due_register_at is not None
    assert request.description == CHINESE  # the place is kept apart from the description


def test_a_point_off_every_grid_is_kept_in_the_keys_intake(client, world, county_key):
    answer = as_json(post(client, county_key, address_id=None, lat="31.5", long="120.0"), 201)
    request = ServiceRequest.objects.get(number=answer[0]["service_request_id"])
    assert request.place_unmatched and "31.5" in request.place_text
    assert request.street_id is None and request.level == "street"


def test_post_to_a_grid_code(client, world, county_key):
    grid = world.grids[1]
    answer = as_json(post(client, county_key, address_id=grid.code), 201)
    request = ServiceRequest.objects.get(number=answer[0]["service_request_id"])
    assert request.grid == grid and request.building is None


def test_street_key_cannot_post_to_another_street(client, world, street_key):
    before = ServiceRequest.objects.count()
    other = world.buildings[8]  # the second street
    assert other.street_id == world.streets[1].pk
    assert_error(post(client, street_key, address_id=other.code), 403)
    assert_error(post(client, street_key, address_id=None, address_string=other.code), 403)
    assert_error(post(client, street_key, address_id=world.grids[4].code), 403)
    assert ServiceRequest.objects.count() == before
    # An address of the other street is not even searched: kept as text, in the street's
    # own intake, for its workers to place.
    answer = as_json(post(client, street_key, address_id=None, address_string=other.address), 201)
    kept = ServiceRequest.objects.get(number=answer[0]["service_request_id"])
    assert kept.place_unmatched and kept.street_id == world.streets[0].pk
    assert kept.building_id is None and kept.place_text == other.address


def test_community_key_posts_only_within_its_community(client, world):
    key = make_key(world.communities[0], "社区合作方")
    as_json(post(client, key, address_id=world.buildings[1].code), 201)
    assert_error(post(client, key, address_id=world.buildings[4].code), 403)


def test_oversized_body_is_a_4xx(client, world, county_key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, county_key, address_id=world.buildings[0].code, device_id="d" * 2000)
    assert_error(response, 413)


def test_post_needs_no_csrf_token_even_with_a_session(world, county_key):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("county_admin"))
    as_json(post(client, county_key, address_id=world.buildings[0].code), 201)


# --- tokens ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_token_leads_to_the_request(client, world, county_key, fmt):
    answer = as_json(post(client, county_key, address_id=world.buildings[0].code), 201)[0]
    response = client.get(f"{BASE}tokens/{answer['token']}.{fmt}")
    if fmt == "json":
        (found,) = as_json(response)
        assert found == {
            "service_request_id": answer["service_request_id"],
            "token": answer["token"],
        }
    else:
        root = as_xml(response)
        assert root.tag == "service_requests"
        assert root.findtext("request/service_request_id") == answer["service_request_id"]
        assert root.findtext("request/token") == answer["token"]
    assert_error(client.get(f"{BASE}tokens/deadbeef.{fmt}"), 404, fmt)


# --- GET service requests --------------------------------------------------------------


def _ids(body):
    return {r["service_request_id"] for r in body}


def test_public_get_shows_only_public_requests(client, world, county_key):
    public = resident_request(world)
    assert public.is_public
    secret = private_request(world)
    ids = _ids(as_json(client.get(f"{BASE}requests.json")))
    assert public.number in ids and secret.number not in ids
    assert_error(client.get(f"{BASE}requests/{secret.number}.json"), 404)
    keyed = _ids(as_json(client.get(f"{BASE}requests.json", {"api_key": county_key})))
    assert {public.number, secret.number} <= keyed
    detail = as_json(client.get(f"{BASE}requests/{secret.number}.json", {"api_key": county_key}))
    assert detail[0]["service_request_id"] == secret.number


def test_keyed_get_sees_only_the_keys_node(client, world, street_key, other_street_key):
    secret = private_request(world)  # in the first street
    assert secret.number in _ids(
        as_json(client.get(f"{BASE}requests.json", {"api_key": street_key}))
    )
    other = _ids(as_json(client.get(f"{BASE}requests.json", {"api_key": other_street_key})))
    assert secret.number not in other
    response = client.get(f"{BASE}requests/{secret.number}.json", {"api_key": other_street_key})
    assert_error(response, 404)
    # A public request of another street stays visible to everybody, key or not.
    public = resident_request(world)
    assert public.number not in other


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_key_on_get_is_403(client, world, fmt):
    assert_error(client.get(f"{BASE}requests.{fmt}", {"api_key": "wrong"}), 403, fmt)
    number = ServiceRequest.objects.first().number
    assert_error(client.get(f"{BASE}requests/{number}.{fmt}", {"api_key": "wrong"}), 403, fmt)


FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def test_request_fields_and_mapping(client, world, county_key):
    request = resident_request(world)
    (row,) = as_json(client.get(f"{BASE}requests/{request.number}.json"))
    assert set(row) == FIELDS
    assert row["status"] == "open" and row["status_notes"]
    assert row["service_code"] == "environment-rubbish" and row["service_name"] == "暴露垃圾"
    assert row["address_id"] == world.buildings[0].code
    assert row["address"] == world.buildings[0].address
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert row[name].endswith("+08:00"), row[name]
        datetime.datetime.fromisoformat(row[name])
    expected = datetime.datetime.fromisoformat(row["expected_datetime"])
    assert expected == request.due_register_at.replace(microsecond=0)
    # Registered: the due time is the handling limit; dispatched: the unit is responsible.
    register_request(user=world.user("grid_member"), request=request)
    request.refresh_from_db()
    (row,) = as_json(client.get(f"{BASE}requests/{request.number}.json"))
    expected = datetime.datetime.fromisoformat(row["expected_datetime"])
    assert expected == request.due_handle_at.replace(microsecond=0)
    assert world.grids[0].name in row["agency_responsible"]
    unit = world.units[0]
    dispatch_request(user=world.user("grid_member"), request=request, handler_unit=unit)
    (row,) = as_json(client.get(f"{BASE}requests/{request.number}.json"))
    assert row["agency_responsible"] == unit.name and row["status"] == "open"


def test_rejected_request_is_closed_with_the_reason(client, world):
    request = resident_request(world)
    reject_request(user=world.user("grid_member"), request=request, reason="不属于本辖区")
    root = as_xml(client.get(f"{BASE}requests/{request.number}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/status") == "closed"
    assert "不属于本辖区" in root.findtext("request/status_notes")
    assert {child.tag for child in root.find("request")} == FIELDS


def test_filters(client, world, county_key):
    first = resident_request(world)
    secret = private_request(world)
    water = as_json(
        post(
            client, county_key, address_id=world.buildings[2].code, service_code="environment-water"
        ),
        201,
    )[0]["service_request_id"]
    keyed = {"api_key": county_key}

    def ids(**params):
        return _ids(as_json(client.get(f"{BASE}requests.json", {**keyed, **params})))

    assert ids(service_request_id=f"{first.number},{water}") == {first.number, water}
    assert ids(service_request_id=f" {water} ") == {water}
    assert ids(service_code="environment-water") == {water}
    assert ids(service_code="environment-water,dispute-family") == {water, secret.number}
    reject_request(user=world.user("grid_member"), request=secret, reason="重复")
    assert ids(status="closed") == {secret.number}
    assert ids(status="open") == {first.number, water}
    assert ids(status="open,closed") == {first.number, water, secret.number}
    # Dates: the default window is 90 days; ranges up to 90 days are allowed.
    old = timezone.now() - datetime.timedelta(days=100)
    ServiceRequest.objects.filter(pk=first.pk).update(created_at=old)
    assert first.number not in ids()
    start = (old - datetime.timedelta(days=1)).isoformat()
    end = (old + datetime.timedelta(days=1)).isoformat()
    assert ids(start_date=start, end_date=end) == {first.number}
    assert ids(start_date=start) == {first.number}
    assert first.number in ids(end_date=end)
    day = timezone.localtime(old).date().isoformat()
    assert first.number in ids(start_date=day)
    assert ids(start_date="2001-01-01T00:00:00Z", end_date="2001-02-01T00:00:00+08:00") == set()
    # service_request_id overrides the other filters.
    assert ids(service_request_id=first.number, status="closed") == {first.number}


BAD_QUERIES = [
    {"start_date": "yesterday"},
    {"start_date": "2024-13-45T00:00:00Z"},
    {"start_date": "0001-01-01T00:00:00+08:00"},
    {"end_date": "99999-01-01"},
    {"end_date": "9999-12-31T23:59:59Z"},
    {"start_date": "2024-02-01", "end_date": "2024-01-01"},
    {"start_date": "2024-01-01", "end_date": "2024-06-01"},
    {"start_date": "2024-01-01\x00"},
    {"status": "pending"},
    {"service_code": "no-such-service"},
    {"service_request_id": "9" * 50},
    {"service_request_id": ",".join(str(n) for n in range(101))},
    {"service_request_id": "1\x00"},
    {"jurisdiction_id": "elsewhere"},
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("params", BAD_QUERIES)
def test_bad_queries_are_400(client, world, params, fmt):
    assert_error(client.get(f"{BASE}requests.{fmt}", params), 400, fmt)


def test_get_requests_in_xml(client, world, county_key):
    root = as_xml(client.get(f"{BASE}requests.xml", {"api_key": county_key}))
    assert root.tag == "service_requests"
    requests = root.findall("request")
    assert len(requests) == ServiceRequest.objects.count()
    for element in requests:
        assert {child.tag for child in element} == FIELDS
        assert element.findtext("status") in {"open", "closed"}


def test_xml_survives_control_characters(client, world):
    request = resident_request(world)
    ServiceRequest.objects.filter(pk=request.pk).update(description="垃圾\x0b\x1f堆放")
    root = as_xml(client.get(f"{BASE}requests/{request.number}.xml"))
    assert root.findtext("request/description") == "垃圾堆放"


# --- Chinese text and personal data ----------------------------------------------------


def test_chinese_round_trips_unchanged_in_both_formats(client, world, county_key):
    answer = as_json(post(client, county_key, address_id=world.buildings[0].code), 201)[0]
    number = answer["service_request_id"]
    response = client.get(f"{BASE}requests/{number}.json")
    assert CHINESE.encode("utf-8") in response.content  # UTF-8, not \\u escapes
    assert as_json(response)[0]["description"] == CHINESE
    response = client.get(f"{BASE}requests/{number}.xml")
    assert CHINESE.encode("utf-8") in response.content
    assert as_xml(response).findtext("request/description") == CHINESE


def test_no_personal_data_in_any_response(client, world, county_key):
    register_request(user=world.user("grid_member"), request=ServiceRequest.objects.first())
    private_request(world)
    partner = as_json(
        post(
            client,
            county_key,
            address_id=world.buildings[0].code,
            first_name="小明",
            last_name="欧阳",
            phone="13912345678",
            email="ouyang@example.com",
        ),
        201,
    )[0]
    number = partner["service_request_id"]
    token = partner["token"]
    responses = []
    for fmt in ("json", "xml"):
        responses += [
            client.get(f"{BASE}requests.{fmt}"),
            client.get(f"{BASE}requests.{fmt}", {"api_key": county_key}),
            client.get(f"{BASE}requests/{number}.{fmt}", {"api_key": county_key}),
            client.get(f"{BASE}tokens/{token}.{fmt}"),
            client.get(f"{BASE}services.{fmt}"),
        ]
    forbidden = ["欧阳", "小明", "13912345678", "ouyang@example.com", "resident"]
    for resident in world.residents:
        # masked forms too: the last four digits after the mask, not inside building codes
        forbidden += [
            resident.name,
            resident.phone,
            resident.id_number,
            "*" + resident.id_number[-4:],
        ]
        forbidden += ["*" + resident.phone[-4:]]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode("utf-8")
        for value in forbidden:
            assert value not in text, (response.request["PATH_INFO"], value)


# --- keys in admin and in the demo -----------------------------------------------------


def test_county_admin_issues_a_key_in_admin_and_sees_it_once(client, world):
    client.force_login(world.user("county_admin"))
    response = client.post(
        "/admin/grid/open311key/add/",
        {"name": "市民App", "street": world.streets[0].pk, "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    key = Open311Key.objects.get(name="市民App")
    assert key.street == world.streets[0] and key.community is None
    shown = " ".join(str(m) for m in response.context["messages"])
    plain = re.search(re.escape(key.key_prefix) + r"[A-Za-z0-9_-]{30,}", shown).group(0)
    assert Open311Key.objects.for_plain_key(plain).get() == key
    assert plain not in client.get(f"/admin/grid/open311key/{key.pk}/change/").content.decode()


def test_street_admin_sees_and_issues_keys_only_for_its_street(client, world):
    make_key(world.streets[1], "街道二合作方")
    mine = make_key(world.streets[0], "街道一合作方")
    client.force_login(world.user("street_admin"))
    page = client.get("/admin/grid/open311key/").content.decode()
    assert "街道一合作方" in page and "街道二合作方" not in page
    client.post("/admin/grid/open311key/add/", {"name": "越权", "street": world.streets[1].pk})
    client.post("/admin/grid/open311key/add/", {"name": "全市"})
    assert not Open311Key.objects.filter(name__in=["越权", "全市"]).exists()
    assert mine


def test_seed_demo_issues_one_county_key_and_reuses_it(db, settings, tmp_path, client):
    from grid.demo import seed_demo

    settings.PORTAL_DEMO = True
    settings.PORTAL_DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    seed_demo()
    key_file = tmp_path / "demo-open311-key.txt"
    plain = key_file.read_text(encoding="utf-8").strip()
    key = Open311Key.objects.for_plain_key(plain).get()
    assert key.street is None and key.community is None
    seed_demo()
    assert key_file.read_text(encoding="utf-8").strip() == plain
    assert Open311Key.objects.count() == 1
    assert client.get(f"{BASE}requests.json", {"api_key": plain}).status_code == 200


def test_request_list_is_one_query_whatever_its_length(
    client, world, county_key, django_assert_max_num_queries
):
    for building in world.buildings[:6]:
        as_json(post(client, county_key, address_id=building.code), 201)
    with django_assert_max_num_queries(3):  # the key, the requests (and a savepoint)
        body = as_json(client.get(f"{BASE}requests.json", {"api_key": county_key}))
    assert len(body) == 7
