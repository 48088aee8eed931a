"""A certificate verified in the browser: the page a QR code opens."""

from core.certificates.services import issue_certificate


def test_a_scanned_certificate_shows_valid_with_the_holder_masked(journey, django_db_blocker):
    with django_db_blocker.unblock():
        certificate = issue_certificate(
            kind="tests.service_record",
            title="志愿服务记录证明",
            holder_name="王小红",
            issuer_name="余姚市阳明街道舜北社区居民委员会",
            details=[("服务时长", "48 小时")],
        )
    page = journey.page
    journey.open(f"/verify/{certificate.number}/", "certificate-valid")
    state = page.get_by_test_id("certificate-state")
    assert state.get_attribute("data-state") == "valid"
    text = state.inner_text()
    assert "王**" in text and "王小红" not in text and "48 小时" in text
    assert page.locator(".certificate-qr svg").count() == 1
    journey.assert_clean()
