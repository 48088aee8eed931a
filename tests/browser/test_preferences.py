"""Language and the elderly-friendly mode: switched from any page, remembered."""


def test_switch_to_english_and_back(journey, demo_accounts):
    page = journey.page
    journey.sign_in("wg111")
    html = page.locator("html")
    assert html.get_attribute("lang") == "zh-hans"
    assert page.locator(".site-nav [data-nav=home]").inner_text().strip() == "工作台"

    journey.click(page.get_by_test_id("language-toggle"), "english")
    assert html.get_attribute("lang") == "en"
    assert page.locator(".site-nav [data-nav=home]").inner_text().strip() == "Workbench"
    assert "Grid member" in page.get_by_test_id("workbench-title").inner_text()
    assert page.url == journey.base_url + "/"

    journey.click(page.locator(".site-nav [data-nav=area]"), "english-grid")
    assert page.locator(".page-kicker").inner_text().strip() == "Grid"

    journey.click(page.get_by_test_id("language-toggle"), "chinese-again")
    assert html.get_attribute("lang") == "zh-hans"
    assert "/net/grids/" in page.url  # back on the same page
    assert page.locator(".site-nav [data-nav=home]").inner_text().strip() == "工作台"
    journey.assert_clean()


def test_elderly_mode_is_remembered_across_sign_ins(journey, demo_accounts):
    page = journey.page
    html = page.locator("html")
    toggle = page.get_by_test_id("care-toggle")

    measured = journey.sign_in("lz1111")
    assert "care" not in (html.get_attribute("class") or "")
    standard_font = measured["bodyFontSize"]
    standard_menu = page.locator(".site-nav a").count()

    measured = journey.click(toggle, "care-on")
    assert "care" in html.get_attribute("class")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert measured["bodyFontSize"] >= 18 > standard_font
    assert page.locator(".site-nav a").count() < standard_menu
    assert page.locator(".toast-success").is_visible()

    journey.click(page.locator(".site-nav [data-nav=area]"), "care-building")
    assert "care" in html.get_attribute("class")

    journey.sign_out()
    measured = journey.sign_in("lz1111", "care-remembered")
    assert "care" in html.get_attribute("class")
    assert measured["bodyFontSize"] >= 18

    journey.click(toggle, "care-off")
    assert "care" not in (html.get_attribute("class") or "")
    journey.sign_out()
    journey.sign_in("lz1111", "standard-remembered")
    assert "care" not in (html.get_attribute("class") or "")
    assert page.locator(".site-nav a").count() == standard_menu
    journey.assert_clean()
