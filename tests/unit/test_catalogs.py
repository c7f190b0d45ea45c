import re

from bot.i18n import LOCALES, catalog, normalize_locale, t

FIELD = re.compile(r"{(\w+)}")


def test_every_key_exists_in_both_catalogs():
    en, zh = set(catalog("en")), set(catalog("zh-Hans"))
    assert en - zh == set(), f"missing in zh-Hans: {sorted(en - zh)}"
    assert zh - en == set(), f"missing in en: {sorted(zh - en)}"


def test_zh_hans_texts_are_translated_not_copied():
    en, zh = catalog("en"), catalog("zh-Hans")
    copied = [
        k for k in en if en[k] == zh[k] and re.search(r"[A-Za-z]{4,}", FIELD.sub("", en[k]).replace("`", ""))
    ]
    # Commands, ids and product names may stay Latin inside a zh text, but not a whole English sentence.
    assert copied == [], f"zh-Hans texts identical to English: {copied}"


def test_format_fields_match_between_locales():
    en, zh = catalog("en"), catalog("zh-Hans")
    mismatched = [k for k in en if set(FIELD.findall(en[k])) != set(FIELD.findall(zh[k]))]
    assert mismatched == []


def test_slack_locales_map_to_ours():
    assert normalize_locale("zh-CN") == "zh-Hans"
    assert normalize_locale("zh-TW") == "zh-Hans"
    assert normalize_locale("en-GB") == "en"
    assert normalize_locale("ja-JP") == "en"
    assert normalize_locale(None, "zh-Hans") == "zh-Hans"
    assert LOCALES == ("en", "zh-Hans")


def test_t_fills_fields_and_falls_back_to_english_for_unknown_locale():
    assert t("help.unknown", "en", text="xyz").startswith("I don't know `xyz`")
    assert "xyz" in t("help.unknown", "zh-Hans", text="xyz")
    assert t("help.deal.title", "fr") == t("help.deal.title", "en")
