"""socialhub.i18n: catalogues merged from every .po file, locale and zone per context."""

from __future__ import annotations

from datetime import UTC, datetime

import jinja2

from socialhub import i18n
from socialhub.i18n import _, format_datetime, format_number, ngettext, use_locale


def test_french_is_the_default_and_english_is_the_message_id() -> None:
    assert _("Alerts") == "Alertes"
    with use_locale("en"):
        assert _("Alerts") == "Alerts"
    with use_locale("fr_FR"):
        assert _("Alerts") == "Alertes"
    assert _("a sentence no catalogue has") == "a sentence no catalogue has"


def test_plural_forms_follow_the_locale() -> None:
    with use_locale("fr"):
        assert ngettext("%(n)s mention", "%(n)s mentions", 0) % {"n": 0} == "0 mention"
        assert ngettext("%(n)s mention", "%(n)s mentions", 2) % {"n": 2} == "2 mentions"
    with use_locale("en"):
        assert ngettext("%(n)s mention", "%(n)s mentions", 0) % {"n": 0} == "0 mentions"


def test_dates_use_the_zone_and_a_24_hour_clock_in_french() -> None:
    at = datetime(2026, 12, 5, 22, 55, 34, tzinfo=UTC)
    with use_locale("fr", "Europe/Paris"):
        text = format_datetime(at)
        assert "23:55" in text and "déc" in text and "PM" not in text
        assert format_number(12345.5, 1) == "12\u202f345,5"
    with use_locale("en", "America/New_York"):
        assert "5:55" in format_datetime(at) and "PM" in format_datetime(at)


def test_jinja_templates_get_the_callables_and_filters() -> None:
    env = jinja2.Environment(autoescape=True)
    i18n.install_jinja(env)
    tpl = env.from_string("{{ _('Alerts') }} · {{ at|datetime('short') }}")
    at = datetime(2026, 12, 5, 22, 55, tzinfo=UTC)
    with use_locale("fr", "Europe/Paris"):
        assert tpl.render(at=at) == "Alertes · 05/12/2026 23:55"


def test_every_catalogue_parses_and_has_no_empty_translation() -> None:
    for locale in i18n.LOCALES:
        i18n.catalogue.cache_clear()
        for key, value in i18n.catalogue(locale).items():
            assert value, f"{locale}: {key!r} has an empty translation"
    assert i18n.catalogue("fr"), "the French catalogue is empty"
