# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"A demo server with the sao web client, and a Chromium to drive it"
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
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

    def start(self):
        database.build_database(
            self.name, self.uri, database.project_modules(),
            scale=self.scale, sqlite_path=self.directory)
        config = os.path.join(self.directory, 'trytond.conf')
        with open(config, 'w') as file:
            file.write(f"[web]\nlisten = 127.0.0.1:{self.port}\n"
                f"root = {SAO_ROOT}\n")
        env = database.trytond_environ(self.uri, self.directory)
        env['TRYTOND_CONFIG'] = config
        self.process = subprocess.Popen([
                os.path.join(os.path.dirname(sys.executable), 'trytond'),
                '-c', config, '-d', self.name],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url, timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("trytond did not answer on " + self.url)

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
