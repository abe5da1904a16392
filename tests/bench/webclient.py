# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Bytes the web client moves for its first load and to open a form; gzip vs as served"
import argparse
import base64
import gzip
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))
from sigo_demo.sigo_base import KNOWN_CITIZEN  # noqa: E402
from tests.webclient import (  # noqa: E402
    DemoServer, chromium, enter_credentials, wait_for_menu)

LINK_BITS_PER_SECOND = 1_000_000
ROUND_TRIP = 0.3
PARALLEL_CONNECTIONS = 6  # what browsers open per host over HTTP/1.1


class Traffic:
    "Responses of one phase, read from Chromium's DevTools network events"

    def __init__(self, browser):
        self.browser = browser
        self.responses = {}

    def collect(self):
        for entry in self.browser.get_log('performance'):
            message = json.loads(entry['message'])['message']
            params = message.get('params', {})
            if message['method'] == 'Network.requestWillBeSent':
                self.responses.setdefault(params['requestId'], {})[
                    'method'] = params['request']['method']
            elif message['method'] == 'Network.loadingFinished':
                self.responses.setdefault(params['requestId'], {})[
                    'served'] = params['encodedDataLength']

    def measure(self):
        self.collect()
        served = compressed = static = rpc = 0
        for request_id, response in self.responses.items():
            # Nothing crossed the network for answers from the browser cache
            if not response.get('served'):
                continue
            try:
                body = self.browser.execute_cdp_cmd(
                    'Network.getResponseBody', {'requestId': request_id})
            except Exception:
                continue
            data = (base64.b64decode(body['body'])
                if body.get('base64Encoded') else body['body'].encode())
            served += response['served']
            compressed += len(gzip.compress(data, 6))
            if response.get('method') == 'POST':
                rpc += 1
            else:
                static += 1
        return {'static': static, 'rpc': rpc, 'served': served,
            'gzip': compressed}


def seconds_at_link(size, static, rpc):
    "Transfer at 1 Mbit/s plus round trips: connect, static in parallel, RPC"
    round_trips = 1 + math.ceil(static / PARALLEL_CONNECTIONS) + rpc
    return size * 8 / LINK_BITS_PER_SECOND + round_trips * ROUND_TRIP


def report(label, figures):
    print(f"{label}: {figures['static']} files and {figures['rpc']} RPC "
        f"calls; as served {figures['served'] / 1024:.0f} KB "
        f"({seconds_at_link(figures['served'], figures['static'], figures['rpc']):.1f} s "
        f"at 1 Mbit/s, 300 ms RTT); gzip {figures['gzip'] / 1024:.0f} KB "
        f"({seconds_at_link(figures['gzip'], figures['static'], figures['rpc']):.1f} s)")


def main():
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    parser = argparse.ArgumentParser()
    parser.add_argument('--scale', type=int, default=1)
    options = parser.parse_args()
    server = DemoServer(name='benchweb', scale=options.scale)
    try:
        server.start()
        browser = chromium(network_log=True)
        try:
            wait = WebDriverWait(browser, 60)
            traffic = Traffic(browser)
            enter_credentials(browser, wait, server, 'admin', 'admin')
            wait_for_menu(wait)
            time.sleep(2)  # let the menu and icons finish loading
            first_load = traffic.measure()

            traffic = Traffic(browser)
            # As a click in the menu does: the page itself stays loaded
            browser.execute_script(
                "window.location.hash = arguments[0]",
                f'{server.name}/model/party.party/1')
            wait.until(lambda browser: any(
                    field.get_attribute('value') == KNOWN_CITIZEN[1]
                    for field in browser.find_elements(By.TAG_NAME, 'input')))
            time.sleep(1)
            open_form = traffic.measure()
        finally:
            browser.quit()
    finally:
        server.stop()
    report("first load (login to menu)", first_load)
    report("open a citizen's form", open_form)
    value, base = first_load['gzip'] / 1024, first_load['served'] / 1024
    print(f"webclient: {value:.0f} KB; baseline {base:.0f} KB; "
        f"ratio {value / base:.2f}")


if __name__ == '__main__':
    main()
