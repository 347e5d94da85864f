"""The default status list (DESIGN.md). Plain data, so the data migration can use it too."""

DEFAULT_STATUSES: list[dict[str, object]] = [
    {"key": "modtaget", "kind": "received", "order": 10, "is_default": True,
     "name_da": "Modtaget", "name_en": "Received",
     "description_da": "Vi har fået dit bidrag.", "description_en": "We have received it."},
    {"key": "under-behandling", "kind": "in_progress", "order": 20, "is_default": False,
     "name_da": "Under behandling", "name_en": "In progress",
     "description_da": "Vi arbejder med dit bidrag.", "description_en": "We are working on it."},
    {"key": "besvaret", "kind": "answered", "order": 30, "is_default": False,
     "name_da": "Besvaret", "name_en": "Answered",
     "description_da": "Vi har svaret.", "description_en": "We have answered."},
    {"key": "gennemfoert", "kind": "implemented", "order": 40, "is_default": False,
     "name_da": "Gennemført", "name_en": "Implemented",
     "description_da": "Det er blevet til noget.", "description_en": "It has been carried out."},
    {"key": "ikke-viderefoert", "kind": "not_pursued", "order": 50, "is_default": False,
     "name_da": "Ikke videreført", "name_en": "Not pursued",
     "description_da": "Vi går ikke videre med det. Svaret siger hvorfor.",
     "description_en": "We are not taking it further. The answer says why."},
]
