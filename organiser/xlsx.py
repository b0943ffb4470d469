"""A small streaming XLSX writer: one sheet, rows written as they come, constant memory.

xlsxwriter and openpyxl spend several microseconds of Python per cell, which is 15 seconds for a
100,000-row attendee list; this writes the sheet's XML directly into a zip stream at about one
microsecond per cell. It supports what the attendee list needs: text (as inline strings, never
formulas), whole numbers, booleans, datetimes (wall-clock, formatted yyyy-mm-dd hh:mm), a bold
header row that stays in view and carries an autofilter, and column widths given up front (the
`<cols>` element comes before the rows, which are not known yet). openpyxl reads the result back
in the tests.
"""

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import IO, Any
from xml.sax.saxutils import escape

EXCEL_EPOCH = datetime(1899, 12, 30)
# Characters XML 1.0 cannot carry at all; a registrant could still paste them.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_COLUMNS = 16384
CARRIAGE_RETURN = {"\r": "&#13;"}

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
# The hidden name is where Excel itself records a sheet's autofilter range.
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>
<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{filter_range}</definedName></definedNames>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
# Cell styles: 0 plain, 1 bold (header), 2 date and time.
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
"""
SHEET_END = '</sheetData><autoFilter ref="{ref}"/></worksheet>'


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name, number = "", index + 1
        while number:
            number, remainder = divmod(number - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def _text(value: str) -> str:
    # A bare carriage return would come back as a line feed (XML normalises line ends), so it
    # travels as a character reference.
    return escape(ILLEGAL_XML.sub("", value), CARRIAGE_RETURN)


def _cells(row: list[Any], row_number: int, letters: list[str], header: bool) -> Iterator[str]:
    for letter, value in zip(letters, row, strict=False):
        reference = f"{letter}{row_number}"
        if value is None or value == "":
            continue
        if header:
            yield f'<c r="{reference}" s="1" t="inlineStr"><is><t>{_text(str(value))}</t></is></c>'
        elif isinstance(value, str):
            yield (
                f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">'
                f"{_text(value)}</t></is></c>"
            )
        elif isinstance(value, bool):
            yield f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
        elif isinstance(value, int | float):
            yield f'<c r="{reference}"><v>{value}</v></c>'
        elif isinstance(value, datetime):
            serial = (value.replace(tzinfo=None) - EXCEL_EPOCH).total_seconds() / 86400
            yield f'<c r="{reference}" s="2"><v>{serial:.8f}</v></c>'
        else:
            yield f'<c r="{reference}" t="inlineStr"><is><t>{_text(str(value))}</t></is></c>'


def _columns(widths: Sequence[float]) -> str:
    if not widths:
        return ""
    columns = "".join(
        f'<col min="{number}" max="{number}" width="{width:g}" customWidth="1"/>'
        for number, width in enumerate(widths[:MAX_COLUMNS], start=1)
    )
    return f"<cols>{columns}</cols>"


def xlsx_write(
    *,
    output: IO[bytes],
    rows: Iterable[list[Any]],
    sheet_name: str = "Sheet1",
    widths: Sequence[float] = (),
) -> None:
    """Write `rows` as an XLSX workbook: the first is the header, in bold, frozen and filtered.

    `widths` are the columns' widths in characters, in order; columns beyond them keep the
    spreadsheet's default.
    """
    sheet_name = sheet_name[:31]
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", ROOT_RELS)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        header_width, row_count = 1, 0
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((SHEET_START + _columns(widths) + "<sheetData>").encode())
            letters: list[str] = []
            for row_number, row in enumerate(rows, start=1):
                if row_number == 1:
                    header_width = max(min(len(row), MAX_COLUMNS), 1)
                if len(letters) < len(row):
                    letters = _column_letters(min(len(row), MAX_COLUMNS))
                cells = "".join(_cells(row, row_number, letters, header=row_number == 1))
                sheet.write(f'<row r="{row_number}">{cells}</row>'.encode())
                row_count = row_number
            last = _column_letters(header_width)[-1]
            # The filter covers the header's columns and every row written, so sorting or
            # filtering in the spreadsheet takes whole rows.
            ref = f"A1:{last}{max(row_count, 1)}"
            sheet.write(SHEET_END.format(ref=ref).encode())
        # Written after the sheet: the filter's range is known only once the rows are.
        quoted = "'" + escape(sheet_name.replace("'", "''")) + "'"
        absolute = f"$A$1:${last}${max(row_count, 1)}"
        package.writestr(
            "xl/workbook.xml",
            WORKBOOK.format(
                name=escape(sheet_name, {'"': "&quot;"}), filter_range=f"{quoted}!{absolute}"
            ),
        )
