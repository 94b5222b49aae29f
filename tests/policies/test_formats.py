"""Lexicon and domain-list text: what is accepted, and errors that name the line."""

from __future__ import annotations

import pytest

from xinan.core.exceptions import ValidationFailed
from xinan.policies import formats


def test_check_lexicon_counts_rows_after_header_and_comments():
    text = "# ours\nterm,code,severity,options\n代开发票,fraud,block\n赌球,gambling,review,pinyin\n"
    assert formats.check_lexicon(text, name="x").entry_count == 2


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("代开发票,fraud,block\n办证,nonsense,block\n", 2, "unknown category code"),
        ("term,code,severity\n\n代开发票,fraud,maybe\n", 3, "severity"),
        ("代开发票,fraud\n", 1, "column"),
        ("票,fraud,block\n", 1, "single-character"),
    ],
)
def test_check_lexicon_bad_row_names_its_line(text, line, words):
    with pytest.raises(ValidationFailed) as caught:
        formats.check_lexicon(text, name="mine")
    assert f"mine:{line}:" in caught.value.detail
    assert words in caught.value.detail
    assert caught.value.extra["fields"]["csv_text"] == [caught.value.detail]


def test_normalise_lexicon_crlf_and_final_newline():
    assert formats.normalise_lexicon("a,fraud,block\r\nb,fraud,block  ") == (
        "a,fraud,block\nb,fraud,block\n"
    )
    assert formats.normalise_lexicon(" \n") == ""


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("Example.COM", "example.com"),
        ("*.example.com", "example.com"),
        ("https://user@www.Example.com:8443/path?q=1", "www.example.com"),
        ("ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"),
        ("example.com.", "example.com"),
        ("10.0.0.1", "10.0.0.1"),
        ("xn--fiqs8s.xn--55qx5d", "xn--fiqs8s.xn--55qx5d"),
    ],
)
def test_normal_host_folds_like_the_links_detector(raw, host):
    assert formats.normal_host(raw) == host


@pytest.mark.parametrize(
    "raw", ["localhost", "exa mple.com", "-bad.com", "a..b", "1.2.3", "a_b.com"]
)
def test_normal_host_refuses_what_is_no_host(raw):
    with pytest.raises(ValueError, match="host"):
        formats.normal_host(raw)


def test_parse_domains_skips_comments_header_notes_and_repeats():
    text = "# deny\ndomain\nb.example.com,a note\n\nA.example.com\na.example.com\n"
    assert formats.parse_domains(text) == ["a.example.com", "b.example.com"]


def test_parse_domains_bad_line_is_named():
    with pytest.raises(ValidationFailed, match="line 3"):
        formats.parse_domains("good.example.com\n# fine\nnot a host\n")


def test_check_domains_names_the_item():
    with pytest.raises(ValidationFailed, match="item 2"):
        formats.check_domains(["good.example.com", "bad host"])


def test_dump_domains_reads_back():
    text = formats.dump_domains(["a.example.com", "b.example.com"], name="x", kind="deny")
    assert formats.parse_domains(text) == ["a.example.com", "b.example.com"]
