"""Reading exported tables without a database: encodings, separators, what keeps a file unread, numbers in cells."""

import io

import pytest

from regulars.core.errors import BadInput
from regulars.customers import sheets

pytestmark = pytest.mark.nodb
TEXT = "手机号码,归属营业厅编码\n13812345678,XX001\n"


def refusal(content: bytes, filename: str = "x.csv") -> BadInput:
    with pytest.raises(BadInput) as caught:
        sheets.read_table(filename, content)
    return caught.value


@pytest.mark.parametrize("content", [
    TEXT.encode("utf-8"), b"\xef\xbb\xbf" + TEXT.encode("utf-8"), TEXT.encode("gbk"),
    b"\xff\xfe" + TEXT.replace(",", "\t").replace("\n", "\r\n").encode("utf-16-le"),
    b"\xfe\xff" + TEXT.replace(",", "\t").encode("utf-16-be"),
    TEXT.replace(",", "\t").encode("gbk"),
], ids=["utf8", "utf8-bom", "gbk", "utf16le-bom-tab", "utf16be-bom-tab", "gbk-tab"])
def test_read_table_encodings_and_separators(content):
    assert sheets.read_table("x.csv", content) == (["手机号码", "归属营业厅编码"], [{"手机号码": "13812345678", "归属营业厅编码": "XX001"}])


def test_read_table_comma_file_with_tab_in_a_cell_stays_comma_separated():
    header, rows = sheets.read_table("x.csv", "姓名,备注\n王,a\tb\n".encode())
    assert rows == [{"姓名": "王", "备注": "a\tb"}]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\n\n", b" , ,\r\n"])
def test_read_table_empty_file(content):
    error = refusal(content, "empty.csv")
    assert (error.key, error.params) == ("import.empty_file", {"filename": "empty.csv"})


@pytest.mark.parametrize("content", [
    "name,phone\nJosé,13812345678\n".encode("latin-1"),
    TEXT.encode("utf-16-le"), TEXT.encode("utf-16-be"), "phone\n1\n".encode("utf-16-le"),
    b"\xff\xfe\x00\x00" + TEXT.encode("utf-32-le"),
], ids=["latin1", "utf16le-no-bom", "utf16be-no-bom", "utf16le-ascii-no-bom", "utf32-bom"])
def test_read_table_unsupported_encoding(content):
    error = refusal(content)
    assert (error.key, error.params) == ("import.bad_encoding", {"filename": "x.csv"})


def test_read_table_old_excel():
    assert refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls").key == "import.old_excel"


@pytest.mark.parametrize("content", [b"PK\x03\x04" + b"\0" * 40, b"not a zip at all"])
def test_read_table_damaged_xlsx(content):
    error = refusal(content, "a.xlsx")
    assert (error.key, error.params) == ("import.bad_xlsx", {"filename": "a.xlsx"})


def test_read_table_xlsx_without_rows_is_empty():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    assert refusal(buffer.getvalue(), "a.xlsx").key == "import.empty_file"


def test_read_table_csv_cell_too_long_names_the_line():
    content = ("a,b\n1,2\n3,\"" + "x" * 200_000 + "\"\n").encode()
    error = refusal(content)
    assert (error.key, error.params["line"]) == ("import.bad_csv", 3)


@pytest.mark.parametrize(("text", "fen"), [
    ("1,875.00", 187500), ("¥29", 2900), ("￥0.5", 50), ("0", 0), ("1000000", 100_000_000), ("1e2", 10000), ("88.555", 8856),
])
def test_fen_reads_yuan(text, fen):
    assert sheets.fen(text) == fen


@pytest.mark.parametrize("text", ["一百", "１２３", "٥٠٠", "1_000", "NaN", "Infinity", "1e", "--1", "", "1.2.3"])
def test_fen_not_an_amount(text):
    with pytest.raises(BadInput) as caught:
        sheets.fen(text)
    assert (caught.value.key, caught.value.params) == ("import.bad_money", {"value": text})


@pytest.mark.parametrize("text", ["-500", "-0.01", "1000000.01", "1e20", "1e40", "1e9999"])
def test_fen_out_of_range(text):
    with pytest.raises(BadInput) as caught:
        sheets.fen(text)
    assert (caught.value.key, caught.value.params) == ("import.money_range", {"value": text, "low": "0", "high": "1,000,000"})


def test_fen_exact_refuses_part_of_a_fen_and_takes_negative_bounds():
    assert sheets.fen("-20.00", -sheets.MAX_FEN, sheets.MAX_FEN, exact=True) == -2000
    with pytest.raises(BadInput) as caught:
        sheets.fen("29.005", -sheets.MAX_FEN, sheets.MAX_FEN, exact=True)
    assert caught.value.key == "import.money_precision"
    with pytest.raises(BadInput) as caught:
        sheets.fen("-1000000.01", -sheets.MAX_FEN, sheets.MAX_FEN)
    assert caught.value.params == {"value": "-1000000.01", "low": "-1,000,000", "high": "1,000,000"}


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("20", 20), ("007", 7), ("+3", 3), ("-0", 0), ("000000000000000000000020", 20)])
def test_whole_number_reads_ascii_digits(text, number):
    assert sheets.whole_number(text, 0, 20) == number


@pytest.mark.parametrize(("text", "key"), [
    ("²", "import.bad_number"), ("３", "import.bad_number"), ("1.0", "import.bad_number"), ("", "import.bad_number"),
    ("-1", "import.number_range"), ("21", "import.number_range"), ("99999999999999999999999", "import.number_range"), ("9" * 5000, "import.number_range"),
])
def test_whole_number_refused(text, key):
    with pytest.raises(BadInput) as caught:
        sheets.whole_number(text, 0, 20)
    assert caught.value.key == key


@pytest.mark.parametrize(("text", "fen"), [("1,299.00", 129900), ("12,345", 1234500), ("1,000,000", 100_000_000),
                                           ("￥1,299.5", 129950)])
def test_fen_reads_commas_between_thousands(text, fen):
    assert sheets.fen(text) == fen


@pytest.mark.parametrize("text", ["1.299,00", "1,29", "12,34.5", ",123", "1,2345", "1,299,", "1,,299"])
def test_fen_refuses_a_comma_out_of_place(text):
    with pytest.raises(BadInput) as caught:
        sheets.fen(text)
    assert (caught.value.key, caught.value.params) == ("import.bad_thousands", {"value": text})


def test_read_rows_numbers_rows_as_the_spreadsheet_does():
    header, rows = sheets.read_rows("x.csv", "a,b\n1,2\n\n,\n\"x\ny\",3\n4,5\n".encode())
    assert header == ["a", "b"]
    assert rows == [(2, {"a": "1", "b": "2"}), (5, {"a": "x\ny", "b": "3"}), (6, {"a": "4", "b": "5"})]
