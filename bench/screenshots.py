"""Screenshots of every page and tab in headless Chromium, for looking at what a user sees.

    python -m bench.screenshots OUT_DIR [--width 1280 --height 720] [--pages 1_Named_entities,...]

Starts its own server (bench/sync_browser.py), opens each page with ``?tab=NAME`` for each lesson tab,
waits until Streamlit is idle, and saves ``OUT_DIR/<page>__<tab>.png`` (full page). Pages without
tabs get one shot. Not a test: it asserts nothing; compare runs by eye (before/after a change).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sync_browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_ready  # noqa: E402

TABS = ("Learn", "Train", "Try", "Inspect", "Compare")


def page_urls(pages: list[str]) -> list[tuple[str, str]]:
    """(shot name, path+query) for the home page and each page's tabs."""
    out = [("home", "/")]
    for page in pages:
        slug = page.split("_", 1)[1]
        out += [(f"{page}__{tab}", f"/{slug}?tab={tab}") for tab in TABS]
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--pages", default="")
    parser.add_argument("--full", action="store_true",
                        help="tall shots: the viewport is made --tall pixels high, so a whole tab "
                             "fits (Streamlit scrolls inside the page, so Playwright's full_page "
                             "alone only shows the first screen)")
    parser.add_argument("--tall", type=int, default=2600)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pages = ([p for p in args.pages.split(",") if p] if args.pages else
             sorted(p.stem for p in (ROOT / "pages").glob("*.py")))
    from playwright.sync_api import sync_playwright
    with streamlit_server() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        height = args.tall if args.full else args.height
        context = browser.new_context(viewport={"width": args.width, "height": height})
        page = context.new_page()
        for name, path in page_urls(pages):
            page.goto(url + path)
            try:
                wait_ready(page, timeout=120_000)
                page.wait_for_timeout(800)
            except Exception as exc:  # noqa: BLE001 -- a slow page still gets its shot
                print(f"{name}: not idle ({exc.__class__.__name__})", file=sys.stderr)
            errors = page.locator("[data-testid='stException']").count()
            page.screenshot(path=str(out / f"{name}.png"))
            print(f"{name}: saved{' (EXCEPTION SHOWN)' if errors else ''}", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
