"""Templates by kind of phrasing (issue 8): the ways residents say a thing
without the words the hand-written examples use.

Each intent gets several phrasing kinds (an event told instead of a keyword, a
question about a past report, a rhetorical complaint...), each a template with
wide slot lists, so the model learns the kind, not one sentence. Hard negatives
(same vocabulary, other intent) sit beside the kinds they border.
"""

from __future__ import annotations

import random

R = random.Random(20261129)

# -- emergencies told by what is happening -------------------------------------
EM_WHO_ZH = ["我爸", "我妈", "老公", "邻居", "楼下一个阿姨", "保洁阿姨", "一个老人", "快递小哥",
             "我家孩子", "隔壁大爷", "有个人", "我老婆", "外婆", "一个小伙子"]  # fmt: skip
EM_EVENT_ZH = [
    "从梯子上摔下来 腿动不了",
    "摔在楼梯上 头在流血",
    "倒在地上一动不动",
    "突然抽搐 叫不醒",
    "喘不上气 脸都白了",
    "手被门夹了 血止不住",
    "从台阶上滑下去 胳膊弯了",
    "在电梯口晕过去了",
    "被玻璃划了好大口子",
    "胸口疼得站不起来",
]
EM_WHERE_ZH = ["", "", "在楼道", "在大堂", "在地库", "在单元门口", "在家里", "在小区花园"]
EM_URGE_ZH = ["", "", " 快来人", " 怎么办", " 快", "！！", " 急", " 快帮忙叫救护车"]

EM_HAZARD_ZH = [
    "楼下施工把燃气管道挖破了",
    "厨房一股臭鸡蛋味 头有点晕",
    "煤汽味特别冲",
    "是不是哪里漏燃气了 冲得睁不开眼",
    "有没有人闻到楼道里一股天然气味",
    "楼道电动车自燃了",
    "车棚那边的电瓶车烧着了",
    "对面窗户往外冒黑烟",
    "厨房油锅起火灭不掉",
    "着伙了",
    "水顺着吊灯往下流",
    "厨房插座被水淹了 噼啪冒火",
    "配电箱噼里啪啦响还有焦味",
    "开关一碰手就麻",
    "水管裂了 水一直往外喷",
    "楼上的水漏下来没过脚面了",
    "阀门拧不动 水已经漫到客厅",
    "地库进水很深 车都泡了",
    "电梯停在两层中间 我们在里面",
    "电梯门打不开 里面关着人",
    "电悌突然往下掉 人还在里面",
    "储藏室的门从外面锁上了 人在里面出不去",
    "对门出国了 屋里有陌生人在翻东西",
    "有人正在踹我家的门",
    "两个人拿着棍子在楼下打架",
    "楼上有人拿工具在弄别人家的门锁",
    "有人拿刀在追人",
    "小孩爬到窗台外面了",
    "孩子被反锁在车里",
    "独居老人好几天没动静了",
    "奶奶在卫生间摔倒起不来",
    "楼顶的水泥块往下掉 地上都是碎块",
    "阳台花盆掉下来差点砸到人",
    "天花板往下掉块 裂得越来越大",
    "广告牌快被风吹下来了",
]
# Kinds added after the lists above were drawn from (kept apart so that the draws
# above stay as they were): violence without the usual verbs, a child gone
# missing, a rotten-egg simile, a bone showing, an elder not seen for days.
EM_MORE_ZH = [
    "隔壁男的在打老婆 一直在哭喊",
    "楼下有个醉汉嚷着要砍人",
    "有个人挨家挨户拧门把手",
    "一个男的顺着防盗窗往二楼爬",
    "我家小孩在小区里走丢了 到处找不到",
    "有股跟臭鸡蛋一样的味道 越来越重",
    "他摔了一跤 骨头都戳出来了",
    "电梯门开不开 我们还在里面",
    "对门大爷好几天没见人了 敲门也没反应",
]
EM_EVENT_EN = [
    "my dad fell off a ladder and can't move his leg",
    "there's a man lying on the lobby floor not moving",
    "a kid cut his hand badly and it won't stop bleeding",
    "someone is having a seizure by the lift",
    "an old man tripped on the steps and his wrist is bent",
    "an old man collapsed near gate 2 and isn't responding",
    "my wife can't breathe properly",
    "workers dug into the gas line outside our block",
    "there's a rotten egg smell in the kitchen and I feel dizzy",
    "smells like gaz in the stairwell",
    "a scooter battery exploded and is burning by the stairs",
    "black smoke is coming out of the flat below",
    "flames are coming out of the rubbish chute",
    "water is running through the ceiling light",
    "the plug in the bedroom is buzzing and throwing sparks",
    "my son got a shock from the switch",
    "the washing machine hose split and the kitchen is flooding",
    "water is pouring in from upstairs and rising",
    "the car park is flooding and cars are half under water",
    "we're stuck in the lift, it dropped and stopped",
    "the lift on block 5 won't open and a delivery guy is shut inside",
    "the storeroom door locked behind me and I can't get out",
    "there's a stranger inside my neighbour's flat and they're away",
    "a man is forcing the lock of our front door as we speak",
    "a man with a knife is threatening people by gate 3",
    "a little girl is climbing out of a window on the 8th floor",
    "a child is locked in a car in the sun",
    "the old lady next door hasn't answered for days",
    "my grandma fell in the bathroom and can't get up",
    "pieces of the facade are dropping onto the pavement",
    "a brick fell from the scaffolding and just missed a woman",
    "the bathroom ceiling is bulging and plaster keeps dropping",
]
EM_MORE_EN = [
    "the man upstairs is hitting his girlfriend, she is screaming",
    "a guy in the car park says he'll stab someone",
    "someone is going along the corridor trying each door handle",
    "a man is climbing onto a second floor balcony",
    "my little boy ran off in the garden and we can't find him anywhere",
    "there's a sulphur smell in the stairwell and it's getting stronger",
    "a toddler was left alone in a locked car in the heat",
    "the gas detector is beeping and won't stop",
]
EM_URGE_EN = ["", "", "!", " please hurry", " what do I do", ", send someone now", " help!!"]

# -- hard negatives for emergencies --------------------------------------------
NOT_EM_REPAIR_ZH = [
    "马桶水箱一直哗哗响 停不下来 有空修下",
    "洗菜盆龙头老滴答 不急的",
    "暖气管接头渗水 不着急 哪天方便来",
    "阳台晾衣架摇不下来了",
    "晾衣杆降不下来 绳子卡死了",
    "窗帘轨道卡住拉不动",
    "车库卷闸门卡住下不来",
    "抽屉卡住了拉不出来",
    "升降晾衣机不动了",
    "晾衣杆卡住摇不动了",
    "2号电梯停在7楼不走了 空的",
    "窗户卡住打不开了",
    "燃气灶打不着火",
    "燃气表提示换电池",
    "灯在闪 不急",
    "插座松了 不急着修",
    "热水器有点漏水 有空来",
    "地库出口的栏杆升不上去",
    "卷帘门升不上去",
    "门禁卡刷了没反应 进不去",
    "单元门打不开了",
    "地库的升降杆坏了",
    "卧室墙角的水渍一天比一天大 可能是楼上渗的",
    "厕所顶上有块水斑 慢慢变大了 来看看",
    "阳台墙皮起泡发黄 好像是渗水",
    "电梯里一股怪味 好几天了 是不是该清洗了",
    "次卧顶上的霉点越来越多 估计哪里在渗",
    "墙上那道细缝好像越来越长了 找人看看",
    "飘窗下面湿了一片 越来越大 麻烦查下哪漏的",
    "阳台地砖裂了条小缝 有空来补一下",
    "卫生间墙砖有道细纹 不影响用",
]
NOT_EM_REPAIR_EN = [
    "the toilet keeps running, no rush",
    "the tap drips a little, not urgent",
    "the pulley clothes rack is jammed halfway",
    "the clothes airer is jammed",
    "lift B is stuck at the 4th floor, it's empty",
    "the window is jammed shut",
    "the car park barrier won't lift",
    "my fob stopped opening the front door",
    "the garage shutter won't go up",
    "the entrance gate won't open with my card",
    "one of the burners on the hob won't ignite",
    "small leak under the sink, whenever you have time",
    "the bathroom light flickers, not urgent",
    "a brown water stain on the ceiling keeps spreading",
    "the wall under the window gets a wet patch whenever it rains",
    "the lift smells musty, could someone clean it",
    "a couple of balcony tiles have hairline cracks",
    "there's a thin crack in the bathroom wall tiles, not urgent",
]
NOT_EM_COMPLAINT_ZH = [
    "楼下天天在阳台抽烟 烟全飘我家来了",
    "邻居在楼道里吸烟 一股烟味",
    "对面烧烤的烟熏得没法开窗",
    "楼上夫妻又在吵架 吵得睡不着",
    "快递被人偷了好几次了 保安也不管",
    "总有人在电梯里抽烟 臭死了",
    "地库里有人抽烟 烟头乱扔",
    "楼梯间天天有人吸烟 呛得不行",
    "保安在岗亭里抽烟 形象太差",
    "快递放门口又被偷了",
    "电动车电瓶被人偷了 监控也不给看",
    "车在地库被人划了",
    "自行车被偷了第二次了",
    "楼梯太滑了 迟早有人摔跤",
    "台阶没有扶手 老人上下很危险",
    "有陌生人在楼里挨家发传单 谁放进来的",
    "总有推销的陌生人来敲门 烦死了",
    "不认识的人在单元门口摆摊卖菜",
    "电梯里一股尿骚味 几天了没人打扫",
    "楼道里有死老鼠的臭味",
    "小孩踢球把车库的灯砸坏了 也没人管",
    "楼下那家天天烧纸 烟熏得窗都不敢开",
    "楼上小孩在阳台泼水玩 淋得我家衣服全湿",
    "楼上孩子往下倒水 晾的被子都湿了 管管吧",
]
NOT_EM_COMPLAINT_EN = [
    "my neighbour smokes on his balcony and it all comes into my flat",
    "people keep smoking in the stairwell, it stinks",
    "the couple upstairs argue every night",
    "someone keeps stealing parcels from the lobby and security does nothing",
    "people smoke in the lift and it stinks all day",
    "the guards smoke right by the entrance",
    "someone smokes in the car park every night",
    "my parcel got nicked from the lobby again",
    "someone stole my bike from the rack",
    "my car got scratched in the garage",
    "the stairs are slippery when wet and nobody puts a sign out",
    "the first aid box in the gym has been empty for months",
    "strangers keep getting into the building to hand out leaflets",
    "a salesman has been knocking on every door this afternoon",
    "the lift stinks of pee again",
    "there's a smell of rubbish in the corridor that never goes away",
    "kids playing football broke the lobby light and nobody cares",
]
# Things a child or an elder lost (lost and found), not a person missing.
NOT_EM_LOST_FAQ = [
    "我女儿的水杯落在游乐场了 有人交到物业吗",
    "儿子的滑板车不见了 捡到的东西都放哪",
    "老人的钥匙丢了 有人捡到会送到哪里",
    "孩子的外套丢在小区里了 去哪找",
    "my son lost his scooter in the garden, does anyone hand things in",
    "my mum dropped her glasses somewhere in the lobby, where is lost property",
    "the kids lost a football in the courtyard, where do found things go",
]
NOT_EM_OTHER_EN = [
    ("human", "can you help me with my account, I'd rather talk to a person"),
    ("out_of_scope", "help me write an email to my boss"),
    ("out_of_scope", "can you help me with my homework"),
    ("out_of_scope", "help me plan a birthday party"),
    ("bill_query", "help me check what I owe"),
    ("faq", "can you help me find out how to get a parking permit"),
    ("repair", "help me get someone to fix the intercom"),
]

# -- ticket_status ----------------------------------------------------------
TS_WHEN_ZH = ["昨天", "前天", "上周", "三天前", "早上", "上午", "周一", "前几天", "刚才"]
TS_THING_ZH = ["漏水", "马桶堵了", "门禁坏了", "楼道灯", "暖气不热", "电梯", "窗户", "投诉",
               "噪音投诉", "空调外机", "下水道", "插座", "停车位被占的事", "单元门"]  # fmt: skip
TS_Q_ZH = [
    "排上了吗",
    "现在谁在跟",
    "师傅出发了没",
    "安排哪天来",
    "有人接了吗",
    "到哪一步了",
    "师傅在路上了吗",
    "今天能来吗",
    "怎么一直没动静",
    "有回复了吗",
    "处理得怎么样了",
    "是哪个师傅负责",
]
TS_FRAME_ZH = ["我{w}报的{t} {q}", "{w}说的{t} {q}", "{w}反映的{t}的事 {q}", "{t}那个单子 {q}",
               "{w}登记了{t} {q}"]  # fmt: skip
TS_COMPLAINT_ZH = ["{w}投诉{x}的事{q}", "投诉{x}那件事 {q}", "我反映{x}的问题 {q}"]
TS_COMPLAINT_X_ZH = ["保安", "噪音", "楼上漏水", "保洁", "停车位", "邻居养狗", "垃圾没人收"]
TS_COMPLAINT_Q_ZH = ["有人处理没有", "有下文吗", "怎么没人回我", "现在什么情况", "处理结果呢",
                     "有人跟进吗"]  # fmt: skip
TS_NO_ZH = ["工单{n}现在什么状态", "{n}号单子处理了吗", "单号{n} 进度", "查一下工单{n}",
            "我的单子{n}怎么还是待处理"]  # fmt: skip
TS_EN_THING = ["the leak", "the blocked drain", "the broken intercom", "the corridor light",
               "my complaint about the noise", "the heating", "the lift", "the cracked window",
               "the parking complaint", "the door lock", "the mould in the bathroom"]  # fmt: skip
TS_EN_FRAME = [
    "I reported {t} {w} - is it scheduled yet",
    "I reported {t} {w}, who's dealing with it",
    "about {t} I reported {w}, is the worker on his way",
    "any news on {t}",
    "has anyone picked up {t} I reported {w}",
    "when is someone coming for {t}",
    "what's happening with {t}",
    "is {t} I told you about {w} booked in",
    "still waiting on {t}, any update",
]
TS_EN_WHEN = ["yesterday", "on Monday", "last week", "this morning", "two days ago", "earlier"]
TS_EN_NO = ["what's the status of ticket {n}", "ticket #{n}?", "any update on job {n}",
            "is ticket {n} closed", "where is my request {n} at"]  # fmt: skip

# -- bill_query -------------------------------------------------------------
BQ_ZH = [
    "我一共还欠多少",
    "总共要交多少钱",
    "欠费多少",
    "还有没有没交的",
    "刚用{app}交了 到账没有",
    "我刚在{app}上付了 你们收到了吗",
    "用{app}交的钱显示成功了 账上有吗",
    "我交到几月份了",
    "费用交到哪天",
    "能把收据再发我一份吗",
    "上个月的缴费凭证能补一张吗",
    "怎么扣了我两次钱",
    "这个月被重复扣费了",
    "我家账上还有余额吗",
    "是不是有一笔没交",
    "{fee}我家还欠几个月",
    "查下{fee}欠了几个月",
    "{fee}我交过了吧",
    "我用{app}交了{fee} 怎么还显示欠费",
    "交了{fee}怎么系统里还是没交",
    "明明交过{fee}了 怎么又催我",
    "还差多少钱没交",
]
BQ_APP_ZH = ["微信", "支付宝", "APP", "小程序", "银行卡", "云闪付"]
BQ_FEE_ZH = ["物业费", "车位费", "水费", "电费", "暖气费", "管理费", "停车费"]
BQ_EN = [
    "what's the total I owe",
    "what is still outstanding for our flat",
    "am I in arrears",
    "any unpaid amounts on my flat",
    "I just paid through {app}, did it arrive",
    "paid by {app} a minute ago, can you see it",
    "has my {app} payment come through",
    "what date am I paid up to",
    "until when is my {fee} paid",
    "can you send me a copy of my receipt",
    "I need a copy of the receipt for last month",
    "I think I was charged twice for the {fee}",
    "why did you take the {fee} twice",
    "what's my balance",
    "do I still owe anything for the {fee}",
    "how much do I still need to pay",
    "what's left to pay on my {fee}",
    "I paid the {fee} through {app} but it still says I owe",
    "why does it still show unpaid, I paid by {app}",
    "how much have I got left to pay",
]
BQ_APP_EN = ["the app", "WeChat", "Alipay", "bank transfer", "the mini program", "card"]
BQ_FEE_EN = ["property fee", "parking fee", "service charge", "water bill", "heating fee"]

# -- cancel -----------------------------------------------------------------
CANCEL_ZH = [
    "{fix} 不用来了",
    "{fix} 不需要上门了",
    "{fix} 单子撤了吧",
    "{fix} 师傅别跑了",
    "明天的上门取消吧",
    "约好的维修不用来了",
    "投诉我撤回",
    "那个投诉算了 不追究了",
    "关闭工单{n}",
    "{n}那个单子关掉吧",
    "这单撤了",
    "不搞了",
    "拉倒吧 不修了",
    "算球了",
    "算了算了",
    "这个修理不弄了",
    "不要了 取消",
    "别来了 不修了",
    "不用麻烦了 已经好了",
]
CANCEL_FIX_ZH = ["已经好了", "自己好了", "我老公修好了", "家里人弄好了", "不漏了", "又能用了",
                 "找外面师傅修了", "没事了", "恢复了"]  # fmt: skip
CANCEL_EN = [
    "{fix}, no need to come",
    "{fix} so you can cancel the visit",
    "{fix}, please close the ticket",
    "scrap tomorrow's appointment",
    "cancel the appointment please",
    "I'm taking my complaint back",
    "drop the complaint, it's sorted",
    "close ticket {n}",
    "please close job {n}",
    "scrap that one",
    "forget about it, all good",
    "nah, don't bother",
    "nvm",
    "never mind then",
    "scrap that",
    "no worries, cancel it",
    "forget about the repair",
]
CANCEL_FIX_EN = ["it fixed itself", "my husband repaired it himself", "my son sorted it out",
                 "it's working again", "the leak stopped", "we got our own plumber",
                 "all good now"]  # fmt: skip

# -- complaint --------------------------------------------------------------
COMPLAINT_ZH = [
    "{x}你们就不能管管吗",
    "{x}这叫服务？",
    "{x}物业是摆设吗",
    "{x}交那么多钱就这服务？",
    "{x}你们领工资是干嘛的",
]
COMPLAINT_X_ZH = ["垃圾三天没人收 ", "楼道灯坏了一个月 ", "门口天天堵车 ", "草坪全是狗屎 ",
                  "电梯又坏了第三次 ", "", "保安整天睡觉 "]  # fmt: skip
COMPLAINT_STORY_ZH = [
    "楼上每天晚上十二点开始拖椅子",
    "隔壁的狗从早叫到晚 我已经一周没睡好",
    "楼下把楼道当成自家仓库 堆满了纸箱",
    "对门的车每天停在消防通道上",
    "上面一家天天往下扔烟头 阳台都烧了个洞",
    "修了水管以后墙上又开始渗水 师傅说好了的",
    "换的灯泡第二天就不亮了 这什么活儿",
    "上次补的墙又裂了 钱白花了",
    "物业费一年比一年贵 绿化越来越差",
    "停车费涨了 车位却越来越少",
]
WORK_ZH = ["{w}{d}{f} {j}"]
WORK_W_ZH = ["师傅", "维修工", "你们的人", "上次来的师傅", "物业派的人"]
WORK_D_ZH = ["换完", "修完", "来过以后", "弄完", "装好后"]
WORK_F_ZH = ["接口还在渗水", "灯又不亮了", "漏得更厉害了", "门反而关不上了", "墙上全是印子",
             "第二天又坏了"]  # fmt: skip
WORK_J_ZH = ["什么水平", "什么技术啊", "白修了", "太敷衍了", "钱白花了", "这活干的"]
WORK_EN = ["{w} {d} and now {f}, {j}"]
WORK_W_EN = ["your plumber", "the electrician", "the guy you sent", "your technician"]
WORK_D_EN = ["came round", "fixed the tap", "replaced the pipe", "was here yesterday"]
WORK_F_EN = ["it leaks worse", "the light is dead again", "there's water on the floor",
             "the door won't shut"]  # fmt: skip
WORK_J_EN = ["what a joke", "terrible work", "useless", "I'm not paying for that", "unbelievable"]
WHY_EN = ["why does it take {t} to {x}?", "how many times do I have to ask you to {x}?",
          "is it really so hard to {x}?", "{t} to {x}, seriously?"]  # fmt: skip
WHY_T_EN = ["a week", "three weeks", "a month", "ten days", "forever"]
WHY_X_EN = ["change a light bulb", "fix the gate", "empty the bins", "clean the stairs",
            "reply to an email", "fix a leaking tap", "cut the grass"]  # fmt: skip
WHY_ZH = ["{x}要{t}？", "为什么{x}要{t}", "{x}拖了{t}了 你们干嘛呢", "说了多少遍了 {x}到现在没弄"]
WHY_T_ZH = ["一个星期", "半个月", "一个月", "十天", "好几周"]
WHY_X_ZH = ["换个灯泡", "修个门禁", "清个垃圾", "修个水龙头", "回个电话", "剪个草"]
COMPLAINT_EN = [
    "is this what we pay the service charge for?",
    "do you actually do anything?",
    "how hard can it be to empty the bins?",
    "seriously, three weeks and the light is still out?",
    "the guy upstairs drags furniture around at midnight every night",
    "next door's dog has barked all day for a week",
    "the family downstairs uses the corridor as a storeroom",
    "the plumber fixed the tap and now it leaks worse",
    "the wall you patched has cracked again, money wasted",
    "we pay more every year and get less",
]

# -- human / greet / out_of_scope -------------------------------------------
HUMAN_ZH = ["给我回个电话 我打字不方便", "打字太慢了 直接打给我", "老人不会打字 请打电话",
            "你这机器人听不懂 换个人来", "跟机器人说不清楚", "别自动回复了 找个真人",
            "我找{s}", "让{s}联系我", "{s}在吗 有事找她", "帮我转给{s}"]  # fmt: skip
HUMAN_STAFF_ZH = ["王经理", "李管家", "张师傅", "前台小刘", "陈主管", "客服小王"]
HUMAN_EN = ["call me, I can't type", "please ring me back, typing is hard for me",
            "this bot is useless, get me a human", "you don't understand me, real person please",
            "stop the automatic replies and let me speak to someone", "I want to talk to {s}",
            "can {s} call me", "put me through to {s}", "can I speak with {s}",
            "is {s} available", "I need {s}, please", "get {s} to ring me"]  # fmt: skip
HUMAN_STAFF_EN = ["Mr Wang", "the manager", "Lisa at the front desk", "my housekeeper",
                  "the duty officer", "Ms Zhou from the office", "Manager Li",
                  "the property manager", "somebody from customer service"]  # fmt: skip
GREET_ZH = ["有人在吗", "有人吗？", "客服在线不", "客服在不在", "还有人值班吗", "新年好", "过年好",
            "中秋快乐", "端午安康", "早安早安", "哈喽", "侬好", "雷猴", "老师好",
            "物业你好", "在不在呀", "嗨 有人没"]  # fmt: skip
GREET_EN = ["anyone there?", "is anyone online", "hello? is somebody on duty", "are you there",
            "happy new year", "merry christmas", "happy dragon boat festival", "g'day",
            "morning!", "heya folks", "yo there", "good evening"]  # fmt: skip
OOS_ZH = ["怎么煮红烧肉", "菜刀怎么磨", "附近哪里有正宗川菜", "家里的猫不吃饭怎么办",
          "高铁票怎么退", "个税怎么申报", "怎么在家种葱", "地球离月亮多远",
          "电脑开不了机怎么办", "手机怎么截图", "明天会下雨吗", "帮我写个请假条",
          "股票明天涨不涨", "自行车链条掉了怎么装", "熊猫吃什么", "怎么做酸奶",
          "宝宝发烧吃什么药好", "驾照怎么换证", "英语单词怎么背得快", "红酒怎么醒",
          "洗衣机里的衣服怎么去霉味", "为什么天空是蓝的", "世界上最高的楼是哪个",
          "帮我翻译一句话", "推荐一部电影", "端午节是哪一天", "怎么减肥最快",
          "微信怎么换头像", "怎么给手机清内存", "长城有多长", "哪个星座最好"]  # fmt: skip
OOS_EN = ["how do I boil an egg", "how do I reset my laptop", "what's the capital of canada",
          "how tall is mount everest", "how to get red wine out of a carpet",
          "recommend a good sushi place", "how do I fix my bike chain", "who won the match",
          "write me a birthday message", "how do I file my taxes",
          "what's a good name for a cat", "how far is the moon", "how do I descale a kettle",
          "best way to learn the guitar", "how many legs does a spider have",
          "what time is it in london", "how do I make sourdough", "tell me a fun fact",
          "how do I clear my browser cache", "what's the best phone to buy",
          "translate thank you into french", "who invented the telephone",
          "how do I get rid of fruit flies in my kitchen", "recommend a podcast"]  # fmt: skip
OOS_MAKE_EN = ["write me a {f} about {t}", "compose a {f} about {t}",
               "can you make up a {f} about {t}", "give me a {f} about {t}"]  # fmt: skip
OOS_FORM_EN = ["poem", "haiku", "song", "short story", "joke", "limerick", "riddle"]
OOS_TOPIC_EN = ["cats", "the sea", "autumn", "my boss", "coffee", "the moon", "friendship", "rain"]
OOS_MAKE_ZH = ["帮我写一{f}关于{t}的", "给我编一{f}{t}的", "来一{f}关于{t}", "能不能写一{f}讲{t}"]
OOS_FORM_ZH = ["首诗", "个故事", "个笑话", "段顺口溜", "首歌词", "个谜语"]
OOS_TOPIC_ZH = ["猫", "大海", "秋天", "老板", "咖啡", "月亮", "友情", "下雨"]
OOS_CHAT_ZH = ["好无聊啊", "我好累", "心情很差", "陪我说说话吧", "你喜欢什么颜色", "你几岁了",
               "你是男的女的", "今天好烦", "我失恋了", "说点开心的"]  # fmt: skip
OOS_CHAT_EN = ["I'm bored", "I feel sad today", "what's your favourite colour",
               "how old are you", "are you a man or a woman", "talk to me about anything",
               "do you like music"]  # fmt: skip
OOS_NEAR_EN = ["where can I get good {x} around here", "best {x} near me", "any good {x} nearby"]
OOS_NEAR_ZH = ["这附近哪儿的{x}好吃", "这边有什么好吃的{x}", "推荐一家{x}"]
OOS_DEVICE_EN = ["how do I {v} my {d}", "my {d} is broken, where can I get it fixed",
                 "can you tell me how to {v} a {d}", "my {d} won't turn on, any tips"]  # fmt: skip
OOS_DEVICE_V_EN = ["update", "reset", "clean", "fix", "speed up", "set up"]
OOS_DEVICE_D_EN = ["laptop", "iphone", "phone", "car", "bike", "printer", "camera", "tablet",
                   "smartwatch", "game console"]  # fmt: skip
OOS_DEVICE_ZH = ["我的{d}怎么{v}", "{d}坏了去哪修", "{d}开不了机怎么办", "怎么给{d}{v}"]
OOS_DEVICE_V_ZH = ["升级", "恢复出厂设置", "清理", "提速", "设置"]
OOS_DEVICE_D_ZH = ["笔记本", "手机", "苹果手机", "汽车", "台式电脑", "打印机", "相机", "平板"]
OOS_FOOD_EN = ["pizza", "noodles", "dim sum", "coffee", "burgers", "hotpot"]
OOS_FOOD_ZH = ["火锅", "面馆", "烧烤", "咖啡店", "早餐", "饺子"]


# -- kinds found on the fourth dev set (drawn after everything above) ----------
# Trivia and homework about the things a desk deals with (lifts, gas, pipes,
# fire): they look like FAQ or a fault, but ask how the world works.
OOS_TRIVIA_ZH = [
    "{t}是谁发明的",
    "{t}是哪一年发明的",
    "{t}的原理是什么",
    "{t}是怎么工作的",
    "孩子作业问{t}是怎么工作的",
    "好奇问一下 {t}为什么能用",
    "科普一下{t}",
]
OOS_TRIVIA_T_ZH = [
    "电梯",
    "自动扶梯",
    "灭火器",
    "燃气表",
    "空调",
    "暖气片",
    "抽水马桶",
    "避雷针",
    "烟雾报警器",
    "电表",
    "热水器",
    "门禁",
]
OOS_WHY_ZH = [
    "为什么{w}",
    "{w} 是什么道理",
    "我一直想知道{w}",
    "孩子问我{w} 我答不上来",
    "{w}？纯属好奇",
]
OOS_WHY_W_ZH = [
    "冬天窗户上会结霜",
    "天然气本身闻不到味道",
    "高楼顶上要装红灯",
    "水烧开了会冒泡",
    "热水比冷水先结冰",
    "插座要分零线火线",
    "冰箱背面是热的",
    "铁会生锈",
    "暖气片要装在窗户下面",
    "灯泡会发烫",
]
OOS_TRIVIA_EN = [
    "who invented the {t}",
    "how does a {t} actually work",
    "what's inside a {t}",
    "my kid's homework asks how a {t} works",
    "just curious, how does a {t} work",
    "when was the {t} invented",
]
OOS_TRIVIA_T_EN = [
    "lift",
    "escalator",
    "smoke detector",
    "radiator",
    "flush toilet",
    "thermostat",
    "circuit breaker",
    "water meter",
    "lightning rod",
    "boiler",
]
OOS_WHY_EN = [
    "why {w}",
    "why {w}? just wondering",
    "quick science question: why {w}",
    "my daughter asked me why {w}",
]
OOS_WHY_W_EN = [
    "do windows fog up in winter",
    "do pipes burst when water freezes",
    "is the sky darker in winter evenings",
    "do tall buildings sway in the wind",
    "does hot water freeze faster",
    "do fuses blow",
    "does metal rust",
]
OOS_MISC_ZH = [
    "最近有什么好听的歌",
    "那个歌手新专辑叫什么",
    "你觉得人工智能会统治世界吗",
    "机器人以后会不会有感情",
    "今年春晚谁主持",
    "世界杯下一届在哪",
    "推荐一本小说",
]
# Public administration (insurance, pension, ID) that is not the desk's business.
OOS_ADMIN = [
    "社保断交了几个月有影响吗",
    "医保卡怎么激活",
    "公积金停缴了还能贷款吗",
    "户口迁移要什么手续",
    "护照过期了去哪换",
    "my pension payments stopped, who do I ask",
    "how do I renew my national insurance card",
    "is my health insurance still valid if I changed jobs",
]
OOS_MISC_EN = [
    "will robots take over the world",
    "do you think AI will replace people",
    "what's the latest album by that band",
    "who's hosting the new year gala",
    "recommend a novel to read",
]
# A fault that is not dangerous, told with its reassurance ("没人受伤", "still works").
REPAIR_CALM_ZH = [
    "{f} 没人受伤 找人来修一下",
    "{f} 暂时不影响用 麻烦安排",
    "{f} 倒也不危险 就是得修",
    "{f} 不算急 但总得修吧",
]
REPAIR_CALM_F_ZH = [
    "楼道灯罩掉了一个",
    "车棚的顶棚破了个洞",
    "信箱的门掉了",
    "健身区的单杠有点松",
    "门铃按了没声音",
    "可视对讲没画面",
    "电闸隔三差五就跳",
    "燃气表屏幕不亮了",
    "外墙有几块砖敲着是空的",
    "厨房吊顶翘起来一块",
    "消防箱的玻璃裂了",
]
REPAIR_CALM_EN = [
    "{f}, nobody hurt, just needs fixing",
    "{f} but it still works, can someone look",
    "{f}, not dangerous, please send someone",
    "{f}, annoying more than anything",
]
REPAIR_CALM_F_EN = [
    "the doorbell doesn't ring any more",
    "the intercom screen stays black",
    "the breaker trips every other day",
    "the water meter display is blank",
    "the lift squeaks loudly when it starts",
    "a bench in the garden is broken",
    "the mailbox door came off",
    "the bike shed roof has a hole",
]
REPAIR_RAMBLE_ZH = [
    "喂 那个我是{b}的 就是我们家那个{x}啊 {y} 你们派个人来看看吧",
    "那个什么 {b} 我家{x}吧 {y} 也不知道咋回事 来个人看看",
]
REPAIR_RAMBLE_B_ZH = ["三栋", "七号楼", "十五栋二单元", "九栋"]
REPAIR_RAMBLE_X_ZH = ["热水器", "马桶", "厨房龙头", "阳台门", "暖气"]
REPAIR_RAMBLE_Y_ZH = ["一直嗡嗡响", "老是滴水", "关不严实", "时好时坏", "一开就咔咔响"]
# A complaint phrased as a question or a request ("能不能晚点收").
COMPLAINT_ASK_ZH = [
    "{x} 能不能管一管",
    "{x} 就不能换个时间吗",
    "{x} 说了多少次了还这样",
    "{x} 你们到底通不通知",
]
COMPLAINT_ASK_X_ZH = [
    "早上六点就有人打扫吹落叶",
    "半夜收垃圾叮叮哐哐",
    "群里的通知写得稀里糊涂",
    "楼上花盆浇水一直滴到我家阳台",
    "停车场收费员算错钱不认账",
    "物业电话永远占线",
]
# "X keeps breaking, how do you run this place": a fault that recurs, told as blame.
COMPLAINT_RECUR_ZH = [
    "{x}老是坏 你们{y}",
    "{x}三天两头出毛病 你们{y}",
    "{x}隔几天就坏一次 {y}",
    "{x}又坏了又坏了 你们{y}",
]
COMPLAINT_RECUR_X_ZH = [
    "门禁",
    "地库道闸",
    "楼道灯",
    "单元门",
    "对讲机",
    "水泵",
    "车库卷帘门",
    "电梯",
]
COMPLAINT_RECUR_Y_ZH = ["到底管不管", "是干什么吃的", "怎么维护的", "能不能上点心", "就这么管理的"]
COMPLAINT_ASK_EN = [
    "{x}, can't you do something about it",
    "{x}. how is that acceptable?",
    "{x} and nobody ever answers my complaints",
]
COMPLAINT_ASK_X_EN = [
    "the bin lorry comes at 5am banging everything",
    "the car park machine overcharged me again",
    "your notices never say clearly when the water goes off",
    "it took you two weeks to answer my last message",
    "the gardeners run leaf blowers at 6am",
]
FAQ_PAY_ZH = ["{f}咋交", "{f}在哪交啊", "{f}怎么个交法", "{f}去哪儿缴", "{f}可以线上交不"]
FAQ_PAY_F_ZH = ["水费", "电费", "燃气费", "物页费", "暖气费", "车位费", "物业费"]
FAQ_WHEN_ZH = ["暖气啥时候开始供", "今年几号开始供暖", "暖气哪天通", "供暖从几月开始"]
TS_MORE_ZH = [
    "我那个单子是不是没人管了",
    "报的修是不是给忘了",
    "师傅会不会先给我打电话",
    "是要等师傅联系我吗",
    "修{x}的今天能排上吗",
    "{x}那个师傅今天还来得了吗",
    "上次来的师傅说再来 还来吗",
]
TS_MORE_X_ZH = ["空调", "水管", "门锁", "灯"]
TS_MORE_EN = [
    "has my request been forgotten",
    "will the plumber call me first",
    "the electrician looked and said he'd come back, is he still coming",
    "can you still fit my repair in today",
]
HUMAN_MORE = [
    "有真人吗",
    "有没有人工客服在线",
    "说不明白 换个人工",
    "机器人说了半天白说 转人工",
    "is a real person online",
    "any human on this chat?",
]
GREET_MORE = ["有没得人嘛", "在不在哦", "人呢 在不", "有人在值班没得"]
THANKS_MORE = ["3q", "3Q啦", "thx", "tks", "ty!", "多谢晒", "谢啦", "thx a lot"]
CANCEL_MORE = [
    "那个单子帮我关了吧",
    "工单可以关闭了",
    "把我的报修撤掉吧",
    "麻烦把那张单关掉",
    "you can close my request",
    "please close that job",
]
BQ_MORE = [
    "我怎么有滞纳金",
    "滞纳金是怎么来的",
    "为什么多了一笔违约金",
    "装修押金退给我了没有",
    "卖房前要把欠的都结清 一共多少",
    "is my deposit back yet",
    "how much do I owe in total before I sell",
    "my statement shows a penalty charge, where did it come from",
    "燃气费好像算错了",
    "电费账单不对吧 多算了",
    "停车费是不是扣多了",
    "物业费金额对不上",
    "the water charge looks wrong, far too high",
    "I think my electricity bill was miscalculated",
]


def _fill(templates: list[str], count: int, **slots: list[str]) -> list[str]:
    """`count` distinct fillings of `templates`, each slot drawn from its list."""
    out: set[str] = set()
    tries = 0
    while len(out) < count and tries < count * 40:
        tries += 1
        t = R.choice(templates)
        out.add(t.format(**{k: R.choice(v) for k, v in slots.items()}).strip())
    return sorted(out)


def _num() -> list[str]:
    return [str(R.randint(1000, 99999)) for _ in range(12)]


def generate() -> dict[str, list[str]]:
    """Examples per intent, by phrasing kind."""
    g: dict[str, list[str]] = {}
    who_events = [f"{w}{p}{e}" for w in EM_WHO_ZH for p in EM_WHERE_ZH for e in EM_EVENT_ZH]
    g["emergency"] = (
        _fill(["{x}{u}"], 120, x=who_events, u=EM_URGE_ZH)
        + _fill(["{x}{u}"], 90, x=EM_HAZARD_ZH, u=EM_URGE_ZH)
        + _fill(["{x}{u}"], 80, x=EM_EVENT_EN, u=EM_URGE_EN)
        + EM_MORE_ZH
        + EM_MORE_EN
    )
    g["repair"] = NOT_EM_REPAIR_ZH + NOT_EM_REPAIR_EN
    g["complaint"] = (
        NOT_EM_COMPLAINT_ZH
        + NOT_EM_COMPLAINT_EN
        + _fill(COMPLAINT_ZH, 30, x=COMPLAINT_X_ZH)
        + COMPLAINT_STORY_ZH
        + COMPLAINT_EN
        + _fill(WORK_ZH, 30, w=WORK_W_ZH, d=WORK_D_ZH, f=WORK_F_ZH, j=WORK_J_ZH)
        + _fill(WORK_EN, 20, w=WORK_W_EN, d=WORK_D_EN, f=WORK_F_EN, j=WORK_J_EN)
        + _fill(WHY_EN, 20, t=WHY_T_EN, x=WHY_X_EN)
        + _fill(WHY_ZH, 20, t=WHY_T_ZH, x=WHY_X_ZH)
    )
    g["faq"] = NOT_EM_LOST_FAQ
    for intent, text in NOT_EM_OTHER_EN:
        g.setdefault(intent, []).append(text)
    g["ticket_status"] = (
        _fill(TS_FRAME_ZH, 90, w=TS_WHEN_ZH, t=TS_THING_ZH, q=TS_Q_ZH)
        + _fill(TS_NO_ZH, 10, n=_num())
        + _fill(TS_COMPLAINT_ZH, 30, w=[*TS_WHEN_ZH, ""], x=TS_COMPLAINT_X_ZH, q=TS_COMPLAINT_Q_ZH)
        + _fill(TS_EN_FRAME, 60, w=TS_EN_WHEN, t=TS_EN_THING)
        + _fill(TS_EN_NO, 10, n=_num())
    )
    g.setdefault("bill_query", []).extend(
        _fill(BQ_ZH, 60, app=BQ_APP_ZH, fee=BQ_FEE_ZH)
        + _fill(BQ_EN, 45, app=BQ_APP_EN, fee=BQ_FEE_EN)
    )
    g["cancel"] = _fill(CANCEL_ZH, 40, fix=CANCEL_FIX_ZH, n=_num()) + _fill(
        CANCEL_EN, 30, fix=CANCEL_FIX_EN, n=_num()
    )
    g.setdefault("human", []).extend(
        _fill(HUMAN_ZH, 25, s=HUMAN_STAFF_ZH) + _fill(HUMAN_EN, 18, s=HUMAN_STAFF_EN)
    )
    g["greet"] = GREET_ZH + GREET_EN
    g.setdefault("out_of_scope", []).extend(
        OOS_ZH
        + OOS_EN
        + OOS_CHAT_ZH
        + OOS_CHAT_EN
        + _fill(OOS_MAKE_EN, 16, f=OOS_FORM_EN, t=OOS_TOPIC_EN)
        + _fill(OOS_MAKE_ZH, 16, f=OOS_FORM_ZH, t=OOS_TOPIC_ZH)
        + _fill(OOS_NEAR_EN, 8, x=OOS_FOOD_EN)
        + _fill(OOS_NEAR_ZH, 8, x=OOS_FOOD_ZH)
        + _fill(OOS_DEVICE_EN, 24, v=OOS_DEVICE_V_EN, d=OOS_DEVICE_D_EN)
        + _fill(OOS_DEVICE_ZH, 20, v=OOS_DEVICE_V_ZH, d=OOS_DEVICE_D_ZH)
    )
    _fourth_set_kinds(g)
    return g


def _fourth_set_kinds(g: dict[str, list[str]]) -> None:
    """The kinds of phrasing found on the fourth dev set, added to `g` in place."""
    g["out_of_scope"] += (
        _fill(OOS_TRIVIA_ZH, 24, t=OOS_TRIVIA_T_ZH)
        + _fill(OOS_WHY_ZH, 16, w=OOS_WHY_W_ZH)
        + _fill(OOS_TRIVIA_EN, 18, t=OOS_TRIVIA_T_EN)
        + _fill(OOS_WHY_EN, 12, w=OOS_WHY_W_EN)
        + OOS_MISC_ZH
        + OOS_MISC_EN
        + OOS_ADMIN
    )
    g["repair"] += (
        _fill(REPAIR_CALM_ZH, 22, f=REPAIR_CALM_F_ZH)
        + _fill(REPAIR_CALM_EN, 16, f=REPAIR_CALM_F_EN)
        + _fill(
            REPAIR_RAMBLE_ZH, 10, b=REPAIR_RAMBLE_B_ZH, x=REPAIR_RAMBLE_X_ZH, y=REPAIR_RAMBLE_Y_ZH
        )
    )
    g["complaint"] += (
        _fill(COMPLAINT_ASK_ZH, 18, x=COMPLAINT_ASK_X_ZH)
        + _fill(COMPLAINT_ASK_EN, 12, x=COMPLAINT_ASK_X_EN)
        + _fill(COMPLAINT_RECUR_ZH, 20, x=COMPLAINT_RECUR_X_ZH, y=COMPLAINT_RECUR_Y_ZH)
    )
    g["faq"] += _fill(FAQ_PAY_ZH, 16, f=FAQ_PAY_F_ZH) + FAQ_WHEN_ZH
    g["ticket_status"] += _fill(TS_MORE_ZH, 10, x=TS_MORE_X_ZH) + TS_MORE_EN
    g["human"] += HUMAN_MORE
    g["greet"] += GREET_MORE
    g["thanks"] = g.get("thanks", []) + THANKS_MORE
    g["cancel"] += CANCEL_MORE
    g["bill_query"] += BQ_MORE
