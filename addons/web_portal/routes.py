# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"The portal's own pages: login, logout, password reset, language, home"
import logging
import urllib.parse

from werkzeug.exceptions import NotFound, TooManyRequests

import trytond.config as config
from trytond.exceptions import RateLimitException
from trytond.i18n import gettext
from trytond.transaction import Transaction

from .portal import (
    LANGUAGE_COOKIE, LANGUAGES, _set_cookie, end_session, local_path,
    portal_route, portal_url, rate_limit, redirect, render, see_other,
    start_session)
from .user import CodeLockout

logger = logging.getLogger(__name__)

# Reset e-mails asked from one address: enough for a clinic's staff
RESET_LIMIT, RESET_WINDOW = 5, 15 * 60


def login_limits():
    return (
        config.getint('web_portal', 'login_attempts', default=10),
        config.getint('web_portal', 'login_window', default=300))


def portal_hosts():
    "The host names the portal answers at: a reset link goes to no other"
    hosts = config.get(
        'web_portal', 'hosts', default='127.0.0.1, localhost')
    names = {h.strip().lower() for h in hosts.split(',') if h.strip()}
    if hostname := config.get('web', 'hostname'):
        names.add(hostname.lower())
    return names


def set_password_url(request):
    """The set-password page on the request's host if it is one of the
    portal's, else None: the Host header is the visitor's to choose"""
    parts = urllib.parse.urlsplit(request.host_url)
    if parts.username is not None or parts.hostname not in portal_hosts():
        return None
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc,
            portal_url(request, '/set-password'), '', ''))


@portal_route('/', login=True)
def home(request, pool):
    return render(request, 'web_portal/home.html',
        title=gettext('web_portal.msg_home_title'))


@portal_route('/login', methods=('GET', 'POST'), login=False)
def login(request, pool):
    WebUser = pool.get('web.user')
    Attempt = pool.get('web.portal.attempt')
    next_ = local_path(request, request.values.get('next')) or ''
    if request.web_user and request.method == 'GET':
        return redirect(request, '/') if not next_ else see_other(next_)
    error = None
    email = ''
    if request.method == 'POST':
        email = request.form.get('email', '').strip().lower()
        password = request.form.get('password', '')
        code = request.form.get('totp_code', '').strip()
        limit, window = login_limits()
        # Logins count per account and per client address: neither guessing
        # one account's code nor trying many accounts goes far. Each is
        # counted, committed, before the count is read: parallel requests
        # cannot all pass the limit
        counted = [('login-email', email)]
        # A server behind a Unix socket may not know the address
        if request.remote_addr:
            counted.append(('login-address', request.remote_addr))
        attempts = [Attempt.add(b, k, window) for b, k in counted]
        if any(Attempt.count(b, k, window) > limit for b, k in counted):
            raise TooManyRequests()
        locked = False
        try:
            web_user = WebUser.authenticate_totp(email, password, code)
        except CodeLockout:
            web_user, locked = None, True
        except RateLimitException:
            raise TooManyRequests()
        if web_user:
            # Only failed logins hold back the account and the address
            Attempt.clear('login-email', email)
            Attempt.forget(attempts)
            response = (see_other(next_) if next_
                else redirect(request, '/'))
            start_session(request, response, web_user)
            return response
        # The same message whichever was wrong: no hint for a guesser
        error = gettext('web_portal.msg_login_failed')
        if locked:
            # Told only to whoever gave the right password
            error += ' ' + gettext('web_portal.msg_login_locked')
    return render(request, 'web_portal/login.html',
        title=gettext('web_portal.msg_login_title'),
        error=error, email=email, next=next_)


@portal_route('/logout', methods=('POST',), login=False)
def logout(request, pool):
    response = redirect(request, '/login')
    end_session(request, response, pool)
    return response


@portal_route('/reset-password', methods=('GET', 'POST'), login=False)
def reset_password(request, pool):
    WebUser = pool.get('web.user')
    sent = False
    if request.method == 'POST':
        rate_limit(request, 'reset-password', RESET_LIMIT, RESET_WINDOW)
        email = request.form.get('email', '').strip().lower()
        users = WebUser.search([('email', '=', email)]) if email else []
        url = None
        if users and not config.get('web', 'reset_password_url'):
            url = set_password_url(request)
            if url is None:
                logger.warning(
                    "password reset link not sent: host %r is not one of "
                    "[web_portal] hosts", request.host)
                users = []
        if users:
            with Transaction().set_context(web_portal_set_password_url=url):
                WebUser.reset_password(users)
        # The same answer for a known or unknown address
        sent = True
    return render(request, 'web_portal/reset_password.html',
        title=gettext('web_portal.msg_reset_title'), sent=sent)


@portal_route('/set-password', methods=('GET', 'POST'), login=False)
def set_password(request, pool):
    WebUser = pool.get('web.user')
    User = pool.get('res.user')
    Session = pool.get('web.user.session')
    email = request.values.get('email', '').strip().lower()
    token = request.values.get('token', '')
    error, done = None, False
    if request.method == 'POST':
        rate_limit(request, 'set-password', RESET_LIMIT, RESET_WINDOW)
        password = request.form.get('password', '')
        if password != request.form.get('password_confirm', ''):
            error = gettext('web_portal.msg_set_password_mismatch')
        else:
            users = WebUser.search([('email', '=', email)]) if email else []
            # The portal runs as root, for which web_user skips the
            # password rules: they are checked here
            User.validate_password(password, users)
            if email and token and WebUser.set_password_token(
                    email, token, password):
                # Whoever held a session with the old password is out
                Session.delete(Session.search([('user', 'in', users)]))
                done = True
            else:
                error = gettext('web_portal.msg_set_password_invalid')
    return render(request, 'web_portal/set_password.html',
        title=gettext('web_portal.msg_set_password_title'),
        error=error, done=done, email=email, token=token)


@portal_route('/language/<code>', login=False)
def language(request, pool, code):
    if code not in LANGUAGES:
        raise NotFound()
    referrer = request.referrer and urllib.parse.urlsplit(request.referrer)
    location = None
    if referrer and referrer.netloc == request.host:
        location = local_path(request, urllib.parse.urlunsplit(
                ('', '', referrer.path, referrer.query, '')))
    response = (see_other(location) if location
        else redirect(request, '/'))
    _set_cookie(request, response, LANGUAGE_COOKIE, code,
        max_age=365 * 24 * 60 * 60)
    return response


@portal_route('/<path:unknown>', methods=('GET', 'POST'))
def not_found(request, pool, unknown):
    """Any other portal address: the login page for a visitor logged out,
    who learns nothing of which addresses exist, else the 404 page"""
    raise NotFound()
