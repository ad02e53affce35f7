"""Share links in a real browser: changing a widget writes it into the address bar, and that
address opened in a fresh browser context restores it (tests/test_links.py covers every setting
of every task page from the link side)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from browser import app_browser, new_page, wait_ready

pytestmark = pytest.mark.timeout(600)


browser = app_browser                # the module's server and Chromium (tests/browser.py)


def test_typed_text_and_settings_go_into_the_link_and_come_back(browser):
    from playwright.sync_api import expect
    url = browser.base
    with new_page(browser, url) as first, new_page(browser, url) as second:
        first.goto(f"{url}/Named_entities?tab=Try")
        wait_ready(first)
        box = first.get_by_label("Your sentence", exact=True)
        box.fill("Jordan Smith signed the contract.")
        box.press("Enter")
        wait_ready(first)
        first.get_by_text("sgd", exact=True).first.click()          # the optimizer radio
        wait_ready(first)
        first.wait_for_function("() => location.search.includes('ner_optimizer')", timeout=30_000)
        query = parse_qs(urlparse(first.url).query)
        assert query.get("ner_text") == ["Jordan Smith signed the contract."], query
        assert query.get("ner_optimizer") == ["sgd"] and query.get("tab") == ["Try"], query

        second.goto(first.url)                                      # someone opens the link
        wait_ready(second)
        expect(second.get_by_label("Your sentence", exact=True)).to_have_value(
            "Jordan Smith signed the contract.", timeout=60_000)
        expect(second.get_by_role("radio", name="sgd")).to_be_checked(timeout=30_000)
        assert second.locator("[data-testid='stException']").count() == 0


def test_the_level_choice_in_a_real_browser(browser):
    """Issue 12: pick the long-range level in the sidebar; the page says what the level is, the
    notice names the data, the address keeps it, and the Compare tab shows the shipped results."""
    from playwright.sync_api import expect
    with new_page(browser, browser.base) as page:
        page.goto(f"{browser.base}/Sentiment?tab=Compare")
        wait_ready(page)
        page.locator("[data-testid='stSidebar']").get_by_text("long", exact=True).click()
        wait_ready(page)
        page.wait_for_function("() => location.search.includes('sentiment_data_level=long')",
                               timeout=30_000)
        expect(page.get_by_text("Each review opens with its verdict").first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("reviews-long (sidebar)").first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Shipped results on the long-range level").first).to_be_visible()
        assert page.locator("[data-testid='stException']").count() == 0
