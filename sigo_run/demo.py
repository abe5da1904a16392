# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"./run demo: the web client on demo data, in seconds after the first run"
import argparse
import os
import sys

from . import database

NAME = 'demo'


def main(args):
    parser = argparse.ArgumentParser(prog='./run demo')
    parser.add_argument(
        '--reset', action='store_true', help="rebuild the demo database")
    parser.add_argument(
        '--scale', type=int, default=1,
        help="multiply the demo records (citizens, requests)")
    options = parser.parse_args(args)

    uri = os.environ.get('DATABASE_URI', 'sqlite://')
    if options.reset or not database.database_exists(NAME, uri):
        print(f"Building the demo database on {uri.split(':')[0]} "
            "(three to five minutes)", file=sys.stderr)
        database.build_database(
            NAME, uri, database.project_modules(), scale=options.scale)

    print_logins()
    env = database.trytond_environ(uri)
    trytond = os.path.join(os.path.dirname(sys.executable), 'trytond')
    os.execve(
        trytond, [trytond, '-c', database.DEMO_CONFIG, '-d', NAME], env)


def print_logins():
    from sigo_demo.authentication_totp import DEMO_TOTP_KEY, TOTP_USERS
    from sigo_demo.change_request import demo_logins as change_logins
    from sigo_demo.claims_portal import (
        DEMO_API_KEY, DEMO_PORTAL_TOTP_KEY, PROVIDERS,
        STAFF as CLAIMS_STAFF)
    from sigo_demo.gosws_hdf import STAFF as WELFARE_STAFF
    from sigo_demo.helpdesk import AGENTS
    from sigo_demo.sigo_base import DEMO_PASSWORD, demo_logins
    print()
    print("Web client: http://127.0.0.1:8000/  (database: %s)" % NAME)
    print()
    print(f"  {'login':<24} {'password':<12} role")
    print(f"  {'admin':<24} {database.ADMIN_PASSWORD:<12} administrator")
    for login, role, office in demo_logins():
        print(f"  {login:<24} {DEMO_PASSWORD:<12} {role}, {office}")
    for login, _, _, office in WELFARE_STAFF:
        print(f"  {login:<24} {DEMO_PASSWORD:<12} welfare payments, {office}")
    for login, _, team in AGENTS:
        print(f"  {login:<24} {DEMO_PASSWORD:<12} help desk agent, {team}")
    for login, role in change_logins():
        print(f"  {login:<24} {DEMO_PASSWORD:<12} {role}")
    for login, *_ in CLAIMS_STAFF:
        print(f"  {login:<24} {DEMO_PASSWORD:<12} health claims")
    print()
    print(f"  {', '.join(TOTP_USERS)} also needs a one-time code: add the key "
        f"{DEMO_TOTP_KEY} to an authenticator app.")
    print("  Any user can turn two-factor login on under My Account.")
    print()
    print("Provider portal: http://127.0.0.1:8000/%s/portal/" % NAME)
    print()
    for name, _, _, _, _, email in PROVIDERS:
        print(f"  {email:<24} {DEMO_PASSWORD:<12} {name}")
    print(f"  The portal asks for a one-time code: add the key "
        f"{DEMO_PORTAL_TOTP_KEY} to an authenticator app.")
    print(f"  Claims API (POST/GET /{NAME}/claims_portal/api/claims): "
        f"Authorization: bearer {DEMO_API_KEY}")
    print()
    sys.stdout.flush()
