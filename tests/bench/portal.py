# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"p95 of a claim page under 20 concurrent providers, and its gzip size; baseline: the stylesheet"
import argparse
import datetime as dt
import gzip
import os
import re
import statistics
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))
from sigo_run import database  # noqa: E402
from tests.webclient import DemoServer  # noqa: E402

HOSPITAL = 'hospital@demo.sigo.mn'
# Each phase stops after this long, whatever is left to send
PHASE_SECONDS = 300


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def provider_sessions(server, email, count, lines):
    """Session keys of the portal user, and a claim of the provider with
    the given number of lines (a file as the hospital uploads it, on the
    demo's patients and services). Each client holds a session of its
    own, as a login with password and one-time code gives; logging in 20
    times through the form would need 20 one-time codes, one per
    30-second step"""
    os.environ.update(database.trytond_environ(server.uri, server.directory))
    from trytond.pool import Pool

    from sigo_demo import in_transaction

    Pool.start()
    Pool(server.name).init()

    def sessions():
        pool = Pool()
        WebUser = pool.get('web.user')
        Claim = pool.get('claim.claim')
        Line = pool.get('claim.line')
        user, = WebUser.search([('email', '=', email)])
        demo = Line.search([
                ('claim.provider', '=', user.claim_provider.id),
                ('tariff', '!=', None),
                ])
        rows = ['patient_register_number,service_date,diagnosis,item_code,'
            'quantity,amount']
        for number in range(lines):
            line = demo[number % len(demo)]
            day = line.service_date - dt.timedelta(days=number // len(demo))
            rows.append(f'{line.patient_register_number},{day.isoformat()},'
                f'{line.diagnosis or ""},{line.item_code},{line.quantity},'
                f'{line.amount_asked}')
        claim = Claim.import_file(user.claim_provider, 'bench.csv',
            '\n'.join(rows).encode(), web_user=user)
        return [user.new_session() for _ in range(count)], claim.id
    return in_transaction(server.name, sessions)


def fetch(url, session=None):
    "Seconds to get the whole answer, and the answer as sent"
    headers = {'Accept-Encoding': 'gzip', 'Accept-Language': 'mn'}
    if session:
        headers['Cookie'] = f'portal_session={session}'
    start = time.perf_counter()
    with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers),
            timeout=60) as response:
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return time.perf_counter() - start, response.headers, body


def load(url, sessions, requests_per_client):
    """Latencies of every request of len(sessions) clients, each sending
    its requests one after the other"""
    latencies, errors = [], []
    deadline = time.monotonic() + PHASE_SECONDS

    def client(session):
        for _ in range(requests_per_client):
            if time.monotonic() > deadline:
                return
            try:
                seconds, _, _ = fetch(url, session)
            except Exception as error:
                errors.append(error)
                continue
            latencies.append(seconds)
    threads = [threading.Thread(target=client, args=(s,)) for s in sessions]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed: {errors[0]}")
    return latencies, elapsed


def report(label, latencies, elapsed):
    print(f"{label}: {len(latencies)} requests in {elapsed:.1f} s "
        f"({len(latencies) / elapsed:.1f}/s); median "
        f"{statistics.median(latencies) * 1000:.0f} ms, p95 "
        f"{percentile(latencies, 0.95) * 1000:.0f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--scale', type=int, default=1)
    parser.add_argument('--clients', type=int, default=20)
    parser.add_argument('--requests', type=int, default=25,
        help="requests of each client in each phase")
    parser.add_argument('--lines', type=int, default=1000,
        help="lines of the claim whose page is read (100 a page)")
    options = parser.parse_args()
    # PostgreSQL, the production database, when one answers
    uri = os.environ.get('DATABASE_URI') or (database.LOCAL_POSTGRESQL
        if database.postgresql_answers() else 'sqlite://')
    os.environ['TRYTOND_DATABASE__URI'] = uri
    server = DemoServer(name='benchportal', scale=options.scale)
    try:
        server.start()
        sessions, claim_id = provider_sessions(
            server, HOSPITAL, options.clients, options.lines)
        portal = f'{server.url}{server.name}/portal'
        page_url = f'{portal}/claims/{claim_id}'
        _, headers, body = fetch(page_url, sessions[0])
        if headers.get('Content-Encoding') != 'gzip':
            raise RuntimeError("the claim page is not compressed")
        html = gzip.decompress(body)
        shown = len(re.findall(rb'<tr id="line-', html))
        stylesheet = re.search(rb'href="([^"]+\.css)"', html)[1].decode()
        static_url = server.url.rstrip('/') + stylesheet
        print(f"claim page of {options.lines} lines ({shown} shown) on "
            f"{uri.split(':')[0]}: "
            f"{len(html) / 1024:.1f} KB of HTML, gzip "
            f"{len(body) / 1024:.1f} KB")

        baseline, baseline_elapsed = load(
            static_url, sessions, options.requests)
        report("stylesheet", baseline, baseline_elapsed)
        page, page_elapsed = load(page_url, sessions, options.requests)
        report(f"claim page, {options.clients} clients", page, page_elapsed)
    finally:
        server.stop()
    value = percentile(page, 0.95) * 1000
    base = percentile(baseline, 0.95) * 1000
    print(f"portal: {value:.0f} ms p95; baseline {base:.0f} ms p95; "
        f"ratio {value / base:.2f}")


if __name__ == '__main__':
    main()
