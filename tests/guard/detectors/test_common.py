"""Helpers of the detectors: noisy digit runs and span sets."""

from __future__ import annotations

from xinan.guard.detectors._common import Spans, compile_noisy_digits, make_finding, read_digit_run


def test_read_digit_run_noise_and_full_width_mapped():
    text = "号 1３8-12\u200b34 x"
    match = compile_noisy_digits(6).search(text)
    assert match is not None
    run = read_digit_run(text, match.start(), match.end())
    assert run.digits == "1381234X"
    assert [text[i] for i in run.positions] == ["1", "３", "8", "1", "2", "3", "4", "x"]
    assert run.group_starts == {0, 3, 5, 7}
    assert run.group_ends == {3, 5, 7, 8}


def test_compile_noisy_digits_glued_to_letters_no_match():
    assert compile_noisy_digits(8).search("ab13812345678") is None


def test_spans_overlapping_span_refused():
    spans = Spans()
    assert spans.add(10, 20)
    assert spans.add(0, 10)
    assert not spans.add(19, 25)
    assert not spans.overlaps(20, 30)
    assert spans.overlaps(5, 6)


def test_make_finding_high_score_blocks():
    finding = make_finding("links", "malicious_link", "abcdef", 1, 3, "link.x", 0.95)
    assert (finding.text, finding.severity) == ("bc", "block")
    assert make_finding("links", "malicious_link", "abc", 0, 1, "t", 0.5).severity == "review"
