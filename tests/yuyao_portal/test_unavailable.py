"""A database out of reach for a moment (PostgreSQL restarting) is a 503 with a message
and Retry-After in the caller's format, never a 500, and a submission that failed in
the middle saved nothing. The same against a real PostgreSQL restart: tests/faults."""

import importlib
import json
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client

from core.notify.models import OutboxMessage
from grid.models import Category, RequestEvent, ServiceRequest
from yuyao_portal.errors import database_unavailable

MESSAGE = "The portal cannot reach its database for a moment. Nothing was saved"
pytestmark = pytest.mark.urls("tests.yuyao_portal.urls_db_down")


@pytest.fixture
def browser():
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_page_is_a_503_with_the_message(browser):
    response = browser.get("/database-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "Service briefly unavailable" in text and MESSAGE in text


def test_the_api_answers_json(browser):
    response = browser.get("/api/v1/database-down/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert MESSAGE in response.json()["detail"]


def test_open311_answers_its_error_list(browser):
    response = browser.get("/open311/v2/database-down.json")
    assert response.status_code == 503
    [error] = json.loads(response.content)
    assert error["code"] == 503 and MESSAGE in error["description"]
    response = browser.get("/open311/v2/database-down.xml")
    assert response.status_code == 503
    assert MESSAGE in ET.fromstring(response.content).find("error/description").text


def test_another_error_stays_a_500(browser):
    assert browser.get("/broken/").status_code == 500


def test_the_answer_is_in_the_users_language():
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get("/api/v1/database-down/")
    assert response.status_code == 503 and response["Content-Language"] == "zh-hans"


def test_a_submission_failing_midway_saves_nothing(world, monkeypatch):
    """The connection lost after the request row was written, before its timeline entry:
    a 503, and neither the request nor its outbox rows remain."""

    def lost(event):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(importlib.import_module("grid.services.loop"), "notify_event", lost)
    before = (ServiceRequest.objects.count(), RequestEvent.objects.count())
    outbox = OutboxMessage.objects.count()
    client = Client(raise_request_exception=False)
    client.force_login(world.user("resident"))
    response = client.post(
        "/api/v1/requests/",
        {
            "category": Category.objects.get(code="environment-rubbish").pk,
            "description": "楼道灯坏了",
        },
        content_type="application/json",
    )
    assert response.status_code == 503, response.content
    assert (ServiceRequest.objects.count(), RequestEvent.objects.count()) == before
    assert OutboxMessage.objects.count() == outbox


def test_the_cause_chain_is_followed():
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as exc:
            raise RuntimeError("wrapped") from exc
    except RuntimeError as exc:
        assert database_unavailable(exc)
    assert not database_unavailable(ValueError("x"))
    assert not database_unavailable(None)
