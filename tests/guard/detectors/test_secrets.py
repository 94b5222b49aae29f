"""secrets: credential pairs and private keys block, lone tokens and passwords are reviewed."""

from __future__ import annotations

import pytest

from xinan.guard.detectors.secrets import detect

# Fake credentials, assembled here so that no secret scanner mistakes this file for a leak.
AWS_ID = "AKIA" + "IOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
GITHUB = "ghp_" + "A1b2C3d4" * 4 + "E5f6"
GITHUB_FINE = "github_pat_" + "11ABCDEFG0" * 8 + "xy"
SLACK = "xoxb-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
GOOGLE = "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
JWT = "eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0." + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9P"
ALIYUN_ID = "LTAI" + "5tAbCdEfGhIjKlMn"
TENCENT_ID = "AKID" + "Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56"
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAx1y2z3\nQWERTYasdfgh0987=\n"
    "-----END RSA PRIVATE KEY-----"
)


def _only(findings):
    [finding] = findings
    return finding


@pytest.mark.parametrize(
    "text",
    [
        "服务器 1.2.3.4 root 密码 P@ssw0rd",
        "账号: admin 密码：Adm1n#2024",
        "ssh root@10.0.0.8 password hunter2!",
        "数据库地址 db.example.com 用户名 app pwd=s3cr3t",
        "登录名 test_user 口令 qwe123",
    ],
)
def test_detect_password_with_host_or_account_blocks(ctx, text):
    finding = _only(detect(text, ctx))
    assert finding.term == "secret.password"
    assert finding.code == "secret_leak"
    assert finding.severity == "block"
    assert text[finding.start : finding.end] == finding.text


def test_detect_lone_password_reviews(ctx):
    finding = _only(detect("我的密码是123456，别告诉别人", ctx))
    assert finding.text == "密码是123456"
    assert finding.severity == "review"
    assert finding.score >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "忘记密码了怎么办",
        "密码学是一门学科",
        "password reset link sent",
        "Your password is required",
        "账号: admin 密码：******",
        "密码：xxx",
        "修改密码：https://example.com/reset",
        "I will pass 2024 exam",
        "密码 …",
    ],
)
def test_detect_password_prose_or_masked_ignored(ctx, text):
    assert detect(text, ctx) == []


def test_detect_private_key_block_spans_to_footer(ctx):
    text = f"私钥如下\n{PEM}\n谢谢"
    finding = _only(detect(text, ctx))
    assert finding.term == "secret.private_key"
    assert finding.text == PEM
    assert finding.severity == "block"


def test_detect_private_key_without_footer_spans_body(ctx):
    text = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
    finding = _only(detect(text, ctx))
    assert finding.text == text.rstrip()


def test_detect_public_key_ignored(ctx):
    assert detect("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----", ctx) == []


def test_detect_putty_key_blocks(ctx):
    assert _only(detect("PuTTY-User-Key-File-3: ssh-ed25519", ctx)).severity == "block"


@pytest.mark.parametrize(
    ("token", "term", "severity"),
    [
        (GITHUB, "secret.github_token", "block"),
        (GITHUB_FINE, "secret.github_token", "block"),
        (SLACK, "secret.slack_token", "block"),
        (STRIPE, "secret.stripe_key", "block"),
        (GOOGLE, "secret.google_api_key", "review"),
        (JWT, "secret.jwt", "review"),
        (AWS_ID, "secret.aws_access_key", "review"),
        (ALIYUN_ID, "secret.aliyun_access_key", "review"),
        (TENCENT_ID, "secret.tencent_secret_id", "review"),
    ],
)
def test_detect_token_formats_found(ctx, token, term, severity):
    text = f"配置里写着 {token} 呢"
    finding = _only(detect(text, ctx))
    assert (finding.term, finding.text, finding.severity) == (term, token, severity)


@pytest.mark.parametrize("token", [GITHUB, AWS_ID, ALIYUN_ID, TENCENT_ID, STRIPE, GOOGLE])
def test_detect_token_after_word_character_ignored(ctx, token):
    assert detect(f"x{token}", ctx) == []
    assert detect(f"_{token}", ctx) == []


@pytest.mark.parametrize("token", [GITHUB, AWS_ID, TENCENT_ID, GOOGLE])
def test_detect_fixed_length_token_too_long_ignored(ctx, token):
    assert detect(f"{token}y", ctx) == []


def test_detect_aws_key_with_secret_blocks_both(ctx):
    findings = detect(f"aws key {AWS_ID} secret {AWS_SECRET}", ctx)
    assert [f.term for f in findings] == ["secret.aws_access_key", "secret.cloud_secret_key"]
    assert all(f.severity == "block" for f in findings)


def test_detect_aliyun_key_with_named_secret_blocks(ctx):
    findings = detect(f"AccessKeyId: {ALIYUN_ID} AccessKeySecret: Abc123Def456Ghi789Jkl012", ctx)
    assert {f.term for f in findings} == {"secret.aliyun_access_key", "secret.generic_key"}
    assert all(f.severity == "block" for f in findings)


def test_detect_generic_key_assignment_reviews(ctx):
    finding = _only(detect("api_key = 'a8f5f167f44f4964e6c998dee827110c'", ctx))
    assert finding.term == "secret.generic_key"
    assert finding.severity == "review"


def test_detect_generic_key_placeholder_ignored(ctx):
    assert detect("api_key = your_api_key_here_please", ctx) == []


def test_detect_url_credentials_block(ctx):
    finding = _only(detect("连接串 mysql://root:S3cret@db.example.com/app", ctx))
    assert finding.term == "secret.url_credentials"
    assert finding.text == "mysql://root:S3cret@db.example.com"
    assert finding.severity == "block"


@pytest.mark.parametrize(
    "text",
    [
        "今天天气很好，一起去吃饭吧",
        "版本 1.2.3.4 已发布",
        "AKIA 是什么意思",
        "我的护照 passport 丢了",
        "",
    ],
)
def test_detect_clean_text_ignored(ctx, text):
    assert detect(text, ctx) == []
