# ruff: noqa: E501  (the hazard tables are long regular expressions; one per line reads best)
"""The emergency rule layer: immediate danger to people or property.

The classifier cannot overrule a rule that fires. A hazard mention does NOT
fire when it is negated ("没有煤气味了", "no smell of gas"), refers to a past
or reported incident ("上次煤气味的事处理好了吗", "the gas leak I reported"),
is hypothetical ("如果闻到煤气味怎么办", "what to do if I smell gas") or is about
drills, extinguishers, training and the like ("消防演习什么时候", "fire drill").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.text import fold


@dataclass(frozen=True)
class EmergencyCheck:
    """The outcome of the rule layer for one message."""

    fired: bool
    hazard: str | None = None  # one of EMERGENCY_KINDS, or "mention" for an info-only frame
    suppressed_by: str | None = None  # negated, reference, hypothetical, info

    @property
    def mentioned(self) -> bool:
        return self.hazard is not None


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts))


_GAS_ZH = r"(?:煤气|燃气|天然气|液化气|瓦斯|沼气)"
_LIFT_ZH = (
    r"(?:电梯|电悌|电体|电题|电提(?!醒|示|前|供|高|交|款|现)|䢂|𨋢|梯子里|轿厢|lift|elevator)"
)
_LIFT_EN = r"(?:lift|elevator)"
# What carries current where water must not reach it.
_LIVE_ZH = r"(?:电箱|电表箱|配电箱|电闸|插座|插线板|插排|排插|开关|灯座|灯具|电灯|吊灯|吸顶灯|灯管|筒灯|射灯|浴霸|排气扇|换气扇|电热水器|充电桩|电器)"
_POWER_ROOM_ZH = (
    r"(?:配电间|配电房|配电室|电房|电井|强电井|电表间|变电箱|变压器|充电桩|电箱|配电箱|电表箱)"
)
_CHILD_ZH = r"(?:孩子|小孩|宝宝|娃娃?|儿童|小朋友|小婴儿|婴儿|幼儿|小男孩|小女孩|小姑娘|男孩|女孩|小学生|初中生|中学生|学生|弟弟|妹妹|侄子|侄女|外甥女?|孙子|孙女|儿子|女儿|闺女)"
# A small child's danger or distress, and no adult with it.
_CHILD_DANGER_ZH = (
    r"(?:哭|喊|哑|水池|泳池|池塘|河|湖|喷泉|马路|车道|窗|阳台|楼顶|天台|栏杆|边上晃|爬)"
)
_NO_ADULT_ZH = r"(?:没有?大人|大人(?:好像|可能|应该|估计)?(?:一直|都|还)?(?:没回来|不在|没在|出门|出去|走了)|没(?:有)?(?:看到|见)?(?:家长|大人)|家长(?:不在|没在|不见)|没人(?:看着?|管))"
_ELDER_ZH = r"(?:老人|老伯伯|老伯|老太太|老太|老大爷|老爷子|老爷爷|老奶奶|老头|大爷|大妈|阿婆|婆婆|爷爷|奶奶|外婆|外公|姥姥|姥爷|阿嬷|阿嫲|嫲嫲|姑婆|姨婆|太婆|太奶奶|太爷爷|老伴)"

HAZARDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "gas",
        _rx(
            r"\breek\w* of gas|hiss\w*.{0,50}(?:smell|odou?r)|(?:smell|odou?r)\w*.{0,50}hiss",
            r"gas (?:hose|pipe|tube|line)\b.{0,30}(?:popped off|came off|come off|came loose|disconnected|split|cracked)",
            rf"(?:{_GAS_ZH}|灶).{{0,8}}(?:软管|皮管|管子|胶管).{{0,6}}(?:脱落|掉了|松了|脱了|裂了|破了)",
            r"(?:热水器|灶|炉子|燃气|煤气|沼气).{0,20}味.{0,10}越来越(?:浓|重|大|冲)",
            rf"{_GAS_ZH}(?:灶|表|管|管道|阀|阀门|热水器|罐)?.{{0,10}}(?:嘶嘶|呲呲|滋滋|有(?:一)?股(?:怪)?味|有味道|味道很?(?:大|重|冲))",
            r"(?:smell|odou?r|whiff)\w*.{0,25}(?:like|of) gas|gas.{0,20}(?:smell|odou?r)",
            r"臭鸡蛋(?:的)?(?:味|气味)|(?:像|跟|似)臭鸡蛋|臭鸡蛋(?:似的|一样)",
            r"(?:嘶嘶|呲呲|哧哧|滋滋|丝丝)(?:地|的)?(?:响|声|漏).{0,14}(?:味|闻|呛)|(?:味|闻|呛).{0,14}(?:嘶嘶|呲呲|哧哧|丝丝)(?:地|的)?(?:响|声)",
            r"(?:灶|燃气管|煤气管|燃气阀|煤气阀|燃气表|煤气表).{0,12}(?:味儿?|味道)(?:不对|怪怪|不太对|好怪)",
            rf"{_GAS_ZH}.{{0,6}}(?:管|管道|阀|表).{{0,6}}(?:钻破|挖断|挖破|打穿|弄破|破了|断了|裂了|嘶嘶|呲呲)",
            rf"(?:钻破|挖断|挖破|打穿|弄破|挖到)了?.{{0,4}}{_GAS_ZH}",
            rf"{_GAS_ZH}.{{0,8}}(?:有|一股|好大|很冲|冲鼻).{{0,2}}(?:味|气味)",
            rf"{_GAS_ZH}.{{0,8}}(?:头晕|头疼|恶心)",
            r"rotten[- ]eggs? (?:smell|odou?r)|smell(?:s|ing)? (?:of|like) rotten eggs?",
            r"(?:drill(?:ed)?|dug|cut|hit|damaged|broke|punctured)\s+(?:through\s+|into\s+)?(?:a|the|our)\s+gas\s+(?:pipe|line|main)",
            r"gas (?:pipe|line|main)\b.{0,30}(?:hiss|leak|smell|broken|burst|damaged|cut)",
            r"gas meter\b.{0,30}(?:hiss|leak|smell)",
            r"hissing.{0,20}gas|gas.{0,20}hissing",
            r"carbon monoxide (?:detector|alarm)",
            rf"{_GAS_ZH}\s*(?:的)?\s*(?:味|臭|漏|泄|外泄|泄露|泄漏|跑气|报警器(?:一直|在)?响)",
            rf"(?:闻到|有|一股|好大的?|很大的?|好浓的?|浓浓的?)\s*{_GAS_ZH}",
            r"漏气(?!门|嘴)",
            r"一氧化碳",
            # an unnamed alarm sounding together with a strange smell (not a burning one)
            r"(?<!烟感)(?<!烟雾)报警(?:器|的)?.{0,16}(?:响|叫|鸣|嘀|滴).{0,30}(?:怪味|异味|臭味|味道(?:不对|很怪|怪怪|好怪)|闻到.{0,4}(?:怪|异|臭)味)|(?:怪味|异味|臭味).{0,30}(?<!烟感)(?<!烟雾)报警(?:器)?.{0,10}(?:响|叫|鸣|嘀)",
            r"(?<!smoke )(?<!fire )(?:alarm|detector)\b.{0,30}(?:beep\w*|going off|sounding|ringing|screech\w*).{0,40}(?:strange|weird|funny|odd|chemical|bad) (?:smell|odou?r)|(?:strange|weird|funny|odd|chemical) (?:smell|odou?r).{0,40}(?<!smoke )(?<!fire )(?:alarm|detector)\b.{0,20}(?:beep\w*|going off|sounding)",
            r"燃气报警(?:器)?.{0,4}(?:响|叫|鸣|报警|嘀|滴)",
            r"煤气中毒",
            r"smell(?:s|ing|ed)?\s+(?:of\s+|like\s+)?(?:gas|propane|natural gas)",
            r"gas\s+(?:leak|leaking|smell|is leaking|escaping|alarm (?:is )?(?:going off|beeping))",
            r"leak(?:ing)?\s+gas",
            r"carbon monoxide",
            r"\bco alarm",
            r"stinks? of gas",
            r"gassy smell",
            r"(?:hob|cooker|stove|gas oven)\b.{0,12}(?:is |'s )?leaking|(?:stinks?|smell\w*|odou?r).{0,40}(?:dizzy|light-?headed|headache|nause\w*)",
            r"(?:头疼|头晕|头痛|恶心|想吐|犯困|晕乎).{0,20}(?:热水器|燃气|煤气|炉子|煤炉|炭火|烧炭|取暖器|灶)|(?:热水器|煤炉|炭火|烧炭|炉子|取暖炉).{0,20}(?:头疼|头晕|头痛|恶心|想吐|晕倒)",
            r"(?:灶|灶台|煤气|燃气|阀门|旋钮|开关).{0,8}(?:没关|忘了关|没拧紧|拧不紧|关不上).{0,20}(?:味|头晕|晕|呛|漏)|(?:怪味|味道|异味).{0,20}(?:灶|旋钮|阀门|燃气|煤气).{0,8}(?:没关|忘了关|没拧紧|拧不紧)",
            r"(?:怪味|异味|味道很怪).{0,20}(?:头晕|头疼|恶心|想吐)|(?:头晕|头疼|恶心|想吐).{0,20}(?:怪味|异味)",
            r"(?:headaches?|dizzy|light-?headed|nause\w*|feel(?:ing)? sick|throwing up|drowsy).{0,40}(?:boiler|heater|stove|hob|gas|fireplace|burner)|(?:boiler|heater|stove|hob|burner|fireplace).{0,40}(?:headaches?|dizzy|nause\w*|feel(?:ing)? sick|throwing up|drowsy)",
            rf"{_GAS_ZH}(?:罐|瓶|钢瓶|管子?|管道|软管|灶|表|阀门?)?.{{0,4}}(?:漏了|在漏|漏出来|往外漏)",
            rf"(?:像|好像|跟|似)(?:是)?{_GAS_ZH}(?:味|一样|似的)?",
            r"(?:sulph?ur|sulfur)\w*.{0,30}(?:smell|odou?r|stink)|(?:smell|odou?r|stink)\w*.{0,30}(?:sulph?ur|sulfur)",
            r"gas (?:detector|alarm|sensor)\b.{0,30}(?:going off|beeping|keeps|won'?t stop|sounding|ringing|screaming)",
            # the leak verb before the gas ("漏煤气", "跑燃气了")
            rf"(?:漏|泄漏|泄露|跑)了?(?:点|些|好多)?{_GAS_ZH}",
            # the flame is out or the tap will not close, and gas keeps coming
            r"(?:火|火苗).{0,5}(?:灭|熄|熄灭)了.{0,8}气(?:还在|一直在?|不停地?|还)(?:出|冒|漏|跑|往外)|(?:灶|旋钮|阀门?|总阀|开关).{0,8}(?:关不上|关不住|关不了|拧不动|拧不上).{0,16}气(?:还在|一直|不停)",
            r"(?:flame|fire|pilot light) (?:went|has gone|is|blew) out.{0,40}\bgas\b|\bgas (?:is )?(?:still |keeps )(?:coming|pouring|flowing|hissing|escaping)|(?:knob|valve|tap) (?:won'?t|doesn'?t|can'?t|will not) (?:turn|close|shut).{0,30}\bgas\b",
        ),
    ),
    (
        "water_electric",
        _rx(
            r"(?:冒|闪|打)(?:蓝光|电光|蓝火)|电弧|\barc(?:ing|ed)\b|blue (?:flash|sparks?)",
            r"(?:电井|电缆井|强电井).{0,8}(?:打火|啪啪|冒烟|火花|滋滋)",
            rf"(?:漏|渗|流|进|喷|淋|滴|淌|泼)(?:水)?(?:到|进|在)?.{{0,8}}{_LIVE_ZH}",
            # water reaching a switch room, a charging post or the fuse box
            rf"(?:漫|淹|泡|流|灌|渗|进)(?:到|进)了?.{{0,6}}{_POWER_ROOM_ZH}|{_POWER_ROOM_ZH}(?:门口|里面?|那里|旁边|底下)?.{{0,6}}(?:全是水|都是水|进水|泡水|积水|泡在水)",
            # a humming current in the wall, a hot wall plate
            r"电流声|(?:墙|插座|开关|面板|电线|插头|电箱|配电箱|电表箱).{0,8}(?:烫手|发烫|烫得|很烫|好烫)",
            # a downed line, sparking or lying in water
            r"电线.{0,6}(?:断了|掉|垂|耷拉|搭在|落).{0,12}(?:地上|水里|下来|冒火|火星|火花|滋滋|噼啪)",
            r"(?:空调外机|外机|电器|电箱|电表|电闸|插座|开关|充电桩|电动车充电器|变压器).{0,6}(?:闪|冒|打)了?(?:几下|一下)?(?:火光|火花|电火花|蓝光)",
            r"水.{0,8}(?:灯|吊灯|灯座|灯具|灯罩|浴霸|电箱|电表|插座|开关|配电箱).{0,6}(?:流|滴|渗|漏|进|泡|淌|往下|冒)",
            r"(?:水|湿|漫|泡|淹).{0,10}(?:插座|插线板|插排|排插|电箱|配电箱|开关|电线).{0,8}(?:滋滋|噼啪|啪啪|冒火|冒烟)",
            r"(?:live|exposed|bare|hanging) wires?.{0,30}(?:water|wet|flood|puddle)|(?:water|wet|flood\w*).{0,40}(?:live|exposed|bare) wires?",
            r"(?:灯|吊灯|灯座|灯具|电箱|电表|插座|开关|配电箱|light fi\w+|lamp|socket).{0,6}(?:进水|滴水|渗水|往下滴|往下淌|淌水|流水|漏水|泡在水|积满了?水|积了?水|全是水|都是水)",
            r"水.{0,6}(?:light fi\w+|lamp|socket|outlet).{0,6}(?:滴|流|淌|漏|往下)",
            r"水(?:顺着|沿着|从)?.{0,4}(?:电线|线路|电缆|电箱|插座|电表).{0,6}(?:流|滴|淌|渗|漏)",
            r"(?:水|漫|泡|淹).{0,8}(?:插座|插线板|插排|排插|电箱|配电箱|电线|电器|电源).{0,12}(?:还)?(?:插着电|通着电|有电|带电|开着|连着电)",
            r"(?:电线|插座|插头|开关|电箱|配电箱|电表|电器|充电器|线路|灯).{0,8}(?:冒火星?|火星子|火花|跳火|打火)|(?:冒火星|火星子|火花|跳火).{0,8}(?:电线|插座|插头|开关|电箱|配电箱|电表|电器|线路)",
            r"(?:摸|碰).{0,6}(?:麻手|麻了|电了一下)|(?:有电|带电|水).{0,16}(?:踩|摸|碰).{0,8}麻|被电了",
            r"(?:配电箱|电箱|电表箱|插座|开关).{0,8}(?:噼里啪啦|啪啪|滋滋)",
            r"water.{0,60}(?:light fitting|light fixture|ceiling light|lamp|socket|outlet|fuse box|switch|meter box)|(?:light fitting|light fixture|ceiling light|extractor fan|exhaust fan|ceiling fan|bathroom fan|socket|outlet|fuse box|switch)\b.{0,25}(?:full of|dripping|leaking|filling with|pouring) water",
            r"got (?:a |an )?(?:electric )?shock",
            r"crackling",
            r"跳火",
            r"电线.{0,4}(?:冒烟|烧|着|焦|熔|化了)",
            r"插座.{0,4}(?:冒烟|烧|焦|黑了|熔)",
            r"漏电",
            r"触电",
            r"电到人",
            r"被电(?:了|到|击)",
            r"电击",
            r"配电箱.{0,4}(?:冒烟|烧|着)",
            r"电表箱.{0,4}(?:冒烟|烧|着)",
            r"\bspark(?:s|ing|ed)?\b",
            # a fitting that carries current with water coming out of it ("浴霸往下滴水")
            r"(?:灯座|灯具|吊灯|吸顶灯|灯管|筒灯|射灯|浴霸|排气扇|换气扇|抽风机|插座|开关|电箱|配电箱|电表箱|电闸|排插|插排|插线板)(?:里|里面|上)?.{0,4}(?:往下|一直|不停地?)?(?:滴水|漏水|进水|渗水|淌水|流水|冒水)",
            # a shock told by the body: Cantonese 电亲 / 俾…电, a tingle from a tap or a shower
            r"电亲|(?:俾|畀|被).{0,6}电(?:亲|到|了一下)|(?:花洒|水龙头|龙头|热水器|淋浴|水管|铁门|栏杆|门把手?|洗衣机|冰箱|外壳).{0,10}(?:电人|电到人|电手|麻手|带电|有电)",
            r"(?:tingl\w*|\bzap(?:s|ped|ping)?\b|\bjolt\b).{0,60}(?:touch\w*|tap|faucet|shower|handle|railing|metal|heater|appliance|washing machine|fridge|water)|(?:touch\w*|tap|faucet|shower|handle|railing|heater|appliance|washing machine|fridge)\b.{0,60}(?:tingl\w*|\bzap(?:s|ped)?\b|\bjolt\b)",
            # water at a light that flickers or buzzes
            r"water\b.{0,60}\b(?:lights?|lamps?|bulbs?)\b.{0,40}(?:flicker\w*|buzz\w*|spark\w*|crackl\w*|went out|tripp\w*)|\b(?:lights?|lamps?)\b.{0,30}(?:flicker\w*|buzz\w*).{0,40}\bwater\b|水.{0,10}灯.{0,10}(?:一闪一闪|忽明忽暗|闪个不停|一直闪|滋滋)",
            # a cable down in water, or one that buzzes
            r"(?:cables?|wires?|wiring|power lines?)\b.{0,30}(?:hanging|dangling|lying|down|fallen|loose|snapped).{0,40}(?:puddle|water|wet|flood\w*|buzz\w*|spark\w*|crackl\w*)|(?:cables?|wires?|wiring|socket|outlet|fuse box|meter box|breaker)\b.{0,30}\b(?:buzz(?:es|ing)|fizz(?:es|ing)|hissing)\b",
            r"electrical fire",
            r"(?:wires?|wiring|socket|outlet|plug|power strip|extension (?:lead|cord)|power board|charger|adapter|light switch|"
            r"fuse box|breaker|meter box)(?:\s+\S+){0,4}?\s+(?:is\s+|are\s+|has\s+)?(?:smoking|burning|melting|melted|charred)",
            r"electric(?:al)? shock",
            r"electrocut",
            r"got shocked",
            r"live (?:wire|cable|line)|(?:power|electric(?:al)?) (?:line|cable)s?\b.{0,20}(?:down|hanging|fell|fallen|snapped|in the water|buzzing)|downed (?:power )?lines?",
            r"exposed (?:live )?wires?",
        ),
    ),
    (
        "fire",
        _rx(
            r"(?:balcony|flat|kitchen|car|van|roof|bins?|shed|bike|e-?bike|scooter|motorbike|batter(?:y|ies)|charger|power bank|mattress|hedge|tree|grass|room|house|building|sofa|curtains?|wardrobe|pan)\s+(?:is\s+|are\s+)?(?:burning|ablaze|alight)",
            r"火(?:好|很|特别|越来越|更|又)(?:大|旺)",
            r"(?:电池|电瓶|充电宝|锂电池).{0,4}(?:炸了|爆了|爆炸|起火|鼓包冒烟)",
            r"(?:锅|油锅|油|窗帘|被子|沙发|衣服|柜子|垃圾桶|车|电瓶车)(?:也|都)?着了",
            r"大火|火很大|火势|烧得很厉害",
            r"自燃",
            r"(?:起火|着火)了?.{0,4}灭不(?:掉|了)|火(?:还是|还|也|都|根本)(?:灭不(?:掉|了)|扑不灭|浇不灭|没(?:有)?灭)|火(?:还在|一直在?|仍在|仍然在)(?:烧|着|冒)",
            r"(?:smoke|fire) alarm.{0,20}(?:scream|going off|won\'t stop).{0,40}(?:burn|smoke)|(?:burn|smoke).{0,40}alarm.{0,10}(?:scream|going off)",
            r"thick smoke|black smoke|smoke (?:is\s+)?(?:pouring|billowing)",
            r"(?:bin room|flat|car|bike|e-bike|scooter|kitchen|building)\s+(?:is\s+)?on fire",
            r"(?<![打点不没])着火",
            r"起火",
            r"失火",
            r"火灾(?!险|保险|演|隐患|预防|知识)",
            r"冒(?:白|黑|青|灰|浓)?烟",
            r"浓烟",
            r"(?:全|到处|满屋子?|一屋子?)(?:都)?是(?:白|黑|青|灰|浓)?烟",
            # something set alight, the fire climbing or beyond a bucket of water
            r"把.{1,10}(?:点着|引燃|烧着)了|(?:衣服|窗帘|被子|床单|沙发|床|柜子|杂物|纸箱|垃圾|树|草)(?:被)?(?:点着|引燃)了",
            r"火(?:苗|势)?(?:一直|还在|都|已经)?(?:往上|往外|往里|往楼上|到处)(?:窜|蹿|蔓延|烧|扑)|火.{0,4}(?:蔓延|窜上|蹿上)",
            r"(?:泼|浇|扑|踩|拍|盖)不(?:灭|熄)",
            r"烟雾弥漫",
            r"烧起来",
            r"火烧",
            r"烧着了",
            r"火苗",
            r"火星子|冒火星|火花",
            r"明火",
            r"烟(?:很大|好大|雾弥漫|味很大|特别大)",
            r"烧焦(?:的)?味|烧(?:塑料|橡胶|胶皮|电线)(?:的)?(?:味|气味)|(?:塑料|橡胶|胶皮)(?:烧|烧焦|烧着)了?(?:的)?(?:味|气味)",
            r"糊味",
            # Cantonese: something burning right now (烧紧), a burnt smell (燶味), a fire (火烛)
            r"烧紧|火烛|[燶㶶]味|烧[燶㶶]|(?:有嘢|有野|有东西|乜嘢|什么东西)(?:在|正在)?烧(?:紧|着|起来)?",
            # smoke pouring out of something, told smoke-first ("有烟冒出来")
            r"(?:有|一股|好多|很多|一阵|黑|白|浓)烟.{0,6}(?:冒(?:出来|出|起来)|往外冒|一直冒|不停地?冒)|烟从.{1,8}(?:往外|一直|不停地?)?冒(?:出来|出)",
            r"smoke\b.{0,40}(?:getting|got|is) (?:thick|thicker|worse|heavier|darker)|(?:throwing|pouring|chucking) water on (?:it|the fire|the flames)",
            r"焦糊味",
            r"(?:there'?s|there is|a|big|kitchen|electrical|house)\s+fire\b(?!\s*(?:drill|alarm|door|exit|escape|extinguisher|safety|hydrant(?!.{0,20}(?:hit|knocked|burst|spraying|gushing))|inspection|lane|insurance|code|regulation|training))",
            r"\bon fire\b",
            r"\b(?:caught|catch|catching) fire",
            r"fire (?:broke out|is spreading|in (?:the|my|our|a)\b(?!\s*(?:drill|alarm)))",
            r"^\s*fire\s*!*\s*$",
            r"\bfire!",
            r"flames?\b(?!\s*(?:retardant))",
            r"smoke\s+(?:is\s+)?(?:coming|pouring|billowing|everywhere|from|in the|filling)",
            r"full of smoke",
            r"smell(?:s|ing)? (?:of |like )?(?:smoke|burning)",
            r"burning smell",
            r"something(?:'s| is) burning",
            r"\bsmoky\b",
            r"(?:is|are) smoking\b",
            r"(?:楼道|走廊|楼梯间?|屋里|家里|房间|客厅|厨房|电梯间|车库)(?:里)?(?:有|冒|飘)(?:好多|很多|一股|一些)?烟.{0,10}(?:呛|看不清|睁不开|咳)|呛得.{0,8}(?:睁不开|喘不|咳|看不清).{0,10}烟",
        ),
    ),
    (
        "trapped",
        _rx(
            r"(?:won\'?t|doesn\'?t|can\'?t|cannot|will not) (?:be )?open(?:ed)? from (?:the )?inside",
            r"(?:人|我(?!家)|我们(?!家)|我妈|我爸|孩子|小孩|老人|老公|老婆|他|她|奶奶|爷爷).{0,16}(?:里面|里头|里边)(?:打不开|开不了|开不开)|(?:里面|里头|里边)(?:打不开|开不了|开不开).{0,10}(?:在喊|喊|叫|拍门|出不来|哭)",
            rf"{_LIFT_ZH}.{{0,12}}(?:停|卡|坏|不动|黑).{{0,8}}(?:里面|里头|里边)(?:还)?(?:有)?(?:好几|几|两|三|一)个?人",
            r"(?:锁|关|反锁)在.{1,8}(?:上|里)?了?.{0,4}(?:下不去|下不来|上不去|上不来|出不去|出不来)",
            r"half (?:stuck|trapped|in and half out)|(?:stuck|stopped|opened|stuck) between (?:two )?floors",
            r"(?:stuck|trapped|locked) in(?:side)? (?:the )?电梯",
            rf"{_LIFT_ZH}.{{0,12}}(?:掉|坠|冲顶|蹲底|卡在.{{0,4}}中间).{{0,10}}(?:人|我|我们).{{0,4}}(?:在|还在)?里",
            rf"{_LIFT_ZH}.{{0,12}}门.{{0,4}}(?:打不开|开不了).{{0,10}}(?:里面|里头).{{0,4}}(?:有|关着|还有)",
            r"(?:锁|关|反锁)在.{1,6}(?:里|里面)?.{0,4}(?:出不去|出不来)",
            r"(?:shut|locked|stuck|jammed) in (?:the |an? )?(?:lift|elevator|room|basement|bin room|storeroom|garage|stairwell)\b",
            rf"{_LIFT_EN}.{{0,40}}(?:jammed|stuck|stopped|broke|dropped).{{0,30}}(?:we\'?re|i\'?m|we are|i am|people|someone|a man|a woman|kids?|child) (?:are |is )?(?:still )?inside",
            rf"{_LIFT_EN}.{{0,30}}doors? (?:won\'?t|will not|don\'?t|can\'?t) open.{{0,30}}(?:someone|a man|a woman|people|kids?|child|my \w+|we|i) (?:is |are |am )?(?:inside|in there|in it)",
            rf"(?:locked|shut|stuck)\s+inside\s+(?:the\s+)?{_LIFT_EN}",
            r"(?:can\'?t|cannot) get out",
            rf"{_LIFT_ZH}.{{0,12}}(?:有人|里面有|关着|困|被关|出不来|下不来|人在里面|孩子在里面|老人在里面)",
            rf"(?:被?困|被?关|(?<![手脚头腿臂指袋])卡)(?:在|住在)?{_LIFT_ZH}",
            r"困电梯",
            rf"{_LIFT_ZH}.{{0,6}}关(?:了)?人",
            rf"(?:我|我们|人|孩子|小孩|老人|我妈|我爸|老公|老婆|女儿|儿子|俺|娃)(?:还|正|现在)?在{_LIFT_ZH}(?:里|里面|里头|里边).{{0,16}}(?:打不开|开不了|不动了|停了|卡住|卡了|下不去|出不去|出不来|没人理|按警铃)",
            rf"{_LIFT_ZH}.{{0,16}}(?:卡住|卡了|停了|停住|不动了|坏了|黑了|打不开|开不了|开不开|stuck).{{0,16}}(?:我|我们|人|孩子|小孩|老人)(?:还)?(?:在|困在)?(?:里头|里面|里边|在里)",
            rf"{_LIFT_ZH}.{{0,16}}(?:里头|里面|里边)(?:还)?有(?:个|一个|两个|几个)?(?:人|小孩|孩子|老人|宝宝)",
            r"(?:我|我们|孩子|小孩|老人|人|宝宝|娃|我妈|我爸|老公|老婆|奶奶|爷爷|姥姥|姥爷|外婆|外公|闺女|女儿|儿子|小朋友|家人)(?:被)?(?:反锁|锁|关)在(?:了)?.{0,6}(?:里面|里头|屋里|卫生间|厕所|洗手间|浴室|房间|阳台|家里|地下室|储藏间|储藏室|储物间|杂物间|车库|仓库|天台|楼顶|机房)",
            r"(?:我|我们|人|孩子|小孩|老人|他|她)(?:还|都)?(?:在|困在|关在)里(?:面|头|边)?.{0,6}(?:出不去|出不来)",
            rf"{_LIFT_ZH}.{{0,6}}(?:停在|卡在|停到|卡到)(?:了)?(?:半截|半路|半空|两层|两楼|楼层)(?:中间|之间)?",
            rf"(?:我|我们|人|孩子|小孩|老人|我妈|我爸|老公|老婆|女儿|儿子|闺女|娃)(?:还|正|现在)?在{_LIFT_ZH}(?:里|里面|里头|里边).{{0,24}}(?:不动|没反应|没用|打不开|开不了|出不去|出不来)",
            rf"{_LIFT_EN}.{{0,40}}(?:there (?:are|is) )?(?:\d+|two|three|four|five|six|some|several) of us (?:are |still )?(?:inside|in here|in it|stuck|trapped)",
            r"(?:锁死|堵死|封死)了?.{0,12}(?:出不去|出不来)",
            # Inside a stopped or dark lift, told by how it feels in there.
            rf"{_LIFT_ZH}.{{0,12}}(?:停|卡|不动|坏|黑|掉).{{0,24}}(?:黑漆漆|黑乎乎|黑咕隆咚|一片黑|伸手不见|幽闭|憋得|闷得|喘不|好难受|害怕|好怕|按(?:了)?(?:警铃|铃|呼叫)|没人理|没人应)",
            rf"停电.{{0,10}}在{_LIFT_ZH}(?:里|里面|里头|里边)|在{_LIFT_ZH}(?:里|里面|里头|里边).{{0,10}}停电",
            # Shut in a room from outside, or locked in with no subject named.
            r"(?<!钥匙)(?<!手机)(?<!东西)(?<!狗)(?<!猫)(?<!宠物)被(?:反锁|锁|关)在(?:了)?.{0,6}(?:里面|里头|屋里|卫生间|厕所|洗手间|浴室|房间|阳台|地下室|储藏间|储藏室|储物间|杂物间|车库|仓库|天台|机房)",
            r"门(?:被)?(?:从|在)外(?:面|边|头)(?:被人?)?(?:锁|反锁|插|堵|顶|闩)(?:上|住|死)?了",
            r"(?:locked|shut|bolted) (?:in )?from (?:the )?outside|(?:door|gate) (?:is |got |was )?(?:locked|jammed|stuck) (?:and|with) (?:i'?m|we'?re|i am|we are|someone|my \w+) (?:still )?inside",
            # Someone (or an animal) wedged or stuck somewhere and unable to get out.
            r"卡(?:住|着)了?(?:个|一个|两个)?(?:人|小孩|孩子|小朋友|宝宝|老人)|(?:卡|夹|困)住.{0,12}(?:出不来|出不去|拔不出|弄不出)",
            r"(?:狗|猫|宠物|狗狗|猫咪|小狗|小猫).{0,4}(?:被)?.{0,8}(?:卡在|卡住|压住|夹住|困在)|(?:狗|猫|宠物|狗狗|猫咪|小狗|小猫).{0,6}(?:关|锁)在.{0,4}车里",
            r"(?:dog|cat|puppy|kitten|pet)s? (?:is |was |got |are |has been )?(?:(?:stuck|trapped|wedged|pinned) (?:in|inside|under|between|behind)\b|(?:shut|locked|left) in (?:a |the |my |their )?(?:hot )?car\b.{0,40}(?:hot|heat|panting|windows? (?:up|closed|shut)))",
            r"(?:车|车子|汽车)(?:里|内|里面)(?:被)?(?:锁着|关着|留着|困着|锁了|关了)(?:一只|一条|只|条)?(?:狗|猫|宠物|狗狗|猫咪|小狗|小猫).{0,24}(?:热|晒|太阳|窗(?:户)?(?:都)?关|喘|闷|叫)|(?:闸门|卷帘门|车库门|大门|门|车|柜子|铁门|栏杆)(?:给)?(?:压住|夹住|卡住|压着|夹着|卡着)(?:了)?(?:一只|一条|只|条)?(?:狗|猫|宠物|狗狗|猫咪|小狗|小猫)",
            # the door gave way and the resident cannot leave the room
            r"门.{0,6}(?:坏了|卡住|卡死|锁死|打不开|开不了|开不开|拧不开|拉不开).{0,12}(?:我|我们|人|孩子|老人)(?:被)?(?:困|关)?(?:在里面)?.{0,3}(?:出不去|出不来)|(?:我|我们)(?:现在)?(?:出不去|出不来)了?.{0,12}门.{0,6}(?:坏|卡|锁死|打不开|开不了|开不开)",
            r"被困",
            r"困在",
            r"困住",
            rf"(?:关|锁)在{_LIFT_ZH}",
            r"出不来了",
            rf"{_LIFT_ZH}.{{0,16}}(?:我们|我|人|孩子|老人|小孩).{{0,4}}(?:出不去|出不来|下不来)",
            rf"(?:stuck|trapped|locked)\s+(?:inside\s+|in\s+)(?:the\s+|a\s+|an\s+)?{_LIFT_EN}",
            r"(?:i'?m|we'?re|i am|we are|someone|somebody|people|person|kids?|child|children|"
            r"(?:my|our|a|an|the|two|three)\s+(?:little\s+|old\s+|elderly\s+)?(?:son|daughter|kids?|child|children|"
            r"mother|mom|mum|dad|father|grand\w+|wife|husband|baby|neighbou?r|friend|man|woman|lady|"
            r"boy|girl|people|residents?|guy|delivery \w+|courier|cleaner|worker|family|parents?))"
            r"\s+(?:is\s+|are\s+|got\s+|get\s+|has been\s+|have been\s+)?(?:stuck|trapped)\b",
            rf"{_LIFT_EN}.{{0,40}}(?:with (?:someone|people|me|us|my \w+|a \w+) (?:inside|in it)|people inside|someone inside|(?:are|is) (?:stuck|trapped) inside)",
            r"\btrapped\b",
            rf"(?:in|inside) the {_LIFT_EN}.{{0,40}}(?:stopped|stuck|not moving|won\'?t move|won'?t open|doors? (?:won'?t|don'?t|will not) open)",
            rf"{_LIFT_EN}.{{0,30}}(?:stopped|stuck|jammed).{{0,30}}(?:inside|in it|in there|still in)",
        ),
    ),
    (
        "flood",
        _rx(
            r"(?:水|积水).{0,4}(?:到|没过|淹到|漫到)了?.{0,4}(?:车轮|轮胎|小腿|膝盖|腰)",
            r"(?:还在|一直|不停地?)往(?:我|我们|你|他|她)?(?:里|屋里|家里|家|屋|下|楼下|店里|房间)(?:灌|涌|冲|进)",
            # depth told by the body or the place it has reached
            r"(?:没过|淹到|淹过|淹没|漫到|漫过)了?.{0,3}(?:脚背|脚面|脚脖子|脚踝|脚|小腿|膝盖|大腿|腰|车轮|轮胎|门槛|台阶|大堂|一楼|地库|车库)",
            # water forcing its way in or up
            r"水.{0,4}(?:一直|不停|还在)?(?:灌|涌|倒灌)进(?:来|屋|家|店|门)|水.{0,4}(?:一直|不停|还在)?往上(?:涌|冒|反|返|喷)|(?:反水|返水|倒灌).{0,10}(?:往上|一直|越来越|涌|漫)",
            # a joint, hose or tank that burst open
            r"(?:水管|管子|软管|接口|接头|角阀|进水管|热水器|水箱|水罐)(?:的)?(?:接口|接头)?(?:突然)?(?:崩|爆|炸|裂|脱)(?:开|了|掉)",
            r"(?:tank|cylinder|boiler|water heater|hose|radiator|valve)\b.{0,40}(?:burst|split open|exploded|ruptured|blew|came off)",
            r"water (?:is )?(?:running|pouring|coming|flowing|gushing|seeping|streaming|spilling|leaking) (?:out )?(?:from )?under (?:the |their |his |her |my |our |a )?(?:\w+'s )?(?:front |flat |apartment |bathroom )?door",
            r"水(?:从|由)?.{0,4}(?:门缝|门底下|门下面|门口).{0,6}(?:流|淌|涌|渗|冒)(?:出来|到楼道|到走廊)|水.{0,8}(?:流|淌|漫|涌)(?:到|进)了?(?:楼道|走廊|电梯|楼梯)",
            # Cantonese: the whole flat soaked
            r"浸(?:晒|哂|咗|了)|(?:满屋|全屋|整间屋|一屋).{0,4}(?:浸|淹|泡)",
            r"(?:半尺|一尺|一拃|几公分|[一二三四五六七八九十几\d]+(?:厘米|公分|cm))深的?水|(?:反水|返水|倒灌).{0,20}(?:泡|淹|深)",
            r"(?:coming|pouring|gushing|streaming) (?:in )?(?:through|from) (?:the |their |our |my |his |her )?ceiling",
            r"水(?:冲|喷|滋)得(?:老高|好高|很高|一人多高)",
            r"水管.{0,3}(?:裂|爆开|爆裂)",
            r"(?:热|冷|自来)?水管(?:子)?(?:爆|炸)开",
            r"水.{0,6}没过(?:脚|脚面|脚踝|膝盖)",
            r"(?:家里|屋里|房间)进水了.{0,10}(?:泡|淹|全湿)",
            r"(?:水从|水往).{0,8}(?:往下|下来).{0,4}(?:倒|灌|涌|冲)",
            r"(?:总阀|水阀|阀门)(?:关不住|关不上|关不了|坏了).{0,10}水",
            r"水越来越(?:多|深|大)",
            r"(?:往下|往屋里|往家里|往里)(?:灌|涌|冲|倒)水|水(?:往|从).{0,6}(?:灌|涌)进",
            r"(?:天花板|顶上|房顶|楼上|墙里|墙上).{0,8}(?:哗哗|哗啦啦?|刷刷)",
            r"(?:天花板|屋顶|顶上|吊顶|墙).{0,10}(?:跟|像)下(?:大)?雨(?:一样|似的)",
            r"水.{0,16}(?:像|跟)?瀑布|水往.{0,8}(?:灌|涌|冲)",
            r"(?:地上|地面|屋里|家里|客厅|卧室|厨房|卫生间).{0,8}(?:一指|一寸|一拃|半尺|几公分|[一二三四五六七八九十几\d]+(?:厘米|公分|cm))深",
            r"(?:总阀|总闸|阀门|水阀|水闸|总水阀).{0,10}(?:止不住|停不下|还在(?:流|喷|冒|漏)|没用)",
            r"(?:water|it)(?:'s| is) (?:coming|pouring|gushing|raining) (?:down )?(?:through|from) (?:the )?(?:ceiling|upstairs|above)",
            r"(?:shut|turned) (?:off )?the (?:main|stopcock|valve|mains).{0,30}(?:still|won'?t stop|keeps)",
            r"under (?:a foot|\d+\s*(?:cm|inches)|knee-deep|ankle-deep)?\s*(?:of\s+)?water",
            r"(?:a foot|inches|knee-deep|ankle-deep) of water",
            r"(?:can\'?t|cannot) (?:shut|turn) (?:off )?the water.{0,20}(?:rising|everywhere|pouring|off)",
            r"water (?:is )?(?:rising|pouring in|flooding in)",
            r"pipe.{0,20}(?:burst|split|exploded)",
            r"水管(?:子)?(?:突然)?(?:爆|炸|裂开|断了|崩)",
            r"爆(?:了)?(?:水管|管子?)",
            r"管子爆",
            r"爆了.{0,6}水",
            r"(?<!不会)(?<!防)淹了",
            r"被淹",
            r"淹水",
            r"水淹",
            r"漫水",
            r"水漫",
            r"漫出来",
            r"发大水",
            r"(?:全|到处|一地|满地|一屋子?)(?:都)?是(?:污水|脏水|积水|水)(?!印|渍|痕|垢|斑|费|表)",
            r"水(?:还在|一直在|不停地?)(?:涨|往上涨|上涨|升)|水位(?:还在|一直)?(?:涨|上涨|上升)|越涨越高",
            r"水(?:一直|哗哗|不停)?(?:往外)?(?:喷|冒|涌)",
            r"(?:喷水|涌水|冒水)(?:了|不止|止不住)",
            r"水止不住",
            r"关不住水",
            r"水关不住",
            r"水流成河",
            r"(?<!空调)(?:漏|渗)水.{0,6}(?:跟|像)下(?:大)?雨",
            r"水快(?:到|淹)",
            r"\bflood(?:ing|ed|s)?\b(?!\s*(?:insurance|zone|risk|plan))",
            r"burst\s+(?:water\s+)?pipe",
            r"pipe\s+(?:has\s+|just\s+)?(?:burst|exploded|split)",
            r"water (?:is |keeps )?(?:everywhere|gushing|pouring|spraying|spurting|shooting)",
            r"water (?:is\s+)?(?:coming|pouring|gushing|streaming|pouring down|flowing)\s+(?:in\s+)?(?:through|from|out of|down)\s+(?:the\s+)?(?:ceiling|walls?|light)",
            r"like a (?:waterfall|river)",
            r"can'?t stop the water",
            r"water won'?t stop",
            r"under water",
            r"inches of water",
            # a leak that grows and spreads beyond the flat
            r"(?:越来越多|越来越大|(?:有点|变|更)多了|大起来|止不住).{0,16}(?:流|漏|淌|渗)(?:到|进)了?(?:楼下|走廊|楼道|隔壁|邻居|电梯)|(?:流|淌)(?:到|进)了?(?:楼下|走廊|楼道|电梯).{0,10}(?:越来越多|止不住|还在流|一直流)|漏(?:水|得)?.{0,6}越来越(?:多|大|厉害|猛)",
            r"water\b.{0,40}(?:streaming|pouring|gushing|flowing|running|spilling|flooding) (?:out )?(?:into|down|along|across) (?:the )?(?:corridor|hallway|stairwell|stairs|landing|lobby|lift)",
            # a sprinkler or a hydrant head gone off and not stopping
            r"(?:fire |ceiling )sprinklers?\b.{0,30}(?:went off|going off|burst|broke|won'?t stop|keeps? spraying|spraying|gushing)|sprinklers? (?:in|on) the (?:corridor|hallway|ceiling|landing|lobby|flat|room|car ?park)\b.{0,30}(?:went off|going off|burst|won'?t stop|spraying|gushing)|(?:消防喷淋|喷淋头|消防喷头|天花板(?:上的)?喷头).{0,8}(?:爆|一直喷|自己喷|喷水|停不下|关不掉)",
        ),
    ),
    (
        "child_elderly",
        _rx(
            rf"{_ELDER_ZH}.{{0,10}}(?:好几天|几天|[两三四五]天|多天|一直)(?:都)?(?:没|不)(?:动静|出门|开门|接电话|应|露面|见)",
            r"(?:好几天|几天|[两三四五]天)(?:都)?没(?:出门|露面|见(?:到)?人|动静).{0,12}(?:敲门|打电话|电话).{0,6}(?:没人应|不应|没反应|不接|没人开|不开)",
            r"(?:孩子|小孩|娃|宝宝|小朋友).{0,10}(?:掉|落|摔)(?:进|到|在)?.{0,8}(?:水里|河里|湖里|池子|水池|泳池|井里|池塘|鱼池|喷泉)",
            r"(?:小孩|孩子|宝宝|娃娃?|小朋友).{0,30}(?:车道|马路|路中间|车来车往|水边|池边|河边|窗|阳台|哭).{0,16}(?:没有?大人|大人(?:一直|都|还)?(?:没回来|不在)|没人(?:看着?|管))|(?:小孩|孩子|宝宝|娃|小朋友)(?:一个人|单独|自己)在家.{0,24}(?:哭|大人)",
            r"(?:child|kid|toddler|baby|little one)s?\b.{0,60}(?:no (?:adults?|parents?|grown-?ups?)\b|nobody (?:watching|with (?:him|her|them)))",
            r"(?:(?:hasn\'?t|has not|haven\'?t)\s+(?:\w+\s+){0,4})?(?:for|in) (?:two|three|four|five|several|a few|\d+) days.{0,60}(?:no answer|not answering|nobody answers|no one answers|no reply)|(?:no answer|not answering).{0,60}(?:for|in) (?:two|three|several|a few|\d+) days",
            r"(?:lives|living) alone.{0,60}(?:not answer|hasn\'?t (?:answered|picked up|been seen)|no answer|isn\'?t answering|can\'?t reach|not picked up)",
            r"(?:hasn\'?t (?:answered|picked up|been seen)|not answering|no answer|can\'?t reach).{0,60}(?:lives|living) alone",
            r"(?:elderly|old|aged|frail) (?:mother|father|mum|mom|dad|parent|neighbou?r|lady|man|woman|aunt|uncle).{0,40}(?:hasn\'?t (?:picked up|answered|been seen)|not picked up|not answering|isn\'?t (?:answering|responding)|not responding|won\'?t answer|no answer)",
            r"独居.{0,12}?(?:联系不上|电话不接|不接电话|敲门不应|没动静)|(?:联系不上|电话不接|不接电话).{0,12}独居",
            rf"{_CHILD_ZH}.{{0,8}}(?:爬|站|坐|挂|翻).{{0,4}}(?:到|在|上|出)?.{{0,6}}(?:窗台|窗户|阳台|栏杆|护栏|外机|屋顶|楼顶|窗外|外面)",
            # a baby or child left in a closed car
            rf"(?:车|车子|汽车)(?:里|内|里面)(?:被)?(?:锁着|关着|留着|困着|锁了|关了|有)(?:个|一个|一名)?{_CHILD_ZH}|{_CHILD_ZH}.{{0,6}}(?:留|锁|关|困)在.{{0,4}}车(?:里|内)",
            # a child or elder gone, not back when expected
            rf"(?:{_CHILD_ZH}|{_ELDER_ZH}|我妈|我爸)\s{{0,2}}(?:又|突然|一下子|刚才|刚刚)?\s{{0,2}}(?:不见了|走丢了|找不到了|失踪了)",
            rf"(?:{_CHILD_ZH}|{_ELDER_ZH}|我妈|我爸).{{0,12}}(?:还没|一直没|到现在都?没|没)回(?:来|家).{{0,20}}(?:天黑|这么晚|几个小时|半夜|电话(?:也|都|一直)?(?:不接|打不通|关机|没人接)|联系不上|找不到|监控)",
            r"(?:son|daughter|kid|child|boy|girl|toddler|grand(?:son|daughter|ma|pa|mother|father)|mum|mom|dad|mother|father)\b.{0,20}(?:didn'?t|hasn'?t|has not|did not|never) (?:come|came|get|got|made it) (?:back|home)\b.{0,60}(?:dark|late|hours|not answering|can'?t (?:reach|find)|cameras?|cctv|searched|looked everywhere|missing|police)",
            # a child alone at home for a long time, crying
            rf"{_CHILD_ZH}.{{0,4}}(?:好像|可能|估计|已经|又)?(?:一个人|单独|自己)在家.{{0,24}}(?:哭|大人|没吃|饿)",
            # an elder heard calling for help or faintly through the door
            rf"{_ELDER_ZH}.{{0,12}}(?:喊救命|呼救|呻吟|哼哼|声音(?:越来越)?(?:小|弱)|有气无力|(?:拍|敲)(?:门|墙).{{0,8}}(?:喊|叫))",
            r"(?:old|elderly|aged|frail) (?:lady|man|woman|gentleman|neighbou?r|person)\b.{0,100}(?:hear|heard|hearing) (?:her|him|them)\b.{0,20}(?:call\w*|cry\w*|moan\w*|groan\w*|shout\w*|knock\w*|bang\w*)|(?:hear|heard|hearing) (?:her|him|them|someone|somebody)\b.{0,20}(?:call\w*|cry\w*|moan\w*|groan\w*) (?:weakly|faintly|for help)",
            r"(?:孩子|小孩|宝宝|娃|儿童|小朋友).{0,6}(?:反锁|锁|关)在.{0,4}车里",
            r"(?:独居)?老人.{0,10}(?:好几天|几天|一直)(?:没|不)(?:动静|出门|开门|接电话|应)",
            r"(?:孩子|小孩|儿子|女儿|闺女|宝宝|娃|小朋友|老人|我妈|我爸|奶奶|爷爷|姥姥|姥爷|外婆|外公|婆婆|老太太|老爷子|老爷爷|老奶奶)(?:又|突然|一下子|刚才|刚刚)?(?:不见了|走丢|走失|丢了|找不到了|失踪|跑丢|跑没影)",
            r"(?:孩子|小孩|儿子|女儿|闺女|宝宝|娃|小朋友|老人|我妈|我爸|奶奶|爷爷|姥姥|姥爷|外婆|外公)[^的]{0,14}(?:到处(?:都)?找不到|找遍了|联系不上)",
            r"(?:孩子|小孩|娃|宝宝|小朋友)[^的]{0,8}(?:自己)?(?:开门)?(?:跑出去|溜出去)了",
            r"(?:老年痴呆|痴呆|糊涂|认知障碍|dementia|alzheimer).{0,20}(?:跑出去|走丢|走失|找不到|没回来|wander|missing|gone out)",
            r"(?:child|kid|son|daughter|toddler|boy|girl|\d+ ?yo|\d+[- ]year[- ]old|grand(?:ma|pa|mother|father|son|daughter)|mum|mom|dad|mother|father)\b(?!'s)(?:\s+\w+){0,3}\s+(?:is|has gone|went|gone|has been|have gone)\s+missing|(?:can'?t|cannot) find (?:my|our) (?:son|daughter|kid|child|toddler|little|mum|mom|dad|grand\w+)",
            r"(?:kids?|children|child|boy|girl|孩子|小孩|娃).{0,30}(?:frozen|on the ice|冰面|冰上|湖上)|(?:ice|冰面|冰层).{0,20}(?:crack|裂)",
            r"(?:孩子|小孩|娃|宝宝).{0,10}(?:掉|落|摔)(?:进|到)?(?:水里|河里|湖里|池子|泳池|井里)|(?:孩子|小孩|娃|宝宝|小朋友|child|kid|toddler|baby|boy|girl)\S{0,12}(?:溺水|drowning|fell (?:in|into) the (?:pool|pond|river|lake))",
            r"(?:孩子|小孩|宝宝|娃|儿童|小朋友).{0,10}(?:趴|骑|蹲|爬|站)(?:在)?.{0,4}(?:窗台|窗户|阳台|栏杆|护栏|窗外|外机)",
            r"独居.{0,16}?(?:敲门(?:不应|没(?:人)?(?:反应|应|开))|没出门|没露面|没见(?:人|着))",
            r"(?<!有个)(?<!有一个)(?<!有位)(?:婆婆|阿婆|老太|老奶奶|老爷爷|大爷|大妈|老头|老太太).{0,8}(?:摔在地上|摔倒|倒在地上|跌倒).{0,12}(?:不应|没反应|起不来|门锁|锁着|锁起)",
            r"(?<!有个)(?<!有一个)(?<!有位)(?:老人|老太太|老大爷|老爷子|爷爷|奶奶|外婆|外公|姥姥|姥爷).{0,10}(?:摔倒|摔了|滑倒|跌倒).{0,6}(?:起不来|动不了|不动|昏)",
            r"(?:child|kid|toddler|baby|boy|girl)\b.{0,20}(?:standing|sitting|climbing|hanging|on) (?:on |from )?(?:the |an? |open )*(?:window|windowsill|balcony|ledge|railing|roof)",
            r"(?:child|kid|toddler|baby|boy|girl)\b.{0,10}(?:is )?(?:alone|left) (?:on|in) (?:the )?(?:roof|car|balcony)",
            r"(?:old|elderly) (?:man|woman|lady|gentleman|neighbou?r|person).{0,40}(?:not answer|hasn\'?t answer|has not answer|no answer|unresponsive|not seen)",
            r"(?:grandfather|grandmother|grandpa|grandma|granny|nan|elderly (?:father|mother|mum|dad)).{0,20}(?:fell|fallen|collapsed).{0,30}(?:can\'?t get up|cannot get up|not moving)",
            r"(?:孩子|小孩|宝宝|娃|儿童).{0,8}(?:爬上|站在|坐在|挂在|翻出|悬在).{0,6}(?:窗|阳台|栏杆|护栏|窗台|外面)",
            r"(?:孩子|小孩|宝宝|娃|儿童|小朋友).{0,8}在?(?:窗台|阳台(?:栏杆|护栏|外面|外边|边上)|栏杆|护栏|外机|屋顶|楼顶|窗外).{0,4}(?:坐|站|爬|挂|玩)",
            r"(?:孩子|小孩|宝宝|娃|儿童).{0,6}(?:反锁|锁)在.{0,6}(?:家|屋|车|房间)",
            r"(?<!有个)(?<!有一个)(?<!有位)(?:老人|老太太|老大爷|老爷子|爷爷|奶奶|外婆|外公).{0,8}(?:摔倒|倒在|叫不醒|不说话|没反应|没动静)",
            r"(?:child|kid|toddler|baby|boy|girl).{0,20}(?:on|at|hanging from|climbing)\s+(?:the\s+)?(?:window|balcony|ledge|railing)",
            r"(?:child|kid|toddler|baby).{0,20}(?:alone|locked in)",
            r"(?:孩子|小孩|宝宝|娃|儿子|女儿|小朋友)的?(?:头|手|脚|腿|胳膊|脑袋|手指).{0,4}(?:被)?(?:卡|夹)(?:在|住|进)",
            r"(?:kid|child|son|daughter|toddler|baby|boy|girl)(?:'s|s')? (?:head|arm|hand|leg|foot|finger)s? (?:is |got |has got |are )?(?:caught|stuck|trapped|wedged)",
            r"(?:水池|泳池|游泳池|池塘|河|湖|鱼池|喷泉|井).{0,12}(?:孩子|小孩|娃|宝宝|小朋友).{0,12}(?:掉(?:进去|下去|水里|进水)|扑腾|挣扎|呛水|沉下去)|(?:孩子|小孩|人|老人).{0,10}(?:在)?水里.{0,6}(?:扑腾|挣扎|呛水|往下沉)",
            rf"(?:我爸|我妈|{_ELDER_ZH})(?:一个人|独自|自己)在家.{{0,24}}(?:说话不清|嘴.{{0,2}}歪|摔|跌|倒|动不了|起不来|晕|喘不|昏|不舒服|没反应)",
            # A household elder fallen at home (a passer-by collapsed in public is injury).
            rf"(?:我|我家|俺家|我们家|家里|隔壁|邻居家)的?{_ELDER_ZH}.{{0,4}}(?:摔|跌|倒)(?:在|到)?(?:卫生间|浴室|厕所|厨房|家里|屋里|床下|床边|地上)(?:里)?.{{0,6}}(?:起不来|动不了|爬不起来)",
            r"(?:\d+[- ]?(?:year[- ]old|yo)|child|kid|son|daughter|toddler|boy|girl|grand\w+|mum|mom|dad|father|mother)\b(?!'s)(?:\s+\w+){0,3}\s+(?:wandered off|went missing|ran off|got lost|is lost)",
            r"(?:child|kid|toddler|baby|little one)s?\b.{0,25}(?:left|locked|alone|stuck|sleeping) in (?:a |the |their |his |her )?(?:hot |locked )?car",
            r"(?:elderly|old) (?:man|woman|lady|neighbou?r|person).{0,20}(?:fallen|fell|not answering|unresponsive)",
            # An elder shut in alone and not answering; a child who has lost its parents.
            rf"{_ELDER_ZH}.{{0,12}}(?:锁在|关在|反锁|锁起来).{{0,16}}(?:不应|没反应|没动静|不开门|叫不醒|没声音)",
            rf"{_CHILD_ZH}.{{0,24}}(?:找不到|不见了|没看到|找)(?:他|她)?的?(?:爸妈|爸爸|妈妈|家长|大人|家人)|(?:lost|can'?t find|looking for) (?:his|her|their) (?:parents?|mum|mom|dad|mummy|daddy)",
            # An elder lost or confused, not knowing where home is.
            rf"{_ELDER_ZH}.{{0,12}}(?:迷路|走丢|走失|找不到家|说不清|不知道(?:自己)?(?:住|家)|不记得|糊里糊涂|认不出)|说不清(?:自己)?(?:住|家在)(?:哪|在哪)|(?:找不到|不记得)(?:自己)?(?:家|住哪)",
            r"(?:elderly|old) (?:man|woman|lady|gentleman|person|neighbou?r)\b.{0,40}(?:lost|confused|disoriented|doesn'?t know where|can'?t remember|wandering)",
            r"(?:老年痴呆|痴呆|糊涂|认知障碍|阿尔茨海默|dementia|alzheimer\w*).{0,40}(?:跑出去|走丢|走失|找不到|没回来|出门|出去了|wander\w*|missing|gone out|walked out|left the|not answering)",
            # Someone living alone who cannot be reached.
            r"(?:一个人(?:住|在家)|独居|独自(?:住|在家)|自己(?:一个人)?住|lives? alone|living alone|on (?:his|her) own).{0,40}(?:没人接|不接|没接|打不通|联系不上|没回|没应|没反应|not (?:picking|answering)|no answer|won'?t answer|(?:hasn'?t|has not|isn'?t) (?:picked up|picking up|answered|answering|been seen))|(?:没人接|都没接|不接电话|打不通|联系不上|not picking up|not answering).{0,30}(?:一个人(?:住|在家)|独居|lives? alone|living alone)",
            r"(?:mum|mom|dad|mother|father|grand\w+|nan|nana|gran|granny|elderly \w+|old \w+)\b.{0,80}(?:won'?t|doesn'?t|isn'?t|hasn'?t been|not) (?:answer\w*|pick\w* up|respond\w*)",
            r"(?:haven'?t|hasn'?t|have not|has not|nobody has|no one has) (?:seen|heard from)\b.{0,30}(?:for|in) (?:almost |nearly |over |about )?(?:a|one|two|three|several|a few|\d+) (?:days?|weeks?)|(?:mail|post|newspapers|parcels|deliveries) (?:is |are )?(?:piling|piled|stacking) up",
            r"(?:好几天|几天|[两三四五六七]天|一周|一个星期|个把星期)(?:都)?没(?:见|看到|看见)(?:过)?(?:他|她|人|老人|出门)|(?:报纸|快递|信件|外卖|牛奶).{0,4}(?:堆|积)(?:在门口|了一堆|成堆|好几)",
            # A small child at water, a road or a height with no adult.
            rf"{_CHILD_ZH}.{{0,30}}{_CHILD_DANGER_ZH}.{{0,30}}{_NO_ADULT_ZH}|{_CHILD_ZH}.{{0,10}}{_NO_ADULT_ZH}.{{0,20}}{_CHILD_DANGER_ZH}|{_CHILD_DANGER_ZH}.{{0,12}}{_CHILD_ZH}.{{0,10}}{_NO_ADULT_ZH}",
            rf"(?:水池|泳池|游泳池|池塘|河|湖|鱼池|喷泉|马路|车道|窗|阳台|楼顶|天台)(?:边|旁|边上|上)?.{{0,12}}{_CHILD_ZH}.{{0,6}}(?:一个人|独自|自己|单独)|{_CHILD_ZH}(?:一个人|独自|自己|单独)(?:在)?.{{0,8}}(?:水池|泳池|池塘|河边|湖边|马路|车道|窗台|阳台|楼顶|天台)",
            rf"(?:楼顶|天台|屋顶|窗台|窗口|阳台|栏杆外|护栏外|空调外机).{{0,8}}{_CHILD_ZH}.{{0,4}}(?:坐|站|爬|挂|蹲|趴)|{_CHILD_ZH}.{{0,4}}(?:爬|翻)(?:了)?(?:出|到)(?:了)?(?:窗口|窗外|窗台|阳台外|栏杆外)|(?:楼顶|天台|屋顶|窗台|阳台|栏杆)(?:边上|边缘|外面|外边|上)?.{{0,4}}(?:站着|坐着|蹲着|趴着|挂着)(?:个|一个)?{_CHILD_ZH}",
            r"(?:child|kid|toddler|baby|little (?:girl|boy|one)|boy|girl)\b.{0,50}(?:by (?:him|her|them)sel(?:f|ves)|on (?:his|her|their) own|no (?:adults?|parents?|lifeguard|grown-?ups?)\b)",
        ),
    ),
    (
        "structure",
        _rx(
            r"ceiling\b.{0,40}(?:sagging|bulging|caving|cave in|giving way|give way)|(?:creak|groan)\w*.{0,40}crack|crack\w*.{0,40}(?:creak|groan)",
            r"随时(?:都)?(?:要|会|可能)(?:掉|塌|倒|砸)|(?:要|快)掉下去了?|(?:吹|刮)得.{0,4}(?:快|要)(?:掉下来|倒了|飞了)",
            r"(?:松了|松动|松脱|脱落|断了一边|锈断|歪了).{0,12}(?:吊着|挂着|悬着|歪着|耷拉|(?:挂|吊)在.{0,4}(?:晃|荡|摇)|晃来晃去|晃晃悠悠|摇摇晃晃)|(?:挂|吊|悬)在半空",
            r"裂(?:缝|纹|开).{0,12}(?:还在|一直|在)?(?:响|变大|变宽|扩大|掉渣)|裂(?:缝|纹|开).{0,30}(?:咔咔|嘎嘎|咯吱|噼啪)|(?:咔咔|嘎嘎|咯吱)(?:的|地)?(?:响)?.{0,10}裂|突然(?:出现|裂开).{0,6}(?:好多|很多|一道|大)?裂",
            r"(?:铁皮|彩钢瓦|瓦片|广告牌|招牌|树枝|大树|窗户|玻璃|空调外机|雨棚|脚手架).{0,8}(?:吹|刮)(?:下来|掉|倒|飞|落)",
            r"(?:大风|台风|狂风).{0,12}(?:吹|刮)(?:下来|倒|掉|飞|落)",
            r"(?:往下|往楼下|从楼上|从窗户|从阳台).{0,4}(?:扔|砸|丢|抛)(?:.{0,4})(?:砖|石头|酒瓶|花盆|刀|玻璃|铁)",
            r"(?:throw|throwing|threw|dropping|dropped) (?:bricks|bottles|stones|things|objects|rubbish|glass)\b.{0,20}(?:off|from|out of|down)",
            r"ceiling (?:just )?(?:fell in|came down|collapsed)|roof (?:just )?(?:fell in|came down)",
            r"(?:blown|blew) (?:off|down)\b",
            r"(?:pieces|chunks|bits) (?:are |keep )?(?:falling|coming off|dropping)",
            r"(?:balcony|ceiling|wall|roof|facade).{0,20}cracking.{0,20}(?:falling|coming down|dropping)",
            r"(?:花盆|花槽|水泥|混凝土|石膏|石膏板|灰块|墙皮|石头|砖头?|栏杆|护栏|广告牌|招牌|吊顶|天花板).{0,10}(?:掉下|砸下|往下(?:掉|砸)|快掉|要掉|掉块|塌)",
            r"(?:天花板|吊顶|屋顶).{0,6}(?:往下掉|掉块|塌了|塌下)",
            r"(?:阳台|栏杆|护栏).{0,6}(?:松动|松了).{0,10}(?:掉下去|要掉|会掉)",
            r"(?:chunk|piece|lump|bits?) of (?:the )?(?:concrete|plaster|brick|masonry|ceiling|roof).{0,20}(?:fallen|broken off|fell|falling|came down|dropped)",
            r"(?:flower ?pot|plant pot|pot|brick|sign|railing).{0,30}(?:fell|falling|dropped|hanging by|coming loose|about to fall).{0,40}(?:hit|someone|on |bolt|could fall)",
            r"ceiling (?:is )?(?:sagging|bulging|caving)",
            # a wall or ceiling cracking now, with the sound, or the crack growing
            r"(?:墙|墙体|墙面|天花板|吊顶|楼板|地板|横梁|梁|柱子?|阳台|屋顶)(?:上)?(?:在|正在|一直|不停地?|突然)(?:开裂|裂开?)(?:了)?.{0,12}(?:响|咔|嘎|噼啪|掉灰|掉渣|越来越)",
            r"裂(?:缝|纹|口|痕)(?:越来越|一直在?|还在)(?:大|宽|长|变大|变宽|扩大|裂)",
            # a ceiling or wall bulging and shedding pieces
            r"(?:天花板|吊顶|屋顶|墙|墙面|阳台顶|顶上).{0,8}(?<!空)(?:鼓起来|鼓包|起鼓|鼓了|下垂|往下坠|凸出来).{0,20}(?<![没不])(?:掉|裂|响|塌)",
            r"(?:wall|ceiling|beam|floor|balcony|roof|column)\b.{0,30}\b(?:cracking|splitting)\b.{0,40}(?:hear|noise|sound|popping|creak|groan|bang|getting (?:bigger|wider|longer))",
            r"掉(?:了|下来)?(?:一|几|好几)?(?:大|小)?(?:块|嚿|旧|片)(?:混凝土|水泥|石膏|墙皮|砖|瓷砖|天花)",
            r"crack\w* (?:has )?(?:just |suddenly )(?:opened up|appeared|split open)|(?:just|suddenly) (?:cracked|split) open",
            r"(?:cracking|creaking|groaning|crunching) (?:noise|sound)s?|heard (?:a |an )?(?:loud |big |huge )?(?:crack|bang|snap|crash|crunch)\b.{0,80}\bcrack",
            r"(?:floor|building|balcony|wall|ceiling)s?\b.{0,30}\b(?:feels?|is|looks?|seems?) (?:now )?(?:a bit |slightly |really |very |kind of )?(?:slanted|tilted|tilting|crooked|lopsided|leaning)",
            r"(?:ceiling|roof|wall|balcony|floor)\b.{0,30}\b(?:is|are|'s) (?:collapsing|caving in|giving way|falling in|coming down)",
            r"crack\w*.{0,40}\b(?:piece|chunk|shard|bit|slab)s? (?:of (?:it|glass|\w+) )?(?:just |has |already )?(?:fell|fallen|dropped|came (?:down|off)|broke off|crashed)",
            r"(?:soil|earth|mud|rocks?|stones?|dirt|gravel)\b.{0,20}(?:sliding|slid|slipping|washing|pouring|coming) (?:out|down|away|off|onto)",
            r"bits (?:are )?falling (?:down|off)",
            r"hanging by (?:a|one|its last) (?:bolt|screw|thread|bracket|wire|hinge|cable|corner)",
            r"高空坠物",
            r"高空抛物.{0,4}(?:砸|伤)",
            r"玻璃.{0,8}(?:掉|坠|砸|飞)下",
            r"玻璃.{0,6}(?:掉了|坠落|要掉|快掉|砸)",
            r"(?:外墙|瓷砖|墙砖|墙皮|广告牌|窗户|空调外机|窗框).{0,6}(?:掉下|坠落|砸下|要掉|快掉|掉了下来|砸)",
            r"掉下来.{0,6}(?:砸|差点)",
            r"(?:楼|天花板|吊顶|屋顶|墙).{0,3}(?:塌了|要塌|坍塌|塌下来)",
            r"塌方",
            r"摇摇欲坠|悬在半空|眼看(?:就)?要(?:掉|塌|倒)|看着?(?:就)?(?:要|快)(?:掉下来|塌|倒)",
            r"(?:looks?|looking|seems?) like (?:it(?:'s| is| will| could)? )?(?:going to |gonna |about to )?(?:come down|collapse|cave in|fall (?:down|off))",
            r"ceiling\b.{0,20}(?:sagging|bulging|caving)",
            r"(?:墙|围墙|院墙|树|大树|电线杆|路灯|灯杆|广告牌|脚手架|塔吊|栏杆|护栏).{0,10}(?:要倒|快倒|要塌|歪了|倾斜|摇摇欲坠|晃晃悠悠|晃悠|裂了大缝)",
            r"(?:阳台|楼板|地板|天花板|吊顶|板子|屋顶|地面).{0,10}(?:往下沉|下沉|下陷|塌陷|往下塌)",
            r"(?:树|树枝|树干|电线).{0,6}(?:刮断|折断|断了|折了).{0,14}(?:挂|晃|悬|吊)|半挂在|悬在半空",
            r"(?:往下|一直|还在|不停地?)掉(?:水泥|混凝土|石膏|墙皮|砖|石头|瓷砖|玻璃)|掉(?:水泥|混凝土|墙皮|砖头?|石头|瓷砖)(?:块|渣|片)",
            r"(?:railing|balcony|sign|panel|window|branch|cladding|gutter)\b.{0,20}(?:hanging off|dangling|swinging in the wind|about to (?:fall|come off|drop))",
            r"(?:scaffold\w*|wall|tree|pole|lamp ?post|crane|fence|sign)\b.{0,30}(?:is )?(?:leaning|tilting|about to (?:fall|collapse|topple|come down))",
            r"(?:chunk|piece|lump|bits?|slab) of (?:the )?(?:facade|cladding|render|tiles?|wall|balcony).{0,20}(?:fell|falling|came down|dropped)",
            r"(?:glass|window|pane|tiles?|bricks?|debris|masonry|cladding|concrete|air ?con(?:ditioner)? unit)"
            r"\s+(?:is\s+|are\s+|just\s+)?(?:falling|fell|dropping|dropped|about to fall|came down|crashing)",
            r"falling (?:glass|tiles|debris|bricks|objects?)",
            r"(?:ceiling|roof|wall|balcony|floor|stairs?|staircase) (?:has\s+|is\s+)?(?:collapsed|collapsing|caved in|caving in|fell in|falling in|giving way|fell|is falling|coming down)",
            r"(?:roof|wall|balcony) (?:has\s+)?(?:collapsed|caved in)",
            r"nearly hit (?:me|someone|a child)",
            r"(?:露出|看见|看得见|能看到|能看见)(?:了)?钢筋|钢筋(?:都)?露(?:出来|在外面)|(?:还在|一直|不停地?)(?:往下)?掉(?:渣|块)",
            r"(?:吹|刮)(?:脱|掉|松|开|歪)了?.{0,12}(?:挂|晃|悬|吊)|挂在(?:外面|半空|楼外).{0,4}晃",
            r"(?:tiles?|glass|bricks?|瓷砖|玻璃|砖|墙皮)(?:在|正在)?往下掉",
            r"crack\w*.{0,30}(?:got|getting|grew|growing|gone|suddenly|much|is|are|'s|looks) (?:much |a lot |way )?(?:wider|bigger|longer)|(?:loud )?bang.{0,40}crack|crack.{0,40}(?:loud )?bang",
            r"(?:ground|road|pavement|floor|driveway|ramp)\b.{0,20}(?:has )?(?:sunk|sinking|caved in|collapsed|giving way)|hole (?:is )?opening up|sinkhole",
            # a guard rail that no longer holds (someone can fall through it)
            r"(?:栏杆|护栏|围栏)(?:的)?(?:焊点|焊口|螺丝|底座|有?一?[段截根节])?(?:松了|松动|松脱|晃|断了|断开|脱落|开焊|掉了)",
            r"(?:railings?|guard ?rails?|balustrades?)\b.{0,30}(?:loose|wobbl\w*|came away|came off|coming away|gave way|giving way|snapped|hanging off|swinging|dangling)",
            # a wall that carries the building, or a crack one can see or reach through
            r"承重墙.{0,8}(?:裂|歪|倾斜|鼓|塌)|(?:裂开了?|裂缝|裂口|缝)\s*(?:里|中)?\s*(?:能|可以)?(?:看到|看见|看得到|透)(?:外面的?)?(?:光|亮|天)|(?:塞|伸|插)(?:得)?进(?:去)?(?:一根|一个|个)?(?:手指|拳头|手)",
            r"(?:see|seeing) (?:daylight|light|outside|the sky|the street) through (?:the |a |that )?(?:crack|gap|wall)|(?:pulling|coming|came|come|pulled|separating|tearing) away from the (?:wall|building|ceiling|facade|frame)|load[- ]bearing wall\b.{0,30}(?:crack|split|bulg|lean)",
            # the facade shedding concrete (Cantonese 石屎)
            r"(?:外墙|外立面|楼外|混凝土|水泥块).{0,6}(?:剥落|脱落|掉落|跌落|跌了|掉块)|外墙.{0,10}(?:在|正在|一直|不停)(?:往下)?掉",
            r"(?:part|section|chunk|piece|some|half) of the (?:\w+ )?(?:ceiling|roof|wall|balcony|facade|floor|stairs?|staircase|car ?park|parking)\b.{0,30}(?:came down|fell|fallen|collapsed|caved in|gave way|dropped|has come down)",
            r"glass (?:panel|pane|sheet|door)s?\b.{0,40}(?:fell|fallen|came down|crashed|shattered|smashed)|(?:fell|fallen|dropped) and shattered",
            # something big fallen across a road, onto a car or a person
            r"(?:tree|branch|pole|lamp ?post|sign|scaffold\w*|hoarding|wall|fence)\b.{0,10}(?:fell|fallen|came down|toppled|collapsed|crashed|blew over)\b.{0,40}(?:car|road|someone|people|across|onto|on top|house|path|entrance|play ?(?:area|ground)|playground|walkway|pavement|footpath|bus stop|gate|wires?|power lines?|kids?|children)",
            r"(?:树|大树|树枝|电线杆|路灯|灯杆|广告牌|招牌|脚手架|围墙|围挡).{0,6}(?:倒了|倒下|压在|压到|横在|砸在|砸到|砸中)",
            # a window leaning out of its frame
            r"(?:窗框|窗扇|窗户|整扇窗|玻璃窗).{0,6}(?:往外|向外)(?:歪|倒|倾|掉|翻|斜)",
            # the slope letting go
            r"挡土墙.{0,8}(?:鼓|裂|歪|倒|塌|倾斜)|(?:泥土|泥石|山泥|土方|石块|泥巴).{0,6}(?:滑|冲|塌|滚)(?:到|下|落)|山体滑坡|滑坡|泥石流|landslide|mudslide|retaining wall\b.{0,50}\b(?:bulg|crack|lean(?:s|ing)?\b|collaps|gave way|giving way)",
            # a support gone crooked under something heavy
            r"(?:支架|架子|支撑|吊架|挂架|托架).{0,4}(?:歪了|断了|锈断|松了|松动|变形).{0,12}(?:要掉|会掉|快掉|掉下|塌|感觉)|(?:感觉|好像)(?:就|随时)?(?:要|快|会)(?:掉下来|塌|倒下来|塌下来)",
        ),
    ),
    (
        "violence",
        _rx(
            r"(?:following|stalking) (?:me|us|my \w+|a \w+|her|him)\b.{0,40}(?:won\'?t (?:leave|go away|stop)|keeps)|(?:跟着|尾随|跟踪).{0,10}(?:不走|不放|甩不掉)",
            r"露(?:下体|阴|生殖器)|暴露狂|耍流氓|猥亵|flash(?:ing|ed)? (?:at )?(?:kids|children|people|women|girls|me)|expos(?:ing|ed) himself|indecent exposure",
            r"kick(?:ing|ed|s)? (?:at |in )?(?:it\b|(?:(?:my|our|the|people'?s|their|every|all the) )?(?:front )?doors?\b)|(?:shouting|screaming|yelling).{0,20}kick",
            r"(?:在|一直|使劲|拼命)(?:踹|踢|砸)(?:我家|我们家)?的?门|推推搡搡|推搡|扭打|厮打|动起手|动手了|打起来了",
            r"\b(?:attacking|assaulting|being attacked|beating (?:me|him|her|them|someone) up|hitting (?:me|my \w+))\b",
            r"(?:strange|unknown) (?:man|woman|person|guy).{0,30}(?:crowbar|knife|weapon|trying)",
            r"有人(?:打我|要打我|在打我|追我|跟踪我)",
            r"(?:with|holding|carrying|waving) (?:a |an )?(?:knife|bat|baseball bat|machete|gun|weapon|axe|hammer|metal bar|crowbar|broken bottle)",
            r"smash(?:ing|ed)? (?:car |the |my |our )?windows?",
            r"\bstabb?(?:ed|ing)\b|been shot",
            r"(?:拿着?|持|举着)(?:刀|棍|棍子|砍刀|铁棍|斧头|酒瓶|锤子|砖头)",
            r"(?:跟着|尾随)我.{0,12}(?:敲|砸|踹|撬)?.{0,3}门",
            r"(?:出去|出门|出国|旅游|旅行|不在家|没人住|空着|回老家).{0,14}(?:屋里|家里|房子里|里面|屋子里).{0,4}(?:有人|有动静|有声音|亮灯|灯亮)",
            r"(?:away|on holiday|on vacation|abroad|empty|nobody (?:is )?home|not home).{0,50}(?:someone|somebody|people|a man|a woman|lights?|noises?|a torch|a flashlight|torchlight|shadows?|movement) (?:is |are )?(?:inside|in there|moving|walking|on)",
            r"trying (?:the |all the |every |each )?(?:car |front )?(?:door ?handles?|doors?)\b",
            r"(?:someone|somebody|people|a man|a woman) (?:is |are )?(?:inside|moving around|walking around).{0,40}(?:away|on holiday|abroad|nobody (?:is )?home)",
            r"forc(?:e|ing)(?: open)? (?:my|our|the|a|his|her|their) (?:front )?(?:door|lock|window)",
            r"(?:trying|tried) to (?:get in|break in|force (?:open|the|my|our))",
            r"陌生人.{0,8}(?:在|进).{0,6}(?:屋|家|房)",
            r"(?:屋|家|房)(?:里|里面|子里).{0,6}(?:有个?|有一个)?陌生人",
            r"有人.{0,4}(?:正在|在)?(?:砸|踹|撬|踢)(?:我家|我们家|隔壁|对门|邻居)?.{0,4}(?:门|锁|窗)",
            r"(?<![球雹])(?:撬|砸).{0,6}(?:门|锁|窗|车)|有人(?:把)?(?:爆|踹开|撞开|砸开)了?(?:我|我们)?(?:家|屋)?的?(?:门|锁|窗)",
            r"(?:拿着?|持|举着)(?:刀|棍|棍子|砍刀|铁棍|斧头).{0,10}(?:打|追|砍|威胁|打架)",
            r"(?:打架|打人|斗殴).{0,8}(?:出血|流血|见血|拿刀|动刀)",
            r"家里进(?:人|贼)了",
            r"(?:stranger|someone i don\'?t know|somebody i don\'?t know|a man i don\'?t know).{0,30}(?:in|inside) (?:my|our|the|his|her|their|my neighbou?r\'?s) (?:flat|apartment|home|house)",
            r"(?:kicking|forcing|smashing|breaking) (?:my|our|the|a) (?:door|lock|window)|forcing the lock|kicking (?:my|the) door in",
            r"fighting with (?:a )?(?:knife|knives|weapon|bat|stick)",
            r"(?:fight|fighting|brawl|scuffle)\b.{0,40}(?:knife|knives|bottle|bat|stick|weapon|machete|blood|bleed\w*|hurt|injured)",
            r"打(?:起来|架).{0,12}(?:刀|棍|酒瓶|砖头|见血|流血)",
            r"(?:knife|weapon|machete|bat)\b.{0,20}(?:chasing|attacking|threatening|fight)",
            r"有人撬(?:门|锁)",
            r"(?:一直|一路)?(?:跟着|尾随|跟踪)(?:我|我们|她|孩子).{0,16}(?:害怕|好怕|怕|不走)|(?:陌生|不认识的?)(?:男|女)?人?.{0,6}(?:跟着|尾随|跟踪)",
            r"(?:拎着|提着|握着|揣着|带着|扛着)(?:一?根|一?把)?(?:刀|棍子?|砍刀|铁棍|斧头|锤子|钢管)",
            r"翻墙进|翻(?:进|过)(?:围墙|栏杆|院墙)",
            r"喊救命|呼救|尖叫.{0,10}(?:救命|打)|被人打(?!电话|扰|断|招呼|听|印|针)|(?:正在|在)挨打",
            r"(?:在|正在|一直)砸(?:车|车窗|汽车|东西|门|窗)|(?:醉汉|酒鬼|喝醉(?:了)?的?(?:男人|男的|女的|人|家伙)?).{0,8}(?:砸|打|拿|追|闹事|扔)|(?:追着?|追打)(?:小孩|孩子|人|我|我们|她|他|大家).{0,12}(?:扔|砸|打|拿刀|拿棍)|(?:扔|砸|摔)酒瓶|(?:朝|往|向)(?:人|我|我们|车|窗|他|她).{0,4}扔(?:砖头|石头|东西)|耍酒疯.{0,8}(?:砸|打)|持械",
            r"(?:screaming|shouting|crying) for help|(?:being|getting) (?:beaten|hit|attacked|assaulted)",
            r"(?:followed|following|stalking) (?:me|us|my \w+)\b.{0,40}(?:scared|afraid|still|now|in(?:to)? the|inside)",
            r"(?:climbed|climbing|jumped) (?:over )?the (?:wall|fence|gate).{0,40}(?:knife|stick|bat|weapon|bar)",
            r"撬我家",
            # A home already broken into, the intruder maybe still inside.
            r"(?:家|屋|房子?|门|锁|窗)(?:里)?(?:被人?|让人)(?:撬|闯|砸|翻|撞开|踹开)(?:了|开)",
            r"(?:小偷|贼|那人|那个人|人)(?:好像|可能|估计|应该)?(?:还在|没走|躲在)(?:屋里|家里|里面|里头|房间|柜子)|不知道(?:人|他|小偷|贼)?(?:走没走|还在不在|走了没)",
            # Beating told by the act: someone beaten, surrounded, dragged, choked.
            r"被(?:人|几个人|一群人|好几个人|他|她|他们|一个\S{0,4})?(?:打|揍|踹|殴打|围殴|暴打|群殴)(?:了|伤|得|晕)(?!.{0,2}(?:针|电话|卡|包|折))",
            r"围着.{0,4}(?:打|踹|揍|踢)|(?:拽|揪|扯|薅)(?:着)?.{0,8}头发|掐(?:着|住)?.{0,4}脖子|(?:按|摁)在地上(?:打|揍|踹)|扇(?:耳光|巴掌)|往.{0,6}(?:拖|拽)",
            r"(?<!dog )(?<!dogs )(?<!cat )\b(?:punched|kicked|attacked|assaulted|slapped|headbutted|beat up|jumped|mugged|choked|strangled|shoved)\s+(?:the|a|an|my|our|his|her|their|this|that)\s+(?:\w+\s+)?(?:concierge|guard|security|cleaner|neighbou?r|woman|man|girl|boy|kid|child|resident|driver|courier|staff|receptionist|wife|husband|girlfriend|boyfriend|mum|mom|dad|old \w+|delivery \w+)",
            r"\bbeat(?:ing)? up (?:a|an|the|my|our|his|her|some|this|that)\b|\b(?:is|are|keeps?|kept|still|started) (?:hitting|punching|kicking|beating|slapping|choking|strangling|stamping on|dragging) (?:her|him|them|me|us|someone|somebody|the)\b(?! (?:ball|football|bag|bin|tyres?|can|vending))",
            # Screams with the sound of a struggle.
            r"(?:尖叫|惨叫|哭喊|呼喊|喊叫|哭叫).{0,12}(?:撞|砸|摔|打|咚|砰|哐|嘭|闷响)|(?:尖叫|惨叫|哭喊|呼救).{0,24}(?:就|突然|然后)?(?:没声了|没声音了|没动静了|安静了)|(?:撞墙|撞门|砸东西|摔东西|咚咚|砰砰|哐哐|嘭嘭).{0,12}(?:尖叫|惨叫|哭喊)",
            # Someone tampering with the lock or door right now.
            r"有人.{0,10}(?:在)?(?:弄|捅|撬|拧|掰|扭|转|拉|拽|试)(?:我家|我们家)?(?:的)?(?:门锁|锁|门把手?|把手|锁眼|门)",
            # A stranger who followed the resident home and stays.
            r"(?:陌生|不认识)(?:的)?(?:男|女)?(?:的|人)?.{0,10}(?:一路)?跟(?:着)?(?:我|我们|她|孩子)|跟(?:着)?(?:我|我们).{0,16}(?:门口|楼下|楼道).{0,8}(?:不走|站着|守着|徘徊|蹲着)",
            # An intruder got in; the resident is hiding.
            r"(?:someone|somebody|a man|a stranger|a guy|people|they|he) (?:just )?(?:got|climbed|broke|snuck|sneaked|forced (?:his|their|her) way) in(?:to)?\b|(?:i'?m|we'?re|i am|we are) hiding\b",
            r"(?:有|遇到|抓到)小偷",
            r"入室(?:盗窃|抢劫)",
            r"有人闯进",
            r"陌生人(?:进|闯)了?我家",
            r"抢劫",
            r"有人(?:拿刀|持刀|打人|打架.{0,4}(?:流血|受伤))",
            r"break-?in\b(?!\s*insurance)",
            r"breaking in",
            r"broke into",
            r"burglar",
            r"intruder",
            r"someone (?:is )?(?:trying to )?(?:get|break) in",
            r"robbery",
            r"being robbed",
            r"(?:has|with) a knife",
            r"\b(?:hitting|punching|kicking|beating|slapping) (?:a|the|this|that) (?:woman|man|girl|boy|kid|child|lady|guy|old \w+)\b",
            r"有人(?:在外面|在门外|在门口)?.{0,6}(?:用|拿)(?:工具|铁丝|卡片|螺丝刀|钳子|东西)(?:在)?(?:弄|捅|撬|拧|搞|开)|(?:捅|撬|拧|弄)(?:我家|我们家)?(?:的)?(?:锁眼|锁芯|门锁)|(?:门锁|锁眼|锁芯|门把手).{0,10}(?:有人|外面).{0,8}(?:弄|捅|撬|拧|搞)",
            r"screaming.{0,50}(?:smash\w*|crash\w*|things breaking|banging|thuds?)|(?:smash\w*|crash\w*|things breaking).{0,50}screaming",
            r"(?:smashing|breaking|throwing) (?:things|stuff|bottles|furniture|chairs)\b|threatening (?:people|residents|me|us|the guards?|staff|neighbou?rs|everyone|kids)",
            r"(?:someone|somebody|a man|a guy|a person|a stranger|people)(?:'s| is| are)? (?:climbing|climbed) (?:up |in |into |through |over |onto )",
            r"(?:有人|有个人|一个人|男的|陌生人|小偷).{0,6}(?:顺着|沿着)?.{0,4}(?:水管|管道|下水管|窗户|阳台|防盗窗).{0,4}(?:往上)?爬",
            r"(?:挨家挨户|每家|一家一家|挨个|一个个|一户一户)(?:地)?(?:拉|拧|推|试|扭|拽)(?:门|门把手|车门)|(?:拉|拧|推|试|拽)(?:每|各|一)(?:家|辆|个)的?(?:门|门把手|车门)",
            r"(?:he|she|they|he'?ll|she'?ll|they'?ll|will|going to|gonna|threaten\w* to|says? (?:he|she)(?:'ll| will)) (?:kill|stab|hurt|murder) (?:me|us|her|him|them|my \w+|someone|somebody|everyone|everybody|people|anyone)\b",
            # a stranger inside the home while the resident hides or does not know them
            r"(?:someone|somebody|a man|a woman|a guy|a stranger|strangers|people|intruders?) (?:is |are )?(?:in|inside) (?:my|our|the) (?:flat|apartment|home|house|bedroom|room)\b.{0,40}(?:hid(?:e|ing)|scared|afraid|terrified|don'?t know (?:him|her|them|who)|whisper\w*)|(?:^|[.!?,;]\s*)hiding\b(?! (?:place|spot|the))",
            r"(?:我|我们)(?:现在)?(?:躲|藏)(?:在|进)了?.{0,6}(?:衣柜|柜子|床底|厕所|卫生间|浴室|房间|阳台)(?:里)?.{0,10}(?:不敢|有人|他|小偷|贼|$)",
            # a stranger who follows and lays hands on someone
            r"(?:following|followed|stalking) (?:me|us|my \w+|a \w+|her|him)\b.{0,60}(?:grab\w*|touch\w*|pull\w*|dragg?\w*)|(?:跟着|尾随|跟踪).{0,20}(?:拽|拉|抓|扯|摸)(?:住|着|了)?(?:她|他|我|孩子|胳膊|手)",
            r"(?:要|说要|扬言|威胁|喊着要|嚷着要)(?:杀|砍|捅|弄死|打死)|杀了你|砍死你|弄死你|打死你",
            r"(?:beating|hitting|strangling|choking) (?:his|her|their) (?:wife|husband|girlfriend|boyfriend|partner|kids?|child|children|mother|mum|mom|father|dad)|家暴|(?:打|揍)(?:老婆|媳妇|老公|孩子|小孩).{0,10}(?:哭|喊|叫|惨)",
            r"(?:陌生|不认识的?)?(?:男的|男人|女的|人|家伙)(?:一直|一路)(?:跟着|尾随|跟踪)(?:我|我们|她|孩子|我女儿|我闺女)",
        ),
    ),
    (
        "injury",
        _rx(
            r"嘴唇(?:发紫|发青|青紫)|脸(?:色)?(?:发紫|发青|青紫)|lips? (?:are |is |turning |gone )?(?:blue|purple)",
            r"(?:阿姨|大爷|大妈|老人|人|他|她|男的|女的|老太太|小孩|孩子|师傅|保安|保洁)(?:突然|一下子)(?:倒了|倒下了?|栽倒)",
            r"(?:lots|loads|tons|heaps|a lot|so much|a pool|pools|a puddle) of blood|blood all over|blood (?:is )?(?:pouring|gushing|spurting|pumping)|(?:deep|gaping|nasty) (?:cut|gash|wound)|\bgash\b|cut (?:his|her|my|their|its) \w+ (?:really |very |so )?(?:deep(?:ly)?|badly|open|to the bone)|(?:dog|dogs) (?:bit|has bitten|attacked|mauled)\b.{0,30}(?:badly|blood|bleed|kid|child|boy|girl|face)",
            r"误(?:食|吃|服|喝)|(?:洗衣凝珠|洗衣液|农药|药片|消毒液|老鼠药|纽扣电池|清洁剂|漂白水).{0,12}(?:吃|喝|吞|咽)(?:下去|进去|了)|(?:吃|喝|吞)了?.{0,6}(?:洗衣凝珠|洗衣液|农药|消毒液|老鼠药|纽扣电池|清洁剂|漂白)",
            r"swallowed (?:a |some )?(?:button )?(?:battery|bleach|detergent|pills?|tablets|poison|pod|cleaning)|(?:drank|ate) (?:some )?(?:bleach|detergent|poison|pills)|\bpoison(?:ed|ing)\b",
            r"中风|脑梗|心梗|心脏病(?:犯了|发作)|休克|过敏.{0,6}(?:肿|喘|呼吸)|羊水破|要生了|早产|嘴歪了|说不出话",
            r"(?:不会|不能|没法)动了|动不了了|磕到头|撞到头|头破了",
            r"\b(?:stroke|anaphyla\w*|allergic reaction|in labou?r|waters? (?:have |has )?broken|overdos\w*)\b",
            r"there\'?s blood|hit (?:his|her|my|their|its) head|(?:is|she\'?s|he\'?s) confused and",
            r"fell (?:down|off|from)\b.{0,30}(?:blood|bleeding|hit|unconscious|not moving|hurt)",
            r"(?:he|she|someone|somebody|a man|a woman|an? (?:old|elderly) \w+|my \w+|a person|they)(?:\'s| is| are)? lying (?:in|on|at) the \w+",
            r"\b(?:stabbed|shot|choking|choked|swallowed something|can\'?t breathe)\b",
            r"噎住|卡住喉咙|喘不过气|被捅|被砍",
            r"(?:一直|还)(?:在)?(?:出血|流血)|出血不止|血流不止|(?:胳膊|手|腿|脚|手指|头|脸)被.{0,6}(?:夹|压|砸|切|割|划|绞)(?:了|住|伤|断|破).{0,8}(?:血|骨|肿|断|动不了)",
            r"嘴(?:都|也)?歪了?|说话(?:不清楚|含糊|不利索|大舌头)|口齿不清|半边(?:身子|脸)(?:麻|动不了|没知觉)",
            r"(?:好像|像是|看着|准备|打算|想)?要往下跳|要跳(?:楼|下去)|(?:坐|站|爬|蹲)在.{0,4}(?:阳台|窗户|窗台|楼顶|天台)(?:外面|外边|边上|栏杆外).{0,10}跳",
            r"骨头(?:都)?(?:露|戳|支)(?:出来|出)|露出(?:了)?骨头|\bbones? (?:is |are )?(?:sticking|poking|showing)",
            r"(?:arm|hand|leg|foot|head|finger)s? (?:is |got |has got |are )?(?:caught|stuck|trapped|wedged|crushed) (?:in|between|under) (?:the )?(?:automatic |sliding |lift |elevator |garage )?(?:gate|door|doors|railings?|bars|barrier|machine|escalator|shutter)",
            r"(?:(?:叫|喊|拍)(?:他|她|人|了半天)?|推(?:他|她|人|了半天))(?:也|都)?(?:不应|不答应|不回应|没回应|叫不醒|喊不醒|没反应|没有反应|不动)",
            r"(?:躺|倒)着?(?:一|一个|个|位|一位)?(?:人|男的|女的|老人|小孩).{0,10}(?:不应|叫不醒|没反应|没有反应|不动)|(?:(?:叫|喊)了?(?:他|她|人)?|(?:推|摇|拍)了?(?:他|她|人))(?:几声|几下|半天|好几声|好几下|一下|两声)?(?:他|她|人)?[,，\s]?(?:也|都|还是)?(?:不应|不答应|没反应|没有反应|没回应|没动静)",
            # someone down beside or under a thing, not responding
            r"(?:躺|倒|趴|瘫|晕)(?:着|在)[^,.!?，。！？]{0,12}[,，\s]{0,2}(?:也|都|还|完全)?(?:一动不动|不动了|叫不醒|喊不醒|没有?反应|没知觉|没意识|没有?呼吸|不省人事)",
            # a heart attack told by its signs: chest pain with sweat, pallor, breathlessness or an arm
            r"(?:胸口|胸|心口|心脏)(?:很|好|特别|突然)?(?:疼|痛|闷|绞痛|压得慌|像压着).{0,20}(?:冷汗|出汗|脸色(?:发白|苍白|惨白|发青)|喘不|呼吸|左臂|胳膊(?:麻|疼)|左手(?:麻|疼)|晕)|(?:冷汗|脸色(?:发白|苍白|惨白)).{0,20}(?:胸口|胸|心口)(?:很|好)?(?:疼|痛|闷)",
            r"chest (?:pain|pains|hurts|is hurting|tightness|is tight|pressure)\b.{0,50}(?:sweat\w*|pale|grey|gray|clammy|breath\w*|left arm|arm (?:hurts|is numb)|jaw|dizzy|collaps\w*)|(?:sweat\w*|clammy|pale|grey|gray)\b.{0,30}chest (?:pain|pains|hurts|tightness|pressure)|crushing (?:chest )?pain",
            r"(?:won\'?t|doesn\'?t|does not|isn\'?t) (?:wake up|respond|responding)",
            r"(?:腿|胳膊|手臂|(?<![把扶拉])手|脚|脖子|腰).{0,4}(?:动不了|弯了|断了|不能动)",
            r"(?:躺|倒)在地上.{0,6}(?:一动不动|不动|没反应|叫不醒)",
            r"一动不动",
            r"血(?:止不住|流不止)|满地是血|全是血",
            r"抽搐|抽筋倒地|口吐白沫",
            r"喘不上气|呼吸困难|透不过气",
            r"(?:摔|滑|跌)(?:下来|倒).{0,10}(?:流血|动不了|起不来|头破|骨折|弯了)",
            r"(?:can\'?t|cannot) move (?:his|her|my|their) (?:leg|arm|neck|back)",
            # Cannot be woken; pitched over suddenly.
            r"(?:叫|喊|摇|拍|推)不醒|一头(?:栽|扎)(?:下去|倒|在)|栽倒",
            # Lying still after a fall; the head hitting the ground or being struck.
            r"(?:躺|倒|趴|瘫)(?:着|在(?:地上|地下|那|那里|那儿|床上|楼梯上?|路上|路边))?.{0,3}(?:不动|一动不动|起不来|叫不醒|喊不醒|没反应|没知觉|没意识)",
            r"(?:后脑勺?|头|脑袋|额头|太阳穴)(?:先)?(?:着地|磕地|撞地|磕(?:到|在|破)|撞(?:到|在|破)|砸(?:到|破|伤))|(?:砸|撞|磕|打)(?:到|中|伤|破)了?(?:头|脑袋|后脑勺?|额头|太阳穴)",
            # A person falling from a height.
            r"(?:人|工人|师傅|孩子|小孩|老人|他|她|有人|保安|保洁|邻居|我爸|我妈|我老公|我老婆).{0,12}从.{0,12}(?:上)?(?:掉|摔|跌|坠|滚)(?:了)?(?:下来|下去|下楼)",
            r"(?:(?:fell|fallen|falling|tumbled) (?:off|from|down)|came off) (?:a |the |his |her |their |my )?(?:ladder|scaffold\w*|roof|climbing frame|balcony|stairs|staircase|steps|bunk bed|wall|tree|window|playground)",
            r"bent the wrong way|(?:arm|leg|wrist|ankle|finger|knee|elbow)\b.{0,20}(?:bent|twisted) (?:the wrong way|backwards|at a (?:weird|strange|funny) angle)",
            # Bleeding told by how it flows; bites.
            r"血(?:哗哗|呼呼|汩汩|咕咕|突突)|血(?:直|一直|不停地?|还在|止不住地?)(?:流|冒|淌|涌|喷|往外)|(?:冒|喷|涌|淌|滴)(?:了)?(?:好多|很多|一地)?血",
            r"被.{0,8}(?:狗|猫|犬|蛇|动物)(?:给)?咬(?:伤|了|到|破)",
            # Burns and scalds told by the skin.
            r"(?:burn(?:ed|t)?|scald(?:ed)?)\b.{0,40}(?:skin|blister\w*|peel\w*|gone white|charred|badly)|skin(?:'s| is)? (?:peeling|blistering|coming off|gone white|charred)",
            r"(?:烫|烧)(?:伤|到|了).{0,10}(?:起泡|脱皮|掉皮|发白|水泡|一层皮)",
            # Stroke signs and known conditions in crisis.
            r"slurr\w*|(?:face|mouth|smile)\b.{0,20}droop\w*|droop\w*.{0,10}(?:face|mouth)|one side of (?:his|her|their|my|the) (?:face|body)|numb on one side",
            r"(?:diabetic|diabetes|hypo\b|low blood sugar|epilep\w*|asthma\w*|heart condition)\b.{0,50}(?:can'?t|cannot|shaking|sweating|dizzy|faint\w*|confus\w*|collaps\w*|attack|get up|breathe|fit\b|inhaler)",
            r"(?:低血糖|糖尿病|哮喘|癫痫|羊癫疯|心脏病|高血压).{0,12}(?:犯了|发作|晕|抖|出汗|站不起|起不来|喘不|抽)",
            r"(?:face|lips?|tongue|throat)\b.{0,10}swell\w* up|throat\b.{0,10}(?:swell\w*|swollen|closing)",
            r"溺水|drowning|(?:fell|fallen) (?:in|into) the (?:pool|pond|river|lake)",
            r"lying (?:on the (?:floor|ground)|motionless).{0,30}(?:not moving|unresponsive|still)|not moving",
            r"blood everywhere|won\'?t stop bleeding|cut (?:his|her|my) \w+ badly",
            r"seizure|convuls|can\'?t breathe|struggling to breathe",
            r"(?:arm|leg|wrist|ankle) (?:looks|is) broken",
            r"(?:fell|fallen|slipped|tripped)\b.{0,60}(?:can\'?t|cannot|won\'?t|unable to) (?:move|get up|stand|walk)",
            r"晕倒",
            r"流了?(?:好多|很多|一地|不少|大量|一大滩)(?:的)?血|血(?:哗哗|一直)(?:地)?(?:流|往外)",
            r"被?(?:开水|热水|热油|油锅|蒸汽)烫(?:伤|了|到)|烫(?:得|了)?.{0,6}(?:起泡|脱皮|一大片)|烧伤",
            r"被(?:狗|猫|动物)?咬(?:伤|了).{0,10}(?:血|伤口|深)|被(?:车|汽车|电动车|摩托车|货车)(?:撞|碾|压)",
            r"(?:hit|knocked (?:down|over)|run over) by (?:a |an )?(?:car|van|truck|lorry|bike|scooter|motorbike|bus)",
            r"(?:he|she|someone|somebody|a man|a woman|a person|an? (?:old|elderly) \w+|my \w+|a (?:boy|girl|kid|child|cleaner|worker|guard|courier|delivery \w+)|he'?s|she'?s|they'?re)\s+(?:is\s+|are\s+)?(?:just\s+|still\s+)?lying (?:on|in) the (?:ground|floor|road|pavement|street|stairs)",
            r"(?:burn(?:ed|t)|scald(?:ed)?) (?:by|with) (?:boiling|hot)|bitten by a dog.{0,30}(?:blood|bleed)",
            r"昏倒",
            r"昏迷",
            r"倒地",
            r"摔倒.{0,6}(?:起不来|不动|流血|昏)",
            r"不省人事",
            r"流了?很多血",
            r"(?:在)?流血",
            r"受伤了",
            r"骨折",
            r"心脏病",
            r"叫救护车",
            r"救护车",
            r"打120",
            r"砸伤",
            r"砸到人",
            r"被砸",
            r"摔下来",
            r"掉下去了",
            r"跳楼",
            r"(?:站在|坐在|爬到|爬上).{0,6}(?:楼顶|天台|楼边|边上|窗外|栏杆外|桥上).{0,10}(?:要跳|想跳|往下跳|轻生)|想不开.{0,6}(?:要跳|跳下去|割腕|吃药)|轻生|自杀",
            r"(?:going to|about to|threatening to|wants to|trying to) (?:jump|kill (?:him|her|them)sel)|suicid",
            r"(?:头|手|脚|腿|胳膊|脑袋)卡在.{0,10}(?:拔不出|出不来|取不出|弄不出)",
            r"(?:head|arm|leg|hand|foot) (?:is |got |has got )?(?:stuck|trapped|wedged) (?:in|between) (?:the )?(?:railings?|bars|gate|fence|banisters?)",
            r"没有?呼吸",
            r"\bcollapsed\b",
            r"\bunconscious\b",
            r"passed out",
            r"\bfainted\b",
            r"\binjured\b",
            r"\bbleeding\b",
            r"ambulance",
            r"heart attack",
            r"fell and (?:can'?t|cannot) get up",
            r"not breathing",
            r"badly hurt",
            r"got hurt",
            r"is hurt",
        ),
    ),
)

# A negation right before the hazard phrase ("没有煤气味了", "no gas smell").
_NEG_BEFORE_ZH = re.compile(
    r"(?:(?<!有)没有?|(?<!是)不是|并没有?|无|不再有?|已经没有?|没再|不用|并非|别|不会|没发现|没闻到|闻不到|"
    r"不存在|防止|预防|避免|杜绝)\s*\S{0,3}$"
)
_NEG_BEFORE_EN = re.compile(
    r"(?:\bno\b|\bnot\b|n't\b|\bnever\b|\bnobody\b|\bno one\b|\bnone\b|\bwithout\b|\bno longer\b|\bnothing\b|\bprevent(?:ing)?\b|"
    r"\bavoid(?:ing)?\b|\bany\b)(?:\s+(?!and\b|but\b)[^\s,;.!?]+){0,3}\s*$"
)
_NEG_AFTER = re.compile(
    r"^\S{0,6}(?:没了|没有了|散了|消失了|不见了|停了|已经?(?:好|修好|处理好|解决|灭|关)了|"
    r"\s*(?:(?:has|have|is|are|was|were|now|just|finally|been)\s+){0,3}"
    r"(?:gone|stopped|fixed|(?<=is )over|(?<=was )over|(?<=all )over|resolved|fine now|sorted|cleared)\b)"
)
# A negation inside the matched phrase ("电梯里没人被困").
_NEG_INSIDE = re.compile(
    r"(?<!有)没有?人(?!应|开门|接|回|理|管|看)|无人|(?<!有)没有?被|(?<!是)不是|\b(?:nobody|no one)\b(?! (?:answers|is answering|answered|picks up|comes))|\bempty\b|"
    r"没有?(?:什么)?(?:味|气味|闻到)|闻不到|(?<!有)没有?(?:冒烟|冒火|火花|火星|打火|烧焦|焦味)|\bno (?:smoke|sparks?|flames?)\b|还没(?:有)?(?:掉|塌)"
)
# Reference to an earlier incident or an existing ticket.
_REFERENCE = re.compile(
    r"上次|上回|上(?:个)?(?:礼拜|星期)|搞掂(?:未|了吗|没有?)|𠮶单|之前|前几天|前天|前阵子|上周|上个月|去年|那次|那天|报修的|报过的?|报了的|报的|报了(?!警)|反映的|反映过|投诉的|"
    r"登记的|的事(?:情)?(?:处理|解决|怎么|有|好了|呢)|工单|单号|处理好了吗|处理了吗|修好了吗|怎么样了|"
    r"有结果|结果呢|进度|跟进|复查|回访|(?:那|这)(?:件)?事(?:情)?(?:处理|解决|办)|处理得(?:挺|很|真|蛮|太)?(?:快|及时)|"
    r"last (?:time|week|month|year|night's)|the other day|earlier this|i reported|we reported|"
    r"on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|afterwards|"
    r"(?:昨晚|昨天|昨儿).{0,8}那(?:户|家|栋)|你们说(?:今天|明天|要|会)|(?:师傅|工人|维修工).{0,10}(?:就走了|来过|看过|修过)|还来不来|"
    r"(?:was|were|been) (?:reported|fixed|handled|resolved|sorted)|any update|follow(?:ing)? up|"
    r"status of|ticket|what happened (?:with|to) (?:the|my)|did (?:you|anyone|someone) (?:fix|check|look)"
)
# Hypothetical, informational or about drills/equipment/safety rules.
_INFO = re.compile(
    r"如果|万一|假如|要是|假设|演习|演练|灭火器|消防栓(?!.{0,6}(?:被撞|撞了|撞坏|撞断|爆|喷|断了))|消防通道|消防设施|消防检查|安全知识|安全培训|"
    r"培训|讲座|想学|好奇|作业|科普|原理|学一下|教(?:我|一下)|宣传|网上(?:传|说|看到)|网传|(?:那个|这个|那段|这段)[^,.!?，。]{0,10}视频|怎么预防|如何预防|预防|防范|注意事项|保险|应急预案|应急演|电影|电视剧|新闻|小说|剧本|主角|写故事|"
    r"消防器材|烟感(?!.{0,6}(?:响|叫|鸣|报警))|(?:火警|警铃|警报|报警器|烟感)钟?.{0,3}(?:测试|试响)|逃生|安全检查|安检|年检|安全出口|谁负责|出了事|出事了?谁|迟早|早晚(?:会|要|得)|真(?:要|的)?(?:烧|着|起火|出事|塌|掉)|"
    r"(?<!not sure )(?<!know )\bif\b|\bin case\b|during a fire|in a fire\b|when there'?s a fire|\bdrill\b|extinguisher|hydrant(?!.{0,20}(?:hit|knocked|burst|spraying|gushing))|fire exit|fire escape|fire door|"
    r"training|insurance|curious|just wondering|homework|science project|\bmovie\b|\bnovel\b|screenplay|my story\b|\bnews\b|safety (?:tips|rules|check|inspection)|what should i do when|"
    r"how (?:do|to|can) (?:i |we )?(?:prevent|avoid|use)|fire alarm test|\b(?:alarm|sprinklers?|hydrants?|fire system) (?:test|testing|check|inspection|maintenance)\b|smoke detector|smoke alarm battery|"
    r"(?:alarm|detector)\b.{0,40}\bbatter(?:y|ies)\b|\bbatter(?:y|ies)\b.{0,30}\b(?:alarm|detector)|(?:报警器|烟感|探测器).{0,10}(?:没电|换电池|电池)|"
    r"where (?:can|do|could|should) (?:i|we) (?:buy|get|find)|(?:哪里|哪儿|在哪)(?:能|可以)?买|(?:do|does) (?:you|management|the office) sell"
)
# Complaints about neighbours' smoking, burning offerings or barbecues are not fires
# (unless flames are out of control: _FLAMES).
_NOT_FIRE = re.compile(
    r"抽烟|吸烟|烟头|烟味从|二手烟|烟瘾|烧纸|烧香|烧烤|烤串|烤肉|熏肉|(?<!不是)(?:煎|炒菜|做饭|烧菜)|油烟(?!机)|在\s*smok(?:e|ing)|"
    r"\bcooking\b|\bfrying\b|burnt (?:toast|food)|"
    r"smoking (?:in|on|near|neighbour|neighbor)|cigarette|smokes|barbecue|bbq|incense|"
    r"\b(?:people|someone|somebody|he|she|they|neighbou?rs?|guys?|men|workers|guards?) "
    r"(?:keep |keeps |still |always |are |is )?smok(?:e|es|ing)\b"
)
# Injury words with nothing to do now: an ambulance the resident saw come and asks
# about (someone else's incident, handled), a child hard to wake for school.
# The resident leaves what they first wrote about for what is happening now.
_TOPIC_SWITCH = re.compile(
    r"先不说(?:这个|那个)?了?|(?:这个|那个)?(?:先)?不说(?:这个|那个)了|(?:这个|那个)(?:等下|回头|之后|晚点)再说|"
    r"\b(?:never ?mind|forget (?:that|it)|anyway|but (?:now |right now )?(?:there'?s|there is))\b"
)
# An extinguisher in use but the fire not out is still a fire.
_STILL_BURNING = re.compile(
    r"(?:火)?(?:还没|没有?)(?:灭|扑灭|熄)|灭不(?:了|掉)|(?:扑|浇|泼)不灭|还在(?:烧|冒烟)|"
    r"still (?:burning|on fire|smoking)|(?:won'?t|didn'?t|doesn'?t|isn'?t) (?:go(?:ing)? out|out)|(?:can'?t|couldn'?t|cannot) put (?:it|the fire) out"
)
# A fire named only as a figure of speech: "热得跟着火似的", "像着火一样".
_SIMILE_BEFORE = re.compile(r"(?:跟|像|好像|如同|仿佛|似)(?:是)?$")
_SIMILE_AFTER = re.compile(r"^(?:了)?(?:似的|一样|一般|般)")
_INJURY_NOT_NOW = re.compile(
    r"(?:叫|喊)不醒.{0,4}(?:起床|上学|上班)|(?:气|涨|吵|贵|烦|累|热|冷|笑|吓|急)得我.{0,8}(?:都要|都快|快要|差点)|"
    r"(?:每天|天天|每早|早上都)(?:都)?(?:叫|喊)不醒|赖床|"
    r"救护车.{0,10}(?:咋回事|怎么回事|怎么了|是谁家|是哪家|是哪户|来干嘛|干什么|什么情况)|"
    r"what(?:'s| was| is) (?:the|that) ambulance|why (?:was|is) (?:there )?an ambulance"
)
# Strangers selling or handing out leaflets are a nuisance, not intruders.
_CANVASSER = re.compile(
    r"推销|发传单|发广告|贴广告|发小广告|卖东西|摆摊|\bsalesm[ae]n\b|\bselling\b|\bflyers?\b|"
    r"\bleaflets?\b|\bsurvey\b|canvass|door-to-door|door to door"
)
_COLLAPSE = re.compile(r"(?:要|快|会|已经)塌|塌(?:了|下来)|坍塌|cav(?:e|ing) in|collaps")
_GAS_DENIED = re.compile(
    rf"(?:不是|并非|没有|没)(?:什么)?{_GAS_ZH}(?!罐|瓶|灶|表|管|阀|报警)|\b(?:not|isn'?t|wasn'?t) (?:the )?gas\b"
)
_GAS_NAMED = re.compile(rf"{_GAS_ZH}|一氧化碳|\bgas\b(?! station| bill| fee)|carbon monoxide")
_FLAMES = re.compile(
    r"着火|起火|着起来|(?:锅|油|窗帘|被子|沙发|衣服|柜子)(?:也|都)?着了|火苗|(?<![闪下])火光|烧起来|烧着|点着|引燃|明火|大火|火势|on fire|flames?\b|caught fire|ablaze|alight"
)

# Common misspellings of hazard words (homophones, slips of the pinyin keyboard).
_TYPOS: tuple[tuple[str, str], ...] = (
    ("煤汽", "煤气"),
    ("媒气", "煤气"),
    ("煤起", "煤气"),
    ("燃起味", "燃气味"),
    ("燃器", "燃气"),
    ("插苏", "插座"),
    ("电题", "电梯"),
    ("石屎", "混凝土"),
    ("批荡", "墙皮"),
    ("跌落嚟", "掉下来"),
    ("越嚟越", "越来越"),
    ("燃汽", "燃气"),
    ("天燃气", "天然气"),
    ("然气", "燃气"),
    ("漏汽", "漏气"),
    ("着伙", "着火"),
    ("起伙", "起火"),
    ("电悌", "电梯"),
    ("电体", "电梯"),
    ("被捆", "被困"),
    ("淹掉", "淹了"),
    ("gaz", "gas"),
    # Regional words (Cantonese, northern) for the same things.
    ("喊咗", "哭了"),  # Cantonese 喊 is "cry"
    ("咗喺", "在"),  # 锁咗喺 "locked in"
    ("晕低", "晕倒"),
    ("匿埋", "躲"),
    ("爆格", "入室盗窃"),
    ("咗", "了"),
    ("细路仔", "小孩"),
    ("细路", "小孩"),
    ("企住", "站着"),
    ("企喺", "站在"),
    ("喺度", "在"),
    ("冇", "没有"),
    ("系唔系", "是不是"),
    ("唔系", "不是"),
    ("冷气机", "空调外机"),
    ("入面", "里面"),
    ("黑晒", "一片黑"),
    ("好惊", "好怕"),
    ("水喉", "水管"),
    ("屋企", "家"),
    ("成屋", "满屋"),
    ("都系", "都是"),
    ("喺", "在"),
    ("搁里", "在里"),
    ("俺", "我"),
    ("elevater", "elevator"),
    ("elavator", "elevator"),
    ("flodding", "flooding"),
    ("fier", "fire"),
    ("smokey", "smoky"),
    ("traped", "trapped"),
)

# "Not urgent" makes a fault a repair, unless a life hazard is named outright.
_NOT_URGENT = re.compile(
    r"不急|不着急|不用急|不紧急|不算急|慢慢来|有空|方便的时候|"
    r"not urgent|no rush|no hurry|whenever (?:you|it'?s convenient)|when you (?:get|have) (?:a )?(?:chance|time)"
)
_NOW = re.compile(
    r"现在|正在|一直在|还在|又来了|快来|救命|马上|赶紧|right now|(?<!dry )(?<!fine )(?<!okay )(?<!ok )(?<!over )(?<!gone )(?<!stopped )now\b|hurry|quick"
)
_LIFE_HAZARDS = frozenset({"gas", "fire", "trapped", "injury", "violence", "child_elderly"})


# English hazard words written against Chinese ("楼上的water从灯里流下来",
# "外墙tiles在往下掉") are read as their Chinese words, so the Chinese rules apply.
_MIXED = {"water": "水", "gas": "燃气", "fire": "火", "smoke": "烟", "light": "灯",
          "light fixture": "灯", "light fitting": "灯", "ceiling light": "灯",
          "lamp": "灯", "socket": "插座", "lift": "电梯", "elevator": "电梯",
          "tiles": "瓷砖", "tile": "瓷砖", "glass": "玻璃", "kid": "小孩", "baby": "宝宝"}  # fmt: skip
_MIXED_WORD = re.compile(
    r"(?:(?<=[\u4e00-\u9fff])\s*({0})(?![a-z]))|(?:(?<![a-z])({0})\s*(?=[\u4e00-\u9fff]))".format(
        "|".join(sorted(_MIXED, key=len, reverse=True))
    )
)


# "I'm not joking", "this isn't a repair request": the negation is of the
# framing, not of the hazard that follows, so it is read as emphasis.
_META_NEGATION = re.compile(
    r"(?:我|这)?(?:不是|没|没有|不)(?:在)?(?:开玩笑|骗人|骗你|瞎说|乱说|夸张|报修)|"
    r"\b(?:i'?m |this is |this isn'?t |i am )?(?:not|no) (?:joking|kidding|a joke|a prank|making this up|exaggerating)\b|"
    r"(?:(?:is|it'?s|this is|was) not|isn'?t|(?:don'?t|do not) think (?:it'?s|this is|it is)|not) (?:a |just a )?(?:drill|test)\b|不是(?:在)?(?:演习|演练|测试|试响)|不像(?:是)?(?:演习|演练)"
)


def _unmistype(text: str) -> str:
    t = fold(text or "")
    for wrong, right in _TYPOS:
        t = t.replace(wrong, right)
    t = _META_NEGATION.sub("真的", t)
    return _MIXED_WORD.sub(lambda m: _MIXED[m.group(1) or m.group(2)], t)


def check(text: str) -> EmergencyCheck:
    """Run the rule layer on one message.

    Returns whether a rule fired and the hazard kind (one of
    `nlu.types.EMERGENCY_KINDS`); when a hazard is named but not happening now,
    `suppressed_by` says why (negated, reference, hypothetical, info, not_urgent).
    """
    t = _unmistype(text)
    not_urgent = bool(_NOT_URGENT.search(t))
    first_suppressed: EmergencyCheck | None = None
    for hazard, pattern in HAZARDS:
        for m in pattern.finditer(t):
            before, after = t[: m.start()], t[m.end() :]
            reason = _suppression(hazard, t, before, after, m.group(0))
            if reason is None and not_urgent and hazard not in _LIFE_HAZARDS:
                reason = "not_urgent"
            if reason is None:
                # Flames in the electrics are a fire ("电表箱着火了").
                if hazard == "water_electric" and _FLAMES.search(t):
                    return EmergencyCheck(True, "fire")
                # A ceiling or wall giving way under the water is a collapse first.
                if hazard == "flood" and _COLLAPSE.search(t):
                    return EmergencyCheck(True, "structure")
                # Someone unwell or unresponsive with gas named is gas poisoning
                # (the advice is to air the room and get out, not first aid).
                if hazard in ("injury", "child_elderly") and _GAS_NAMED.search(t):
                    return EmergencyCheck(True, "gas")
                return EmergencyCheck(True, hazard)
            if first_suppressed is None:
                first_suppressed = EmergencyCheck(False, hazard, reason)
    if first_suppressed is None:
        m = _GENERIC.search(t)
        reason = m and _suppression("generic", t, t[: m.start()], t[m.end() :], m.group(0))
        if m and reason is None and not _HYPERBOLE.search(t):
            return EmergencyCheck(True, kind_of(t))
        if reason == "info":
            return EmergencyCheck(False, "mention", "info")
    if first_suppressed is None and _INFO.search(t) and has_hazard_cue(t):
        # Hazard vocabulary in an informational frame ("fire drill next week").
        return EmergencyCheck(False, "mention", "hypothetical")
    if first_suppressed is None and _RESOLVED.search(t) and has_hazard_cue(t):
        # "摔了一跤 已经好了": told after the fact, nothing to do now.
        return EmergencyCheck(False, "mention", "negated")
    if first_suppressed is None and not_urgent:
        return EmergencyCheck(False, None, "not_urgent")
    if first_suppressed is None and _GAS_DENIED.search(t):
        # "唔系煤气 系垃圾": gas named only to rule it out.
        return EmergencyCheck(False, "gas", "negated")
    if first_suppressed is None and (_NOT_FIRE.search(t) or _CANVASSER.search(t)):
        # Someone smoking or selling is a complaint, unless a hazard rule fired above.
        return EmergencyCheck(False, "mention", "info")
    return first_suppressed or EmergencyCheck(False)


# The owner says it is over and fine now (no hazard rule fired).
_RESOLVED = re.compile(
    r"已经(?:好|没事|处理好|修好|解决|灭)了|没(?:什么)?大碍|没事了|"
    r"(?:is|are|'s|'re) (?:fine|ok|okay|alright) now|all good now|no one (?:was )?hurt|"
    r"自己(?:下来|出来|爬出来|回来|走回来)了|(?:came|come|got|climbed|made it) (?:down|out|back|home) (?:on (?:its|his|her|their) own|by (?:it|him|her|them)sel(?:f|ves))"
)
_WHEN_AFTER = re.compile(r"^\s*(?:了)?\s*(?:的时候|时候|时(?!间|候))")
# The owner says it was a false alarm or explains the cause away.
_FALSE_ALARM = re.compile(
    r"虚惊|(?<!不是)(?<!并非)(?<!不算)误报|原来是|(?:已经|现在)没(?:有)?(?:味|味道|气味)了|刚才说的|刚刚说的|刚才那个|是(?:邻居|隔壁|楼上|楼下|对门)(?:家)?在(?:煮|做|烧|炖|煎|炒|熬|烤|蒸)|"
    r"(?<!not a )false alarm|turned out|it was (?:just|only)|nothing serious"
)
# A hazard that keeps happening is a complaint about it, not an emergency now.
_RECURRING = re.compile(
    r"一周|一个月|这个月|最近|经常|老是|总是|三天两头|隔三差五|天天|每天|每晚|好几次|[两三四五六七八九几](?:次|回)|这半年|半年来|"
    r"every time|each time|whenever|again and again|keeps? (?:happening|flooding)"
)


# Water standing over a blocked drain is a repair, not a flood.
_BLOCKED_DRAIN = re.compile(
    r"(?:下水道|地漏|下水|马桶|水池|洗手池|浴缸|排水).{0,6}(?:堵|不通|下不去|不下去|(?:特别|很|太|好)?慢)|"
    r"(?:drain|sink|toilet|bath|shower)\w*.{0,20}(?:blocked|clogged|backed up|won'?t drain)"
)

# A stain or a damp patch from a slow leak is a repair, unless the water is rising.
_STAIN = re.compile(r"水印|水渍|水痕|霉斑|\bstains?\b|damp patch|\bmarks?\b")
_RISING = re.compile(
    r"喷|涌|涨|淹|越来越多|止不住|gush\w*|pour\w*|spurt\w*|rising|pouring|flooding"
)


def _suppression(hazard: str, t: str, before: str, after: str, phrase: str) -> str | None:
    if _NEG_INSIDE.search(phrase):
        return "negated"
    if (
        hazard == "flood"
        and (_BLOCKED_DRAIN.search(t) or _STAIN.search(t))
        and not _RISING.search(t)
    ):
        return "not_urgent"
    if _WHEN_AFTER.search(after):
        return "hypothetical"
    if _FALSE_ALARM.search(t):
        return "negated"
    # A gas smell that keeps coming back is still a leak to check now, and a rail or a
    # facade that keeps giving way is still a fall waiting to happen.
    if hazard not in ("gas", "structure") and _RECURRING.search(t) and not _NOW.search(t):
        return "reference"
    window = before[-8:]
    if _NEG_BEFORE_ZH.search(window) or _NEG_BEFORE_EN.search(before[-30:]):
        return "negated"
    if _NEG_AFTER.search(after):
        return "negated"
    if hazard == "fire" and _NOT_FIRE.search(t) and not _FLAMES.search(t):
        return "info"
    if hazard == "fire" and _SIMILE_BEFORE.search(before[-4:]) and _SIMILE_AFTER.search(after):
        return "hypothetical"
    if hazard == "injury" and _INJURY_NOT_NOW.search(t):
        return "reference"
    if hazard == "violence" and _CANVASSER.search(t):
        return "info"
    if _PLAY.search(t) and _CRY.search(phrase):
        return "info"
    # Frames that came before a change of topic ("上个月物业费的事……先不说这个了") do not apply.
    switches = [m.end() for m in _TOPIC_SWITCH.finditer(before)]
    scope = t[switches[-1] :] if switches else t
    if _INFO.search(scope) and not (hazard == "fire" and _STILL_BURNING.search(t)):
        return "hypothetical"
    if _REFERENCE.search(scope):
        return "reference"
    return None


# Children crying for help in a game they are playing ("在玩警察抓小偷 一直喊救命").
_PLAY = re.compile(
    r"在玩|玩(?:游戏|捉迷藏|抓人|鬼抓人|警察抓小偷|过家家|打仗)|做游戏|是游戏|闹着玩|"
    r"playing (?:a game|tag|hide and seek|hide-and-seek|cops and robbers|pirates|pretend)|(?:it'?s|just) a game"
)
_CRY = re.compile(r"救命|救救|呼救|\bhelp\b")

# A cry for help that names no hazard ("救命", "SOS"): an emergency whose kind
# comes from the rest of the message, or is unknown.
_GENERIC = re.compile(
    r"救命|救救我|\bsos\b|"
    r"^\W*(?:please\s+|someone\s+|somebody\s+)?help(?: me| us)?"
    r"(?:[\s,]*(?:please|quick(?:ly)?|now|someone|somebody|anyone|fast|urgent))*\W*$|"
    r"(?:^|[.!?,]\s*)(?:please\s+)?help(?: me| us)?\s*!+|"
    r"(?:someone|somebody|anyone) (?:please )?help(?: me| us)?\b(?!\s+(?:with|to|find|get|check))"
)

# "救命 物业费又涨了": a cry for help about money or chores is a figure of speech.
_HYPERBOLE = re.compile(
    r"物业费|管理费|停车费|水费|电费|费用|涨价|涨了|太贵|好贵|账单|扣钱|作业|加班|笑死|"
    r"\b(?:fees?|prices?|bills?|rent|homework|expensive)\b"
)

# When no hazard rule names the kind (the model alone decided, or a bare cry for
# help), these looser cues pick one; injury and medical is the fallback because
# calling for medical help is the safe default.
_KIND_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("gas", re.compile(r"煤|燃气|天然气|气味|臭鸡蛋|gas|propane|rotten egg")),
    ("fire", re.compile(r"火|烟|烧|焦|fire|smoke|burn|flame")),
    (
        "water_electric",
        re.compile(r"电(?!梯|话|视|脑|费|动车|瓶车)|插座|spark|electric|socket|wire|shock"),
    ),
    ("flood", re.compile(r"水(?!池|边|塘)|淹|漫(?!步|画|长|游)|water|flood|pipe|leak")),
    ("trapped", re.compile(r"困|关在|锁在|出不来|电梯|stuck|trapped|locked in|lift|elevator")),
    (
        "violence",
        re.compile(
            r"打(?!呼噜|鼾|电话|扫|印|卡|开|算|针|车|折|听)|刀|撬|小偷|陌生|抢|偷|fight|knife|stranger|thief|break|attack"
        ),
    ),
    (
        "child_elderly",
        re.compile(rf"孩子|小孩|宝宝|婴儿|{_ELDER_ZH}|child|kid|baby|toddler|elderly"),
    ),
    ("structure", re.compile(r"塌|掉下|坠|砸|裂|collapse|fall|crack")),
    (
        "injury",
        re.compile(
            r"血|晕|倒|摔|伤|疼|痛|呼吸|喘|昏|抽搐|救护|120|不动|叫不醒|"
            r"hurt|blood|bleed|fell|unconscious|breath|ambulance|faint|injur|pain|not moving"
        ),
    ),
)
FALLBACK_KIND = "injury"


def has_hazard_cue(text: str) -> bool:
    """True when any hazard word, however loose, is in `text` (the model alone may
    call a message an emergency only then)."""
    t = _unmistype(text)
    return any(cue.search(t) for _, cue in _KIND_CUES) or bool(_GENERIC.search(t))


def kind_of(text: str) -> str:
    """The hazard kind of an emergency message, one of `nlu.types.EMERGENCY_KINDS`.

    The kind a hazard rule names when one matches (negated or not), else the
    first loose cue that matches, else `FALLBACK_KIND`.
    """
    t = _unmistype(text)
    for hazard, pattern in HAZARDS:
        if pattern.search(t):
            return hazard
    for kind, cue in _KIND_CUES:
        if cue.search(t):
            return kind
    return FALLBACK_KIND


def is_emergency(text: str) -> bool:
    """True when the rule layer fires on `text`."""
    return check(text).fired
