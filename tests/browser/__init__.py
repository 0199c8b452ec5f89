"""Browser tests: the app's pages in headless Chromium, framed by the Dashboard double."""

from pathlib import Path

from saleor_returns.paths import BASE_DIR

SCREENSHOTS_DIR = BASE_DIR / "test-artifacts" / "screenshots"


def screenshot(page, name: str) -> Path:
    """Save the whole page as test-artifacts/screenshots/<name>.png (git ignores test-artifacts/)."""
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
