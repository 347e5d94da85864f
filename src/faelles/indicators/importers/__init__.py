"""Indicator data importers: one adapter class per input, behind ``base.Source``.

- ``opensdg_csv.OpenSdgCsvSource``: a CSV file in the Open SDG layout.
- ``statbank.StatBankSource``: a table from Statistics Denmark's StatBank API.
"""

from faelles.indicators.importers.base import (
    ParsedObservation,
    ParseResult,
    RowError,
    Source,
    message,
)

__all__ = ["ParseResult", "ParsedObservation", "RowError", "Source", "message"]
