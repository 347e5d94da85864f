"""Fill empty Danish msgstr entries of one app's catalogue from a Python dict file.

    python scripts/po_fill.py APP DICTFILE

DICTFILE defines T = {msgid: msgstr, (context, msgid): msgstr}. Existing translations are kept.
"""

from __future__ import annotations

import io
import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main() -> None:
    app, dict_file = sys.argv[1], sys.argv[2]
    table = runpy.run_path(dict_file)["T"]
    path = Path("src/faelles") / app / "locale/da/LC_MESSAGES/django.po"
    catalog = read_po(path.open("rb"), locale="da")
    filled = 0
    for message in catalog:
        if not message.id or message.string:
            continue
        key = message.id if message.context is None else (message.context, message.id)
        if key in table:
            message.string = table[key]
            filled += 1
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, sort_output=True, ignore_obsolete=True)
    path.write_bytes(buf.getvalue())
    print(f"{app}: filled {filled}")


if __name__ == "__main__":
    main()
