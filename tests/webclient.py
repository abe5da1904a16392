# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"A demo server with the sao web client, and a Chromium to drive it"
import atexit
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from sigo_run import database

SAO_ROOT = os.path.join(database.ROOT, '.cache', 'sao', 'package')


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class DemoServer:
    "trytond serving the web client on a freshly built demo database"

    def __init__(self, name='webtest', scale=1):
        self.name = name
        self.scale = scale
        self.uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
        self.directory = tempfile.mkdtemp(prefix='sigo-web-')
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}/'
        self.process = None
        self.log = os.path.join(self.directory, 'trytond.log')

    def log_tail(self, lines=40):
        "The end of the server's log, to tell why a page did not come"
        with open(self.log, errors='replace') as log:
            return ''.join(log.readlines()[-lines:])

    def start(self):
        database.build_database(
            self.name, self.uri, database.project_modules(),
            scale=self.scale, sqlite_path=self.directory)
        # The demo configuration on another port (a file wins over the
        # environment, so the port is set in a copy)
        config = os.path.join(self.directory, 'trytond.conf')
        with open(database.DEMO_CONFIG) as demo, open(config, 'w') as file:
            file.write(demo.read().replace(
                    'listen = 127.0.0.1:8000',
                    f'listen = 127.0.0.1:{self.port}').replace(
                    'root = .cache/sao/package', f'root = {SAO_ROOT}'))
        env = database.trytond_environ(self.uri, self.directory)
        env['TRYTOND_CONFIG'] = config
        with open(self.log, 'w') as log:
            self.process = subprocess.Popen([
                    os.path.join(os.path.dirname(sys.executable), 'trytond'),
                    '-c', config, '-d', self.name, '-vv'],
                env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("trytond did not answer on " + self.url)
        self.warm_up()

    def warm_up(self):
        """Have trytond load the database's modules and read the web client
        once, so that the first browser's login is not the one waiting for
        them (it timed out on a busy machine)"""
        for asset in ['dist/tryton-sao.js', 'dist/tryton-sao.css']:
            urllib.request.urlopen(self.url + asset, timeout=300).read()
        # Any call on the database loads its pool; a bogus session is
        # refused without a login attempt recorded
        request = urllib.request.Request(
            f'{self.url}{self.name}/rpc/',
            data=json.dumps({
                    'id': 0, 'method': 'model.res.user.get_preferences',
                    'params': [True, {}]}).encode(),
            headers={'Content-Type': 'application/json',
                'Authorization': 'Session ' + base64.b64encode(
                    b'admin:1:warm-up').decode()})
        try:
            urllib.request.urlopen(request, timeout=300).read()
        except urllib.error.HTTPError:
            pass

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
        database.drop_database(self.name, self.uri, self.directory)
        shutil.rmtree(self.directory, ignore_errors=True)


def chromium(network_log=False):
    """A headless Debian Chromium through chromedriver; with network_log,
    its DevTools network events are kept for get_log('performance')"""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which('chromium')
    for argument in ['--headless', '--no-sandbox', '--disable-gpu',
            '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
            '--disable-background-networking', '--disable-component-update',
            '--disable-sync', '--window-size=1366,900',
            '--user-data-dir=' + tempfile.mkdtemp(prefix='sigo-chromium-')]:
        options.add_argument(argument)
    if network_log:
        options.set_capability(
            'goog:loggingPrefs', {'performance': 'ALL'})
    return webdriver.Chrome(
        service=Service(shutil.which('chromedriver')), options=options)


_server = None


def enter_credentials(browser, wait, server, login, password):
    "Open the web client and answer its login and password dialogs"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    browser.get(f'{server.url}#{server.name}')
    wait.until(EC.visibility_of_element_located(
            (By.ID, 'login'))).send_keys(login, Keys.ENTER)
    wait.until(EC.visibility_of_element_located(
            (By.CSS_SELECTOR, 'input[type=password]'))).send_keys(
        password, Keys.ENTER)


def answer_code_prompt(wait, code):
    "Type a one-time code when the web client asks for it"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    wait.until(EC.visibility_of_element_located(
            (By.XPATH, "//div[contains(@class, 'modal') and "
                "contains(., 'One-time code')]//input"))).send_keys(
        code, Keys.ENTER)


def wait_for_menu(wait):
    "The session is open when the menu shows"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    wait.until(EC.text_to_be_present_in_element(
            (By.TAG_NAME, 'body'), "Social Protection"))


def shared_server():
    "One demo server for all the browser tests of a run"
    global _server
    if _server is None:
        server = DemoServer()
        try:
            server.start()
        except Exception:
            server.stop()
            raise
        atexit.register(server.stop)
        _server = server
    return _server


class WebClientCase(unittest.TestCase):
    "Helpers to drive the web client and the JSON-RPC of the demo server"
    wait_seconds = 30

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = shared_server()

    def rpc(self, method, *params, session=None):
        """Return the answer: {'result': …} or {'error': […]}, or the HTTP
        status of a refusal ({'status': 401} for a failed login)"""
        request = urllib.request.Request(
            f'{self.server.url}{self.server.name}/rpc/',
            data=json.dumps(
                {'id': 1, 'method': method, 'params': params}).encode(),
            headers={'Content-Type': 'application/json'})
        if session:
            request.add_header('Authorization', 'Session ' + base64.b64encode(
                    session.encode()).decode())
        try:
            with urllib.request.urlopen(request) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            return {'status': error.code}

    def browser(self):
        from selenium.webdriver.support.ui import WebDriverWait
        browser = chromium()
        self.addCleanup(browser.quit)
        return browser, WebDriverWait(browser, self.wait_seconds)

    def login(self, login, password, code=None, browser=None):
        """Log in through the login dialogs of the web client; code answers
        the one-time code prompt"""
        from selenium.common.exceptions import TimeoutException
        browser, wait = browser or self.browser()
        try:
            enter_credentials(browser, wait, self.server, login, password)
            if code is not None:
                answer_code_prompt(wait, code())
            wait_for_menu(wait)
        except TimeoutException:
            self.fail(f"{login} could not log in; the server's log ends "
                f"with:\n{self.server.log_tail()}")
        return browser, wait

    def body_text(self, browser):
        from selenium.webdriver.common.by import By
        return browser.find_element(By.TAG_NAME, 'body').text

    def open(self, browser, wait, path, text):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        browser.get(f'{self.server.url}#{self.server.name}/{path}')
        wait.until(EC.text_to_be_present_in_element(
                (By.TAG_NAME, 'body'), text))
        return self.body_text(browser)

    def search(self, browser, wait, text, expected):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support import expected_conditions as EC
        field = wait.until(EC.visibility_of_element_located(
                (By.CSS_SELECTOR, 'input[placeholder="Search"]')))
        field.clear()
        field.send_keys(text, Keys.ENTER)
        wait.until(EC.text_to_be_present_in_element(
                (By.TAG_NAME, 'body'), expected))
        return self.body_text(browser)
