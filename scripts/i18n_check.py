"""List the user-facing strings that have no translation yet.

    python scripts/i18n_check.py            # French (the default), exit 1 if any
    python scripts/i18n_check.py --po       # the same as .po entries to fill in

It also fails on a msgid translated differently in two .po files (the catalogue keeps
the last file's translation and the other is lost without a word).

Strings are found by Babel's extractors in the Python sources (``_()``, ``ngettext()``,
``N_()``, ``M_()``), the Jinja templates and the page scripts (``SH._()``), as
tests/test_i18n_catalogue.py does; and the command line's ``--help`` texts (docstrings
and ``help=``, which no extractor sees) by walking the whole command tree, as
tests/cli/test_cli_help_french.py does (``--no-cli`` skips that walk, which imports
every command module).
"""

from __future__ import annotations

import argparse
import sys

from socialhub import i18n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locale", default="fr", choices=[x for x in i18n.LOCALES if x != "en"])
    parser.add_argument("--po", action="store_true", help="print .po entries to fill in")
    parser.add_argument("--no-cli", action="store_true", help="skip the --help texts")
    args = parser.parse_args(argv)
    missing = i18n.missing_translations(args.locale)
    if not args.no_cli:
        from socialhub.cli.localise import help_msgids
        from socialhub.cli.main import full_tree

        known = i18n.catalogue(args.locale)
        for msgid, where in help_msgids(full_tree()).items():
            if msgid not in known:
                missing.setdefault(msgid, []).extend(where)
    for msgid, where in sorted(missing.items(), key=lambda kv: kv[1][0]):
        if args.po:
            escaped = msgid.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            print(f'#: {" ".join(where[:3])}\nmsgid "{escaped}"\nmsgstr ""\n')
        else:
            print(f"{where[0]}: {msgid}")
    print(f"{len(missing)} string(s) without a {args.locale} translation", file=sys.stderr)
    conflicts = i18n.conflicting_translations(args.locale)
    for msgid, where in sorted(conflicts.items()):
        print(f"translated twice, differently: {msgid!r}: {where}")
    if conflicts:
        print(f"{len(conflicts)} msgid(s) translated differently in two files", file=sys.stderr)
    return 1 if missing or conflicts else 0


if __name__ == "__main__":
    sys.exit(main())
