"""The teaching path in a real browser: JupyterLab on 127.0.0.1, notebook 03 on `synthetic` run in headless
Chromium, a modality toggle ticked off, and the RMSE the widget then shows read from the page.

Needs Debian's `chromium` (``.ci/run`` installs it) and playwright's Python API, which drives that
system browser; skipped, with the reason, where the browser is absent.
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mtm4f_lib.paths import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT_ENV = "MTM4F_SCREENSHOT"  # where to keep the screenshot of the toggles' cell (the README's: outputs/quick/figures/jupyterlab_toggles_synthetic.png)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: install Debian's chromium package (.ci/run does) for the browser test")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on 127.0.0.1 over a folder holding notebook 03 with `dataset = "synthetic"`; yields (url, token)."""
    import papermill as pm

    pm.execute_notebook(str(REPO / "notebooks" / "03_fusion.ipynb"), str(tmp_path / "03_fusion.ipynb"), parameters={"dataset": "synthetic", "outputs_dir": str(tmp_path / "outputs")}, prepare_only=True)  # fmt: skip
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "MTM4F_CACHE": str(tmp_path / "cache"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={tmp_path}", "--allow-root", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "server.log", "w"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail(f"JupyterLab did not start: {(tmp_path / 'server.log').read_text()[-2000:]}")
            time.sleep(0.5)
    yield url, token
    server.terminate()
    server.wait(timeout=30)


def _shown_rmse(widget) -> float:
    text = widget.locator(".widget-output").inner_text()
    return float(re.search(r"test RMSE\s+([0-9.]+)", text).group(1))


def test_a_ticked_off_modality_changes_the_rmse_the_widget_shows(jupyterlab, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, token = jupyterlab
    flags = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=flags)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/lab/tree/03_fusion.ipynb?token={token}")
        page.add_locator_handler(page.locator(".jp-Dialog .jp-mod-accept"), lambda accept: accept.click())  # "Select kernel": the notebook's own
        page.locator(".jp-Notebook").first.wait_for(timeout=90_000)
        expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=90_000)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
        widget = page.locator(".widget-vbox").filter(has=page.locator(".widget-checkbox")).first
        expect(widget.locator(".widget-output")).to_contain_text("test RMSE", timeout=300_000)
        before = _shown_rmse(widget)
        box = widget.get_by_role("checkbox", name="video", exact=True)
        assert box.is_checked()
        box.uncheck()
        expect(widget.locator(".widget-output")).not_to_contain_text(f"{before}", timeout=120_000)
        expect(widget.locator(".widget-output")).to_contain_text("test RMSE", timeout=120_000)
        after = _shown_rmse(widget)
        assert after != before and 0 < after < 5
        cell = page.locator(".jp-Cell").filter(has=widget).first
        cell.scroll_into_view_if_needed()
        cell.screenshot(path=str(Path(os.environ.get(SCREENSHOT_ENV) or tmp_path / "toggles.png")))
        browser.close()
