"""Micro-benchmark of the rule detectors: texts/s per detector on 120-character comments.

Usage: .venv/bin/python scripts/bench_detectors.py [--seconds S] [--seed N]

Two workloads, generated here from phrases written for xinan: "clean" comments (with the
prices, dates, counts and English words real comments hold, so prechecks are exercised) and
"hit" comments, each holding something for the detector under test. Single core, one process.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from xinan.guard.context import Context
from xinan.guard.detectors import DETECTORS, VERSION
from xinan.guard.findings import Finding

LENGTH = 120

PHRASES = [
    "今天天气很好，适合出去走走。",
    "这个产品质量不错，物流也很快，",
    "价格199元，比上次便宜了20块。",
    "我2024年买的，用了3个月没问题，",
    "客服态度很好，耐心解答了我的问题。",
    "孩子很喜欢，每天都要玩一会儿！",
    "包装有点简陋，不过东西是好的。",
    "希望下次活动力度再大一点吧。",
    "这部电影的结局真的太感人了。",
    "作者更新好慢啊，等了一个星期。",
    "楼上说得对，我也是这么想的。",
    "下午3点开会，记得带电脑。",
    "这个app的新版本好用多了，OK。",
    "周末和朋友一起去吃了火锅，",
    "第一次买这个牌子，感觉还可以。",
    "老师讲得很清楚，学到了很多。",
]

HITS: dict[str, list[str]] = {
    "personal_info": [
        "他的电话138 1234 5678，住址在幸福小区。",
        "邮箱 someone.test@example.com 有事联系",
        "身份证110101199003071233曝光了",
    ],
    "secrets": [
        "服务器 1.2.3.4 root 密码 P@ssw0rd",
        "账号: admin 密码：Adm1n#2024",
        "token ghp_A1b2C3d4A1b2C3d4A1b2C3d4A1b2C3d4E5f6",
    ],
    "links": [
        "快来 baidu[.]com 看看",
        "点这里 t.cn/A6abcd 领取",
        "登录 \u0430pple.com 验证",
    ],
    "contacts": [
        "有意者加V：abc123",
        "兼职日结，扣扣 12345678",
        "薇信 test_001 私聊",
    ],
}


def make_text(rng: random.Random, insert: str = "") -> str:
    """A 120-character comment built from the phrases, with ``insert`` placed inside."""
    parts: list[str] = []
    while sum(map(len, parts)) < LENGTH:
        parts.append(rng.choice(PHRASES))
    if insert:
        parts.insert(rng.randrange(len(parts)), insert)
    text = "".join(parts)
    if not insert:
        return text[:LENGTH]
    start = text.index(insert)
    offset = max(0, min(start, len(text) - LENGTH))
    return text[offset : offset + LENGTH]


def rate(
    detect: Callable[[str, Context], list[Finding]], texts: list[str], seconds: float
) -> float:
    """Texts per second of ``detect`` over ``texts``: the best of five rounds of ``seconds``/5.

    The best round is reported, as timeit does: slower rounds measure other processes on the
    machine, not the detector.
    """
    context = Context()
    best = 0.0
    for _ in range(5):
        done = 0
        began = time.perf_counter()
        while True:
            for text in texts:
                detect(text, context)
            done += len(texts)
            elapsed = time.perf_counter() - began
            if elapsed >= seconds / 5:
                break
        best = max(best, done / elapsed)
    return best


def main() -> None:
    """Print texts/s per detector, clean and hit, and for all four together."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 - reproducible bench data, not cryptography
    clean = [make_text(rng) for _ in range(1000)]
    hits = {name: [make_text(rng, rng.choice(h)) for _ in range(1000)] for name, h in HITS.items()}
    for name, texts in hits.items():
        if not all(DETECTORS[name](text, Context()) for text in texts):
            raise SystemExit(f"bench data error: a {name} hit text has no finding")

    def every(text: str, context: Context) -> list[Finding]:
        return [f for detect in DETECTORS.values() for f in detect(text, context)]

    print(f"xinan.guard.detectors {VERSION}: texts/s, {LENGTH}-char comments, one core")
    print(f"{'detector':<15}{'clean':>12}{'hit':>12}{'us/clean':>10}")
    for name, detect in DETECTORS.items():
        clean_rate = rate(detect, clean, args.seconds)
        hit_rate = rate(detect, hits[name], args.seconds)
        print(f"{name:<15}{clean_rate:>12,.0f}{hit_rate:>12,.0f}{1e6 / clean_rate:>10.2f}")
    mixed = [text for texts in hits.values() for text in texts]
    all_clean = rate(every, clean, args.seconds)
    all_hit = rate(every, mixed, args.seconds)
    print(f"{'all four':<15}{all_clean:>12,.0f}{all_hit:>12,.0f}{1e6 / all_clean:>10.2f}")


if __name__ == "__main__":
    main()
