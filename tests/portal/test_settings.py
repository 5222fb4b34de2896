from django.conf import settings


def test_it_defaults_to_simplified_chinese_in_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_it_reads_objection_window_as_a_setting():
    assert settings.OBJECTION_DAYS == 15
    assert settings.REPEAT_CHECK_MONTHS == 6
