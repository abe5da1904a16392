# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"The XLSX files the modules write"
import xlsxwriter


def new_workbook(output):
    """An in-memory workbook writing output that keeps every string as text:
    a value an employer, a provider or an e-mail sender typed as "=..." or
    "http://..." must not become a formula or a link in the spreadsheet an
    officer opens"""
    return xlsxwriter.Workbook(output, {
            'in_memory': True,
            'strings_to_formulas': False,
            'strings_to_urls': False,
            })
