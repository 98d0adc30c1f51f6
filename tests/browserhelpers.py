"""Helpers for the tests that open pages in a real headless Chromium (see tests/install-browser.sh)."""

from __future__ import annotations

import json

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome-error:")


def page_log(driver) -> dict:
    """What the page logged since the last call: SEVERE console entries and the requests it made."""
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    return {"severe": severe, "remote": [u for u in requests if not u.startswith(LOCAL_SCHEMES)],
            "requests": requests}
