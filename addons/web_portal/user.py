# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import trytond.config as config
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    def portal_menu(self):
        """The portal pages this user may open, as (path, label) pairs in
        menu order; each module with portal pages extends it"""
        return []

    def get_email_reset_password_url(self, url=None):
        # Without a configured [web] reset_password_url, the link of the
        # e-mail leads back to the portal the request came through
        if url is None and not config.get('web', 'reset_password_url'):
            url = Transaction().context.get('web_portal_set_password_url')
        return super().get_email_reset_password_url(url=url)
