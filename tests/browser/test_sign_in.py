"""Every demo account signs in and lands on the workbench of its post."""

from django.utils import translation

from grid.permissions import Role
from yuyao_portal.context_processors import RESIDENT, ROLE_AUDIENCE


def expected(account) -> tuple[str, str | None]:
    """The audience the workbench is for, and the role name its heading shows."""
    if account["role"] not in Role.values:  # "none", "resident": no post
        return RESIDENT, None
    role = Role(account["role"])
    with translation.override("zh-hans"):
        return ROLE_AUDIENCE[role], str(role.label)


def test_each_demo_role_lands_on_its_workbench(journey, demo_accounts):
    page = journey.page
    assert len(demo_accounts) >= 10
    for account in demo_accounts:
        journey.sign_in(account["username"])
        audience, role_name = expected(account)
        assert page.url == journey.base_url + "/", account
        workbench = page.locator(".workbench")
        assert workbench.get_attribute("data-audience") == audience, account
        title = page.get_by_test_id("workbench-title").inner_text()
        identity = page.get_by_test_id("identity").inner_text()
        assert account["name"] in identity
        if role_name:
            assert role_name in title, (account, title)
            assert role_name in identity
        else:
            assert page.locator(".empty-state").count() == 1
        journey.sign_out()
        assert "/accounts/login/" in page.url
    journey.assert_clean()


def test_a_wrong_password_says_so_in_place(journey):
    page = journey.page
    journey.open("/accounts/login/", "sign-in")
    page.locator("#id_username").fill("jd1")
    page.locator("#id_password").fill("not-the-password")
    journey.click(page.get_by_test_id("sign-in"), "sign-in-error")
    assert page.locator(".error-summary[role=alert]").is_visible()
    assert "/accounts/login/" in page.url
    journey.assert_clean()
