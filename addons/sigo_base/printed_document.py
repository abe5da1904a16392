# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"The house style of the documents printed from HTML templates"
import os

from trytond.report import Report

with open(os.path.join(
            os.path.dirname(__file__), 'printed_document.css')) as file:
    HOUSE_STYLE = file.read()


class PrintedDocument(Report):
    """An HTML report in the house style: its template puts ${house_style}
    in its <style> and a page per record in a div of class document"""

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['house_style'] = HOUSE_STYLE
        return context
