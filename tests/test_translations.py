"""Translations: the gettext catalogs of the server's text, the desk's message tables, the reader's language.

Each check runs on the real catalogs and tables, and on small made-up ones to show it fails when
a translation is missing, fuzzy or says other placeholders.
"""

import gettext
import os

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from django.apps import apps

from saleor_returns.__main__ import main
from saleor_returns.catalogs import (
    LOCALES,
    catalog_problems,
    compile_catalogs,
    extract_messages,
    missing_messages,
    placeholder_mismatches,
    po_path,
    read_catalog,
    untranslated_messages,
    update_catalogs,
)
from saleor_returns.paths import LOCALE_DIR
from tests.desk_messages import (
    desk_modules,
    merged_tables,
    registered_tables,
    translation_problems,
    unknown_keys,
    used_keys,
)

SOURCE = '''
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy
from saleor_returns.translations import ngettext_noop

GREETING = gettext_lazy("Hello {name}.")
STATUS = pgettext_lazy("parcel status", "lost")
WINDOW = ngettext_noop("{days} day", "{days} days", "days")


def said(count):
    return gettext("Plain."), ngettext("%(n)s item", "%(n)s items", count)
'''


def template_of(*messages) -> Catalog:
    """A template of messages, each a msgid or a (context, msgid) pair."""
    template = Catalog(fuzzy=False)
    for message in messages:
        context, msgid = message if isinstance(message, tuple) else (None, message)
        template.add(msgid, context=context)
    return template


def catalogs_in(tmp_path, template: Catalog, chinese: dict) -> None:
    """Catalogs for `template` in a temporary locale folder, Chinese texts from `chinese` (msgid -> text)."""
    update_catalogs(template, tmp_path)
    path = po_path("zh_Hans", tmp_path)
    catalog = read_catalog(path, "zh_Hans")
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in chinese:
            message.string = chinese[key]
    with path.open("wb") as po:
        write_po(po, catalog)


# --------------------------------------------------------------------------- the server's catalogs


def test_every_message_of_the_source_is_in_both_catalogs_and_said_in_chinese():
    # given: the messages Babel's extractor finds in saleor_returns/
    template = extract_messages()
    assert len([message for message in template if message.id]) > 50

    # when
    problems = catalog_problems(template)

    # then
    assert problems == {locale: [] for locale in LOCALES}


def test_the_extractor_finds_every_kind_of_marked_message(tmp_path):
    # given
    (tmp_path / "module.py").write_text(SOURCE)

    # when
    template = extract_messages(tmp_path)

    # then
    found = {(message.context, message.id) for message in template if message.id}
    assert found == {
        (None, "Hello {name}."),
        ("parcel status", "lost"),
        (None, ("{days} day", "{days} days")),
        (None, "Plain."),
        (None, ("%(n)s item", "%(n)s items")),
    }


def test_a_message_without_its_chinese_text_is_reported(tmp_path):
    # given: two messages, one translated
    template = template_of("Inspection finished.", "We received your parcel.")
    catalogs_in(tmp_path, template, {"Inspection finished.": "检验已完成。"})

    # when
    problems = catalog_problems(template, tmp_path)

    # then: English may leave a message as written; Chinese may not
    assert problems == {"en": [], "zh_Hans": ["'We received your parcel.': not translated"]}


def test_a_message_the_catalogs_lack_is_reported(tmp_path):
    # given: catalogs made before the source gained a message
    catalogs_in(tmp_path, template_of("Inspection finished."), {"Inspection finished.": "检验已完成。"})
    template = template_of("Inspection finished.", ("ctx", "paid"))

    # when
    problems = catalog_problems(template, tmp_path)

    # then
    assert problems == {"en": ["'paid' (ctx)"], "zh_Hans": ["'paid' (ctx)"]}


def test_a_fuzzy_translation_is_reported():
    catalog = Catalog(locale="zh_Hans")
    catalog.add("Inspection finished.", "检验完成。", flags=["fuzzy"])

    assert untranslated_messages(catalog) == ["'Inspection finished.': fuzzy"]


@pytest.mark.parametrize(("_case", "msgid", "msgstr", "reported"), [
    ("brace renamed", "No scan {days} days after the label.", "{day} 天后仍无扫描。", True),
    ("brace dropped", "Carrier claim with {carrier}.", "承运商索赔。", True),
    ("percent renamed", "%(count)s items", "%(number)s 件", True),
    ("brace for percent", "%(count)s items", "{count} 件", True),
    ("same, reordered", "{amount} {currency} refunded.", "已退款 {currency}{amount}。", False),
    ("literal percent", "A fee of {amount}% is kept.", "收取 {amount}% 的费用。", False),
])
def test_a_translation_saying_other_placeholders_is_reported(_case, msgid, msgstr, reported):
    catalog = Catalog(locale="zh_Hans")
    catalog.add(msgid, msgstr)

    assert bool(placeholder_mismatches(catalog)) is reported


def test_each_plural_form_is_checked_against_the_message():
    catalog = Catalog(locale="zh_Hans")
    catalog.add(("{days} day", "{days} days"), ("天",))

    assert placeholder_mismatches(catalog) == ["'{days} day': [] instead of ['{days}']"]


def test_missing_messages_names_each_one_with_its_context():
    catalog = Catalog(locale="zh_Hans")
    catalog.add("lost", "丢失", context="parcel status")
    template = template_of(("ctx", "lost"), "Plain.")

    assert missing_messages(template, catalog) == ["'lost' (ctx)", "'Plain.'"]


# --------------------------------------------------------------------------- compiling


def test_compiling_writes_what_is_missing_or_older_than_its_po(tmp_path):
    # given
    template = template_of("Inspection finished.")
    catalogs_in(tmp_path, template, {"Inspection finished.": "检验已完成。"})

    # when / then: missing .mo files are written, then nothing is stale
    assert compile_catalogs(tmp_path) == [po_path(locale, tmp_path).with_suffix(".mo") for locale in LOCALES]
    assert compile_catalogs(tmp_path) == []
    chinese = gettext.GNUTranslations(po_path("zh_Hans", tmp_path).with_suffix(".mo").open("rb"))
    assert chinese.gettext("Inspection finished.") == "检验已完成。"

    # when: a .po changes after its .mo was written
    mo = po_path("zh_Hans", tmp_path).with_suffix(".mo")
    os.utime(mo, (mo.stat().st_mtime - 60, mo.stat().st_mtime - 60))

    # then
    assert compile_catalogs(tmp_path) == [mo]
    assert len(compile_catalogs(tmp_path, stale_only=False)) == len(LOCALES)


def test_the_install_step_compiles_every_catalog(capsys):
    assert main(["compile-messages"]) == 0

    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"compiled {po_path(locale, LOCALE_DIR).with_suffix('.mo')}" for locale in LOCALES]


def test_the_app_compiles_a_stale_catalog_when_it_starts():
    # given: the Chinese .mo older than its .po (a pull changed the translations)
    mo = po_path("zh_Hans", LOCALE_DIR).with_suffix(".mo")
    po_time = po_path("zh_Hans", LOCALE_DIR).stat().st_mtime
    os.utime(mo, (po_time - 60, po_time - 60))

    # when
    apps.get_app_config("saleor_returns").ready()

    # then
    assert mo.stat().st_mtime >= po_time
    assert compile_catalogs() == []


# --------------------------------------------------------------------------- the desk's tables

MODULE = """
import { register, t } from "./i18n.js";

// t("comment.only") is not said
register({
  en: {
    "demo.title": "Returns",
    "demo.count": "{n} returns",
    "demo.status.OPEN": "Open",
  },
  "zh-Hans": {
    "demo.title": "退货",
    "demo.count": "{n} 个退货",
    "demo.status.OPEN": "处理中",
  },
});

const pattern = /"(\\w+)'/g;
export function render(state) {
  return [
    t("demo.title"),
    t(state.many ? "demo.count" : "demo.title", { n: state.n }),
    `${t(`demo.status.${state.status}`)} (${t("demo.count", { n: 1 })})`,
  ];
}
"""


def test_every_desk_message_is_said_in_chinese_with_the_same_placeholders():
    # given: every module of the desk
    modules = desk_modules()

    # when
    tables, conflicts = merged_tables(modules)

    # then
    assert len(tables["en"]) > 500
    assert conflicts == []
    assert translation_problems(tables) == []
    registering = [name for name, source in modules.items() if "register({" in source and name != "i18n.js"]
    assert all(registered_tables(modules[name]) for name in registering)


def test_every_key_the_desk_says_is_an_english_message():
    modules = desk_modules()
    tables, _ = merged_tables(modules)

    assert unknown_keys(tables["en"], modules) == []


def test_the_desks_tables_and_keys_are_read_from_the_javascript():
    # when
    tables = registered_tables(MODULE)
    use = used_keys(MODULE)

    # then: comments and regular expressions fool neither
    assert tables == [{
        "en": {"demo.title": "Returns", "demo.count": "{n} returns", "demo.status.OPEN": "Open"},
        "zh-Hans": {"demo.title": "退货", "demo.count": "{n} 个退货", "demo.status.OPEN": "处理中"},
    }]
    assert use.keys == {"demo.title", "demo.count"}
    assert use.prefixes == {"demo.status."}


@pytest.mark.parametrize(("_case", "chinese", "problem"), [
    ("missing", {"demo.title": "退货"}, "'demo.count': no Chinese text"),
    ("empty", {"demo.title": "退货", "demo.count": " "}, "'demo.count': no Chinese text"),
    ("placeholder", {"demo.title": "退货", "demo.count": "{m} 个退货"},
     "'demo.count': placeholders ['{m}'] instead of ['{n}']"),
    ("stray", {"demo.title": "退货", "demo.count": "{n} 个退货", "demo.gone": "旧"},
     "'demo.gone': Chinese text for no English message"),
])
def test_a_desk_message_without_its_chinese_text_is_reported(_case, chinese, problem):
    tables = {"en": {"demo.title": "Returns", "demo.count": "{n} returns"}, "zh-Hans": chinese}

    assert translation_problems(tables) == [problem]


def test_a_key_the_desk_says_without_an_english_message_is_reported():
    english = {"demo.title": "Returns", "demo.count": "{n} returns"}

    assert unknown_keys(english, {"page.js": MODULE}) == ["page.js: no English message starts with 'demo.status.'"]
    assert unknown_keys({"demo.title": "Returns"}, {"page.js": MODULE}) == [
        "page.js: 'demo.count' is not an English message",
        "page.js: no English message starts with 'demo.status.'",
    ]


def test_a_key_two_modules_register_differently_is_reported():
    other = MODULE.replace('"demo.title": "Returns"', '"demo.title": "Return list"')

    _, conflicts = merged_tables({"a.js": MODULE, "b.js": other})

    assert conflicts == ["b.js: en 'demo.title' registered twice with different texts"]


# --------------------------------------------------------------------------- the reader's language

POLICY = "{ returnPolicy { summary } }"
ENGLISH = "Items can be returned within 30 days of delivery"
CHINESE = "商品可在签收后 30 天内退货"


@pytest.mark.parametrize(("header", "expected"), [
    ("en;q=0.3, zh-Hans;q=0.9", CHINESE),
    ("fr, zh-CN;q=0.5", CHINESE),  # French is not offered: the next choice wins
    ("zh-Hans;q=0.2, en;q=0.8", ENGLISH),
    ("zh-TW", CHINESE),  # Django's fallback: the one Chinese the app speaks
    ("fr, de;q=0.5", ENGLISH),  # nothing offered: LANGUAGE_CODE
    ("*", ENGLISH),
    ("", ENGLISH),
])
def test_the_policy_summary_is_in_the_language_accept_language_prefers(
    client, installation, fake_saleor, fake_app, header, expected
):
    # given: a staff member of the shop
    staff = fake_saleor.add_staff("staff@example.com", ["MANAGE_ORDERS"])
    headers = {
        "Saleor-Api-Url": installation.saleor_api_url,
        "Authorization": f"Bearer {fake_saleor.issue_staff_app_token(staff, fake_app)}",
    }
    if header:
        headers["Accept-Language"] = header

    # when
    response = client.post("/graphql/", {"query": POLICY}, content_type="application/json", headers=headers)

    # then
    assert response.status_code == 200, response.content
    summary = response.json()["data"]["returnPolicy"]["summary"]
    assert summary[0].startswith(expected), summary[0]
