"""The Open SDG CSV importer: layouts, number formats, validation and the atomic contract."""

import csv
import io
import os
import time

import pytest

from faelles.indicators.importers.base import (
    NumberFormatError,
    ParsedObservation,
    ParseResult,
    RowError,
    message,
    parse_number,
)
from faelles.indicators.importers.opensdg_csv import (
    OpenSdgCsvSource,
    headline,
    parse_opensdg_csv,
)
from faelles.indicators.periods import Period, parse_period

GOOD_ROWS = [
    ["Year", "Køn", "Bydel", "Value"],
    ["2020", "", "", "27366"],
    ["2020", "Mænd", "", "13650"],
    ["2020", "Kvinder", "", "13716"],
    ["2020", "", "Albertslund Syd", "9120,5"],
    ["2021", "", "", "27400"],
]


def _csv(
    rows: list[list[str]], delimiter: str = ",", newline: str = "\n", bom: bool = False
) -> bytes:
    out = io.StringIO()
    # csv.writer quotes "9120,5" in comma-delimited files, as spreadsheets do.
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    text = out.getvalue()
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def _codes(result: ParseResult) -> list[tuple[str, int | None]]:
    return [(error.code, error.line) for error in result.errors]


# --- Good files ------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_good_file_in_every_dialect(delimiter: str, newline: str, bom: bool) -> None:
    result = parse_opensdg_csv(_csv(GOOD_ROWS, delimiter, newline, bom))
    assert result.ok, result.errors
    assert [(str(o.period), o.disaggregation, o.value) for o in result.observations] == [
        ("2020", {}, 27366.0),
        ("2020", {"Køn": "Mænd"}, 13650.0),
        ("2020", {"Køn": "Kvinder"}, 13716.0),
        ("2020", {"Bydel": "Albertslund Syd"}, 9120.5),
        ("2021", {}, 27400.0),
    ]
    assert headline(result.observations) == {2020: 27366.0, 2021: 27400.0}


def test_source_class_and_stream_input() -> None:
    data = _csv(GOOD_ROWS, ";", "\r\n", bom=True)
    from_bytes = OpenSdgCsvSource(data).read()
    from_stream = OpenSdgCsvSource(io.BytesIO(data)).read()
    assert from_bytes.ok
    assert from_bytes.observations == from_stream.observations


def test_decimal_comma_in_comma_delimited_file_is_quoted() -> None:
    data = b'Year,Value\n2020,"1.234,5"\n2021,"1234,5"\n2022,1234.5\n'
    result = parse_opensdg_csv(data)
    assert [o.value for o in result.observations] == [1234.5, 1234.5, 1234.5]


def test_selector_and_attribute_columns_are_not_disaggregations() -> None:
    data = _csv(
        [
            ["Year", "Series", "Units", "Køn", "COMMENT_OBS", "GeoCode", "Value"],
            ["2020", "Befolkning", "Antal", "", "foreløbigt tal", "165", "27366"],
            ["2020", "Befolkning", "Procent", "", "", "165", "100"],
            ["2020", "Befolkning", "Antal", "Kvinder", "", "", "13716"],
        ]
    )
    result = parse_opensdg_csv(data)
    assert result.ok, result.errors
    first, second, third = result.observations
    assert first == ParsedObservation(Period(2020), 27366.0, {}, "Antal", "Befolkning", "165")
    assert second.units == "Procent"
    assert third.disaggregation == {"Køn": "Kvinder"}
    assert third.geocode is None
    # Same period twice in the headline, told apart by units: choose one.
    with pytest.raises(ValueError, match="several headline series"):
        headline(result.observations)
    assert headline(result.observations, units="Procent") == {2020: 100.0}


def test_header_names_are_case_insensitive_and_trimmed() -> None:
    result = parse_opensdg_csv(b"year ; Alder ; VALUE\n2020;;5\n")
    assert result.ok
    assert result.observations[0].value == 5.0


def test_quarters_and_months_in_year_column() -> None:
    rows = [["Year", "Value"], ["2023K1", "27530"], ["2023Q2", "27550"], ["2024K1", "27601"]]
    result = parse_opensdg_csv(_csv(rows))
    assert [str(o.period) for o in result.observations] == ["2023K1", "2023K2", "2024K1"]
    assert headline(result.observations, "K1") == {2023: 27530.0, 2024: 27601.0}
    months = parse_opensdg_csv(b"Year,Value\n2020M02,1\n2020M3,2\n")
    expected = [parse_period("2020M02"), Period(2020, month=3)]
    assert [o.period for o in months.observations] == expected


def test_blank_lines_are_skipped_and_lines_still_counted() -> None:
    data = b"Year;Value\n\n2020;1\n;\n\n2021;x\n"
    result = parse_opensdg_csv(data)
    assert _codes(result) == [("non_numeric", 6)]


def test_quoted_multiline_cell_keeps_line_numbers_right() -> None:
    data = b'Year,Note,Value\n2020,"two\nlines",1\n2021,,abc\n'
    result = parse_opensdg_csv(data)
    assert _codes(result) == [("non_numeric", 4)]


def test_header_only_is_an_empty_import() -> None:
    result = parse_opensdg_csv(b"Year,Value\r\n")
    assert result.ok
    assert result.observations == []


def test_disaggregation_dicts_are_shared_between_rows() -> None:
    rows = [["Year", "Køn", "Value"], ["2020", "Mænd", "1"], ["2021", "Mænd", "2"]]
    first, second = parse_opensdg_csv(_csv(rows)).observations
    assert first.disaggregation is second.disaggregation


# --- Bad rows --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "code", "params"),
    [
        ("2020,,abc", "non_numeric", {"value": "abc"}),
        ("2020,,12%", "non_numeric", {"value": "12%"}),
        ("2020,,nan", "non_numeric", {"value": "nan"}),
        ("2020,,", "empty_value", {}),
        ("2020,,1.000", "ambiguous_number", {"value": "1.000"}),
        ("20x0,,1", "unknown_year", {"value": "20x0"}),
        (",,1", "unknown_year", {"value": ""}),
        ("2020K5,,1", "unknown_year", {"value": "2020K5"}),
        ("2015-16,,1", "unknown_year", {"value": "2015-16"}),
        ("2020,,1,2", "column_count", {"expected": 3, "found": 4}),
        ("2020,1", "column_count", {"expected": 3, "found": 2}),
        ('2020,"a"b,1', "malformed_csv", {}),
    ],
)
def test_each_bad_row_kind(row: str, code: str, params: dict[str, object]) -> None:
    data = f"Year,Køn,Value\n2019,,5\n{row}\n2021,,7\n".encode()
    result = parse_opensdg_csv(data)
    assert result.errors == [RowError(code, 3, params)]
    assert result.observations == []


def test_duplicate_key() -> None:
    data = _csv(
        [
            ["Year", "Køn", "Units", "Value"],
            ["2020", "", "Antal", "1"],
            ["2020", "Mænd", "Antal", "2"],  # other breakdown: fine
            ["2020", "", "Procent", "3"],  # other units: fine
            ["2020K1", "", "Antal", "4"],  # other period: fine
            ["2020", "", "Antal", "5"],  # same as line 2
        ]
    )
    result = parse_opensdg_csv(data)
    assert result.errors == [RowError("duplicate_key", 6, {"period": "2020", "first_line": 2})]
    assert result.observations == []


def test_every_bad_row_is_reported_and_nothing_is_imported() -> None:
    data = b"".join(
        [
            b"\xef\xbb\xbfYear;K\xc3\xb8n;Value\r\n",
            b"2020;;27366\r\n",  # 2
            b"2020;;abc\r\n",  # 3
            b"2021;;\r\n",  # 4
            b"aar;Kvinder;1\r\n",  # 5
            b"2022;;1;2\r\n",  # 6
            b"2020;;27000\r\n",  # 7 duplicates 2
            b"x;;y\r\n",  # 8: both year and value wrong
            b"2023;;28000\r\n",  # 9
        ]
    )
    result = parse_opensdg_csv(data)
    assert _codes(result) == [
        ("non_numeric", 3),
        ("empty_value", 4),
        ("unknown_year", 5),
        ("column_count", 6),
        ("duplicate_key", 7),
        ("unknown_year", 8),
        ("non_numeric", 8),
    ]
    assert result.observations == []
    assert not result.ok


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (b"Aar,Value", ["Year"]),
        (b"Year,Vaerdi", ["Value"]),
        (b"Aar;Vaerdi", ["Year", "Value"]),
    ],
)
def test_missing_columns_give_one_error_each_and_no_row_errors(
    header: bytes, missing: list[str]
) -> None:
    result = parse_opensdg_csv(header + b"\nbad,bad\nworse,worse\n")
    assert result.errors == [RowError("missing_column", 1, {"column": c}) for c in missing]


def test_duplicate_and_unnamed_columns() -> None:
    assert parse_opensdg_csv("Year,Køn,køn,Value\n".encode()).errors == [
        RowError("duplicate_column", 1, {"column": "køn"})
    ]
    assert parse_opensdg_csv(b"Year,,Value\n").errors == [
        RowError("empty_column_name", 1, {"position": 2})
    ]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n", b"   \n"])
def test_empty_file(data: bytes) -> None:
    result = parse_opensdg_csv(data)
    assert [e.code for e in result.errors] == ["empty_file"]


def test_undecodable_bytes_give_one_encoding_error_only() -> None:
    # Excel's "CSV" (not "CSV UTF-8") saves Windows-1252: "ø" is one byte, 0xF8.
    data = "Year;Køn;Value\n2020;;abc\n2021;Kvinder;1\n2022;Mænd;2\n".encode("cp1252")
    result = parse_opensdg_csv(data)
    assert result.errors == [RowError("encoding", 1)]
    assert result.observations == []


def test_encoding_error_line_is_exact_for_bytes_and_absent_for_streams() -> None:
    rows = b"".join(b"%d,1\n" % year for year in range(1900, 2100))
    data = b"\xef\xbb\xbfYear,Value\n" + rows + b"2100,\xff\n"
    assert parse_opensdg_csv(data).errors == [RowError("encoding", 202)]
    assert parse_opensdg_csv(io.BytesIO(data)).errors == [RowError("encoding", None)]


def test_parse_result_is_atomic() -> None:
    observation = ParsedObservation(Period(2020), 1.0)
    assert ParseResult([observation], [RowError("non_numeric", 2)]).observations == []
    assert ParseResult([observation]).observations == [observation]


# --- Numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", 1234.0),
        ("-17", -17.0),
        ("+3", 3.0),
        ("\u221242", -42.0),
        ("  27530 ", 27530.0),
        ("1234,5", 1234.5),
        ("0,25", 0.25),
        ("1,234", 1.234),
        ("1234.5", 1234.5),
        ("0.125", 0.125),
        ("12.50", 12.5),
        ("1234.567", 1234.567),
        ("1.5e3", 1500.0),
        ("1e-05", 0.00001),
        ("1.234,5", 1234.5),
        ("1.234.567", 1234567.0),
        ("1.234.567,89", 1234567.89),
        ("-1.234,5", -1234.5),
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),
        ("12\u202f345\u202f678", 12345678.0),
        ("1 234.5", 1234.5),
        ("1,234.5", 1234.5),
        ("1,234,567.25", 1234567.25),
    ],
)
def test_parse_number_accepts(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1.234", "ambiguous_number"),
        ("12.500", "ambiguous_number"),
        ("-123.456", "ambiguous_number"),
        ("1,234,567", "non_numeric"),
        ("1.234.5", "non_numeric"),
        ("1.23.456", "non_numeric"),
        ("1 23", "non_numeric"),
        ("1.234 567", "non_numeric"),
        ("12,34,56", "non_numeric"),
        ("", "non_numeric"),
        ("-", "non_numeric"),
        ("..", "non_numeric"),
        ("inf", "non_numeric"),
        ("1_000", "non_numeric"),
        ("12 kr.", "non_numeric"),
        ("١٢", "non_numeric"),
        ("0x1A", "non_numeric"),
    ],
)
def test_parse_number_rejects(text: str, code: str) -> None:
    with pytest.raises(NumberFormatError) as info:
        parse_number(text)
    assert info.value.code == code


# --- Messages --------------------------------------------------------------------------------


def test_messages_in_danish_and_english() -> None:
    error = RowError("duplicate_key", 7, {"period": "2020", "first_line": 2})
    assert message(error) == (
        "Linje 7: Perioden 2020 med samme opdeling, serie, enhed og geokode "
        "står allerede i linje 2."
    )
    assert message(error, "en").startswith("Line 7: The period 2020 ")
    assert message(error, "en-gb").startswith("Line 7:")
    assert message(RowError("empty_file")) == "Filen er tom."


def test_message_survives_unknown_codes_and_missing_params() -> None:
    assert message(RowError("no_such_code"), "en") == "Unknown error (no_such_code)."
    assert message(RowError("non_numeric", 3), "en") == "Line 3: “{value}” is not a number."


def test_float_params_are_written_for_the_language() -> None:
    assert message(RowError("timeout", params={"seconds": 30.0})) == (
        "Danmarks Statistik svarede ikke inden for 30 sekunder."
    )
    assert message(RowError("timeout", params={"seconds": 2.5}), "en") == (
        "Statistics Denmark did not answer within 2.5 seconds."
    )


def test_every_message_has_both_languages() -> None:
    from faelles.indicators.importers.base import MESSAGES

    for code, texts in MESSAGES.items():
        assert set(texts) == {"da", "en"}, code


# --- Size ------------------------------------------------------------------------------------


def _generated(rows: int) -> bytes:
    # Enough breakdowns that a million rows stay within four-digit years.
    areas = ["", "Albertslund Syd", "Albertslund Nord", "Herstedvester", "Herstedøster"]
    areas += [f"Kvarter {n}" for n in range(45)]
    sexes = ["", "Mænd", "Kvinder"]
    out = io.StringIO()
    out.write("\ufeffYear;Køn;Bydel;Units;Value\r\n")
    written = 0
    year, quarter = 1900, 1
    while written < rows:
        for sex in sexes:
            for area in areas:
                if written < rows:
                    value = f"{written % 9973},{written % 7}"
                    out.write(f"{year}K{quarter};{sex};{area};Antal;{value}\r\n")
                    written += 1
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return out.getvalue().encode("utf-8")


def test_ten_thousand_rows() -> None:
    data = _generated(10_000)
    started = time.perf_counter()
    result = parse_opensdg_csv(data)
    elapsed = time.perf_counter() - started
    assert result.ok, result.errors[:3]
    assert len(result.observations) == 10_000
    assert elapsed < 5  # about 0.05 s on a 2-core machine; generous for loaded CI runners


@pytest.mark.skipif(
    not os.environ.get("FAELLES_SLOW_TESTS"), reason="set FAELLES_SLOW_TESTS=1 to run"
)
@pytest.mark.slow
def test_one_million_rows() -> None:
    data = _generated(1_000_000)
    started = time.perf_counter()
    result = parse_opensdg_csv(data)
    elapsed = time.perf_counter() - started
    assert result.ok
    assert len(result.observations) == 1_000_000
    assert elapsed < 30  # about 6 s on a 2-core machine
