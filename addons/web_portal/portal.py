# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The portal for people outside SIGO (hospitals, pharmacies, later the help
desk and the public site): server-rendered pages, no JavaScript.

How a module adds a page
------------------------
1. Depend on ``web_portal`` in ``tryton.cfg`` and import the module holding
   the pages from the module's ``__init__.py`` (as ``routes`` here), so that
   trytond registers them when it loads the module.
2. Write the handler::

       from werkzeug.exceptions import NotFound
       from trytond.modules.web_portal.portal import (
           portal_route, redirect, render)

       @portal_route('/claims/<int:claim_id>')
       def claim(request, pool, claim_id):
           Claim = pool.get('claim.claim')
           claim = Claim.portal_get(request.web_user, claim_id)  # or NotFound
           return render(request, 'claims_portal/claim.html',
               title=claim.number, claim=claim)

   The page answers at ``/<database>/portal/claims/<id>``. The handler runs
   in a transaction as the root user, in the visitor's language (``mn`` or
   ``en``): it must itself restrict what it shows to ``request.web_user``
   (the logged-in ``web.user``). ``login=True`` (the default) sends visitors
   without a session (password and one-time code) to the login page.
   GET and HEAD run read-only; POST runs read-write and must carry the
   form's ``csrf_token`` (``${csrf_field()}`` in the form), else 403.
   Raise ``werkzeug.exceptions.NotFound`` for what the visitor may not see
   (never 403: it would tell that the record exists); a ``UserError`` of a
   POST is rolled back and shown as the page's error (status 400).
   ``redirect(request, '/claims')`` answers 303 after a successful POST.
3. Write the template ``addons/<module>/templates/claim.html`` (Genshi)::

       <!DOCTYPE html>
       <html xmlns="http://www.w3.org/1999/xhtml"
           xmlns:py="http://genshi.edgewall.org/"
           xmlns:xi="http://www.w3.org/2001/XInclude">
         <xi:include href="web_portal/layout.html"/>
         <head><title>${title}</title></head>
         <body>
           <h1>${title}</h1>
           <form method="post" action="${url('/claims/%d/submit' % claim.id)}">
             ${csrf_field()}
             <button type="submit">${_('claims_portal.msg_submit')}</button>
           </form>
         </body>
       </html>

   The layout adds the header, the skip link, the menu, the language switch
   and the logout button. Every text goes through ``_('module.msg_id',
   **variables)`` (an ``ir.message`` of the module's ``message.xml``,
   translated in ``locale/mn.po``). Templates get ``request``, ``_``,
   ``url(path)``, ``csrf_field()``, ``static(name)``, ``title``,
   ``error`` (shown by the layout in an alert box when given) and the
   values passed to ``render``.
4. Add the page to the menu by extending ``web.user`` (``PoolMeta``)::

       def portal_menu(self):
           return super().portal_menu() + [
               ('/claims', gettext('claims_portal.msg_portal_claims'))]

Helpers for the handlers: ``uploaded_file`` (size and type checked),
``rate_limit`` (429 page when a visitor tries too often) and ``send_file``
(a download).

Configuration (``trytond.conf``):
- ``[web] reset_password_url``: the address of the set-password page put in
  the reset e-mail (``https://portal.example/<database>/portal/set-password``).
  Set it in production. Without it the link is built from the request's
  host only when that host is one of ``[web_portal] hosts`` (comma-separated
  names, default ``127.0.0.1, localhost``) or ``[web] hostname``; a reset
  asked through any other Host header sends no e-mail (a warning is logged)
  and answers as for an unknown address.
- ``[session] web_timeout``: how long a portal session lasts (seconds).
- ``[web_portal] login_attempts`` / ``login_window``: failed logins allowed
  per e-mail address and per client address in the window (10 in 300 s).
- ``[web_portal] code_failures``: wrong one-time codes in a row, given with
  the right password, after which the account is locked until its password
  is reset by e-mail (20); a successful login starts the count again.
- ``[request] max_size`` limits any request body before the handler runs.
"""
import functools
import gzip
import hashlib
import hmac
import logging
import mimetypes
import os
import re
import secrets
import urllib.parse

from genshi.core import START, Markup, QName
from genshi.template import TemplateLoader
from werkzeug.exceptions import Forbidden, HTTPException, TooManyRequests
from werkzeug.http import dump_options_header

from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.transaction import Transaction, TransactionError
from trytond.wsgi import app

logger = logging.getLogger(__name__)

SESSION_COOKIE = 'portal_session'
PRE_SESSION_COOKIE = 'portal_pre_session'
LANGUAGE_COOKIE = 'portal_language'
LANGUAGES = ('mn', 'en')
DEFAULT_LANGUAGE = 'mn'
SAFE_METHODS = {'GET', 'HEAD', 'OPTIONS'}
STATIC_DIRECTORY = os.path.join(os.path.dirname(__file__), 'static')
# No script runs on a portal page; forms post to the portal only
SECURITY_HEADERS = {
    'Content-Security-Policy': (
        "default-src 'self'; script-src 'none'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    }
# The first bytes a file of each type starts with: a renamed file is refused
FILE_SIGNATURES = {
    'xlsx': [b'PK\x03\x04'],
    'docx': [b'PK\x03\x04'],
    'ods': [b'PK\x03\x04'],
    'odt': [b'PK\x03\x04'],
    'zip': [b'PK\x03\x04'],
    'pdf': [b'%PDF-'],
    'png': [b'\x89PNG\r\n\x1a\n'],
    'jpg': [b'\xff\xd8\xff'],
    'jpeg': [b'\xff\xd8\xff'],
    'tif': [b'II*\x00', b'MM\x00*'],
    'tiff': [b'II*\x00', b'MM\x00*'],
    }
TEXT_EXTENSIONS = {'csv', 'txt', 'json', 'xml'}


def _load_module_template(filename):
    """Genshi loader of '<module>/<file>.html' from the module's templates
    directory"""
    module, _, name = filename.partition('/')
    if not module or not name:
        raise IOError(filename)
    try:
        package = __import__(f'trytond.modules.{module}', fromlist=['_'])
    except ImportError:
        raise IOError(filename)
    directory = os.path.join(os.path.dirname(package.__file__), 'templates')
    filepath = os.path.normpath(os.path.join(directory, name))
    if not filepath.startswith(directory + os.sep):
        raise IOError(filename)
    fileobj = open(filepath, 'rb')
    mtime = os.path.getmtime(filepath)

    def uptodate():
        return os.path.getmtime(filepath) == mtime
    # The absolute path as the template's name: Genshi then resolves an
    # xi:include of 'other_module/file.html' through this loader again
    return filepath, filepath, fileobj, uptodate


loader = TemplateLoader([_load_module_template], auto_reload=True)


# The characters of a URL path segment that need no quoting (RFC 3986)
PATH_SAFE = ":@!$&'()*+,;="


def portal_prefix(request):
    database = request.view_args['database_name']
    # Quoted as browsers send a path (":" and the other sub-delimiters
    # kept), so that the session cookie's path matches their requests
    return (f'{request.script_root}/'
        f'{urllib.parse.quote(database, safe=PATH_SAFE)}/portal')


def portal_url(request, path='/'):
    "The address of a portal page: '/<database>/portal' + path"
    return portal_prefix(request) + path


def local_path(request, location):
    """The location when it is a page of this portal, else None: a link
    from elsewhere must not send the visitor off the portal"""
    if not location:
        return None
    parts = urllib.parse.urlsplit(location)
    if parts.scheme or parts.netloc or '\\' in location:
        return None
    prefix = portal_prefix(request)
    if parts.path != prefix and not parts.path.startswith(prefix + '/'):
        return None
    return urllib.parse.urlunsplit(('', '', parts.path, parts.query, ''))


def _set_cookie(request, response, name, value, max_age=None):
    response.set_cookie(
        name, value, max_age=max_age, path=portal_prefix(request),
        secure=request.scheme == 'https', httponly=True, samesite='Lax')


def _delete_cookie(request, response, name):
    response.delete_cookie(
        name, path=portal_prefix(request),
        secure=request.scheme == 'https', httponly=True, samesite='Lax')


def _language(request):
    language = request.cookies.get(LANGUAGE_COOKIE)
    if language in LANGUAGES:
        return language
    return request.accept_languages.best_match(
        LANGUAGES, default=DEFAULT_LANGUAGE)


def _csrf_token_of(key):
    return hmac.new(
        key.encode(), b'web_portal.csrf', hashlib.sha256).hexdigest()


def _session_user(request, pool):
    key = request.cookies.get(SESSION_COOKIE)
    if not key:
        return None
    Session = pool.get('web.user.session')
    user = Session.get_user(key)
    if user and user.active:
        return user


def _prepare(request, pool):
    """Set on the request what handlers and templates use: the web user,
    the language and the form token"""
    request.web_user = _session_user(request, pool)
    if request.web_user:
        # The form token is tied to the session: a token of another
        # visitor, or of an earlier session, is refused
        key = request.cookies[SESSION_COOKIE]
    else:
        # Before login, the token is tied to a random cookie only this
        # browser holds (HttpOnly, SameSite)
        key = request.cookies.get(PRE_SESSION_COOKIE)
        if not key or len(key) != 64:
            key = secrets.token_hex(32)
            request.portal_new_pre_session = key
    request.csrf_token = _csrf_token_of(key)


def _check_csrf(request):
    token = (request.form.get('csrf_token')
        or request.headers.get('X-CSRF-Token') or '')
    if not hmac.compare_digest(token.encode(), request.csrf_token.encode()):
        raise Forbidden()


def start_session(request, response, web_user):
    "Log the web user in: a new session key in the portal's cookie"
    key = web_user.new_session()
    _set_cookie(request, response, SESSION_COOKIE, key)
    _delete_cookie(request, response, PRE_SESSION_COOKIE)
    request.portal_new_pre_session = None
    return key


def end_session(request, response, pool):
    Session = pool.get('web.user.session')
    key = request.cookies.get(SESSION_COOKIE)
    if key:
        Session.remove(key)
    _delete_cookie(request, response, SESSION_COOKIE)


def _finish(request, response):
    "What every portal answer carries: cookies and security headers"
    new_key = getattr(request, 'portal_new_pre_session', None)
    if new_key:
        _set_cookie(request, response, PRE_SESSION_COOKIE, new_key)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    # Pages show personal data: no shared or browser cache keeps them
    response.headers.setdefault('Cache-Control', 'no-store')
    return response


def _dispatch(func, request, pool, login, arguments):
    transaction = Transaction()
    try:
        _prepare(request, pool)
        if login and not request.web_user:
            if request.method in SAFE_METHODS:
                next_ = request.path
                if request.query_string:
                    next_ += '?' + request.query_string.decode('latin-1')
                query = urllib.parse.urlencode({'next': next_})
                return _redirect(
                    portal_url(request, '/login?' + query), 302)
            raise Forbidden()
        if request.method not in SAFE_METHODS:
            _check_csrf(request)
        return func(request, pool, **arguments)
    except (TransactionError, backend.DatabaseOperationalError):
        raise
    except (UserError, UserWarning) as exception:
        transaction.rollback()
        return error_page(request, 400, exception.message)
    except HTTPException as exception:
        transaction.rollback()
        if exception.code < 400:
            return exception.get_response(request.environ)
        return error_page(request, exception.code)
    except Exception:
        logger.exception("portal page %s failed", request.path)
        transaction.rollback()
        return error_page(request, 500)


def portal_route(path, methods=('GET',), login=True, readonly=None):
    """Register handler(request, pool, **url_arguments) as the portal page
    '/<database>/portal' + path (werkzeug rule syntax)"""
    def decorator(func):
        @functools.wraps(func)
        def endpoint(request, pool, **arguments):
            readonly_ = readonly
            if readonly_ is None:
                readonly_ = request.method in SAFE_METHODS
            language = _language(request)
            request.portal_language = language

            @with_transaction(
                readonly=readonly_, context={'language': language})
            def run(request, pool):
                return _dispatch(func, request, pool, login, arguments)
            return _finish(request, run(request, pool))
        app.route(
            '/<database_name>/portal' + path,
            methods=set(methods))(with_pool(endpoint))
        return func
    return decorator


def _translate(message_id, **variables):
    return gettext(message_id, **variables)


def static_url(request, name):
    "The address of a static file with its content hash: cached for a year"
    asset = static_asset(name)
    base, extension = os.path.splitext(name)
    return portal_url(request, f'/static/{base}.{asset.digest}{extension}')


def render(request, template, status=200, **values):
    """Render a Genshi template of '<module>/<file>.html' as the answer,
    gzip-compressed when the browser accepts it"""
    web_user = getattr(request, 'web_user', None)
    names = {
        'request': request,
        '_': _translate,
        'url': functools.partial(portal_url, request),
        'csrf_field': lambda: Markup(
            '<input type="hidden" name="csrf_token" value="%s">'
            % request.csrf_token),
        'static': functools.partial(static_url, request),
        'title': '',
        'error': None,
        'menu': web_user.portal_menu() if web_user else [],
        'language': request.portal_language,
        }
    names.update(values)
    stream = loader.load(template).generate(**names)
    stream = stream.filter(functools.partial(
            _set_language, request.portal_language))
    html = stream.render('html', doctype='html5', encoding='utf-8')
    response = Response(
        status=status, content_type='text/html; charset=utf-8')
    _set_body(request, response, html)
    return response


def _set_language(language, stream):
    "Set lang on the page's html element: screen readers pronounce by it"
    for kind, data, position in stream:
        if kind is START and data[0].localname == 'html':
            tag, attributes = data
            data = tag, attributes | [(QName('lang'), language)]
        yield kind, data, position


def _set_body(request, response, data):
    response.vary.add('Accept-Encoding')
    if request.accept_encodings['gzip']:
        response.set_data(gzip.compress(data, compresslevel=6))
        response.content_encoding = 'gzip'
    else:
        response.set_data(data)


def error_page(request, status, message=None):
    "The portal's page for an error status, in the visitor's language"
    known = status if status in {400, 403, 404, 413, 429} else 500
    title = gettext(f'web_portal.msg_error_{known}_title')
    if message is None:
        message = gettext(f'web_portal.msg_error_{known}')
    return render(request, 'web_portal/error.html', status=status,
        title=title, message=message)


def _redirect(location, status):
    response = Response(status=status)
    response.headers['Location'] = location
    return response


def see_other(location):
    "303 to a location already checked to be local (see local_path)"
    return _redirect(location, 303)


def redirect(request, path):
    "303 to the portal page '/<database>/portal' + path"
    return _redirect(portal_url(request, path), 303)


def uploaded_file(request, field, max_bytes, extensions):
    """The (filename, bytes) of the file posted in field, checked: present,
    not larger than max_bytes, of one of the extensions (name and content)"""
    extensions = [e.lower().lstrip('.') for e in extensions]
    upload = request.files.get(field)
    if not upload or not upload.filename:
        raise UserError(gettext('web_portal.msg_upload_none'))
    filename = os.path.basename(upload.filename.replace('\\', '/'))
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UserError(gettext('web_portal.msg_upload_too_big',
                filename=filename, maximum=_size(max_bytes)))
    extension = os.path.splitext(filename)[1].lower().lstrip('.')
    if extension not in extensions:
        raise UserError(gettext('web_portal.msg_upload_wrong_type',
                filename=filename,
                extensions=', '.join(f'.{e}' for e in extensions)))
    if not data:
        raise UserError(gettext('web_portal.msg_upload_empty',
                filename=filename))
    signatures = FILE_SIGNATURES.get(extension)
    if ((signatures and not any(data.startswith(s) for s in signatures))
            or (extension in TEXT_EXTENSIONS and b'\x00' in data)):
        raise UserError(gettext('web_portal.msg_upload_content',
                filename=filename, extension=f'.{extension}'))
    return filename, data


def _size(count):
    if count >= 1024 * 1024:
        return f'{count / 1024 / 1024:.1f} MB'
    return f'{count // 1024} KB'


def rate_limit(request, bucket, limit, window_seconds, key=None):
    """Count this call; answer 429 (TooManyRequests) when the web user, or
    the client address when nobody is logged in, made more than limit calls
    of the bucket in the window"""
    pool = Pool()
    Attempt = pool.get('web.portal.attempt')
    if key is None:
        web_user = getattr(request, 'web_user', None)
        key = (f'web.user,{web_user.id}' if web_user
            else f'address,{request.remote_addr}')
    if Attempt.count(bucket, key, window_seconds) >= limit:
        raise TooManyRequests()
    Attempt.add(bucket, key, window_seconds)


def send_file(request, data, filename, mimetype):
    "A download of data named filename"
    response = Response(data, mimetype=mimetype)
    # filename* carries a Cyrillic name, filename an ASCII fallback
    ascii_name = filename.encode('ascii', 'replace').decode().replace('?', '_')
    options = {'filename': ascii_name}
    if ascii_name != filename:
        options['filename*'] = "UTF-8''" + urllib.parse.quote(filename)
    response.headers['Content-Disposition'] = dump_options_header(
        'attachment', options)
    response.headers['Cache-Control'] = 'private, no-store'
    return response


class StaticAsset:
    "A file of static/ with its gzip form and content hash, read once"
    __slots__ = ('data', 'compressed', 'digest', 'mimetype', 'mtime')

    def __init__(self, path):
        with open(path, 'rb') as file:
            self.data = file.read()
        self.mtime = os.path.getmtime(path)
        self.compressed = gzip.compress(self.data, compresslevel=9)
        self.digest = hashlib.sha256(self.data).hexdigest()[:12]
        self.mimetype = (
            mimetypes.guess_type(path)[0] or 'application/octet-stream')


@functools.lru_cache(maxsize=64)
def _static_asset(name, mtime):
    return StaticAsset(os.path.join(STATIC_DIRECTORY, name))


def static_asset(name):
    if name not in os.listdir(STATIC_DIRECTORY):
        return None
    path = os.path.join(STATIC_DIRECTORY, name)
    return _static_asset(name, os.path.getmtime(path))


HASHED_NAME = re.compile(r'^(?P<base>.+)\.(?P<digest>[0-9a-f]{12})'
    r'(?P<extension>\.[A-Za-z0-9]+)$')


@app.route('/<database_name>/portal/static/<path:filename>',
    methods={'GET'})
def static(request, database_name, filename):
    """The portal's CSS and images: a hashed name is cached for a year, the
    bare name briefly"""
    match = HASHED_NAME.match(filename)
    name = (match['base'] + match['extension']) if match else filename
    asset = static_asset(name)
    if asset is None:
        return Response(status=404)
    response = Response(mimetype=asset.mimetype)
    if asset.mimetype.startswith('text/'):
        response.charset = 'utf-8'
    response.set_etag(asset.digest)
    if match and match['digest'] == asset.digest:
        response.headers['Cache-Control'] = (
            'public, max-age=31536000, immutable')
    else:
        response.headers['Cache-Control'] = 'public, max-age=300'
    if request.if_none_match.contains(asset.digest):
        response.status_code = 304
        return response
    if asset.mimetype.startswith('image/') and 'svg' not in asset.mimetype:
        response.set_data(asset.data)
    else:
        response.vary.add('Accept-Encoding')
        if request.accept_encodings['gzip']:
            response.set_data(asset.compressed)
            response.content_encoding = 'gzip'
        else:
            response.set_data(asset.data)
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response
