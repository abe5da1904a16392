# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"./run bench [NAME]: run one benchmark of tests/bench/, or list them"
import glob
import os
import subprocess
import sys

from . import database

BENCH_DIR = os.path.join(database.ROOT, 'tests', 'bench')


def benchmarks():
    return {
        os.path.splitext(os.path.basename(p))[0].replace('_', '-'): p
        for p in sorted(glob.glob(os.path.join(BENCH_DIR, '*.py')))
        if not os.path.basename(p).startswith('_')}


def main(args):
    available = benchmarks()
    if not args or args[0] not in available:
        if args:
            print(f"unknown benchmark: {args[0]}", file=sys.stderr)
        print("benchmarks (./run bench NAME [--scale N]):")
        for name, path in available.items():
            with open(path) as file:
                doc = next((line.strip('"\n ') for line in file
                        if line.startswith('"')), '')
            print(f"  {name:<14} {doc}")
        return 2 if args else 0
    return subprocess.call(
        [sys.executable, available[args[0]], *args[1:]], cwd=database.ROOT)
