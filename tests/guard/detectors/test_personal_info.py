"""personal_info: identifiers found with checksums, scored by how much of a person they expose."""

from __future__ import annotations

import pytest
from stdnum import luhn
from stdnum.cn import ric, uscc

from xinan.guard.detectors.personal_info import detect

# Synthetic identifiers with correct checksums, computed here (never real people's data).
RIC_BODY = "11010119900307123"  # Beijing Dongcheng, born 1990-03-07
RIC_OK = RIC_BODY + ric.calc_check_digit(RIC_BODY + "0")
RIC_BAD = RIC_OK[:-1] + ("1" if RIC_OK[-1] != "1" else "2")
CARD_OK = "622202123456789012" + luhn.calc_check_digit("622202123456789012")
CARD_BAD = CARD_OK[:-1] + str((int(CARD_OK[-1]) + 1) % 10)
USCC_BODY = "91110000600037341"
USCC_OK = USCC_BODY + uscc.calc_check_digit(USCC_BODY)


def _ric_x() -> str:
    """A synthetic resident ID whose check character is X."""
    for seq in range(100, 1000):
        body = f"31010420000101{seq}"
        if ric.calc_check_digit(body + "0") == "X":
            return body + "X"
    raise AssertionError("no X check digit found")


def _terms(findings):
    return [f.term for f in findings]


def test_detect_valid_ric_found_with_exact_span(ctx):
    text = f"身份证号{RIC_OK}。"
    [finding] = detect(text, ctx)
    assert finding.term == "pi.cn_ric"
    assert finding.code == "doxxing"
    assert finding.detector == "personal_info"
    assert text[finding.start : finding.end] == finding.text == RIC_OK
    assert finding.severity == "review"


def test_detect_ric_with_x_check_found(ctx):
    ric_x = _ric_x()
    assert _terms(detect(f"号码 {ric_x.lower()}", ctx)) == ["pi.cn_ric"]


def test_detect_ric_bad_checksum_ignored(ctx):
    assert detect(f"身份证号{RIC_BAD}", ctx) == []


def test_detect_ric_impossible_birth_date_ignored(ctx):
    body = "11010119901345123"  # month 13
    assert detect(body + ric.calc_check_digit(body + "0"), ctx) == []


def test_detect_ric_future_birth_date_ignored(ctx):
    body = "11010120990101123"
    assert detect(body + ric.calc_check_digit(body + "0"), ctx) == []


def test_detect_ric_full_width_digits_found(ctx):
    wide = RIC_OK.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    [finding] = detect(f"看这个{wide}", ctx)
    assert finding.text == wide


def test_detect_ric_with_noise_between_digits_found(ctx):
    noisy = "\u200b".join(RIC_OK[:9]) + "-" + " ".join(RIC_OK[9:])
    text = f"ID: {noisy} 完"
    [finding] = detect(text, ctx)
    assert finding.term == "pi.cn_ric"
    assert text[finding.start : finding.end] == finding.text == noisy


def test_detect_ric_inside_longer_digit_run_ignored(ctx):
    assert detect(f"{RIC_OK}42", ctx) == []


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "138-1234-5678",
        "138 1234 5678",
        "1３8１２３４５６７８",
        "1.3.8.1.2.3.4.5.6.7.8",
    ],
)
def test_detect_mobile_forms_found_low_score(ctx, phone):
    [finding] = detect(f"电话{phone}", ctx)
    assert finding.term == "pi.cn_mobile"
    assert finding.text == phone
    assert finding.score < 0.5


@pytest.mark.parametrize("phone", ["+86 138 1234 5678", "8613812345678", "0086-138-1234-5678"])
def test_detect_mobile_country_prefix_found(ctx, phone):
    assert _terms(detect(f"tel: {phone}", ctx)) == ["pi.cn_mobile"]


@pytest.mark.parametrize("number", ["12812345678", "10012345678", "1381234567", "138123456789"])
def test_detect_mobile_invalid_number_ignored(ctx, number):
    assert detect(f"号码 {number}", ctx) == []


def test_detect_mobile_glued_to_letters_ignored(ctx):
    assert detect("hash a13812345678f0", ctx) == []


def test_detect_bank_card_luhn_valid_found(ctx):
    grouped = " ".join(CARD_OK[i : i + 4] for i in range(0, len(CARD_OK), 4))
    [finding] = detect(f"卡号 {grouped}", ctx)
    assert finding.term == "pi.bank_card"
    assert finding.text == grouped
    assert finding.score >= 0.5


def test_detect_bank_card_luhn_invalid_ignored(ctx):
    assert detect(f"卡号 {CARD_BAD}", ctx) == []


def test_detect_bank_card_implausible_iin_ignored(ctx):
    body = "102202123456789012"
    assert detect(body + luhn.calc_check_digit(body), ctx) == []


@pytest.mark.parametrize("prefix", ["订单号", "快递单号：", "流水号 ", "发票编号"])
def test_detect_bank_card_after_order_keyword_ignored(ctx, prefix):
    assert detect(f"{prefix}{CARD_OK}", ctx) == []


def test_detect_email_alone_below_review(ctx):
    [finding] = detect("有事发邮件 someone.test@example.com 谢谢", ctx)
    assert finding.term == "pi.email"
    assert finding.text == "someone.test@example.com"
    assert finding.score < 0.5


def test_detect_email_full_width_at_found(ctx):
    assert _terms(detect("邮箱 test＠example.cn", ctx)) == ["pi.email"]


def test_detect_email_phone_local_part_counted_once(ctx):
    assert _terms(detect("13812345678@163.com", ctx)) == ["pi.email"]


def test_detect_uscc_with_letters_found(ctx):
    [finding] = detect(f"统一社会信用代码：{USCC_OK}", ctx)
    assert finding.term == "pi.cn_uscc"
    assert finding.text == USCC_OK


def test_detect_uscc_bad_check_ignored(ctx):
    wrong = "0" if USCC_OK[-1] != "0" else "1"
    assert detect(f"信用代码 {USCC_BODY}{wrong}", ctx) == []


@pytest.mark.parametrize("number", ["E12345678", "EA1234567", "G12345678"])
def test_detect_passport_with_keyword_found(ctx, number):
    [finding] = detect(f"他的护照号码是{number}", ctx)
    assert finding.term == "pi.passport"
    assert finding.text == number


def test_detect_passport_without_keyword_ignored(ctx):
    assert detect("型号 E12345678 的零件", ctx) == []


def test_detect_ric_phone_and_address_blocks(ctx):
    text = f"开盒：张三 身份证{RIC_OK} 手机138 1234 5678 家住朝阳区幸福路12号"
    findings = detect(text, ctx)
    assert _terms(findings) == ["pi.cn_ric", "pi.cn_mobile"]
    assert all(f.severity == "block" and f.score >= 0.9 for f in findings)


def test_detect_phone_with_address_reviews(ctx):
    [finding] = detect("他的电话13812345678，住址在幸福小区", ctx)
    assert 0.5 <= finding.score < 0.9


def test_detect_phone_with_doxxing_word_reviews(ctx):
    [finding] = detect("人肉出来了 13812345678", ctx)
    assert finding.score >= 0.7


def test_detect_two_ids_block(ctx):
    other = "31010419851231456"
    other += ric.calc_check_digit(other + "0")
    findings = detect(f"{RIC_OK} {other}", ctx)
    assert [f.severity for f in findings] == ["block", "block"]


def test_detect_minor_lone_email_reviews(minor_ctx):
    [finding] = detect("我的邮箱 kid@example.com", minor_ctx)
    assert finding.score >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "生日快乐！2024年12月25日 20:30 见",
        "价格 1,299.00 元，库存 12345 件",
        "版本 1.2.3.4 更新于 2023-10-01",
        "订单号 202312251234567890",
        "QQ群 12345678",
        "时间戳 1700000000000",
        "圆周率 3.14159265358979",
        "",
    ],
)
def test_detect_false_positive_traps_ignored(ctx, text):
    assert detect(text, ctx) == []


def test_detect_all_digit_uscc_after_keyword_found(ctx):
    for seq in range(10**8, 10**8 + 1000):
        body = f"91110000{seq}"
        if uscc.calc_check_digit(body).isdigit():
            code = body + uscc.calc_check_digit(body)
            break
    assert _terms(detect(f"税号：{code}", ctx)) == ["pi.cn_uscc"]
    assert detect(f"编码 {code}", ctx) == []


def test_detect_ric_region_without_county_ignored(ctx):
    # python-stdnum raises KeyError inside is_valid for this region code; we must not
    body = "11000119900101123"
    assert detect(body + ric.calc_check_digit(body + "0"), ctx) == []
