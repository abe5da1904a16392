# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.

# Tryton loads a module's HTTP routes by importing its package
from . import api, portal

__all__ = [api, portal]
