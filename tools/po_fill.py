"""Dev helper: fill msgstr values in a .po file from a JSON object {msgid: msgstr}; clears fuzzy flags.

Usage: python tools/po_fill.py civicloop/<app>/locale/zh_Hans/LC_MESSAGES/django.po translations.json
Prints the msgids still untranslated, so nothing is silently left in English.
"""

import json
import sys

import polib

po = polib.pofile(sys.argv[1])
mapping = {}
if len(sys.argv) > 2:
    with open(sys.argv[2], encoding="utf-8") as fh:
        mapping = json.load(fh)
for entry in po:
    if entry.msgid in mapping:
        value = mapping[entry.msgid]
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value}
        else:
            entry.msgstr = value
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
po.save()
missing = [e.msgid for e in po if not (e.msgstr or any(e.msgstr_plural.values()))]
for msgid in missing:
    print("untranslated:", msgid)
