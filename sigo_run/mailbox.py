# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""A local SMTP server for the tests and the demo build: Tryton sends real
e-mail to it"""
import os
import socket
from email import message_from_bytes


class Mailbox:
    "Keeps every message received, in order, and in directory if given"

    def __init__(self, directory=None):
        from aiosmtpd.controller import Controller
        self.messages = []
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(
            self, hostname='127.0.0.1', port=self.port)

    @property
    def uri(self):
        return f'smtp://127.0.0.1:{self.port}'

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        if self.directory:
            os.makedirs(self.directory, exist_ok=True)
            path = os.path.join(
                self.directory, f'{len(self.messages):04d}.eml')
            with open(path, 'wb') as message:
                message.write(envelope.content)
        return '250 OK'

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class MailboxTestMixin:
    """For a test case: each test's e-mail goes to a fresh local mailbox,
    self.mailbox, through trytond's [email] uri, restored afterwards"""

    def setUp(self):
        from trytond import config
        super().setUp()
        self.mailbox = Mailbox().start()
        self.addCleanup(self.mailbox.stop)
        uri = config.get('email', 'uri')
        config.set('email', 'uri', self.mailbox.uri)
        self.addCleanup(config.set, 'email', 'uri', uri)
