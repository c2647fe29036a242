"""Every user-facing string has its Simplified Chinese translation, and the compiled catalogue
that ships is up to date with the .po file."""

import gettext
import shutil
import subprocess
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated():
    catalog = polib.pofile(str(LOCALE / "django.po"))
    missing = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert missing == [] and fuzzy == []


def test_compiled_catalog_matches_the_po_file():
    catalog = polib.pofile(str(LOCALE / "django.po"))
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalog.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_po_file_compiles_with_msgfmt():
    """`compilemessages` runs GNU msgfmt, which rejects what polib reads happily (a merge once
    left a lone ``#| msgid_plural`` comment and the shipped catalogue went stale)."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext (msgfmt) is needed to compile the catalogue"
    result = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(LOCALE / "django.po")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
