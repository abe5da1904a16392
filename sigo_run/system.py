# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Debian programs the commands drive, installed on first use"
import os
import shutil
import subprocess
import sys


def ensure_debian_packages(programs):
    """Install the packages of the programs (a dict program: package) that
    are missing; return whether every program is there"""
    missing = sorted({package for program, package in programs.items()
            if not shutil.which(program)})
    if not missing:
        return True
    if os.geteuid() != 0 or not shutil.which('apt-get'):
        print(f"{', '.join(missing)} missing and cannot be installed "
            "(needs root and apt-get)", file=sys.stderr)
        return False
    print(f"Installing {', '.join(missing)}", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    subprocess.run(['apt-get', 'update', '-qq'], check=True, env=env)
    subprocess.run(['apt-get', 'install', '-y', '-qq', *missing], check=True,
        env=env, stdout=subprocess.DEVNULL)
    return True
