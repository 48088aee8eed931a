"""The API schema says what the portal answers and refuses (yuyao_portal/openapi.py)."""

import pytest
from rest_framework.test import APIClient

REFUSALS = {"400", "401", "403", "404", "409", "413", "415", "422", "429"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_documents_the_refusals(schema):
    for path, method, operation in _operations(schema):
        assert set(operation["responses"]) >= REFUSALS, (method, path)
    assert schema["components"]["schemas"]["Refusal"]["required"] == ["detail"]


def test_texts_refuse_nul_and_integers_stay_in_64_bits(schema):
    building = schema["components"]["schemas"]["BuildingRequest"]
    assert building["properties"]["name"]["pattern"] == "^[^\\x00]*$"
    assert building["properties"]["grid"]["maximum"] == 2**63 - 1
    assert building["additionalProperties"] is False


def test_masked_fields_have_their_pattern_on_input_only(schema):
    components = schema["components"]["schemas"]
    assert "pattern" in components["ResidentRequest"]["properties"]["id_number"]
    assert "pattern" not in components["Resident"]["properties"]["id_number"]
    assert "pattern" not in components["Resident"]["properties"]["phone"]


def test_form_data_carries_no_null(schema):
    create = schema["paths"]["/api/v1/requests/"]["post"]["requestBody"]["content"]
    form = create["multipart/form-data"]["schema"]
    assert form["properties"]["building"]["type"] == "integer"
    assert form["additionalProperties"] is False


def test_kpis_have_their_own_answer(schema):
    answer = schema["paths"]["/api/v1/requests/kpis/"]["get"]["responses"]["200"]
    ref = answer["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/Kpi")
