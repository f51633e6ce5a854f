"""Tours that leave a screenshot of their end state as a test artefact
(in Odoo's `screenshots` directory: `make test` points it at
.run/artifacts/<database>/screenshots)."""

import base64
from unittest.mock import patch

from odoo.tests.common import ChromeBrowser, save_test_file


class TourScreenshotMixin:
    def start_tour_and_screenshot(self, url, tour, name, **kwargs):
        """Run ``tour`` from ``url`` and save the page as it is when the
        tour succeeds, just before Odoo closes the browser."""
        original_stop = ChromeBrowser.stop
        saved = []

        def stop(browser):
            result = browser._result
            if not result.done() or result.cancelled() or result.exception():
                # A failed tour: Odoo saves its own screenshot of the failure.
                return original_stop(browser)
            try:
                # A taller page than the browser window, so that the end
                # state (a form's status bar down to its clocks) fits.
                browser._websocket_request(
                    "Emulation.setDeviceMetricsOverride",
                    params={"width": 1366, "height": 1100, "deviceScaleFactor": 1, "mobile": False},
                )
                reply = browser._websocket_send("Page.captureScreenshot", with_future=True)
                data = reply.result(timeout=20)["data"]
                save_test_file(
                    type(self).__name__, base64.b64decode(data), f"{name}_", logger=browser._logger
                )
                saved.append(name)
            finally:
                original_stop(browser)

        with patch.object(ChromeBrowser, "stop", stop):
            self.start_tour(url, tour, **kwargs)
        self.assertEqual(saved, [name], "the end state of the tour was saved as a screenshot")
