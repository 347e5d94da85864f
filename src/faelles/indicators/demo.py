"""Albertslund demo indicators, hung on the goals the strategy demo creates.

Real, sourced figures (reference/denmark.md 1.5-1.6) are stored as they are, with their source
on every observation: population (FOLK1A), CO2 for the geographic municipality and for housing
(Grønt Regnskab), and the 2021 turnout. Everything else is a plausible, invented series with
`is_example=True`, shown with an "Example" label. Idempotent: indicators are found by slug,
and data are imported only into an indicator that has none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from faelles.core.models import Municipality
from faelles.indicators.importers.base import ParsedObservation
from faelles.indicators.models import Indicator, Observation, ReportingStatus, StatBankMapping
from faelles.indicators.periods import parse_period
from faelles.indicators.services import indicator_recompute, observations_import

GRONT_REGNSKAB = "Grønt Regnskab, Albertslund Kommune"
GRONT_REGNSKAB_URL = "https://groentregnskab.albertslund.dk/albertslund/co2-udledning"
DST = "Danmarks Statistik, FOLK1A"
EXAMPLE_SOURCE = "Eksempeldata (opfundet til demoen)"
AREAS = ["Albertslund Syd", "Albertslund Vest", "Galgebakken", "Hyldespjældet", "Herstedlund"]

Row = tuple[str, float, dict[str, str], str]  # period, value, breakdown, source


def _yearly(
    start: int, end: int, first: float, step: float, *, wobble: float = 0.0,
    source: str = EXAMPLE_SOURCE, breakdown: dict[str, str] | None = None, digits: int = 1,
) -> list[Row]:
    """A smooth invented series with a small, fixed wobble (no randomness: reruns agree)."""
    rows = []
    for i, year in enumerate(range(start, end + 1)):
        value = first + step * i + wobble * ((i * 7) % 3 - 1)
        rows.append((str(year), round(value, digits), dict(breakdown or {}), source))
    return rows


def _by_area(
    start: int, end: int, firsts: list[float], steps: list[float], *, digits: int = 1,
    headline: bool = True,
) -> list[Row]:
    rows: list[Row] = []
    for area, first, step in zip(AREAS, firsts, steps, strict=True):
        rows += _yearly(start, end, first, step, wobble=0.4, breakdown={"Bydel": area},
                        digits=digits)
    if headline:
        n = len(AREAS)
        rows += _yearly(start, end, sum(firsts) / n, sum(steps) / n, wobble=0.2, digits=digits)
    return rows


def _quarterly(start: int, end: int, first: float, step: float, season: list[float]) -> list[Row]:
    rows = []
    for i, year in enumerate(range(start, end + 1)):
        for q in range(4):
            rows.append((f"{year}K{q + 1}", round(first + step * i + season[q], 1), {},
                         EXAMPLE_SOURCE))
    return rows


# (goal slug, slug, da title, en title, unit da, unit en, direction, fields, rows)
Spec = tuple[str, str, str, str, str, str, str, dict[str, Any], Callable[[], list[Row]]]

SPECS: list[Spec] = [
    # --- Fællesskaber ---------------------------------------------------------------------
    ("flere-borgere", "befolkning", "Antal indbyggere", "Population", "indbyggere",
     "residents", "increase", {
         "annual_rule": "K1", "is_example": False, "data_source": DST,
         "source_url": "https://www.statbank.dk/FOLK1A", "freq_coll": "Hvert kvartal",
         "description_da": "Befolkningen den 1. januar. Tallene hentes fra Danmarks Statistik.",
         "description_en": "The population on 1 January, from Statistics Denmark.",
         "stat_conc_def_da": "Personer med bopæl i kommunen den 1. i kvartalet (CPR).",
         "stat_conc_def_en": "People living in the municipality on the first day of the "
                             "quarter (CPR register).",
     },
     lambda: [("2008K1", 27602, {}, DST), ("2018K1", 27743, {}, DST),
              ("2021K1", 27366, {}, DST), ("2023K1", 27530, {}, DST)]),
    ("deltagelse-og-demokrati", "valgdeltagelse", "Valgdeltagelse ved kommunalvalg",
     "Turnout at municipal elections", "%", "%", "increase", {
         "is_example": True, "target_value": 70, "target_year": 2029,
         "description_da": "Kun tallet for 2021 (61,9 %) er ægte. De andre år er eksempler.",
         "description_en": "Only the 2021 figure (61.9%) is real. The other years are examples.",
     },
     lambda: [("2009", 58.3, {}, EXAMPLE_SOURCE), ("2013", 66.2, {}, EXAMPLE_SOURCE),
              ("2017", 64.0, {}, EXAMPLE_SOURCE),
              ("2021", 61.9, {}, "Kommunalvalg 2021 (Wikipedia)")]),
    ("deltagelse-og-demokrati", "frivillige", "Andel borgere, der er frivillige",
     "Share of residents who volunteer", "%", "%", "increase",
     {"is_example": True, "target_value": 40, "target_year": 2030, "base_year": 2016},
     lambda: _yearly(2016, 2024, 31.0, 0.6, wobble=0.5)),
    ("trygge-byrum", "tryghed", "Andel, der føler sig trygge i deres kvarter",
     "Share who feel safe in their neighbourhood", "%", "%", "increase",
     {"is_example": True, "target_value": 90, "target_year": 2030, "sdg": "16.1.4",
      "series_targets": {'[["Bydel","Albertslund Syd"]]': {"value": 88, "year": 2030}}},
     lambda: _by_area(2016, 2024, [78, 84, 80, 76, 88], [0.9, 0.5, 0.2, -0.3, 0.4])),
    ("trygge-byrum", "anmeldte-forbrydelser", "Anmeldte forbrydelser pr. 1.000 indbyggere",
     "Reported crimes per 1,000 residents", "pr. 1.000", "per 1,000", "decrease",
     {"is_example": True, "annual_rule": "mean", "target_value": 15, "target_year": 2030,
      "freq_coll": "Hvert kvartal"},
     lambda: _quarterly(2017, 2024, 22.0, -0.6, [-0.8, 0.4, 1.1, -0.2])),
    ("partnerskaber", "partnerskaber-antal", "Aktive partnerskaber om verdensmålene",
     "Active partnerships on the SDGs", "partnerskaber", "partnerships", "increase",
     {"is_example": True, "target_value": 60, "target_year": 2030, "sdg": "17.17.1"},
     lambda: _yearly(2018, 2024, 12, 4, wobble=1, digits=0)),
    ("godt-aeldreliv", "aeldre-ensomhed", "Ældre, der ofte føler sig ensomme",
     "Older people who often feel lonely", "%", "%", "decrease",
     {"is_example": True, "target_value": 5, "target_year": 2030},
     lambda: _yearly(2015, 2023, 9.5, -0.2, wobble=0.3)),
    # --- Det grønne -------------------------------------------------------------------------
    ("co2-neutral-2050", "co2-udledning", "CO2-udledning i kommunen",
     "CO2 emissions in the municipality", "ton CO2", "t CO2", "decrease", {
         "is_example": False, "base_year": 2006, "target_value": 70000, "target_year": 2030,
         "sdg": "13.2.2", "data_source": GRONT_REGNSKAB, "source_url": GRONT_REGNSKAB_URL,
         "description_da": (
             "Udledning fra hele den geografiske kommune. Tallet for 2006 er regnet ud fra, at "
             "udledningen faldt 35,5 % fra 2006 til 2015. Det langsigtede mål er 70.000 ton; "
             "målåret 2030 er valgt til demoen."
         ),
         "description_en": (
             "Emissions from the whole geographic municipality. The 2006 figure is derived "
             "from the 35.5% fall from 2006 to 2015. The long-term goal is 70,000 t; the target "
             "year 2030 is chosen for the demo."
         ),
         "rec_use_lim_da": "I 2015 kom 50 % af udledningen fra transport og 22,5 % fra erhverv.",
         "rec_use_lim_en": "In 2015, transport caused 50% of emissions and business 22.5%.",
     },
     lambda: [("2006", round(134417 / (1 - 0.355)), {}, "Beregnet: −35,5 % 2006-2015"),
              ("2014", 141700, {}, GRONT_REGNSKAB), ("2015", 134417, {}, GRONT_REGNSKAB)]),
    ("co2-neutral-2050", "co2-boliger", "CO2-udledning fra boliger",
     "CO2 emissions from housing", "ton CO2", "t CO2", "decrease", {
         "is_example": False, "base_year": 2014, "data_source": GRONT_REGNSKAB,
         "source_url": "https://groentregnskab.albertslund.dk/albertslund/co2-regnskab/boliger",
     },
     lambda: [("2014", 24984, {}, GRONT_REGNSKAB), ("2015", 23089, {}, GRONT_REGNSKAB)]),
    ("fossilfri-energi", "fossilfri-fjernvarme", "Fossilfri andel af fjernvarmen",
     "Fossil-free share of district heating", "%", "%", "increase", {
         "is_example": True, "target_value": 100, "target_year": 2025, "sdg": "7.2.1",
         "description_da": "Målet om fossilfri el og varme i 2025 er ægte (sat i 2009). "
                           "Tallene er eksempler.",
         "description_en": "The goal of fossil-free power and heat by 2025 is real (set in "
                           "2009). The figures are examples.",
     },
     lambda: _yearly(2015, 2024, 62, 3.4, wobble=0.8)),
    ("mindre-affald", "vandforbrug", "Vandforbrug pr. indbygger pr. døgn",
     "Water use per resident per day", "liter", "litres", "decrease", {
         "is_example": True, "target_value": 90, "target_year": 2030,
         "description_da": "Albertslund var den første kommune med et vandforbrug under 100 "
                           "liter pr. indbygger pr. døgn. Tallene er eksempler.",
         "description_en": "Albertslund was the first municipality to use less than 100 "
                           "litres of water per resident per day. The figures are examples.",
     },
     lambda: _yearly(2015, 2024, 99.0, -0.5, wobble=0.6)),
    ("mindre-affald", "genanvendelse", "Genanvendelse af husholdningsaffald",
     "Recycling of household waste", "%", "%", "increase",
     {"is_example": True, "target_value": 60, "target_year": 2030, "sdg": "12.5.1"},
     lambda: _by_area(2017, 2024, [38, 44, 35, 33, 47], [2.1, 1.6, 1.2, 0.8, 1.9])),
    ("biodiversitet", "natur-areal", "Areal med skov og natur", "Area of forest and nature",
     "ha", "ha", "increase",
     {"is_example": True, "target_value": 1450, "target_year": 2030, "sdg": "11.7.1"},
     lambda: _yearly(2016, 2024, 1398, 2.5, wobble=1, digits=0)),
    ("groen-innovation", "groenne-job", "Grønne arbejdspladser", "Green jobs", "job", "jobs",
     "increase", {"is_example": True, "target_value": 1500, "target_year": 2030},
     lambda: _yearly(2016, 2024, 820, 45, wobble=20, digits=0)),
    # --- For børnene ------------------------------------------------------------------------
    ("boern-trives", "trivsel-skole", "Elever med høj trivsel i skolen",
     "Pupils with high well-being at school", "%", "%", "increase",
     {"is_example": True, "target_value": 92, "target_year": 2030},
     lambda: _yearly(2015, 2024, 87.5, 0.25, wobble=0.4)),
    ("unge-i-uddannelse-og-job", "ungdomsuddannelse", "25-årige med en ungdomsuddannelse",
     "25-year-olds with an upper secondary education", "%", "%", "increase", {
         "is_example": True, "target_value": 90, "target_year": 2030, "sdg": "4.1.2",
         "description_da": "Målet på 90 % i 2030 er det nationale mål. Tallene er eksempler.",
         "description_en": "The 90% target for 2030 is the national goal. The figures are "
                           "examples.",
     },
     lambda: _yearly(2015, 2024, 74.0, 0.9, wobble=0.7)),
    ("lige-muligheder", "boern-lavindkomst", "Børn i familier med lav indkomst",
     "Children in low-income families", "%", "%", "decrease",
     {"is_example": True, "target_value": 6, "target_year": 2030, "sdg": "1.2.1"},
     lambda: _by_area(2016, 2024, [14, 9, 12, 15, 5], [-0.4, -0.2, 0.1, -0.5, -0.1])),
    ("boern-i-naturen", "udeskole", "Klasser med fast udeskole", "Classes with regular "
     "outdoor school", "%", "%", "increase",
     {"is_example": True, "target_value": 75, "target_year": 2030},
     lambda: _yearly(2018, 2024, 22, 5.5, wobble=1.5, digits=0)),
    # Indicators still being prepared: on the reporting status page, without data.
    ("biodiversitet", "arter-vestskoven", "Antal arter i Vestskoven",
     "Number of species in Vestskoven", "arter", "species", "increase",
     {"is_example": True, "reporting_status": ReportingStatus.IN_PROGRESS}, lambda: []),
    ("fossilfri-energi", "cykeltrafik", "Cykelture pr. indbygger", "Bike trips per resident",
     "ture", "trips", "increase",
     {"is_example": True, "reporting_status": ReportingStatus.NOT_STARTED}, lambda: []),
]


def load(*, municipality: Municipality, users: dict[str, Any], stdout: Any) -> None:
    from faelles.sdg.models import Indicator as SdgIndicator
    from faelles.strategy.models import Goal

    goals = {g.slug: g for g in Goal.objects.filter(municipality=municipality)}
    if not goals:
        stdout.write("indicators: no goals yet (run the strategy demo first); skipped.")
        return
    fallback = next(iter(goals.values()))
    sdg = {i.code: i for i in SdgIndicator.objects.filter(
        code__in=[s[7]["sdg"] for s in SPECS if "sdg" in s[7]]
    )}
    editor = users.get("editor")
    created = 0
    for order, (goal_slug, slug, t_da, t_en, u_da, u_en, direction, fields, rows) in enumerate(
        SPECS, 1
    ):
        fields = dict(fields)
        code = fields.pop("sdg", None)
        indicator = Indicator.objects.filter(municipality=municipality, slug=slug).first()
        if indicator is None:
            indicator = Indicator.objects.create(
                municipality=municipality, goal=goals.get(goal_slug, fallback), slug=slug,
                title_da=t_da, title_en=t_en, unit_da=u_da, unit_en=u_en, direction=direction,
                order=order, sdg_indicator=sdg.get(code) if code else None,
                contact_organisation="Albertslund Kommune",
                contact_mail="kommunen@albertslund.dk", **fields,
            )
            created += 1
        if slug == "befolkning" and not StatBankMapping.objects.filter(
            indicator=indicator
        ).exists():
            StatBankMapping.objects.create(
                municipality=municipality, indicator=indicator, table="FOLK1A",
                selections={"OMRÅDE": ["165"]}, time_variable="Tid",
            )
        data = rows()
        if data and not Observation.objects.filter(indicator=indicator).exists():
            by_source: dict[str, list[ParsedObservation]] = {}
            for period, value, breakdown, source in data:
                by_source.setdefault(source, []).append(
                    ParsedObservation(parse_period(period), float(value), breakdown)
                )
            for source, observations in by_source.items():
                observations_import(
                    indicator=indicator, observations=observations, source=source,
                    actor=editor,
                )
            # The demo may run without a task worker: compute the statuses right away.
            indicator_recompute(indicator=indicator)
    stdout.write(f"indicators: {len(SPECS)} indicators ({created} new).")
