"""What a post advertises, read from its words: the code a hand-off or a risky link is filed under.

A contact hand-off or a throwaway link is the vehicle of an advert, not its subject. When the
text around it advertises gambling or sex, the finding carries that code (``gambling``,
``porn``) rather than the generic ``spam_ads`` / ``malicious_link``, so the verdict names what
a reviewer will actually see. Money bait (刷单, 日结, 稳赚) makes a hand-off ``fraud``.

The word lists were written for xinan from general knowledge of how such adverts are worded;
none was copied from a data set. Each is one regex alternation of literals, searched once per
text and only when a detector already has a hand-off or a risky link.
"""

from __future__ import annotations

import re

# Gambling: the games, the stakes and the platform talk of betting sites.
GAMBLING = re.compile(
    r"博彩|菠菜|赌|彩金|首存|首充|存送|充送|返水|反水|上分|下分|盘口|投注|下注|押注|赔率|让球|串关|"
    r"百家乐|龙虎斗|牛牛|金花|时时彩|六合|特码|老虎机|棋牌|捕鱼|扑鱼|娱乐城|真人视讯|电子游艺|"
    r"彩票|开奖|计划群|跟单|带单|澳门|新澳|加拿大|幸运飞艇|赛车|扫雷|接龙|红包群|稳台|大水|放水|"
    r"爆分|出款|提款|回血|开户送|注册送|新人送|充值送|充\d+送|存\d+送|送\d+元?彩|德州|扑克|斗地主|"
    r"麻将|骰子|色子|二八杠|竞猜|电竞|体育|球赛|红单|包赔|国际|娱乐|新台|老台|扶持|电玩|狗庄|庄家|翻身|台子|"
    r"\d+\s*(?:[+＋➕]|送)\s*\d+|(?i:pc28|pk10)"
)
# How a link to an app or a site is handed over where platforms block links: "search this in
# your browser", "copy and open", "the entrance". With a throwaway host and no word of sex,
# this is how gambling apps are distributed (on ChineseHarm-bench's dev part every throwaway
# link sat in a gambling post); a heuristic, reviewed (0.6), never blocked by itself.
DELIVERY = re.compile(r"浏览器|游览器|浏览气|复制|入口|认准")
# Sex: solicitation, paid content and the words around it.
PORN = re.compile(
    r"约炮|约p|约啪|裸聊|果聊|裸照|裸体|上门服务|包夜|快餐|楼凤|外围|援交|一夜情|做爱|啪啪|"
    r"成人视频|黄片|黄色视频|色情|福利姬|原味|🔞|看片|性感美女|小姐姐陪|同城约|同城交友"
)
# Money bait: task scams, loans, investment, prizes.
FRAUD = re.compile(
    r"兼职|刷单|返利|返现|日结|日赚|贷款|借款|网贷|投资|理财|稳赚|回本|带你赚|赚钱|高收益|收益|"
    r"退款|中奖|领奖|内幕|数字货币|(?i:usdt)|代开发票|套现|跑分"
)


def advert_code(text: str, *, money: bool = True) -> str | None:
    """``gambling``, ``porn`` or (with ``money``) ``fraud`` when the text advertises it."""
    if GAMBLING.search(text):
        return "gambling"
    if PORN.search(text):
        return "porn"
    if money and FRAUD.search(text):
        return "fraud"
    return None
