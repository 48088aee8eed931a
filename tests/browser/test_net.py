"""A street admin walks down the net, street → community → grid → building, and back
up along the breadcrumbs; then finds a building in the directory."""

from grid.models import Building, Community, Grid, Street


def crumbs(page) -> list[str]:
    return [text.strip() for text in page.locator(".breadcrumbs li").all_inner_texts()]


def test_street_admin_browses_the_net(journey, demo_accounts):
    page = journey.page
    street = Street.objects.get(code="330281001")
    community = Community.objects.filter(street=street).order_by("code").first()
    grid = Grid.objects.filter(community=community).order_by("code").first()
    building = Building.objects.filter(grid=grid).order_by("code").first()

    journey.sign_in("jd1")
    journey.click(page.locator(".site-nav [data-nav=area]"), "street")
    assert page.locator("h1").inner_text().startswith(street.name)
    assert page.locator(".site-nav [data-nav=area]").get_attribute("aria-current") == "page"

    journey.click(page.get_by_role("link", name=community.name, exact=True), "community")
    assert crumbs(page)[1:] == [street.name, community.name]

    journey.click(page.get_by_role("link", name=grid.name, exact=True), "grid")
    assert crumbs(page)[1:] == [street.name, community.name, grid.name]

    journey.click(page.get_by_role("link", name=building.name, exact=True), "building")
    assert crumbs(page)[1:] == [street.name, community.name, grid.name, building.name]
    assert building.address in page.locator(".facts").inner_text()

    breadcrumbs = page.locator(".breadcrumbs")
    journey.click(breadcrumbs.get_by_role("link", name=street.name), "street-again")
    assert page.locator("h1").inner_text().startswith(street.name)

    journey.assert_clean()


def test_street_admin_searches_the_building_directory(journey, demo_accounts):
    page = journey.page
    street = Street.objects.get(code="330281001")
    community = Community.objects.filter(street=street).order_by("code").last()

    journey.sign_in("jd1")
    journey.click(page.locator(".site-nav [data-nav=directory]"), "directory")
    total = Building.objects.filter(street=street).count()
    assert page.locator(".list-card tbody tr").count() == total

    page.locator("#id_community").select_option(label=community.name)
    page.locator("#id_q").fill("3幢")
    journey.click(page.locator(".filters button[type=submit]"), "directory-filtered")
    rows = page.locator(".list-card tbody tr")
    assert rows.count() == Building.objects.filter(community=community, name="3幢").count() == 1
    assert community.name in rows.first.inner_text()

    page.locator("#id_q").fill("没有这座楼")
    journey.click(page.locator(".filters button[type=submit]"), "directory-empty")
    assert page.locator(".empty-state").is_visible()
    journey.click(page.locator(".empty-state a"), "directory-cleared")
    assert page.locator(".list-card tbody tr").count() == total
    journey.assert_clean()
