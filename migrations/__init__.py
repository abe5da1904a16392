# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Legacy-data migrations: readers of the legacy files, the stages every
import shares (extract and validate into staging tables, dedupe/merge, load
through the Tryton models, reconciliation) and one mapping per legacy
source"""
