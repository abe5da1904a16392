# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import argparse
import time

from . import generate

parser = argparse.ArgumentParser(prog='python -m sigo_demo')
parser.add_argument('database')
parser.add_argument('--scale', type=int, default=1)
parser.add_argument(
    '--open-books', action='store_true',
    help="only the records: no months of accounts, closing or statements")
options = parser.parse_args()
start = time.monotonic()
generate(options.database, options.scale, finish=not options.open_books)
print(f"Demo data loaded in {time.monotonic() - start:.1f} s")
