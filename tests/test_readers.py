"""Reading CSV and Excel files as people actually save them (eitgraph.load.tables); no store needed."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io

import openpyxl
import pytest

from eitgraph.errors import InputError
from eitgraph.load.tables import excel_cell_text, read_table, sniff_delimiter


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- encodings -----------------------------------------------------------------------

TEXT = ("Raison sociale;Commune;Filière\r\n"
        "École de la Thur;Sélestat;Économie circulaire\r\n"
        "Bœuf & Cie;Thann;Déchets – bois\r\n")


def test_utf8(tmp_path):
    t = read_table(write(tmp_path, "utf8.csv", TEXT.encode("utf-8")))
    assert t.encoding == "utf-8"
    assert t.delimiter == ";"
    assert t.headers == ["Raison sociale", "Commune", "Filière"]
    assert t.rows == [(2, ["École de la Thur", "Sélestat", "Économie circulaire"]),
                      (3, ["Bœuf & Cie", "Thann", "Déchets – bois"])]


def test_utf8_with_bom(tmp_path):
    t = read_table(write(tmp_path, "bom.csv", codecs.BOM_UTF8 + TEXT.encode("utf-8")))
    assert t.encoding == "utf-8"
    # The BOM must not stick to the first header, or « Raison sociale » would not be recognised.
    assert t.headers[0] == "Raison sociale"
    assert not any("\ufeff" in h for h in t.headers)
    assert t.rows[0][1][0] == "École de la Thur"


def test_cp1252_with_accents_and_windows_only_characters(tmp_path):
    # œ (0x9c), – (0x96), € (0x80) and ’ (0x92) exist in cp1252 but not in latin-1.
    text = TEXT + "L’Atelier;Cernay;Coût 1 200 €\r\n"
    data = text.encode("cp1252")
    assert b"\x9c" in data and b"\x80" in data and b"\x92" in data and b"\xe9" in data
    t = read_table(write(tmp_path, "cp1252.csv", data))
    assert t.encoding == "cp1252"
    assert t.headers == ["Raison sociale", "Commune", "Filière"]
    assert t.rows[0] == (2, ["École de la Thur", "Sélestat", "Économie circulaire"])
    assert t.rows[1] == (3, ["Bœuf & Cie", "Thann", "Déchets – bois"])
    assert t.rows[2] == (4, ["L’Atelier", "Cernay", "Coût 1 200 €"])


def test_encoding_override_is_honoured(tmp_path):
    path = write(tmp_path, "utf8.csv", TEXT.encode("utf-8"))
    # Forcing cp1252 on UTF-8 bytes gives the classic mojibake: proof the override is used.
    t = read_table(path, encoding="cp1252")
    assert t.encoding == "cp1252"
    assert t.rows[0][1][1] == "SÃ©lestat"
    # latin-1 decodes any byte, including 0x81 which neither UTF-8 nor cp1252 accept.
    odd = write(tmp_path, "odd.csv", b"Nom;Commune\r\nA\x81B;Thann\r\n")
    t = read_table(odd, encoding="latin-1")
    assert t.encoding == "latin-1"
    # U+0081 is a C1 control character: removed at read time, and the load is told where.
    assert t.rows == [(2, ["AB", "Thann"])]
    assert [(code, loc.row, loc.column) for code, _, loc in t.notes] == [("control_characters", 2, "Nom")]


def test_encoding_override_that_does_not_fit_names_the_line(tmp_path):
    path = write(tmp_path, "cp.csv", "Nom;Commune\r\nA;Thann\r\nÉcole;Cernay\r\n".encode("cp1252"))
    with pytest.raises(InputError) as exc:
        read_table(path, encoding="utf-8")
    assert exc.value.location.file == str(path)
    assert exc.value.location.row == 3
    assert "0xc9" in str(exc.value)


def test_unknown_encoding_is_an_input_error(tmp_path):
    path = write(tmp_path, "a.csv", b"Nom;Commune\r\nA;Thann\r\n")
    with pytest.raises(InputError, match="unknown encoding 'klingon'") as exc:
        read_table(path, encoding="klingon")
    assert str(path) in str(exc.value)


# -- delimiters ------------------------------------------------------------------------

@pytest.mark.parametrize("delim, name", [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_delimiter_detection(tmp_path, delim, name):
    lines = [["Raison sociale", "Code INSEE", "Effectif"], ["Ateliers du Rhin", "68063", "1 200,5"],
             ["Bois & Co", "68334", "12"]]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\n").writerows(lines)   # quotes "1 200,5" when needed
    data = buf.getvalue().encode("utf-8")
    t = read_table(write(tmp_path, f"{name}.csv", data))
    assert t.delimiter == delim
    assert t.headers == lines[0]
    assert [cells for _, cells in t.rows] == lines[1:]


def test_delimiter_detection_respects_quotes():
    # The comma inside the quoted header must not make ',' look like the delimiter.
    assert sniff_delimiter('"Nom, prénom";"Commune, ville";Code') == ";"
    assert sniff_delimiter('"Nom; prénom","Commune; ville",Code') == ","
    assert sniff_delimiter("Nom\tCommune\tCode") == "\t"


def test_semicolon_file_with_decimal_commas(tmp_path):
    data = "Commune;Tonnage;Coût\r\nThann;1 234,5;12,50\r\nCernay;7,25;3\r\n".encode()
    t = read_table(write(tmp_path, "dec.csv", data))
    assert t.delimiter == ";"
    assert t.rows == [(2, ["Thann", "1 234,5", "12,50"]), (3, ["Cernay", "7,25", "3"])]


def test_delimiter_override(tmp_path):
    path = write(tmp_path, "mixed.csv", b"Nom;Commune,Pays\nA;Thann,France\n")
    assert read_table(path).headers == ["Nom", "Commune,Pays"]
    t = read_table(path, delimiter=",")
    assert t.delimiter == ","
    assert t.headers == ["Nom;Commune", "Pays"]
    assert t.rows == [(2, ["A;Thann", "France"])]


# -- rows and cells --------------------------------------------------------------------------

MULTILINE = (b'Nom;Description;N\r\n'
             b'A;"ligne 1\r\nligne 2";1\r\n'       # one record on physical lines 2-3
             b'B;simple;2\r\n'                      # line 4
             b'\r\n'                                # line 5, blank
             b'C;"x ; y";3\r\n')                    # line 6


def test_quoted_multiline_cell_keeps_row_numbers_of_later_rows(tmp_path):
    t = read_table(write(tmp_path, "ml.csv", MULTILINE))
    assert len(t.rows) == 3
    by_name = {cells[0]: (row, cells) for row, cells in t.rows}
    assert by_name["A"][1][1].splitlines() == ["ligne 1", "ligne 2"]
    assert by_name["A"][1][2] == "1"
    # Later rows are numbered by the line they are on, as a text editor and the decode errors show them.
    assert by_name["B"][0] == 4
    assert by_name["C"][0] == 6
    assert by_name["C"][1] == ["C", "x ; y", "3"]


def test_quoted_multiline_record_is_numbered_by_its_first_line(tmp_path):
    t = read_table(write(tmp_path, "ml.csv", MULTILINE))
    assert t.rows[0][0] == 2


def test_cells_are_stripped_blank_cells_are_none_blank_rows_skipped(tmp_path):
    data = b"Nom;Commune;Code\n  Thann Bois  ; ;68334\n;;\n\nX;Cernay;\n"
    t = read_table(write(tmp_path, "blank.csv", data))
    assert t.rows == [(2, ["Thann Bois", None, "68334"]), (5, ["X", "Cernay", None])]


def test_csv_header_row_option(tmp_path):
    data = "Liste des acteurs 2024;;\r\nNom;Commune;Code\r\nA;Thann;68334\r\n".encode("cp1252")
    t = read_table(write(tmp_path, "titled.csv", data), header_row=2)
    assert t.header_row == 2
    assert t.headers == ["Nom", "Commune", "Code"]
    assert t.rows == [(3, ["A", "Thann", "68334"])]


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv")


def test_sheet_option_on_a_csv_is_an_input_error(tmp_path):
    path = write(tmp_path, "a.csv", b"Nom\nA\n")
    with pytest.raises(InputError, match="not an Excel workbook") as exc:
        read_table(path, sheet="Acteurs")
    assert str(path) in str(exc.value)


def test_old_xls_is_refused_with_advice(tmp_path):
    path = write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    with pytest.raises(InputError, match=r"\.xlsx or CSV"):
        read_table(path)


# -- Excel --------------------------------------------------------------------------------

def make_workbook(path):
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Feuil1"
    first.append(["Raison sociale", "Effectif", "Ratio", "Code INSEE", "Date", "Horodatage", "Actif", "Vide"])
    first.append(["Ateliers du Rhin", 12.0, 12.5, 68063, dt.datetime(2024, 3, 31), dt.datetime(2024, 3, 31, 14, 30),
                  True, None])
    first.append([None] * 8)                                        # blank row: skipped
    first.append(["Bois & Co", 3, 0.25, 1004, dt.date(2023, 1, 5), None, False, "  "])
    second = wb.create_sheet("Acteurs")
    second.append(["Acteurs du Pays Thur Doller"])                  # a title above the header
    second.append(["Nom", "Commune"])
    second.append(["Emmaüs", "Cernay"])
    wb.save(path)
    return path


def test_excel_first_sheet_by_default(tmp_path):
    path = make_workbook(tmp_path / "acteurs.xlsx")
    t = read_table(path)
    assert t.sheet == "Feuil1"
    assert t.file == str(path)
    assert t.headers == ["Raison sociale", "Effectif", "Ratio", "Code INSEE", "Date", "Horodatage", "Actif", "Vide"]
    assert t.rows == [
        (2, ["Ateliers du Rhin", "12", "12.5", "68063", "2024-03-31", "2024-03-31T14:30:00", "oui", None]),
        (4, ["Bois & Co", "3", "0.25", "1004", "2023-01-05", None, "non", None]),
    ]


def test_excel_named_sheet_and_header_row(tmp_path):
    path = make_workbook(tmp_path / "acteurs.xlsx")
    t = read_table(path, sheet="Acteurs", header_row=2)
    assert t.sheet == "Acteurs"
    assert t.header_row == 2
    assert t.headers == ["Nom", "Commune"]
    assert t.rows == [(3, ["Emmaüs", "Cernay"])]
    # Locations of errors in a workbook name the sheet.
    assert "sheet 'Acteurs'" in str(t.location(3, "Commune"))


def test_excel_missing_sheet_names_the_available_ones(tmp_path):
    path = make_workbook(tmp_path / "acteurs.xlsx")
    with pytest.raises(InputError) as exc:
        read_table(path, sheet="Diagnostic")
    msg = str(exc.value)
    assert str(path) in msg and "'Diagnostic'" in msg
    assert "'Feuil1'" in msg and "'Acteurs'" in msg


def test_excel_cell_text():
    assert excel_cell_text(12.0) == "12"
    assert excel_cell_text(12) == "12"
    assert excel_cell_text(12.5) == "12.5"
    assert excel_cell_text(dt.datetime(2024, 3, 31)) == "2024-03-31"
    assert excel_cell_text(dt.datetime(2024, 3, 31, 8, 5)) == "2024-03-31T08:05:00"
    assert excel_cell_text(dt.date(2024, 3, 31)) == "2024-03-31"
    assert excel_cell_text(True) == "oui"
    assert excel_cell_text(False) == "non"
    assert excel_cell_text("  Thann ") == "Thann"
    assert excel_cell_text("   ") is None
    assert excel_cell_text(None) is None


def test_corrupt_and_empty_workbooks_are_input_errors(tmp_path):
    bad = write(tmp_path, "bad.xlsx", b"this is not a zip file at all")
    with pytest.raises(InputError, match=r"not a valid \.xlsx") as exc:
        read_table(bad)
    assert str(bad) in str(exc.value)
    empty = write(tmp_path, "empty.xlsx", b"")
    with pytest.raises(InputError, match="empty"):
        read_table(empty)
    encrypted = write(tmp_path, "locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(InputError, match="password"):
        read_table(encrypted)


def test_excel_sheet_without_data_rows(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Feuil1"
    wb.active.append(["Raison sociale", "Type d'acteur"])
    wb.create_sheet("Vide")
    path = tmp_path / "header-only.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match="header but no data rows") as exc:
        read_table(path)
    assert exc.value.location.sheet == "Feuil1" and exc.value.location.row == 1
    with pytest.raises(InputError, match="the sheet is empty") as exc:
        read_table(path, sheet="Vide")
    assert exc.value.location.sheet == "Vide"
