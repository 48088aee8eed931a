"""The rotating check-in code shared by the modes (core/checkin.py)."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone

from core import checkin

START = timezone.make_aware(datetime.datetime(2026, 12, 7, 9, 0, 0))


def at(seconds):
    return START + datetime.timedelta(seconds=seconds)


def test_the_code_is_six_digits_and_stays_the_same_within_a_period():
    code = checkin.current_code("training.session", 7, at=at(0))
    assert len(code) == 6 and code.isdigit()
    assert checkin.current_code("training.session", 7, at=at(29)) == code


def test_the_code_changes_with_the_period_the_object_and_the_purpose():
    codes = {
        checkin.current_code("training.session", 7, at=at(0)),
        checkin.current_code("training.session", 7, at=at(30)),
        checkin.current_code("training.session", 8, at=at(0)),
        checkin.current_code("volunteers.shift", 7, at=at(0)),
    }
    assert len(codes) == 4


def test_a_code_is_accepted_in_its_period_and_the_next_then_refused():
    code = checkin.current_code("volunteers.shift", 3, at=at(0))
    assert checkin.is_valid_code("volunteers.shift", 3, code, at=at(10))
    assert checkin.is_valid_code("volunteers.shift", 3, code, at=at(45))
    assert not checkin.is_valid_code("volunteers.shift", 3, code, at=at(60))
    assert not checkin.is_valid_code("volunteers.shift", 4, code, at=at(10))
    assert not checkin.is_valid_code("negotiation.meeting", 3, code, at=at(10))


def test_a_code_from_the_future_is_refused():
    future = checkin.current_code("volunteers.shift", 3, at=at(30))
    assert not checkin.is_valid_code("volunteers.shift", 3, future, at=at(0))


MALFORMED = ["", "12345", "1234567", "abcdef", "１２３４５６", None, 123456, "\x00"]


@pytest.mark.parametrize("typed", MALFORMED)
def test_malformed_codes_are_simply_not_valid(typed):
    assert not checkin.is_valid_code("volunteers.shift", 3, typed, at=at(0))


def test_spaces_and_dashes_typed_by_hand_are_ignored():
    code = checkin.current_code("volunteers.shift", 3, at=at(0))
    assert checkin.is_valid_code("volunteers.shift", 3, f"{code[:3]} {code[3:]}", at=at(1))
    assert checkin.is_valid_code("volunteers.shift", 3, f"{code[:3]}-{code[3:]}", at=at(1))


@override_settings(SECRET_KEY="another-secret-key-for-another-deployment-0123456789abcdef")
def test_the_code_depends_on_the_deployments_secret():
    other = checkin.current_code("volunteers.shift", 3, at=at(0))
    with override_settings(SECRET_KEY="test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"):
        assert checkin.current_code("volunteers.shift", 3, at=at(0)) != other


@override_settings(CHECKIN_QR_PERIOD=60)
def test_the_period_is_a_setting():
    assert checkin.seconds_left(at=at(0)) == 60
    assert checkin.seconds_left(at=at(59)) == 1
    code = checkin.current_code("volunteers.shift", 3, at=at(0))
    assert checkin.current_code("volunteers.shift", 3, at=at(59)) == code


def test_the_url_carries_the_code_on_the_public_base_url():
    with override_settings(PORTAL_PUBLIC_BASE_URL="https://portal.example.gov.cn/"):
        url = checkin.checkin_url("/training/sessions/4/check-in/", "012345")
    assert url == "https://portal.example.gov.cn/training/sessions/4/check-in/?code=012345"


def test_the_qr_code_decodes_to_the_url():
    zxingcpp = pytest.importorskip("zxingcpp")
    pytest.importorskip("PIL")
    import segno

    url = "https://portal.example.gov.cn/volunteers/shifts/9/check-in/?code=654321"
    svg = checkin.qr_svg(url, title="签到")
    assert svg.startswith("<svg") and "签到" in svg
    # Decode the same symbol segno drew (as PNG, which zxing reads).
    import io

    from PIL import Image

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(buffer.getvalue())))
    assert [r.text for r in results] == [url]


def test_the_refresh_payload_and_the_component():
    url = checkin.checkin_url("/x/", "000111")
    payload = checkin.refresh_payload(url, code="000111", at=at(5))
    assert payload["code"] == "000111" and payload["expires_in"] == 25
    assert payload["svg"].startswith("<svg")
    html = render_to_string(
        "components/rotating_qr.html",
        {"svg": checkin.qr_svg(url), "code": "000111", "refresh_url": "/x/qr/", "period": 30},
    )
    assert 'data-rotating-qr="/x/qr/"' in html and "<svg" in html and "000111" in html
    assert "&lt;svg" not in html
