from faelles.api.datasets import csv_value


def test_spreadsheet_formulas_are_neutralised():
    assert csv_value('=HYPERLINK("http://evil.example","klik")').startswith("'=")
    assert csv_value("+45 12 34 56 78") == "'+45 12 34 56 78"
    assert csv_value("@SUM(A1)") == "'@SUM(A1)"
    assert csv_value("Cykelsti langs Kanalgaden") == "Cykelsti langs Kanalgaden"
    assert csv_value(-3.5) == "-3.5" and csv_value(-2) == "-2"
