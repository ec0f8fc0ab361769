"""Fill msgstr entries of a .po file from a JSON dictionary {msgid: msgstr}.

Usage: python tools/fill_po.py path/to/django.po translations.json
Entries already translated are kept; unknown msgids are listed so nothing is missed.
"""

import json
import sys

import polib


def main() -> None:
    """Fill the file and report what is still untranslated."""
    po_path, table_path = sys.argv[1], sys.argv[2]
    with open(table_path, encoding="utf-8") as handle:
        table = json.load(handle)
    po = polib.pofile(po_path)
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid in table:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: table[entry.msgid]}
            else:
                entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not (entry.msgstr or any(entry.msgstr_plural.values())):
            missing.append(entry.msgid)
    po.save(po_path)
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main()
