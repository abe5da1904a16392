# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Seconds to build the demo database; baseline: the packaged Tryton modules it uses, alone"
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))
from sigo_run import database  # noqa: E402



def packaged_dependencies(modules):
    "The Tryton modules the project's modules depend on, without them"
    from trytond.modules import get_module_info
    depends = set()
    for module in modules:
        depends.update(get_module_info(module).get('depends', []))
    return sorted(depends - set(modules) - {'ir', 'res'})


def timed(function, *args, **kwargs):
    start = time.monotonic()
    function(*args, **kwargs)
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--scale', type=int, default=1)
    parser.add_argument('--runs', type=int, default=1)
    options = parser.parse_args()
    uri = os.environ.get('DATABASE_URI', 'sqlite://')
    with tempfile.TemporaryDirectory() as path:
        demo, baseline = [], []
        for run in range(options.runs):
            baseline.append(timed(database.build_database,
                    'bench_baseline', uri,
                    packaged_dependencies(database.project_modules()),
                    sqlite_path=path, demo=False))
            demo.append(timed(database.build_database,
                    'bench_demo', uri, database.project_modules(),
                    scale=options.scale, sqlite_path=path))
            for name in ['bench_baseline', 'bench_demo']:
                database.drop_database(name, uri, sqlite_path=path)
    value, base = statistics.median(demo), statistics.median(baseline)
    print(f"demo database: {value:.1f} s at scale {options.scale} on "
        f"{uri.split(':')[0]}; the packaged Tryton modules alone: "
        f"{base:.1f} s")
    print(f"demo-build: {value:.1f} s; baseline {base:.1f} s; "
        f"ratio {value / base:.2f}")


if __name__ == '__main__':
    main()
