from summit import i18n


def test_every_message_has_a_chinese_translation():
    assert i18n.missing() == []


def test_one_message_has_one_translation_across_catalogs():
    assert i18n.conflicts() == []


def test_every_feature_catalog_has_both_locales():
    for name, folder in i18n.catalogs().items():
        po_files = list(folder.glob("*/LC_MESSAGES/messages.po"))
        if not po_files:
            continue
        assert {p.parts[-3] for p in po_files} == {"zh", "en"}, name
