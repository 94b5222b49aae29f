"""Coverage of the shipped lexicons: disguised abuse they catch, everyday speech they leave alone.

Every text here was written for xinan (none comes from a benchmark). Like the regression corpus,
these run against the shipped lexicons alone (no detectors, no model), so they pin down what the
lexicons and their whitelist spans do.
"""

from __future__ import annotations

import pytest

CAUGHT = [
    # (text, code) -- homophones, jargon, co-occurrence rules and spelled-out forms
    ("这操作真是制杖", "insult"),  # 制杖 spells 智障
    ("nmsl", "insult"),
    ("来玩菠菜平台", "gambling"),  # 菠菜 spells 博彩; the longer term escapes the food whitelist
    ("今晚六合菜开奖", "gambling"),  # homophone of 六合彩
    ("澳菜特码免费送", "gambling"),
    ("牛牛和金花都能玩", "gambling"),  # co-occurrence anywhere
    ("台子很稳，不黑不卡", "gambling"),
    ("可以上下分，一元一分", "gambling"),
    ("抖音代发，一单五元", "spam_ads"),
    ("店铺补单找我", "spam_ads"),
    ("专业代涨粉，需要的私", "spam_ads"),
    ("无视征信，秒下款", "fraud"),
    ("轻松月入三万", "fraud"),  # 月入 & 万 within four characters
    ("缺钱的兄弟，胆大的来", "fraud"),
    ("有卡就行，日结过万", "fraud"),
    ("出原味丝袜", "porn"),
    ("有没有色搭子", "porn"),
    ("找个se搭子", "porn"),
    ("海角社区的网址", "porn"),
]

EVERYDAY = [
    # texts that must produce no lexicon finding at all
    "晚饭炒了一盘菠菜，再煮个菠菜汤",  # 菠菜 reads like 博彩
    "新冠病毒的传播途径",  # 病毒 reads like 冰毒
    "垃圾分类能减少固体废物",
    "这座城市里有形形色色的人",
    "小猫冻得瑟瑟发抖",
    "那里人口爆炸式增长",  # 口爆 inside 人口爆炸
    "小时候妈妈逼着我练琴",  # 妈逼 inside 妈妈逼着
    "我想去天涯海角看看",
    "我要一杯原味奶茶",
    "这张纸张太薄了",  # 纸张 reads like 智障
    "他兼任两个部门的主管",  # 兼任 reads like 贱人
    "暑假带孩子去加拿大玩",
    "中国队问鼎冠军",
    "周末在网吧包夜打游戏",
    "这么唐突地打扰你，不好意思",
    "我开着byd去上班",
    "新买的nmd跑鞋很舒服",
    "今日入住酒店，明日入学报到",
    "日出而作，日入而息",
    "楼下的狗叫了一晚上",
    "小狗走丢了，正在找主人",
    "下雨了，快去阳台收袜子",
    "同城约饭有人吗",
    "彩票带来的快乐很简单",
    "排三个小时的队才买到",
    "几家轮流坐庄",
    "大坝截流工程顺利完成",
    "他一夜暴富的梦想破灭了",
    "新人怎么才能涨粉？",
    "开盒视频：新手机到了",
    "项目有前期投入",
    "我们出村去镇上赶集",
    "每天走一万步",
    "他贪财好色，早晚出事",
    "抓住一根浮木才活下来",
    "孩子周末去学木琴",
    # toneless homophones of pinyin-marked terms
    "他们发生口角",  # kou-jiao
    "扣缴义务人按月申报",  # kou-jiao
    "刚交了作业",  # gang-jiao
    "圆角矩形按钮",  # yuan-jiao
    "原教旨主义的历史",  # yuan-jiao
    "广场舞大妈",  # da-ma
    "视频打码了",  # da-ma
    "读博好难",  # du-bo
    "这部剧是独播",  # du-bo
    "独唱演员上台了",  # du-chang
    "博采众长",  # bo-cai
    "周末约跑步",  # yue-pao
    "去商场买音响",  # mai-yin
    "木构建筑很漂亮",  # mu-gou
    # everyday words that overlap gambling, fraud and spam jargon
    "上下分别是两个按钮",  # 上下分
    "大佬带飞，奶妈回血",  # game chat
    "这局稳赢",
    "签证要求银行流水达标",
    "医药费先垫付再报销",
    "他胆子大，敢一个人走夜路",
    "背包去一趟西藏",
    "我们要做好评估",  # 做好评
    "然后入场，之后入住",  # 后入
    "帮忙找人操办婚礼",  # 操
    "不用操你的心",
    "拍了几张水果照片",  # 果照
    "火车站街道办事处",  # 站街
    "本店上新茶了",
]


@pytest.mark.parametrize(("text", "code"), CAUGHT)
def test_disguised_abuse_is_caught(lexicon_engine, text, code):
    verdict = lexicon_engine.check(text)
    assert code in verdict.codes, (text, verdict.to_json())
    assert verdict.action != "pass"


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_speech_has_no_lexicon_finding(lexicon_engine, text):
    verdict = lexicon_engine.check(text)
    assert not verdict.findings, (text, verdict.to_json())
    assert verdict.action == "pass"


def test_whitelist_span_protects_only_itself(lexicon_engine):
    # the food whitelist covers 菠菜 alone; a gambling use in the same text still hits
    verdict = lexicon_engine.check("买了菠菜，顺便玩菠菜")
    assert [f.text for f in verdict.findings if f.code == "gambling"] == ["玩菠菜"]
