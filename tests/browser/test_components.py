"""The shared components at work: inline validation, toasts, the confirm dialog."""

from playwright.sync_api import expect


def test_form_validation_toast_and_confirm_dialog(journey, demo_accounts):
    page = journey.page
    journey.sign_in("sg11")
    journey.open("/ui/", "components")

    form = page.get_by_test_id("sample-form")
    form.locator("#id_name").fill("张阿姨")
    form.locator("#id_phone").fill("12345")
    journey.click(form.locator("button[type=submit]"), "form-errors")
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    phone = page.locator("#id_phone")
    assert phone.get_attribute("aria-invalid") == "true"
    assert "id_phone_error" in phone.get_attribute("aria-describedby")
    assert page.locator("#id_phone_error").is_visible()
    assert page.locator("#id_name").input_value() == "张阿姨"  # kept

    phone.fill("13800001234")
    page.locator("#id_topic").select_option("repair")
    page.locator("#id_details").fill("楼道灯坏了")
    page.locator("#id_agree").check()
    journey.click(form.locator("button[type=submit]"), "form-saved")
    assert page.locator(".toast-success").is_visible()
    assert page.locator("[data-error-summary]").count() == 0

    dialog = page.locator("#confirm-dialog")
    page.get_by_test_id("withdraw").click()
    assert dialog.is_visible()
    journey.check("confirm-dialog", full_page=False)
    page.get_by_test_id("confirm-cancel").click()
    assert not dialog.is_visible()
    assert "/ui/" in page.url

    page.get_by_test_id("withdraw").click()
    with page.expect_navigation():
        page.get_by_test_id("confirm-ok").click()
    journey.check("withdrawn")
    assert page.locator(".toast-success").count() == 1
    page.locator(".toast-close").first.click()
    expect(page.locator(".toast")).to_have_count(0)
    journey.assert_clean()
