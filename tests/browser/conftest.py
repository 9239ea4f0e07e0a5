"""A real node on a loopback port and Debian's Chromium driven by Playwright (no browser download).

Screenshots of every step go to bench/out/browser/ (ignored by git), the artefacts CI keeps.
"""

import os
import threading
from pathlib import Path

import pytest
import waitress

CHROMIUM = os.environ.get("EHDS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "bench" / "out" / "browser"


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    from node.config import Settings
    from node.context import open_node
    from node.web.app import create_app

    server = waitress.create_server(lambda e, s: app(e, s), host="127.0.0.1", port=0, threads=4)
    url = f"http://127.0.0.1:{server.effective_port}/"
    ctx = open_node(Settings(base_url=url, data_dir=tmp_path_factory.mktemp("browser") / "data", page_size=20))
    app = create_app(context=ctx)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield url
    server.close()
    ctx.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shoot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take


def axe_script() -> str:
    """axe-core from npm (.ci/browser.sh installs it outside the repo); EHDS_AXE_JS names the file."""
    candidates = [os.environ.get("EHDS_AXE_JS", ""), "/tmp/axe/node_modules/axe-core/axe.min.js",
                  str(Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text()
    raise FileNotFoundError("axe-core not found: run .ci/browser.sh or set EHDS_AXE_JS to axe.min.js")
