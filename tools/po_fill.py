"""Dev helper: fill msgstr values in a .po file from a JSON object {msgid: msgstr}; drops fuzzy guesses.

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
        # makemessages' fuzzy guesses are often wrong: drop the guess unless the mapping gives the translation.
        entry.flags.remove("fuzzy")
        if entry.msgid not in mapping:
            entry.msgstr = ""
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
        entry.previous_msgid = None
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
po.save()
missing = [e.msgid for e in po if not (e.msgstr or any(e.msgstr_plural.values()))]
for msgid in missing:
    print("untranslated:", msgid)
