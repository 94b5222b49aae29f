"""Training examples written for xinan: templates and word lists that generate varied posts.

COLD covers offence against groups only; real platforms also carry gambling, pornographic,
fraudulent and black-market advertising posts, personal abuse, and far more clean text that
mentions those topics harmlessly (warnings, news, everyday life). Everything below was written
for xinan: no text, phrase or term list was copied from any data set (ChineseHarm-bench and
ToxiCN are evaluation-only, see ``docs/guard-classifier.md``).

The generator is deterministic for a seed. It fills templates, then disguises some posts the
way spammers do (look-alike characters for contact words, spaces and symbols between
characters, emoji, platform emoticon codes) and adds the same noise to clean posts, so that the
noise itself never becomes evidence.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

from xinan.guard.classifier.datasets import Example

# --- shared pieces --------------------------------------------------------------------------

_EMOJI = list("😀😂🤣😊😍😘😎🤔😭😡👍👏🙏💪🔥✨🎉💰💵💎🌹🌸🍀⭐🌟❤💕👉👈☀🌈🎁📱💯✅🚀")
_EMOTE = ["[赞]", "[火]", "[玫瑰]", "[太阳]", "[微笑]", "[呲牙]", "[强]", "[抱拳]", "[红包]",
          "/微笑", "/偷笑", "/憨笑", "/害羞", "/得意", "/捂脸", "[em]e100[/em]", "[em]e113[/em]",
          "[em]e400[/em]", "[doge]", "[吃瓜]", "[哭笑]"]
_SEPARATORS = [" ", "  ", "，", "。", "！", "~", "～", "…", " | ", "、", "\n"]

_WECHAT = ["微信", "VX", "vx", "V", "v", "wx", "威信", "薇信", "徽信", "维❤", "V信", "卫星", "薇"]
_QQ = ["QQ", "qq", "扣扣", "企鹅", "Q", "扣", "抠抠"]
_ADD = ["加", "+", "➕", "伽", "家", "加我", "找我", "联系", "私", "戳", "滴滴"]
_DM = ["私我", "私聊", "私信", "滴滴我", "戳我", "看主页", "主页有联系方式", "评论区扣1",
       "扣1", "留言", "后台回复", "踢我", "dd我", "sl"]

_LETTERS = "abcdefghijkmnpqrstuvwxyz"


def _pick(rng: random.Random, items: Sequence[str]) -> str:
    return items[rng.randrange(len(items))]


def _digits(rng: random.Random, low: int, high: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(rng.randint(low, high)))


def _contact(rng: random.Random) -> str:
    """A contact hand-off as spammers write it: 加V 13x..., 扣扣 8 digits, an ID."""
    kind = rng.random()
    if kind < 0.45:
        handle = _pick(rng, ["", "", _pick(rng, list(_LETTERS)) * rng.randint(1, 2)])
        return f"{_pick(rng, _ADD)}{_pick(rng, _WECHAT)}{rng.choice(['', ':', '：', ' '])}" + (
            handle + _digits(rng, 5, 11)
        )
    if kind < 0.75:
        return f"{_pick(rng, _ADD)}{_pick(rng, _QQ)}{rng.choice(['', ' ', '：'])}{_digits(rng, 7, 10)}"
    if kind < 0.9:
        return _pick(rng, _DM)
    return _link(rng)


def _link(rng: random.Random) -> str:
    host = "".join(rng.choice(_LETTERS) for _ in range(rng.randint(3, 9)))
    tld = _pick(rng, [".com", ".cn", ".cc", ".vip", ".top", ".xyz", ".net", ".app"])
    sub = _pick(rng, ["", "www.", "m.", "h5.", "app."])
    path = _pick(rng, ["", "/", f"/?code={_digits(rng, 4, 8)}", f"/r/{_digits(rng, 3, 6)}",
                       f"/#/reg?id={_digits(rng, 4, 7)}"])
    scheme = _pick(rng, ["https://", "http://", "", ""])
    return f"{scheme}{sub}{host}{_digits(rng, 0, 3)}{tld}{path}"


def _money(rng: random.Random) -> str:
    amount = rng.choice([rng.randint(1, 9) * 10 ** rng.randint(1, 4), rng.randint(20, 3000)])
    unit = _pick(rng, ["元", "块", "", "r", "米", "💰"])
    return f"{amount}{unit}"


def _brand(rng: random.Random) -> str:
    head = _pick(rng, ["金", "鼎", "皇", "盛", "万", "永", "恒", "凯", "银", "龙", "鑫", "宝", "富",
                       "亿", "豪", "天", "乐", "汇", "鸿", "利", "百", "尊", "御", "隆"])
    tail = _pick(rng, ["盛", "利", "发", "玺", "达", "泰", "博", "丰", "源", "辉", "运", "成"])
    kind = _pick(rng, ["国际", "娱乐", "体育", "集团", "会所", "棋牌", "平台", "城", "在线", "游戏"])
    return head + tail + kind


# --- gambling ---------------------------------------------------------------------------------

_GAMES = ["百家乐", "百家l", "bjl", "龙虎斗", "牛牛", "时时彩", "快三", "幸运飞艇", "赛车pk10",
          "北京赛车", "六合彩", "六hc", "老虎机", "捕鱼", "德州扑克", "炸金花", "真人视讯",
          "电子游艺", "足球竞猜", "篮球竞猜", "体育投注", "电竞竞猜", "骰宝", "轮盘", "21点"]
_GAMBLE_WORDS = ["博彩", "菠菜", "bc", "网赌", "线上赌场", "娱乐城", "棋牌", "彩票计划", "体育", "真人"]
_GAMBLE_PERKS = ["首存送{m}", "充{m}送{m}", "每日反水{p}%", "返水{p}%无上限", "注册送彩金",
                 "下分秒到", "大额提款无忧", "日出千万", "USDT充值", "上下分秒速到账", "首充翻倍",
                 "亏损包赔{p}%", "彩金天天领", "无限反水", "不限IP", "支持支付宝微信充值",
                 "信誉老站{n}年", "单注{m}封顶", "提款{n}分钟到账", "招代理佣金{p}%"]
_GAMBLE_TEMPLATES = [
    "{brand}{game}火爆开放，{perk}，{perk}，{contact}",
    "{word}平台新开业，{perk}，老板们来玩{emoji}",
    "{game}稳定计划，跟着导师倍投，{n}天回血上岸，{contact}",
    "{game}带单，胜率{p}%，今天已经连红{n}把，想跟的{contact}",
    "老哥们输了的别灰心，{game}有规律，我带你翻本，{contact}",
    "{brand}招代理，{perk}，拉人头就有钱，{contact}",
    "在{brand}玩{game}，{m}本金滚到{m}，{perk}",
    "{word}大群，每天{game}计划准到离谱，{contact}",
    "今晚{team}让球盘，内部消息稳赢，下注的{contact}",
    "{game}日入{m}不是梦，{perk}，{link}",
    "官方{word}网址{link}，{perk}",
    "找{game}搭子，{brand}上下分快，{perk}",
    "本人专做{word}{n}年，{perk}，诚信第一，{contact}",
    "有没有一起玩{game}的，{brand}开桌了，{perk}",
    "{brand}老站，{perk}，{perk}，大额无忧{emoji}",
    "押大小{m}起，{game}天天开，输了包赔{p}%，{contact}",
    "{team}今晚比分，{m}一注，赔率{o}，跟的{contact}",
    "{word}回血群，{game}计划免费领，{contact}",
    "网投{game}，{perk}，稳赚不亏，{link}",
    "{game}挂机软件，自动下注，一天稳赚{m}，{contact}",
]
_TEAMS = ["曼城", "皇马", "巴萨", "利物浦", "湖人", "勇士", "国足", "拜仁", "阿森纳", "尤文"]

# --- porn -------------------------------------------------------------------------------------

_PORN_TEMPLATES = [
    "{place}{girl}上门服务，{service}，{contact}",
    "{girl}在线陪聊，视频裸聊{m}一次，{contact}",
    "约吗，{place}附近的{girl}，{service}，{contact}",
    "看{video}的来，{n}G资源打包，{contact}",
    "{video}免费看，{link}",
    "{girl}福利视频，{body}全露，{contact}",
    "想要{video}的{dm}，保证你看了硬",
    "同城约p，{service}，{girl}任选，{contact}",
    "小哥哥寂寞吗，{girl}陪你玩一晚，{m}包夜",
    "{body}真大，好想{act}",
    "看到这{body}我就硬了，想{act}",
    "这么骚的{girl}，让我{act}一整晚",
    "骚货把{body}露出来给哥哥看看",
    "{girl}的{body}太诱人了，想把她按在床上{act}",
    "想被{act}吗，{dm}，今晚让你爽",
    "发点{video}，懂的都懂{emoji}",
    "母狗趴好，主人要{act}你了",
    "{girl}下面都湿了，快来{act}",
    "求{video}，{dm}",
    "{place}楼凤{girl}，{service}，{m}一次",
    "反差{girl}私下玩得很开，{video}{dm}",
    "深夜放福利，{video}合集{link}",
    "{girl}自拍{body}，想看更多的{dm}",
    "真想{act}你这个小骚货，叫大声点",
    "兄弟们，{video}网站{link}，不用谢",
]
_GIRLS = ["学生妹", "少妇", "熟女", "嫩模", "萝莉", "小姐姐", "人妻", "外围女", "空姐", "护士",
          "大胸妹", "妹子", "女大学生", "骚妹", "兼职妹", "小母狗", "福利姬", "小骚货"]
_PLACES = ["同城", "本地", "酒店", "宾馆", "高铁站", "大学城", "市中心", "会所", "小区"]
_SERVICES = ["全套服务", "包夜", "快餐{m}", "莞式服务", "一条龙", "可上门可到店", "不满意不收费",
             "空降可约", "无套加钱", "口活一流", "双飞"]
_VIDEOS = ["小黄片", "黄片", "成人视频", "av", "无码片", "国产自拍", "偷拍视频", "福利片", "黄网",
           "色情直播", "裸聊录屏", "好康的", "开车视频", "涩涩资源", "小电影", "🔞资源"]
_BODIES = ["奶子", "胸", "屁股", "大腿", "小穴", "下面", "骚逼", "乳头", "丝袜腿", "嫩逼",
           "翘臀", "大白腿", "骚屁股", "胸器"]
_ACTS = ["操", "艹", "干", "草", "日", "舔", "上", "搞", "后入", "口", "射在里面", "操烂", "内射",
         "摸", "吸", "玩弄", "cao", "骑"]

# --- fraud ------------------------------------------------------------------------------------

_FRAUD_TEMPLATES = [
    "手机{task}，一单{m}，做完立马返佣，{contact}",
    "宝妈学生党兼职，{task}，日结{m}，{contact}",
    "一部手机在家就能做，{task}，月入{m}不是梦，{contact}",
    "【{company}客服】您的{item}出现异常，需退款理赔请{contact}",
    "您好，我是{company}客服，您开通的{service2}即将扣费，关闭请{contact}",
    "恭喜您被抽中{prize}，领取请点击{link}",
    "您的{account}已被冻结，请在24小时内登录{link}解冻",
    "老师带你{invest}，稳赚不赔，日收益{p}%，{contact}",
    "{invest}内部群，跟着老师操作{n}天翻倍，{contact}",
    "投资{m}，一周回报{m}，保本保息，{contact}",
    "无抵押无征信贷款，{m}秒到账，{contact}",
    "征信花了也能下款，{m}当天放款，{contact}",
    "{task}，先垫付后返还，本金加佣金一起返，{contact}",
    "轻松赚钱，每天{n}分钟，收入{m}+，{contact}",
    "你有一笔{m}的补贴未领取，{link}",
    "我是你领导，换了新号，明天来办公室，先帮我转{m}给{person}",
    "银行卡涉嫌洗钱，配合调查需把钱转到安全账户，{contact}",
    "高价回收{item}，先付定金，{contact}",
    "低价出{item}，原价{m}现价{m}，先款后货，{contact}",
    "零投资零风险，复制粘贴就能出单，第一单{m}，{contact}",
    "招聘打字员，在家手机打字，日赚{m}，{contact}",
    "USDT搬砖套利，一天稳赚{p}%，带你入门，{contact}",
    "帮忙注销{service2}，不然影响征信，{contact}",
    "网上认识的{person}带我{invest}，说稳赚，{contact}",
    "💰{m}💰轻松到手，{task}，{link}",
    "诚招代理，无需经验，{task}，佣金{p}%，{contact}",
    "您的快递丢失，我们将三倍赔偿，请{contact}",
    "游戏账号免费送皮肤，填写账号密码即可领取{link}",
]
_TASKS = ["点赞关注", "刷单", "做任务", "关注抖音号", "给商品好评", "拍单返现", "看视频赚钱",
          "点赞任务", "垫付任务", "做单", "录入数据", "APP下载注册", "收藏店铺", "刷流水"]
_COMPANIES = ["淘宝", "京东", "拼多多", "支付宝", "微信支付", "顺丰", "快手", "抖音", "中国移动",
              "社保局", "银行", "花呗", "美团"]
_ITEMS = ["快递", "订单", "退款", "包裹", "商品", "会员", "账户", "游戏装备", "演唱会门票",
          "二手手机", "黄金"]
_SERVICES2 = ["百万保障", "会员自动续费", "校园贷", "白条", "借呗", "直播会员", "VIP服务"]
_PRIZES = ["iPhone", "现金大奖", "{m}红包", "免单资格", "幸运大礼包", "周年庆奖品"]
_ACCOUNTS = ["银行卡", "医保卡", "支付宝账户", "微信账户", "社保账户", "ETC"]
_INVESTS = ["炒币", "炒股", "数字货币", "外汇", "期货", "虚拟币合约", "理财", "黄金投资",
            "原始股", "区块链项目"]
_PEOPLE = ["网友", "男朋友", "老师", "客户", "朋友", "财务", "小王", "张总"]

# --- black-market ads (spam_ads) --------------------------------------------------------------

_SPAM_TEMPLATES = [
    "代开{invoice}，{perk2}，{contact}",
    "{invoice}代开，可验真，{contact}",
    "办{cert}，{perk2}，{contact}",
    "出售{account2}，{perk2}，{m}一个，{contact}",
    "收{account2}，高价回收，{m}一个，{contact}",
    "{platform}{growth}，{m}一千，{perk2}，{contact}",
    "{platform}{growth}，真人粉不掉，{contact}",
    "接码平台，{platform}验证码{m}一条，{contact}",
    "{platform}评论区@人，一个号{m}，日结，{contact}",
    "{platform}代发视频，一单{m}，日结无押金，{contact}",
    "短信群发，精准引流，{perk2}，{contact}",
    "{platform}引流，精准{fans}，{m}一个，{contact}",
    "租{account2}，一天{m}，{contact}",
    "代{exam}，包过，{contact}",
    "有偿{growth}，想做的{dm}",
    "招{platform}推广员，发帖一条{m}，{contact}",
    "出{data}，{perk2}，{contact}",
    "实名{account2}批发，{perk2}，{contact}",
    "全国{cert}，{perk2}，{contact}",
    "{platform}上热门，{growth}，{contact}",
    "手机卡{account2}出租，一单一结，{contact}",
    "专业{hack}，{perk2}，{contact}",
    "需要{invoice}的老板{dm}，{perk2}",
    "{platform}养号出号，{m}一个，量大从优",
]
_INVOICES = ["发票", "增值税专票", "普票", "住宿发票", "餐饮发票", "运输发票", "专票", "票据"]
_CERTS = ["毕业证", "学位证", "驾驶证", "身份证", "健康证", "资格证", "房产证", "营业执照",
          "结婚证", "学历认证", "护照", "电工证"]
_ACCOUNTS2 = ["微信号", "QQ号", "抖音号", "快手号", "小红书号", "实名手机卡", "银行卡", "对公账户",
              "游戏账号", "老号", "白号", "支付宝号", "电话卡", "物联网卡"]
_PLATFORMS = ["抖音", "快手", "小红书", "B站", "微博", "公众号", "视频号", "闲鱼", "淘宝", "知乎"]
_GROWTH = ["刷粉", "涨粉", "刷赞", "刷播放量", "买粉", "刷评论", "刷阅读", "刷销量", "点赞评论",
           "上热门", "刷浏览", "刷单冲量"]
_FANS = ["粉丝", "宝妈粉", "老板粉", "精准客户", "男粉", "股民粉"]
_PERKS2 = ["价格优惠", "量大从优", "包过", "秒发货", "全网最低", "24小时在线", "支持验证",
           "诚信经营", "不成功不收费", "可查可验", "当天出", "一手货源", "售后无忧"]
_EXAMS = ["考", "写论文", "考驾照", "刷网课", "做题", "过四六级", "改分"]
_DATA = ["手机号数据", "公民信息", "快递数据", "车主数据", "贷款客户资料", "股民资源", "开房记录"]
_HACKS = ["定位找人", "查开房记录", "恢复聊天记录", "查通话记录", "破解密码", "盗号", "改成绩"]

# --- insults and abuse ------------------------------------------------------------------------

_INSULT_TEMPLATES = [
    "你{is}{noun}吧，{taunt}",
    "{noun}，{taunt}",
    "就你这{noun}也配说话？",
    "{you}{mom}",
    "{you}脑子{brain}吧，{noun}",
    "{taunt}，{noun}",
    "{you}这种{noun}就该{fate}",
    "别在这丢人现眼了，{noun}",
    "笑死，{noun}又来了，{taunt}",
    "{mom}，{noun}",
    "{you}全家都是{noun}",
    "滚远点，{noun}，看见你就恶心",
    "一天天的就知道喷人，{noun}",
    "楼上{is}{noun}，{taunt}",
    "{you}{is}不是{noun}，听不懂人话？",
    "主播{is}{noun}，{taunt}",
    "再逼逼一句试试，{threat}",
    "{threat}，{noun}",
    "{you}这种{noun}活着就是浪费空气",
    "{noun}{noun}，{mom}",
    "说的什么{crap}，{noun}",
    "有病就去治，{noun}",
    "你算什么东西，{noun}",
    "打字都打不明白，{noun}",
]
_INSULT_NOUNS = ["傻逼", "sb", "煞笔", "傻b", "沙比", "脑残", "脑瘫", "nt", "智障", "弱智",
                 "低能儿", "废物", "狗东西", "畜生", "贱人", "垃圾", "杂种", "蠢货", "白痴",
                 "死肥猪", "舔狗", "小丑", "傻狗", "贱狗", "孙子", "憨批", "瓜娃子", "二逼",
                 "杂碎", "人渣", "败类", "龟孙", "狗杂种", "臭婊子", "婊子", "蛆", "fw", "zz",
                 "神经病", "死胖子", "丑八怪", "辣鸡", "lj", "老不死的", "狗腿子", "恶心玩意"]
_TAUNTS = ["急了急了", "破防了吧", "你妈没教你做人吗", "滚吧", "赶紧滚", "笑死我了", "丢人",
           "闭嘴吧", "少在这装", "真是可怜", "没人在乎你", "建议回炉重造", "有本事线下见",
           "搁这儿秀智商呢", "你配吗", "别恶心人了", "去死吧", "给爷爬", "爬"]
_YOU = ["你", "你个", "尼", "泥", "你丫", "你这", "楼主", "这货", "那个主播", "你们"]
_IS = ["是", "就是", "真是", "怕不是", "可能是", ""]
_MOMS = ["你妈死了", "nmsl", "cnm", "wdnmd", "rnm", "你妈没了", "你马死了", "尼玛", "去你妈的",
         "操你妈", "草泥马", "你全家死光", "你爹死了", "孤儿", "没妈的东西", "你妈炸了"]
_BRAINS = ["进水了", "有病", "被驴踢了", "是摆设", "有坑", "坏掉了", "长哪儿去了"]
_FATES = ["被车撞死", "去死", "滚出地球", "关起来", "回炉重造", "断子绝孙", "打一顿"]
_THREATS = ["信不信我弄死你", "我知道你住哪", "出门小心点", "我找人砍你", "等着挨揍吧",
            "迟早把你开盒", "把你家地址挂出来", "别让我在线下碰到你"]
_CRAPS = ["屁话", "狗屁", "鬼话", "废话", "玩意儿"]

# --- clean ------------------------------------------------------------------------------------

_CLEAN_TEMPLATES = [
    "今天{weather}，{daily}{emoji}",
    "{daily}，{feeling}",
    "周末和{who}去{where}，{feeling}",
    "{food}真好吃，推荐大家去试试",
    "有没有人知道{question}？",
    "求推荐{thing}，预算{m}左右",
    "{warn}",
    "{warn}{emoji}",
    "{news}",
    "{harmless}",
    "{harmless}{emoji}",
    "主播{praise}，{feeling}",
    "{praise}",
    "{group_safe}",
    "{group_safe}",
    "{group_safe}",
    "{long}",
    "{long}",
    "{long}",
    "{long}{long}",
    "谢谢{who}，{feeling}",
    "生日快乐！{wish}",
    "{wish}",
    "打卡第{n}天，{daily}",
    "这游戏{game_talk}",
    "{game_talk}",
    "二手{thing}出售，{m}，同城面交，成色很新",
    "我们店{shop}，欢迎光临",
]
_WEATHER = ["天气不错", "下雨了", "好冷啊", "阳光明媚", "有点闷热", "下雪了", "风很大"]
_DAILY = ["上班摸鱼中", "刚跑完步", "在家做饭", "看了一部电影", "终于下班了", "在图书馆学习",
          "带娃去公园", "去超市买菜", "加班到现在", "刚考完试", "收拾房间", "给猫洗澡",
          "练了一小时吉他", "送孩子上学", "学会了做红烧肉", "复习考研英语"]
_FEELINGS = ["开心", "好累但是很充实", "感觉还不错", "心情很好", "有点小失落", "太治愈了",
             "值了", "下次还来", "笑死我了哈哈哈", "泪目", "绝了", "好羡慕"]
_WHO = ["家人", "朋友", "同事", "室友", "爸妈", "对象", "同学", "老公", "老婆", "闺蜜", "大家"]
_WHERE = ["爬山", "海边", "逛街", "看展", "露营", "吃火锅", "动物园", "博物馆", "农家乐", "游乐场"]
_FOODS = ["这家火锅", "楼下的煎饼", "老家的米粉", "这款奶茶", "妈妈做的饺子", "街角的烧烤"]
_QUESTIONS = ["这个快递几天能到", "地铁几号线到火车站", "社保怎么转移", "驾照怎么换证",
              "护照在哪里办理", "发票丢了怎么报销", "公积金怎么提取", "猫咪不吃饭怎么办",
              "考研复试要准备什么", "怎么申请个税退税", "手机号怎么办理携号转网"]
_THINGS = ["笔记本电脑", "蓝牙耳机", "跑步鞋", "婴儿车", "电饭煲", "显示器", "自行车", "相机"]
_WARNS = [
    "警方提醒：刷单返利就是诈骗，凡是让你先垫付的都是骗子，千万别信",
    "反诈中心提醒，冒充客服说要理赔退款的，一律挂断，不要点陌生链接",
    "网络赌博害人害己，十赌九输，远离网赌，珍爱家庭",
    "不要相信网上的投资理财老师，所谓稳赚不赔都是诈骗套路",
    "提醒身边的老人，接到自称公检法要求转账到安全账户的电话，一定是诈骗",
    "家长注意：有人在游戏群里以免费送皮肤为名骗孩子扫码付款",
    "买卖银行卡和电话卡是违法的，出租出借也可能被认定为帮信罪",
    "办假证是违法行为，证件请到政务服务中心正规办理",
    "代开发票属于违法行为，公司报销请让商家开具正规发票",
    "发现黄赌毒线索可以拨打举报电话，共同守护网络环境",
    "刷粉刷量违反平台规则，账号会被限流甚至封禁，大家别上当",
    "被骗了第一时间拨打110并保留聊天记录和转账凭证",
    "收到中奖短信不要点链接，官方活动不会让你先交手续费",
    "未成年人不要沉迷网络游戏，更不要参与任何形式的赌博",
    "网上找兼职要小心，要求交押金、会费的基本都是骗局",
    "色情网站常常挂木马，点开可能被盗号，别乱点",
]
_NEWS = [
    "警方破获一起跨境网络赌博案，涉案金额超过{n}亿元",
    "本市开展扫黄打非专项行动，查处违规场所{n}家",
    "法院审结一起电信诈骗案，{n}名被告人被判处有期徒刑",
    "监管部门约谈多家平台，要求整治刷单炒信和虚假流量",
    "税务部门公布{n}起虚开发票典型案例",
    "公安机关打掉一个贩卖公民个人信息的团伙",
    "今年以来全省电诈案件发案数同比下降{p}%",
    "国足今晚对阵对手，球迷们期待一场胜利",
    "体彩中心公告：本期大乐透开奖结果已公布，请以官方为准",
]
_HARMLESS = [
    "昨天买了张彩票，结果一个号都没中，哈哈就当做公益了",
    "世界杯决赛太精彩了，点球大战看得我心跳加速",
    "我们公司报销要求发票抬头写全称，记得跟商家说清楚",
    "今天去出入境大厅办护照，排队半小时就办好了",
    "我的微信号就是手机号，有事直接联系我",
    "新开了一家健身房，办卡有优惠，周末去看看",
    "客服小姐姐态度特别好，问题很快就解决了",
    "基金定投坚持了三年，收益一般，但学到了很多理财知识",
    "这部剧的感情戏拍得真好，男女主太配了",
    "医生说要定期做乳腺检查，姐妹们注意身体",
    "打麻将只是过年家里人娱乐一下，不玩钱",
    "抖音上的这个做菜视频教程很实用，已经学会了",
    "闲鱼卖了个旧手机，买家人很好，交易很顺利",
    "小区快递驿站搬到了东门，大家取件注意",
    "转发抽奖是假的吧，从来没中过，哈哈",
    "今晚篮球赛湖人赢了，詹姆斯状态太好了",
    "德州扑克是很考验概率思维的游戏，我们宿舍周末拿筹码玩着玩",
    "想学炒股先从读几本入门书开始，别急着投钱",
    "注册会计师考试报名开始了，大家别错过时间",
    "大学城附近新开的书店环境好安静，适合看书",
    "同城跑团周六早上集合，欢迎新人加入",
    "宝宝晚上总是哭，有经验的宝妈能分享一下吗",
    "听说隔壁公司在招聘前端开发，有兴趣的可以投简历",
    "视频号直播带货的大姐讲得很实在，买了两斤苹果",
    "求一个好用的记账软件，每月开销总算不清",
    "考驾照科目二挂了，下周再约",
    "原神新版本的剧情好感人",
    "这局打得太菜了，下次一定好好练",
]
_PRAISE = ["唱得真好听", "讲得太清楚了", "太有才了", "好可爱", "技术真好", "人美心善",
           "辛苦了", "加油！", "太厉害了", "说得有道理", "支持一下"]
_WISHES = ["祝大家新年快乐，万事如意", "祝你生日快乐，天天开心", "祝考试顺利", "早日康复",
           "中秋快乐，阖家团圆", "一路顺风", "祝福你们百年好合"]
_GAME_TALK = ["队友太坑了，又输了一把", "新赛季上王者了", "这关卡了一晚上", "抽卡又歪了",
              "今晚开黑有人吗", "这个皮肤好看", "剧情做得很用心"]
_SHOPS = ["新到一批秋装", "周年庆全场八折", "今天推出新品蛋糕", "营业时间调整为早九点到晚十点"]
_GROUPS = ["河南人", "东北人", "上海人", "广东人", "北京人", "农村人", "外地人", "黑人", "白人",
           "日本人", "女生", "男生", "女司机", "程序员", "护士", "90后", "穆斯林", "外卖小哥",
           "老人", "独生子女", "单亲家庭的孩子", "同性恋者", "胖子"]
_GROUP_SAFE = [
    "总有人说{group}怎么怎么样，我觉得这就是地域黑，一个人好不好跟哪里人没关系",
    "我身边的{group}都挺好的，别一竿子打翻一船人",
    "网上说{group}坏话的人，大多数根本没接触过{group}",
    "作为{group}，我想说被贴标签的感觉真的很难受",
    "反对任何针对{group}的歧视，每个人都应该被尊重",
    "新闻里提到{group}的事情，评论区又开始骂，真的没必要",
    "有人说{group}素质低，这种以偏概全的说法本身就不对",
    "不要因为个别人的行为就去攻击所有{group}",
    "{group}也是普通人，有好人也有坏人",
    "这篇文章分析了{group}为什么常被误解，写得挺客观的",
    "我不同意楼上说{group}都不行的观点，这是偏见",
    "{group}遭遇歧视的报道看得我很难过",
    "地域黑和性别对立没意思，大家都是普通打工人",
    "转述一下评论区的观点：有人认为{group}受到了不公平的对待",
    "研究显示针对{group}的刻板印象大多没有数据支持",
    "我的室友是{group}，人特别热情，经常给我们带吃的",
    "讨论{group}的问题可以，但请不要人身攻击",
    "某某说{group}都是骗子，这种话真是太过分了，应该道歉",
]
_LONG = [
    "{topic}是一个值得关注的话题。首先，我们需要了解它的基本概念；其次，要结合实际情况分析；最后，制定切实可行的方案。",
    "关于{topic}，以下是几点建议：1. 制定明确的目标；2. 合理安排时间；3. 定期回顾和调整；4. 保持耐心。",
    "从前，有一个住在山脚下的年轻人，他每天都去{where}。有一天，他遇到了一位老人，老人告诉他关于{topic}的故事。",
    "{topic}的好处包括提高效率、节约成本和改善体验。不过，在实施过程中也要注意风险控制。",
    "要改善{topic}，可以从以下几个方面入手：加强沟通、完善制度、提升技能，并鼓励团队成员积极参与。",
    "这句话的意思是：只要坚持努力，就能克服困难，取得成功。它常被用来鼓励身处逆境的人。",
    "{topic}通常分为三个阶段：准备阶段、执行阶段和总结阶段。每个阶段都有不同的重点任务。",
    "以下是一份简单的{topic}清单：确认需求，收集资料，比较方案，做出决定，跟踪结果。",
    "光合作用是植物利用光能，把二氧化碳和水转化为有机物并释放氧气的过程。",
    "贸易顺差是指一个国家在一定时期内出口总值大于进口总值的情况。",
    "一个健康的饮食应包含蔬菜、水果、全谷物和优质蛋白，同时减少糖和盐的摄入。",
    "在写作时，清晰的结构和准确的用词能让读者更容易理解你的观点。",
    "机器学习是人工智能的一个分支，它让计算机能够从数据中学习规律，而无需明确编程。",
    "为了保护环境，我们可以减少使用一次性塑料制品，选择公共交通出行，并节约用水用电。",
    "这首诗描写了秋天的景色，表达了诗人对故乡的思念之情。",
    "请把下面的句子翻译成英文：今天的会议推迟到下午三点。",
    "团队合作的关键在于相互信任、明确分工和及时沟通。",
    "定期锻炼有助于增强心肺功能、改善睡眠质量并减轻压力。",
]
# Sentences for longer formal clean text (explanations, summaries, stories, how-tos): the
# register of encyclopaedias and assistants, which also discusses crime, war, discrimination
# and fraud in a neutral voice.
_FORMAL = [
    "{subject}是指{definition}。",
    "{subject}的主要原因包括{cause}、{cause}和{cause}。",
    "研究表明，{subject}与{cause}密切相关。",
    "为了应对{subject}，政府和社会各界采取了多种措施，例如{measure}和{measure}。",
    "首先，{measure}；其次，{measure}；最后，{measure}。",
    "{subject}对社会产生了深远的影响，既带来了机遇，也带来了挑战。",
    "历史上，{event}是一个重要的转折点，它改变了许多人的命运。",
    "总之，{subject}需要我们从多个角度进行理性分析。",
    "以下是关于{subject}的{n}个要点：{measure}；{measure}；{measure}。",
    "在这个故事中，主人公经历了{event}，最终明白了{lesson}。",
    "专家建议，在面对{subject}时，应当{measure}。",
    "{subject}通常涉及{cause}，因此需要法律、教育和技术手段共同治理。",
    "这篇文章讨论了{subject}的起源、发展和未来趋势。",
    "def {func}(data):\n    result = []\n    for item in data:\n        result.append(item)\n    return result",
    "function {func}(list) {{ return list.filter(x => x > 0); }}",
    "表格：项目 | 数量 | 金额\n收入 | {n} | {m}\n支出 | {n} | {m}",
    "步骤{n}：打开设置，选择{subject}选项，然后点击保存。",
]
_SUBJECTS = ["网络诈骗", "网络暴力", "种族歧视", "性别平等", "地域偏见", "城市化", "气候变化",
             "人工智能", "青少年沉迷网络", "赌博成瘾", "色情信息治理", "个人信息保护",
             "电信诈骗", "犯罪预防", "战争与和平", "移民问题", "老龄化", "教育公平", "就业压力",
             "消费主义", "公共卫生", "社交媒体", "数字经济", "警察执法", "贫富差距", "民族团结",
             "宗教自由", "校园欺凌", "家庭暴力", "食品安全", "金融风险", "虚假广告"]
_DEFINITIONS = ["一种复杂的社会现象", "在一定时期内普遍存在的问题", "人们长期关注的公共议题",
                "涉及经济、法律和伦理多个层面的问题", "利用技术手段实施的违法行为",
                "个体或群体之间相互作用的结果"]
_CAUSES = ["经济因素", "教育水平", "信息不对称", "监管缺失", "文化差异", "技术发展",
           "心理因素", "社会结构", "历史原因", "法律意识淡薄"]
_MEASURES = ["加强宣传教育", "完善法律法规", "提高公众防范意识", "建立举报机制",
             "加强平台监管", "提供心理支持", "推动国际合作", "保护受害者权益",
             "鼓励多元包容", "制定详细计划", "定期评估效果", "保持开放的心态"]
_EVENTS = ["滑铁卢战役", "工业革命", "一次失败的创业", "一场突如其来的疫情", "文艺复兴",
           "一次远行", "二战结束", "一次重要的考试", "大航海时代", "一场误会"]
_LESSONS = ["坚持的意义", "友谊的可贵", "诚实的重要", "尊重他人", "家人的温暖"]
_FUNCS = ["find_max", "count_words", "merge_lists", "sort_items", "parse_line", "sum_values"]


def _formal_paragraph(rng: random.Random) -> str:
    """Two to six formal sentences, sometimes quoted, as in encyclopaedic or assistant text."""
    text = "".join(_fill(rng, _pick(rng, _FORMAL)) for _ in range(rng.randint(2, 6)))
    quote = rng.random()
    if quote < 0.15:
        return f"“{text}”"
    if quote < 0.25:
        return f'"{text}"'
    return text


_TOPICS = ["时间管理", "家庭教育", "城市交通", "垃圾分类", "远程办公", "个人理财", "网络安全",
           "老年人健康", "职业规划", "阅读习惯", "社区服务", "数字素养", "节能减排", "客户服务"]


# --- short posts built from fragments -------------------------------------------------------
# Real spam is often a few words: an offer, a price, a call to action. These fragments are
# combined at random (one to three of them, plus an optional hand-off) so the model sees the
# short, clipped forms as well as the full sentences above.

_FRAGMENTS: dict[str, list[str]] = {
    "gambling": [
        "台子稳", "新台子开了", "老台子", "上下分快", "秒上秒下", "注册送{n}", "新人送彩金",
        "首充送{n}", "新人必赢", "包赢", "回血", "上岸", "翻本", "带你上岸", "一起玩{game}",
        "{game}", "{game}走起", "玩{game}的来", "大额无忧", "{p}%分红", "{p}%佣金", "日结佣金",
        "招代理", "下注", "押注", "开盘", "有盘口", "盘口私", "内幕消息", "包中", "稳中",
        "今晚必出", "计划群", "彩票群", "{word}", "{word}群", "{word}平台", "{brand}",
        "正规平台", "实体平台", "海外平台", "东南亚正规", "开户", "线上开户", "{link}",
        "网址{link}", "复制到浏览器", "浏览器打开", "赔率{o}", "1赔{o}", "一比{o}", "倍投",
        "追号", "跟单", "跟投", "老哥带飞", "今天红了", "连红{n}把", "爆了{m}", "出款快",
        "提现秒到", "不限额", "大小单双", "庄闲", "真人荷官", "电子爆分", "爆分", "中了{m}",
        "充值返利", "天天返水", "输了包赔", "下分", "分红无上限", "有兴趣玩的", "想玩的找我",
        "娱乐一下赢点零花", "小赌怡情", "{brand}开业", "开业大酬宾", "棋牌上下分",
        "麻将上下分", "金花牛牛", "扎金花", "斗牛", "赢了能提", "能赢钱的游戏",
        "大舞台", "场子", "大场子", "开桌", "组局", "局子", "上分", "分分彩", "福利彩",
        "一百送{n}", "存{n}送{n}", "充一百送一百", "亏损扶持", "新人扶持", "体验金",
        "{n}圈", "棋牌室", "电玩城", "捕鱼大厅", "打鱼", "打票", "买球", "球盘", "让球",
        "打水", "对冲", "套利打水", "下载app", "搜{brand}", "认准官网", "专属链接",
    ],
    "porn": [
        "涩涩", "来涩涩", "可以色色吗", "约", "约吗", "可约", "同城约", "约p", "yp", "约茶",
        "喝茶", "上门", "空降", "包夜", "快餐", "全套", "裸聊", "视频裸聊", "果聊", "文爱",
        "网调", "调教", "小母狗", "母狗", "主人", "反差", "反差婊", "原味", "收原味", "出原味",
        "原味丝袜", "穿过的袜子", "自拍", "自录", "裸照", "私房照", "福利", "福利视频",
        "福利群", "资源", "资源群", "有资源", "懂的来", "求资源", "黄色", "小黄书", "av",
        "成人", "🔞", "无码", "偷拍", "露出", "露点", "奶大", "胸大", "腿长", "翘臀", "湿了",
        "硬了", "想要", "好想要", "想被{act}", "想{act}你", "骚", "好骚", "骚货", "浪货",
        "骚逼", "贱货", "淫荡", "色情", "一夜情", "找炮友", "炮友", "pao友", "互换", "换妻",
        "绿帽", "做爱", "啪啪", "开房", "去酒店", "房费我出", "车震", "口交", "口爆", "撸",
        "打飞机", "🍆", "🍑", "💦", "🐶", "色", "色色", "处男", "破处", "{girl}", "{body}",
        "{video}", "{service}", "黄油", "本子", "里番", "r18", "18禁", "🈲", "禁漫", "黄网",
        "看片软件", "看片app", "成人小说", "黄文", "h漫", "裸体", "全裸", "性感", "诱惑",
        "深夜福利", "私密视频", "不雅视频", "精液", "阳具", "鸡巴", "几把", "jb", "屌",
        "奶头", "阴道", "内裤", "丝袜", "情趣", "sm", "s找m", "m找s", "女m", "主奴", "绿奴",
        "绿主", "刺激", "爽", "好爽", "叫床", "床上", "睡她", "睡了", "上床", "骚浪",
    ],
    "fraud": [
        "一天{m}", "日入{m}", "月入{m}", "一小时{m}", "轻松赚{m}", "稳定{m}", "三位数",
        "四位数", "五位数", "日结", "当天结", "免费带", "有人带", "手把手教", "零投资",
        "零成本", "0投资", "无需押金", "不收费", "有手机就行", "两部手机", "有设备的来",
        "两个设备", "在家就能做", "居家兼职", "宝妈兼职", "学生兼职", "线上兼职", "打字员",
        "客服兼职", "话务员", "缺钱的来", "缺钱私", "负债的来", "帮你上岸", "帮你还清债务",
        "快速变现", "快速回本", "好项目", "新项目", "副业", "网上赚钱", "手机赚钱", "躺赚",
        "带你赚钱", "有银行卡的来", "银行卡出租", "收卡", "代收", "跑分", "走账", "流水",
        "卡农", "刷单", "刷单返利", "返利", "返现", "垫付", "先垫后返", "佣金", "拍单",
        "三倍赔付", "理赔", "退款", "客服", "冻结", "解冻", "注销", "征信修复", "洗白征信",
        "逾期消除", "下款", "秒下款", "放款", "贷款", "无视黑白", "黑户可下", "稳赚",
        "保本", "高回报", "高收益", "翻倍", "带单", "老师带", "炒币", "币圈", "合约", "搬砖",
        "内幕", "牛股", "涨停", "荐股", "股票群", "投资群", "中奖", "领奖", "补贴", "退税",
        "{task}", "{invest}", "{link}", "一天{n}张", "小时{n}张", "{n}个小时{n}张",
        "月入过万", "月入过w", "日入{m}+", "收益{p}%", "月盈利{p}%", "带徒", "收徒",
        "团长带队", "随进随出", "无需质押", "寄拍", "推广员", "挂机项目", "挂机赚钱",
        "自动挂机", "阳光项目", "绿色项目", "不违法", "正规合法", "安全可靠", "不是骗子",
        "保存图片扫一扫", "扫码领取", "名额有限", "先到先得", "仅限{n}人", "急招", "高薪",
        "招学徒", "转介绍", "拉新", "一单{m}", "提成", "缺人", "有人吗", "急急急", "日赚",
        "撸羊毛", "薅羊毛", "零门槛", "有执行力", "听话照做", "照做就行", "免费学",
        "借钱", "急用钱", "额度", "信用卡套现", "提额", "养卡", "pos机",
    ],
    "spam_ads": [
        "代发", "代发视频", "代发图文", "代发作品", "代发评论", "评论一条{m}", "发评论",
        "评论任务", "发文任务", "助力", "补单", "放单", "刷手", "冲量", "挂榜", "打榜", "涨粉",
        "刷粉", "买粉", "卖粉", "刷赞", "点赞", "刷播放", "刷阅读", "涨评论", "真人粉",
        "活粉", "僵尸粉", "一千粉{m}", "{platform}代发", "{platform}涨粉", "{platform}评论",
        "{platform}号", "{platform}矩阵", "{platform}引流", "{platform}推广", "{growth}",
        "代开", "代开票", "开票", "{invoice}", "办证", "{cert}", "{cert}代办", "卖号", "出号",
        "收号", "租号", "买号", "{account2}", "接码", "验证码", "手机卡", "黑卡", "实名卡",
        "代刷网课", "代考", "代写", "论文代写", "群发", "引流", "拓客", "精准粉", "私域",
        "自助下单", "全网最低", "一手资源", "货源", "售后无忧", "量大优惠", "包售后",
        "一单一结", "日结", "有偿", "招代理", "招推广", "{data}", "{hack}", "纯绿",
        "不封号", "安全不封", "秒到", "秒发", "直播间挂榜", "直播间人气", "刷人气",
        "上热门", "dou+", "投流", "代运营", "养号", "白号", "老号", "实名认证", "过人脸",
        "解封", "辅助", "外挂", "破解版", "会员代充", "低价代充", "话费代充", "礼品卡",
        "卡密", "拉群", "群发软件", "加粉软件", "协议号", "空号检测", "企业微信认证",
        "营业执照代办", "资质代办", "保过", "快速拿证", "网课代刷", "学分代修",
    ],
    "insult": [
        "{noun}", "{mom}", "{taunt}", "死{animal}", "狗东西", "你算老几", "你也配", "滚",
        "滚蛋", "爬", "急了", "破防了", "孤儿", "没妈", "你妈", "你爹", "全家", "脑子有病",
        "有病吧", "傻", "蠢", "贱", "恶心", "去死", "死全家", "弄死你", "开盒", "挂你",
        "人肉你", "揍你", "打死你", "丑", "废物", "垃圾", "喷子", "键盘侠", "杠精", "畜牲",
        "没教养", "没素质", "下头", "活该", "跪下", "叫爹", "给爷死", "你是狗吧", "狗叫",
        "别狗叫", "闭嘴", "不要脸", "臭不要脸", "恶心吧啦", "玩意儿", "东西",
        "父母双亡", "没爹没妈", "你没父母吗", "野种", "小野种", "穷逼", "屌丝", "loser",
        "小丑东西", "什么东西", "狗叫什么", "瞎狗叫", "智力障碍", "非蠢即坏", "又蠢又坏",
        "嘴臭", "嘴真臭", "脑子被门夹了", "没脑子", "巨婴", "妈宝男", "普信男", "绿茶婊",
        "白莲花", "死绿茶", "狗腿", "二五仔", "汉奸", "走狗", "舔狗", "cs", "xswl你个",
        "菜狗", "菜就多练", "真菜", "猪队友", "坑货", "演员", "挂逼", "送人头的废物",
        "你妈今天不在家吗", "问候你全家", "你妈喊你回家吃饭", "回家问你妈",
    ],
}
_ANIMALS = ["狗", "猪", "猴", "驴", "鬼", "妈"]
_CALLS = ["", "", "", "要的来", "有的来", "做的来", "需要的滴滴", "想了解的私", "要的扣1",
          "感兴趣的来", "有意者私聊", "详聊", "私", "dd", "加我", "来", "找我", "速来", "懂的来",
          "{contact}", "{contact}", "{contact}"]


def _fragment_post(rng: random.Random, code: str) -> str:
    """A short post: one to three fragments of a class, joined loosely, with a call to act."""
    pieces = [_pick(rng, _FRAGMENTS[code]) for _ in range(rng.choice([1, 1, 2, 2, 3]))]
    if code != "insult":
        pieces.append(_pick(rng, _CALLS))
    joiner = _pick(rng, ["", " ", "，", "，", "！", "～", "  ", "/"])
    return _fill(rng, joiner.join(piece for piece in pieces if piece))


_CLEAN_SHORT = [
    "哈哈哈", "笑死", "好看", "支持", "顶", "来了来了", "沙发", "同意", "学到了", "收藏了",
    "太真实了", "好家伙", "绝绝子", "我也是", "加油", "晚安", "早上好", "求更新", "催更",
    "up主辛苦了", "好可爱", "在哪买的", "多少钱", "链接发一下", "求链接", "谢谢分享", "有道理",
    "我不信", "真的假的", "蹲一个", "+1", "扣1", "前排", "路过", "感动", "羡慕", "好吃吗",
    "在吗", "好的", "收到", "明天见", "周末一起吃饭吗", "刚下班", "好累", "下雨了", "好热",
    "几点开始", "怎么报名", "今天直播吗", "主播好", "主播晚上好", "这首歌叫什么", "太好听了",
    "求背景音乐", "这是哪里", "风景真美", "猫猫好可爱", "狗狗好乖", "宝宝真可爱", "生日快乐",
    "新年快乐", "恭喜恭喜", "哈哈哈笑不活了", "这个我会", "我来答", "同问", "mark", "好想去",
    "下次带我", "私信你了", "加个好友吧", "互关一下", "已关注", "点赞了", "转发了", "谢谢老板",
    "老板大气", "质量很好", "物流很快", "客服很耐心", "已回购", "推荐购买", "价格实惠", "还行吧",
    "一般般", "不推荐", "有点贵", "等降价", "求代码", "求教程", "怎么弄的", "大佬带带",
    "带带我", "一起开黑", "上号", "来一把", "赢了", "输了", "又输了", "队友太坑", "求组队",
    "缺一个人", "明天考试", "复习中", "考完了", "放假了", "开学了", "上班了", "摸鱼", "加班",
    "发工资了", "没钱了", "吃土", "减肥", "健身打卡", "跑步打卡", "今天也要加油", "晚安玛卡巴卡",
]


def _clean_short_post(rng: random.Random) -> str:
    """A short everyday comment or chat line, the bulk of real clean traffic."""
    pieces = [_pick(rng, _CLEAN_SHORT) for _ in range(rng.choice([1, 1, 2, 3]))]
    if rng.random() < 0.3:
        pieces.append(_fill(rng, "{emoji}"))
    return _pick(rng, ["", " ", "，", "！", "～"]).join(pieces)


_SLOTS: dict[str, Callable[[random.Random], str]] = {
    "brand": _brand,
    "contact": _contact,
    "link": _link,
    "m": _money,
    "n": lambda rng: str(rng.randint(2, 30)),
    "p": lambda rng: str(rng.choice([1, 2, 3, 5, 8, 10, 15, 20, 30, 50, 80, 90, 95, 100])),
    "o": lambda rng: f"{rng.randint(1, 9)}.{rng.randint(0, 99):02d}",
    "emoji": lambda rng: "".join(rng.choice(_EMOJI) for _ in range(rng.randint(1, 3))),
    "dm": lambda rng: _pick(rng, _DM),
    "game": lambda rng: _pick(rng, _GAMES),
    "word": lambda rng: _pick(rng, _GAMBLE_WORDS),
    "perk": lambda rng: _pick(rng, _GAMBLE_PERKS),
    "team": lambda rng: _pick(rng, _TEAMS),
    "girl": lambda rng: _pick(rng, _GIRLS),
    "place": lambda rng: _pick(rng, _PLACES),
    "service": lambda rng: _pick(rng, _SERVICES),
    "video": lambda rng: _pick(rng, _VIDEOS),
    "body": lambda rng: _pick(rng, _BODIES),
    "act": lambda rng: _pick(rng, _ACTS),
    "task": lambda rng: _pick(rng, _TASKS),
    "company": lambda rng: _pick(rng, _COMPANIES),
    "item": lambda rng: _pick(rng, _ITEMS),
    "service2": lambda rng: _pick(rng, _SERVICES2),
    "prize": lambda rng: _pick(rng, _PRIZES),
    "account": lambda rng: _pick(rng, _ACCOUNTS),
    "invest": lambda rng: _pick(rng, _INVESTS),
    "person": lambda rng: _pick(rng, _PEOPLE),
    "invoice": lambda rng: _pick(rng, _INVOICES),
    "cert": lambda rng: _pick(rng, _CERTS),
    "account2": lambda rng: _pick(rng, _ACCOUNTS2),
    "platform": lambda rng: _pick(rng, _PLATFORMS),
    "growth": lambda rng: _pick(rng, _GROWTH),
    "fans": lambda rng: _pick(rng, _FANS),
    "perk2": lambda rng: _pick(rng, _PERKS2),
    "exam": lambda rng: _pick(rng, _EXAMS),
    "data": lambda rng: _pick(rng, _DATA),
    "hack": lambda rng: _pick(rng, _HACKS),
    "noun": lambda rng: _pick(rng, _INSULT_NOUNS),
    "taunt": lambda rng: _pick(rng, _TAUNTS),
    "you": lambda rng: _pick(rng, _YOU),
    "is": lambda rng: _pick(rng, _IS),
    "mom": lambda rng: _pick(rng, _MOMS),
    "brain": lambda rng: _pick(rng, _BRAINS),
    "fate": lambda rng: _pick(rng, _FATES),
    "threat": lambda rng: _pick(rng, _THREATS),
    "crap": lambda rng: _pick(rng, _CRAPS),
    "animal": lambda rng: _pick(rng, _ANIMALS),
    "subject": lambda rng: _pick(rng, _SUBJECTS),
    "definition": lambda rng: _pick(rng, _DEFINITIONS),
    "cause": lambda rng: _pick(rng, _CAUSES),
    "measure": lambda rng: _pick(rng, _MEASURES),
    "event": lambda rng: _pick(rng, _EVENTS),
    "lesson": lambda rng: _pick(rng, _LESSONS),
    "func": lambda rng: _pick(rng, _FUNCS),
    "weather": lambda rng: _pick(rng, _WEATHER),
    "daily": lambda rng: _pick(rng, _DAILY),
    "feeling": lambda rng: _pick(rng, _FEELINGS),
    "who": lambda rng: _pick(rng, _WHO),
    "where": lambda rng: _pick(rng, _WHERE),
    "food": lambda rng: _pick(rng, _FOODS),
    "question": lambda rng: _pick(rng, _QUESTIONS),
    "thing": lambda rng: _pick(rng, _THINGS),
    "warn": lambda rng: _pick(rng, _WARNS),
    "news": lambda rng: _pick(rng, _NEWS),
    "harmless": lambda rng: _pick(rng, _HARMLESS),
    "praise": lambda rng: _pick(rng, _PRAISE),
    "wish": lambda rng: _pick(rng, _WISHES),
    "game_talk": lambda rng: _pick(rng, _GAME_TALK),
    "shop": lambda rng: _pick(rng, _SHOPS),
    "group": lambda rng: _pick(rng, _GROUPS),
    "group_safe": lambda rng: _pick(rng, _GROUP_SAFE),
    "long": lambda rng: _pick(rng, _LONG),
    "topic": lambda rng: _pick(rng, _TOPICS),
}
_SLOT = re.compile(r"\{(\w+)\}")


def _fill(rng: random.Random, template: str, depth: int = 0) -> str:
    """Fill every ``{slot}``; fillers may hold slots of their own (two levels deep)."""

    def replace(match: re.Match[str]) -> str:
        value = _SLOTS[match.group(1)](rng)
        return _fill(rng, value, depth + 1) if depth < 2 and "{" in value else value

    return _SLOT.sub(replace, template)


# Look-alike spellings spammers use to slip past keyword filters (a char -> its stand-ins).
_LOOKALIKE: dict[str, list[str]] = {
    "加": ["伽", "佳", "家", "+", "➕", "嘉"],
    "微": ["薇", "威", "徽", "v", "V"],
    "信": ["芯", "x", "❤"],
    "钱": ["米", "💰", "q", "前"],
    "元": ["r", "米", "块", "圆", "💰"],
    "赚": ["撰", "挣", "zhuan"],
    "做": ["坐", "作", "zuo"],
    "来": ["莱", "徕", "lai"],
    "私": ["丝", "思", "si"],
    "兼": ["煎", "肩", "jian"],
    "职": ["直", "只", "zhi"],
    "项": ["巷", "xiang"],
    "色": ["瑟", "涩", "se"],
    "操": ["艹", "草", "cao", "肏"],
    "逼": ["b", "比", "屄"],
    "赌": ["du", "堵"],
    "博": ["搏", "bo"],
    "彩": ["采", "cai"],
    "代": ["带", "dai"],
    "发": ["髪", "fa"],
    "号": ["hao", "昊"],
    "粉": ["fen", "份"],
    "约": ["yue", "月"],
    "有": ["🈶", "友"],
    "无": ["🈚", "吴"],
    "可": ["🉑", "ke"],
    "得": ["🉐", "de"],
    "红": ["洪", "hong"],
    "妈": ["马", "ma", "🐴"],
    "死": ["si", "s", "四"],
    "傻": ["沙", "煞", "sha"],
}


def _lookalikes(rng: random.Random, text: str, rate: float) -> str:
    """Swap some characters for their look-alikes or pinyin."""
    return "".join(
        _pick(rng, _LOOKALIKE[ch]) if ch in _LOOKALIKE and rng.random() < rate else ch
        for ch in text
    )


def _disguise(rng: random.Random, text: str) -> str:
    """Noise as posted on real platforms: spacing, symbols, emoji and emoticon codes."""
    roll = rng.random()
    if roll < 0.15:
        # A separator between some characters, as used to dodge keyword filters.
        sep = _pick(rng, [" ", "*", ".", "-", "|", "/", "~", "丶", "❤"])
        text = "".join(ch + sep if rng.random() < 0.35 else ch for ch in text)
    elif roll < 0.3:
        text = text.replace("，", _pick(rng, _SEPARATORS))
    if rng.random() < 0.3:
        text += "".join(_pick(rng, _EMOTE) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.2:
        text = _pick(rng, _EMOTE) + text
    if rng.random() < 0.15:
        text = "".join(rng.choice(_EMOJI) for _ in range(rng.randint(1, 2))) + text
    return text


# How many posts to generate per class; clean text gets the most, because in real traffic
# it is the vast majority and it is where the false positives come from.
_PLAN: dict[str, tuple[Sequence[str], int]] = {
    "gambling": (_GAMBLE_TEMPLATES, 3000),
    "porn": (_PORN_TEMPLATES, 3000),
    "fraud": (_FRAUD_TEMPLATES, 3000),
    "spam_ads": (_SPAM_TEMPLATES, 3000),
    "insult": (_INSULT_TEMPLATES, 3000),
    "": (_CLEAN_TEMPLATES, 8000),
}


def xinan_examples(seed: int) -> list[Example]:
    """The generated examples for a seed, in a fixed order, without duplicates."""
    rng = random.Random(seed)
    seen: set[str] = set()
    examples: list[Example] = []
    for code, (templates, count) in _PLAN.items():
        labels = (code,) if code else ()
        for _ in range(count):
            roll = rng.random()
            if roll < 0.45:
                text = _fill(rng, _pick(rng, templates))
            elif code:
                text = _fragment_post(rng, code)
            elif roll < 0.75:
                text = _clean_short_post(rng)
            else:
                text = _formal_paragraph(rng)
            if code and rng.random() < 0.3:
                text = _lookalikes(rng, text, rng.choice([0.2, 0.4, 0.7]))
            if code == "insult" and rng.random() < 0.15:
                # Flame wars escalate: some abuse ends in a threat.
                text = f"{text}，{_pick(rng, _THREATS)}"
            text = _disguise(rng, text)
            if text not in seen:
                seen.add(text)
                examples.append(Example(text, labels))
    return examples
