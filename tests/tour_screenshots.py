"""Tours that leave a screenshot of their end state as a test artefact
(in Odoo's `screenshots` directory: `make test` points it at
.run/artifacts/<database>/screenshots)."""

import base64
from contextlib import ExitStack
from unittest.mock import patch

from odoo.tests.common import ChromeBrowser, save_test_file


class TourScreenshotMixin:
    # A phone test sets its screen, e.g. (390, 844): the whole tour then runs
    # on a mobile device of that size (Chrome's headless window is at least
    # 500 px wide, so HttpCase.browser_size alone is not a phone) and the
    # screenshot is what the phone shows.
    phone_screen = None

    def _emulate_phone(self, browser):
        width, height = self.phone_screen
        browser._websocket_request(
            "Emulation.setDeviceMetricsOverride",
            params={"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True},
        )
        browser._websocket_request(
            "Emulation.setTouchEmulationEnabled", params={"enabled": True, "maxTouchPoints": 5}
        )

    def start_tour_and_screenshot(self, url, tour, name, **kwargs):
        """Run ``tour`` from ``url`` and save the page as it is when the
        tour succeeds, just before Odoo closes the browser."""
        original_stop = ChromeBrowser.stop
        original_navigate_to = ChromeBrowser.navigate_to
        saved = []

        def navigate_to(browser, url, wait_stop=False):
            self._emulate_phone(browser)
            return original_navigate_to(browser, url, wait_stop=wait_stop)

        def stop(browser):
            result = browser._result
            if not result.done() or result.cancelled() or result.exception():
                # A failed tour: Odoo saves its own screenshot of the failure.
                return original_stop(browser)
            try:
                if not self.phone_screen:
                    # A taller page than the browser window, so that the end
                    # state (a form's status bar down to its clocks) fits.
                    browser._websocket_request(
                        "Emulation.setDeviceMetricsOverride",
                        params={
                            "width": 1366,
                            "height": 1100,
                            "deviceScaleFactor": 1,
                            "mobile": False,
                        },
                    )
                reply = browser._websocket_send("Page.captureScreenshot", with_future=True)
                data = reply.result(timeout=20)["data"]
                save_test_file(
                    type(self).__name__, base64.b64decode(data), f"{name}_", logger=browser._logger
                )
                saved.append(name)
            finally:
                original_stop(browser)

        with ExitStack() as stack:
            stack.enter_context(patch.object(ChromeBrowser, "stop", stop))
            if self.phone_screen:
                stack.enter_context(patch.object(ChromeBrowser, "navigate_to", navigate_to))
            self.start_tour(url, tour, **kwargs)
        self.assertEqual(saved, [name], "the end state of the tour was saved as a screenshot")
