# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Readers of the legacy files: each yields (row number, {column: text})
with the row numbers the soum sees in its own program (the first data row
of a CSV or XLSX is 2, the first record of a DBF or Access table is 1)"""
import codecs
import csv
import datetime as dt
import io
import os
import shutil
import subprocess
from decimal import Decimal

# The encodings old Mongolian programs wrote: UTF-8 from the newer ones,
# Windows Cyrillic from FoxPro and Excel 97 on Windows
ENCODINGS = ['utf-8-sig', 'cp1251']
# CP1251 has no Ө and Ү: the Mongolian Windows fonts (Arial Mon, …) drew
# them in the places of the Ukrainian Є and Ї, which is what the files hold
MONGOLIAN_CP1251 = str.maketrans('ЄєЇї', 'ӨөҮү')


class ReaderError(Exception):
    "A file that cannot be read at all"


def detect_encoding(data):
    """The first of ENCODINGS that decodes the whole file: CP1251 decodes
    almost any byte, so UTF-8 is tried first and rarely passes by chance"""
    for encoding in ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ReaderError("neither UTF-8 nor CP1251")


def text(value):
    "A cell as the text the soum typed, whatever type the file stored"
    if value is None:
        return ''
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (float, Decimal)):
        return str(value)
    return str(value).strip()


def read_csv(path, encoding=None):
    with open(path, 'rb') as file:
        data = file.read()
    encoding = encoding or detect_encoding(data)
    content = data.decode(encoding)
    if codecs.lookup(encoding).name == 'cp1251':
        content = content.translate(MONGOLIAN_CP1251)
    dialect = csv.Sniffer().sniff(content[:4096], delimiters=',;\t|')
    reader = csv.reader(io.StringIO(content, newline=''), dialect)
    header = [c.strip().upper() for c in next(reader)]
    for number, row in enumerate(reader, 2):
        if any(c.strip() for c in row):
            yield number, dict(zip(header, (text(c) for c in row)))


def read_xlsx(path, encoding=None):
    import openpyxl
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [text(c).upper() for c in next(rows)]
        for number, row in enumerate(rows, 2):
            if any(c not in (None, '') for c in row):
                yield number, dict(zip(header, (text(c) for c in row)))
    finally:
        workbook.close()


def read_dbf(path, encoding=None):
    """dBase/FoxPro tables; the code page is the one the file declares
    unless the mapping knows better (many FoxPro files declare none)"""
    import dbfread
    table = dbfread.DBF(path, encoding=encoding, char_decode_errors='strict',
        ignore_missing_memofile=True)
    mongolian = codecs.lookup(table.encoding).name == 'cp1251'
    for number, record in enumerate(table, 1):
        record = {k.upper(): text(v) for k, v in record.items()}
        if mongolian:
            record = {k: v.translate(MONGOLIAN_CP1251)
                for k, v in record.items()}
        yield number, record


def mdb_tables(path):
    "The user tables of an Access file, with Debian's mdbtools"
    if not shutil.which('mdb-tables'):
        raise ReaderError("mdbtools is not installed (apt-get install "
            "mdbtools)")
    output = subprocess.run(['mdb-tables', '-1', path], check=True,
        capture_output=True, text=True).stdout
    return [t for t in output.splitlines() if t]


def read_mdb(path, encoding=None, table=None):
    """A table of an MS Access file (the first one unless named) exported
    by mdbtools as CSV with ISO dates"""
    table = table or mdb_tables(path)[0]
    export = subprocess.run(['mdb-export', '-D', '%Y-%m-%d', path, table],
        check=True, capture_output=True)
    content = export.stdout.decode(encoding or 'utf-8')
    reader = csv.reader(io.StringIO(content, newline=''))
    header = [c.strip().upper() for c in next(reader)]
    for number, row in enumerate(reader, 1):
        yield number, dict(zip(header, (text(c) for c in row)))


READERS = {
    '.csv': read_csv,
    '.txt': read_csv,
    '.xlsx': read_xlsx,
    '.dbf': read_dbf,
    '.mdb': read_mdb,
    '.accdb': read_mdb,
    }


def read(path, encoding=None):
    "The rows of a legacy file, by the reader of its extension"
    extension = os.path.splitext(path)[1].lower()
    if extension not in READERS:
        raise ReaderError(f"{os.path.basename(path)}: no reader for "
            f"{extension or 'files without extension'}")
    if encoding:
        codecs.lookup(encoding)
    return READERS[extension](path, encoding=encoding)
