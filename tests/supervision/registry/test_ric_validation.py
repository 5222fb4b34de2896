import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from supervision.registry.validators import mask_ric, validate_ric


def with_check_digit(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def test_it_accepts_an_id_from_a_district_newer_than_stdnums_table():
    validate_ric(with_check_digit("44060620050101123"))  # 顺德区, formed 2003
    # and it is still the validator speaking: the same number with a wrong check digit is refused
    wrong = with_check_digit("44060620050101123")
    with pytest.raises(ValidationError):
        validate_ric(wrong[:-1] + ("1" if wrong[-1] != "1" else "2"))


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("99042619910101007", "no such province"),
        ("36042619911301007", "month 13"),
        ("36042618890101007", "born before 1900"),
        ("36042621000101007", "born in the future"),
    ],
)
def test_it_rejects_a_number_with_a_valid_check_digit_but_impossible_contents(body, why):
    with pytest.raises(ValidationError) as exc:
        validate_ric(with_check_digit(body))
    assert "居民身份证号码" in exc.value.messages[0], why


def test_it_rejects_a_wrong_check_digit_with_a_message_naming_the_last_digit():
    number = with_check_digit("36042619910101007")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        validate_ric(wrong)


def test_it_masks_all_but_the_region_prefix_and_last_two_characters():
    assert mask_ric("440106198503121236") == "440106**********36"
