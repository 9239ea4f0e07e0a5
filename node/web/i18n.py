"""The portal's languages: English and French, chosen per request, with gettext catalogues (Flask-Babel).

The reader's choice is, in order: `?lang=` (remembered in a cookie), the `lang` cookie, then the
browser's Accept-Language. The CLI never goes through here: stewards' CI logs stay in English.
Catalogues live in node/web/translations/<locale>/LC_MESSAGES/messages.po; the compiled .mo next to
each is committed (tests/portal/test_i18n.py checks it matches the .po and that French is complete).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Flask, Response, g, request
from flask_babel import Babel, format_date, format_datetime, get_locale, gettext
from markupsafe import Markup, escape

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).parent / "translations"


def install(app: Flask) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LANGUAGE
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=reader_language)
    app.jinja_env.globals.update(current_language=current_language, language_switch=language_switch,
                                 local_date=local_date, lang_attr=lang_attr,
                                 in_language=in_language)
    from node.web.labels import RUN_MODES, RUN_STATUSES

    app.jinja_env.globals.update(run_statuses=RUN_STATUSES, run_modes=RUN_MODES)
    app.after_request(_remember_and_label)


def reader_language() -> str:
    """?lang= first (an explicit click on the switch), then the cookie, then Accept-Language."""
    if "reader_language" not in g:
        asked = request.args.get("lang", "")
        if asked not in LANGUAGES:
            asked = request.cookies.get(COOKIE, "")
        if asked not in LANGUAGES:
            asked = request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
        g.reader_language = asked
    return g.reader_language


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def language_switch() -> list[tuple[str, str, str, bool]]:
    """(code, name in that language, link to this page in it, is current) for the header switch."""
    args = request.args.to_dict(flat=False)
    links = []
    for code, name in (("en", "English"), ("fr", "Français")):
        args["lang"] = [code]
        query = "&".join(f"{_quote(k)}={_quote(v)}" for k, values in args.items() for v in values)
        links.append((code, name, f"{request.path.lstrip('/')}?{query}", code == current_language()))
    return links


def lang_attr(text) -> Markup:
    """` lang="fr"` on an element showing a record's value written in another language than the page."""
    lang = getattr(text, "lang", "")
    return Markup(f' lang="{escape(lang)}"') if lang and lang != current_language() else Markup("")


def in_language(text: str, language: str) -> Markup:
    """A validation or score text; one not in the page's language (no translation yet) is marked the same way
    everywhere: lang="en" for screen readers and a visible "(en)"."""
    if language == current_language():
        return Markup("<span>{}</span>").format(text)
    return Markup('<span lang="{}" class="untranslated">{} <abbr class="muted" title="{}">({})</abbr></span>').format(
        language, text, gettext("not translated yet"), language)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def local_date(value: str | None) -> str:
    """An ISO date or date-time as the reader's locale writes it ("28 nov. 2026" / "Nov 28, 2026")."""
    if not value:
        return ""
    text = str(value)
    try:
        if len(text) <= 10:
            return format_date(date.fromisoformat(text), "medium")
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text  # not ISO 8601 (a partner's free text): shown as written
    return format_datetime(parsed, "medium")


def _remember_and_label(response: Response) -> Response:
    """HTML answers say their language and vary on what chose it; a ?lang= click is remembered."""
    if response.mimetype != "text/html":
        return response
    language = current_language()
    response.headers["Content-Language"] = language
    response.vary.update(("Accept", "Accept-Language", "Cookie"))
    if request.args.get("lang") in LANGUAGES:
        response.set_cookie(COOKIE, request.args["lang"], max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response
