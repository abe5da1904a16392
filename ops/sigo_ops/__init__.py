# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Backups, point-in-time restores and restore drills of the Tryton database
with pgBackRest, and of Tryton's filestore beside it (see ops/README.md)"""
