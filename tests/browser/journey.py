"""One person's trip through the portal in a real browser, with the checks every page
must pass: a screenshot saved for review, an axe-core scan with no serious or critical
violation, no horizontal scrolling, touch targets of 44 px on a phone, no script error
and no Content-Security-Policy violation.

A new journey is a test that takes the ``journey`` fixture, signs in and walks:

    def test_resident_signs_up(journey):
        journey.open("/residents/sign-up/", "sign-up")
        journey.page.get_by_label("姓名").fill("张三")
        journey.submit("sign-up-submitted")
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "var" / "screenshots"
PASSWORD = "yuyao-demo-2026"
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 768},
}
NARROW = {"width": 360, "height": 740}
BLOCKING = {"serious", "critical"}

# What one visit measures in the page: overflow, small touch targets, text size.
MEASURE = "\n".join(
    line
    for line in (Path(__file__).parent / "measure.js").read_text(encoding="utf-8").splitlines()
    if not line.startswith("//")
)


@dataclass
class Journey:
    context: object
    page: object
    base_url: str
    viewport: str
    folder: Path
    user: str = "anonymous"
    count: int = 0
    problems: list = field(default_factory=list)
    scanned: set = field(default_factory=set)

    @classmethod
    def start(cls, browser, base_url, viewport, node, size=None):
        from axe_playwright_python.sync_playwright import Axe

        size = size or VIEWPORTS[viewport]
        phone = size["width"] < 720
        context = browser.new_context(
            viewport=size,
            device_scale_factor=1,
            is_mobile=phone,
            has_touch=phone,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        name = re.sub(r"[^\w.-]+", "-", node.name).strip("-")
        folder = SCREENSHOTS / f"{Path(str(node.path)).stem}.{name}"
        folder.mkdir(parents=True, exist_ok=True)
        trip = cls(context, page, base_url, viewport, folder)
        trip.axe = Axe()
        trip.phone = phone
        page.on("console", trip._console)
        page.on("pageerror", lambda error: trip.problems.append(f"script error: {error}"))
        return trip

    def _console(self, message):
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused" in text):
            self.problems.append(f"CSP violation on {self.page.url}: {text}")

    # --- moving -------------------------------------------------------------------

    def open(self, path: str, label: str, again: bool = False):
        self.page.goto(self.base_url + path)
        return self.check(label, again=again)

    def click(self, locator, label: str, again: bool = False):
        with self.page.expect_navigation():
            locator.click()
        return self.check(label, again=again)

    def sign_in(self, username: str, label: str | None = None):
        self.open("/accounts/login/", "sign-in")
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(PASSWORD)
        self.user = username
        return self.click(self.page.get_by_test_id("sign-in"), label or f"{username}-workbench")

    def sign_out(self):
        self.user = "anonymous"
        self.click(self.page.get_by_test_id("sign-out"), "signed-out")

    # --- checking -----------------------------------------------------------------

    def state(self) -> str:
        return self.page.evaluate(
            "() => document.documentElement.lang + (document.documentElement.classList"
            ".contains('care') ? '-care' : '')"
        )

    def check(self, label: str, full_page: bool = True, again: bool = False) -> dict:
        """Screenshot, axe scan and layout checks of the page now shown (``full_page``
        False: the viewport only, e.g. with a modal dialog open). A page seen before in
        the same state by the same user (the sign-in page again) is measured only,
        unless ``again``: the same address shows something new (a form's next step, a
        report of errors, a request now decided)."""
        page = self.page
        page.wait_for_load_state("load")
        measured = page.evaluate(MEASURE)
        where = f"{label} ({self.viewport}, {page.url})"
        if measured["scrollWidth"] > measured["innerWidth"]:
            self.problems.append(
                f"horizontal scrolling on {where}: "
                f"{measured['scrollWidth']} > {measured['innerWidth']} px"
            )
        if self.phone and measured["small"]:
            self.problems.append(f"touch targets under 44 px on {where}: {measured['small']}")
        key = (self.user, page.url.split("#")[0], self.state(), full_page)
        if key in self.scanned and not again:
            return measured
        self.scanned.add(key)
        self.count += 1
        path = self.folder / f"{self.viewport}-{self.count:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=full_page)
        self._scan(where, path)
        return measured

    def _scan(self, where: str, screenshot: Path):
        results = self.axe.run(self.page)
        blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
        if results.response["violations"]:
            report = screenshot.with_suffix(".axe.json")
            summary = [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "targets": [n["target"] for n in v["nodes"]][:10],
                }
                for v in results.response["violations"]
            ]
            report.write_text(json.dumps(summary, ensure_ascii=False, indent=2))
        for violation in blocking:
            targets = [node["target"] for node in violation["nodes"]][:5]
            self.problems.append(
                f"axe {violation['impact']}: {violation['id']} ({violation['help']}) "
                f"on {where}: {targets}"
            )

    def assert_clean(self):
        assert self.problems == [], "\n".join(self.problems)

    def finish(self):
        self.context.close()
