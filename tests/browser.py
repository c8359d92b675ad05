"""Headless Chromium for UI tests, and a real uvicorn server on loopback to point it at."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


def _missing_browser(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


# Chromium flags that leave it no network but loopback: every other host name fails to resolve.
LOOPBACK_ONLY = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",)


@contextmanager
def chromium(
    width: int = 1366,
    height: int = 768,
    *,
    flags: tuple[str, ...] = (),
    log_requests: bool = False,
    log_console: bool = False,
) -> Iterator[Any]:
    """A Selenium-driven headless Chromium; fails in CI and skips elsewhere when it is not installed.
    `log_requests`: keep the DevTools network log (`requested_urls`); `log_console`: keep the console
    (`driver.get_log("browser")`, where CSP violations are reported)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing_browser("selenium is not installed")
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        _missing_browser("headless Chromium needs the Debian packages chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*CHROMIUM_FLAGS, *flags):
        options.add_argument(flag)
    logging = {"performance": "ALL"} if log_requests else {}
    logging |= {"browser": "ALL"} if log_console else {}
    if logging:
        options.set_capability("goog:loggingPrefs", logging)
    options.add_argument(f"--window-size={width},{height}")
    profile = tempfile.mkdtemp(prefix="govsearch-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver: Any) -> list[str]:
    """Every URL the page asked for since the last call (needs `chromium(log_requests=True)`)."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def phone_sized(driver: Any, width: int, height: int) -> None:
    """Headless Chromium will not make a window narrower than 500 px; emulate the phone's viewport."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
    )


def screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def wait_for(driver: Any, css: str, timeout: float = 20) -> Any:
    """The first element matching `css`, once the page has rendered it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    locator = (By.CSS_SELECTOR, css)
    return WebDriverWait(driver, timeout).until(expected_conditions.visibility_of_element_located(locator))


def click_to_new_page(driver: Any, element: Any, timeout: float = 20) -> None:
    """Click `element` and wait until the browser has left the current page.

    Waiting for a selector alone can match an element of the page being replaced, which then vanishes
    under the test ("Node with given id does not belong to the document").
    """
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old_root = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, timeout).until(lambda _driver: _has_left(old_root))


def _has_left(old_root: Any) -> bool:
    """True once `old_root` belongs to a page that is gone.

    Between two documents Chromium answers for an old node with an inspector error rather than the stale
    reference `staleness_of` expects; either one means the old page has been left.
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        old_root.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error.msg):
            return True
        raise
    return False


def wait_for_text(driver: Any, css: str, text: str, timeout: float = 20) -> Any:
    """The first element matching `css` once it shows `text` (the previous page may still be shown)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    locator = (By.CSS_SELECTOR, css)
    WebDriverWait(driver, timeout).until(expected_conditions.text_to_be_present_in_element(locator, text))
    return driver.find_element(*locator)
