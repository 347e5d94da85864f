"""The StatBank client against a local replay of the API's real answers."""

import socket
import time
from collections.abc import Iterator

import pytest

from faelles.indicators.importers.base import RowError, message
from faelles.indicators.importers.opensdg_csv import headline
from faelles.indicators.importers.statbank import (
    StatBankClient,
    StatBankError,
    StatBankMapping,
    StatBankSource,
    parse_statbank_csv,
)
from faelles.indicators.periods import Period, reduce_to_annual

from .statbank_replay import FIXTURES, JSON_TYPE, StatBankReplay, api_error


@pytest.fixture
def replay() -> Iterator[StatBankReplay]:
    with StatBankReplay() as server:
        yield server


@pytest.fixture
def client(replay: StatBankReplay) -> Iterator[StatBankClient]:
    with StatBankClient(base_url=replay.base_url, timeout=2.0) as statbank:
        yield statbank


def folk1a(presentation: str = "Code", total: str = "TOT") -> StatBankMapping:
    return StatBankMapping(
        table="FOLK1A",
        selections={
            "OMRÅDE": ["165"],
            "KØN": ["TOT", "1", "2"],
            "ALDER": ["IALT"],
            "CIVILSTAND": ["TOT"],
        },
        disaggregations={"KØN": "Køn"},
        totals={"KØN": total},
        value_presentation=presentation,  # type: ignore[arg-type]
        units="Antal",
        geocode="165",
    )


def test_fixtures_keep_the_api_byte_format() -> None:
    # Guards against an editor or git normalising what the tests are about.
    data = (FIXTURES / "data_FOLK1A_Code.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfOMR\xc3\x85DE;K\xc3\x98N;")
    assert data.count(b"\r\n") == data.count(b"\n") == 31


# --- tableinfo -------------------------------------------------------------------------------


def test_tableinfo(client: StatBankClient, replay: StatBankReplay) -> None:
    info = client.tableinfo("folk1a")
    assert info.id == "FOLK1A"
    assert info.unit == "Antal"
    assert [v.id for v in info.variables] == ["OMRÅDE", "KØN", "ALDER", "CIVILSTAND", "Tid"]
    area = info.variable("område")
    assert area.elimination and not area.time
    assert area.map == "Denmark_municipality_07"
    assert ("165", "Albertslund") in [(v.id, v.text) for v in area.values]
    assert info.time_variable is not None
    assert info.time_variable.id == "Tid"
    assert not info.time_variable.elimination
    assert info.time_variable.values[0].id == "2008K1"
    assert info.time_variable.values[-1].id == "2025K3"
    assert [v.text for v in info.variable("KØN").values] == ["I alt", "Mænd", "Kvinder"]
    assert replay.requests[-1].path == "/v1/tableinfo"
    assert replay.requests[-1].body == {"table": "folk1a", "format": "JSON", "lang": "da"}


def test_tableinfo_unknown_table_raises_with_api_message(client: StatBankClient) -> None:
    with pytest.raises(StatBankError) as info:
        client.tableinfo("NOPE")
    assert info.value.error == RowError(
        "http_400", params={"message": "Tabel findes ikke: NOPE", "error_type": "EXTRACT-NOTFOUND"}
    )


def test_tableinfo_malformed_json(client: StatBankClient, replay: StatBankReplay) -> None:
    replay.respond_next(200, b"{not json", JSON_TYPE)
    with pytest.raises(StatBankError) as info:
        client.tableinfo("FOLK1A")
    assert info.value.error.code == "malformed_response"
    replay.respond_next(200, b'{"id": "FOLK1A"}', JSON_TYPE)
    with pytest.raises(StatBankError):
        client.tableinfo("FOLK1A")


# --- data ------------------------------------------------------------------------------------


def test_data_csv_sends_the_documented_body(client: StatBankClient, replay: StatBankReplay) -> None:
    text = client.data_csv(
        "FOLK1A", {"OMRÅDE": ["165"], "Tid": ["*"]}, lang="da", value_presentation="Code"
    )
    assert text.startswith("OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\r\n")  # BOM removed
    request = replay.requests[-1]
    assert request.path == "/v1/data"
    assert request.body == {
        "table": "FOLK1A",
        "format": "CSV",
        "lang": "da",
        "valuePresentation": "Code",
        "timeOrder": "Ascending",
        "variables": [
            {"code": "OMRÅDE", "values": ["165"]},
            {"code": "Tid", "values": ["*"]},
        ],
    }


def test_fetch_quarterly_table(client: StatBankClient, replay: StatBankReplay) -> None:
    result = client.fetch(folk1a())
    assert result.ok, result.errors
    assert result.skipped_missing == 0
    assert len(result.observations) == 30
    first = result.observations[0]
    assert first.period == Period(2022, quarter=1)
    assert first.disaggregation == {}
    assert (first.units, first.geocode, first.series) == ("Antal", "165", None)
    men = [o for o in result.observations if o.disaggregation == {"Køn": "1"}]
    women = [o for o in result.observations if o.disaggregation == {"Køn": "2"}]
    assert len(men) == len(women) == 10
    # 1 January = K1; 27,530 on 1 January 2023 is Albertslund's published figure.
    assert headline(result.observations, "K1") == {2022: 27411.0, 2023: 27530.0, 2024: 27702.0}
    assert reduce_to_annual([(o.period, o.value) for o in men], "mean") == {
        2022: pytest.approx(13680.5),
        2023: pytest.approx(13747.5),
    }
    sent = replay.requests[-1].body["variables"]
    assert {"code": "Tid", "values": ["*"]} in sent  # time added by the mapping


def test_fetch_code_and_value_cells(client: StatBankClient) -> None:
    result = client.fetch(folk1a("CodeAndValue"))
    assert result.ok, result.errors
    labels = {tuple(o.disaggregation.items()) for o in result.observations}
    assert labels == {(), (("Køn", "Mænd"),), (("Køn", "Kvinder"),)}
    assert headline(result.observations, "K1")[2023] == 27530.0


def test_fetch_text_cells_match_totals_by_text(client: StatBankClient) -> None:
    result = client.fetch(folk1a("Value", total="I alt"))
    assert result.ok, result.errors
    assert headline(result.observations, "K1")[2023] == 27530.0
    assert {o.disaggregation.get("Køn") for o in result.observations} == {
        None,
        "Mænd",
        "Kvinder",
    }


def test_fetch_missing_values_and_decimal_commas(client: StatBankClient) -> None:
    mapping = StatBankMapping(table="ARE207", selections={"OMRÅDE": ["165"]}, units="ha")
    result = client.fetch(mapping)
    assert result.ok, result.errors
    assert result.skipped_missing == 3  # 2016, 2017 and 2022 are ".."
    assert headline(result.observations) == {
        2018: 1403.25,
        2019: 1401.80,
        2020: 1407.10,
        2021: 1410.65,
        2023: 1415.30,
        2024: 1418.95,
        2025: 1421.40,
    }


def test_fetch_yearly_table(client: StatBankClient) -> None:
    mapping = StatBankMapping(
        table="BIL707", selections={"OMRÅDE": ["165"], "BILTYPE": ["4000101002"]}
    )
    result = StatBankSource(client, mapping).read()
    assert result.ok, result.errors
    assert all(o.period.granularity == "year" for o in result.observations)
    assert headline(result.observations)[2025] == 9512.0


def test_undeclared_breakdown_gives_duplicates(client: StatBankClient) -> None:
    # KØN has three values but is not a disaggregation: rows collide, nothing is imported.
    mapping = StatBankMapping(
        table="FOLK1A",
        selections={"OMRÅDE": ["165"], "KØN": ["TOT", "1", "2"]},
    )
    result = client.fetch(mapping)
    assert result.observations == []
    assert {e.code for e in result.errors} == {"duplicate_key"}
    assert result.errors[0] == RowError("duplicate_key", 12, {"period": "2022K1", "first_line": 2})


# --- Failures --------------------------------------------------------------------------------


def test_http_400_with_json_body(client: StatBankClient) -> None:
    result = client.fetch(StatBankMapping(table="NOPE", selections={}))
    assert result.observations == []
    assert result.errors == [
        RowError(
            "http_400",
            params={"message": "Tabel findes ikke: NOPE", "error_type": "EXTRACT-NOTFOUND"},
        )
    ]
    assert message(result.errors[0]) == (
        "Danmarks Statistik afviste forespørgslen: Tabel findes ikke: NOPE"
    )


def test_http_400_for_too_many_cells(client: StatBankClient, replay: StatBankReplay) -> None:
    replay.respond_next(
        400, api_error("EXTRACT-TOOLARGE", "For mange celler i udtrækket."), JSON_TYPE
    )
    result = client.fetch(folk1a())
    assert result.errors[0].params["message"] == "For mange celler i udtrækket."
    assert message(result.errors[0], "en") == (
        "Statistics Denmark rejected the request: For mange celler i udtrækket."
    )


def test_http_400_without_json(client: StatBankClient, replay: StatBankReplay) -> None:
    replay.respond_next(400, b"Bad Request")
    result = client.fetch(folk1a())
    assert result.errors == [
        RowError("http_400", params={"message": "Bad Request", "error_type": ""})
    ]


def test_missing_format_is_refused_like_the_api(replay: StatBankReplay) -> None:
    import httpx

    response = httpx.post(f"{replay.base_url}/data", json={"table": "FOLK1A"})
    assert response.status_code == 400
    assert response.json()["errorTypeCode"] == "REQUEST-MISSING"


@pytest.mark.parametrize("status", [500, 503, 404])
def test_other_http_status(client: StatBankClient, replay: StatBankReplay, status: int) -> None:
    replay.respond_next(status, b"<html>Server Error</html>", "text/html")
    result = client.fetch(folk1a())
    assert result.observations == []
    assert result.errors == [RowError("http_error", params={"status": status})]
    assert (
        message(result.errors[0], "en") == f"Statistics Denmark answered with HTTP status {status}."
    )


def test_timeout(replay: StatBankReplay) -> None:
    replay.respond_next(200, (FIXTURES / "data_FOLK1A_Code.csv").read_bytes(), delay=5)
    with StatBankClient(base_url=replay.base_url, timeout=0.3) as client:
        started = time.perf_counter()
        result = client.fetch(folk1a())
        elapsed = time.perf_counter() - started
    assert result.observations == []
    assert result.errors == [RowError("timeout", params={"seconds": 0.3})]
    assert elapsed < 3
    assert message(result.errors[0]) == "Danmarks Statistik svarede ikke inden for 0,3 sekunder."


def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port now.
    with StatBankClient(base_url=f"http://127.0.0.1:{port}/v1", timeout=1) as client:
        result = client.fetch(folk1a())
    assert [e.code for e in result.errors] == ["connection"]
    assert result.errors[0].params == {"url": f"http://127.0.0.1:{port}/v1/data"}


def test_non_utf8_answer(client: StatBankClient, replay: StatBankReplay) -> None:
    replay.respond_next(200, "OMRÅDE;TID;INDHOLD\r\n165;2024;1\r\n".encode("cp1252"))
    assert client.fetch(folk1a()).errors == [RowError("encoding")]


def test_html_instead_of_csv(client: StatBankClient, replay: StatBankReplay) -> None:
    replay.respond_next(200, b"<html><body>Vedligeholdelse</body></html>", "text/html")
    result = client.fetch(folk1a())
    assert result.observations == []
    assert [(e.code, e.params["column"]) for e in result.errors] == [
        ("missing_column", "INDHOLD"),
        ("missing_column", "Tid"),
        ("missing_column", "KØN"),
    ]


def test_empty_answer(client: StatBankClient, replay: StatBankReplay) -> None:
    replay.respond_next(200, b"")
    assert client.fetch(folk1a()).errors == [RowError("malformed_response", params={"what": "CSV"})]


def test_malformed_rows_are_all_reported_and_nothing_is_returned(
    client: StatBankClient, replay: StatBankReplay
) -> None:
    body = (
        "\ufeffOMRÅDE;KØN;TID;INDHOLD\r\n"
        "165;TOT;2024K1;27702\r\n"  # 2: fine
        "165;TOT;2024K2\r\n"  # 3: a field short
        "165;TOT;2024U01;5\r\n"  # 4: weeks are not supported
        "165;1;2024K1;abc\r\n"  # 5
        "165;2;2024K1;\r\n"  # 6
        '165;2;"2024K2;1\r\n'  # 7: quote never closed
    ).encode()
    replay.respond_next(200, body, "text/csv")
    result = client.fetch(folk1a())
    assert result.observations == []
    assert [(e.code, e.line) for e in result.errors] == [
        ("column_count", 3),
        ("unknown_year", 4),
        ("non_numeric", 5),
        ("empty_value", 6),
        ("malformed_csv", 7),
    ]


# --- Parsing without HTTP --------------------------------------------------------------------


def test_parse_months_tid_header_and_missing_marker() -> None:
    mapping = StatBankMapping(table="X", selections={})
    text = "TYPE;Tid;INDHOLD\nX;2020M01;2,50\nX;2020M02;..\nX;2020M03;2.60\n"
    result = parse_statbank_csv(text, mapping)
    assert [(str(o.period), o.value) for o in result.observations] == [
        ("2020M01", 2.5),
        ("2020M03", 2.6),
    ]
    assert result.skipped_missing == 1


def test_parse_english_and_code_and_value_time_cells() -> None:
    mapping = StatBankMapping(table="X", selections={}, value_presentation="CodeAndValue")
    text = "TID;INDHOLD\r\n2026K3 2026Q3;6002420\r\n2026Q4;6010000\r\n"
    result = parse_statbank_csv(text, mapping)
    assert [str(o.period) for o in result.observations] == ["2026K3", "2026K4"]


def test_latest_total_answer_without_variables() -> None:
    # With no variables the API eliminates everything and sends the latest national total.
    mapping = StatBankMapping(table="FOLK1A", selections={})
    result = parse_statbank_csv("TID;INDHOLD\r\n2025K3;6002420\r\n", mapping)
    assert result.observations[0].value == 6002420.0


# --- Mapping ---------------------------------------------------------------------------------


def test_mapping_validation() -> None:
    with pytest.raises(ValueError, match="needs values"):
        StatBankMapping(table="FOLK1A", selections={}, disaggregations={"KØN": "Køn"})
    with pytest.raises(ValueError, match="not a disaggregation"):
        StatBankMapping(table="FOLK1A", selections={"KØN": ["TOT"]}, totals={"KØN": "TOT"})
    with pytest.raises(ValueError, match="presentation"):
        StatBankMapping(table="FOLK1A", selections={}, value_presentation="Labels")  # type: ignore[arg-type]


def test_mapping_time_selection() -> None:
    assert StatBankMapping(table="T", selections={}).request_variables() == {"Tid": ["*"]}
    given = StatBankMapping(table="T", selections={"TID": ["(-n+4)"]})
    assert given.request_variables() == {"TID": ["(-n+4)"]}
