"""Browser tests: the app's pages in headless Chromium, framed by the Dashboard double."""

from pathlib import Path

from saleor_returns.paths import BASE_DIR

SCREENSHOTS_DIR = BASE_DIR / "test-artifacts" / "screenshots"


def screenshot(page, name: str) -> Path:
    """Save the whole page as test-artifacts/screenshots/<name>.png (git ignores test-artifacts/).

    An app page longer than its frame is shown whole: for the picture the window is made
    tall enough for the frame (which fills the window's height) to hold all of the app's
    content, then given back its size.
    """
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / f"{name}.png"
    viewport = page.viewport_size
    frame = page.frame(name="app")
    taller = 0
    if viewport and frame is not None and page.locator(".app-page #app-frame").count():
        content = frame.evaluate("() => document.documentElement.scrollHeight")
        taller = max(0, content - frame.evaluate("() => window.innerHeight"))
    if taller:
        page.set_viewport_size({"width": viewport["width"], "height": viewport["height"] + taller})
        # let the frame lay out and paint at its new height
        frame.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    try:
        # A full-page shot would grow the window again, and with it the frame (it fills the window).
        page.screenshot(path=str(path), full_page=not taller)
    finally:
        if taller:
            page.set_viewport_size(viewport)
    return path
