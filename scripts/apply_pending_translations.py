"""Merge locale/pending/*.json into the English catalogue, then compile it.

Run from the repository root after merging branches: extracts strings (`makemessages`), fills
each untranslated or fuzzy entry whose msgid a pending file translates, compiles, removes the
applied files and lists what is still untranslated. Needs gettext."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
PENDING = ROOT / "locale" / "pending"


def manage(*args):
    env = {**os.environ, "DJANGO_DEBUG": "on"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def as_catalogue(text: str) -> str:
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", text)


def main() -> int:
    manage(
        "makemessages",
        "--locale",
        "en",
        "--no-obsolete",
        "--ignore",
        ".venv/*",
        "--ignore",
        "staticfiles/*",
        "--verbosity",
        "0",
    )
    files = sorted(PENDING.glob("*.json"))
    pending = {}
    for path in files:
        for msgid, value in json.loads(path.read_text(encoding="utf-8")).items():
            # blocktranslate's {{ n }} is %(n)s in the catalogue.
            pending[as_catalogue(msgid)] = (
                [as_catalogue(v) for v in value] if isinstance(value, list) else as_catalogue(value)
            )
    po = polib.pofile(str(PO))
    for entry in po:
        if entry.obsolete or entry.msgid not in pending:
            continue
        if entry.translated() and "fuzzy" not in entry.flags:
            continue
        value = pending[entry.msgid]
        if entry.msgid_plural:
            singular, plural = value if isinstance(value, list) else (value, value)
            entry.msgstr_plural = {0: singular, 1: plural}
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = None
    po.save()
    manage("compilemessages", "--locale", "en", "--ignore", ".venv/*", "--verbosity", "0")
    for path in files:
        path.unlink()
    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
