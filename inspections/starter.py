"""The starter set of checklists for the plan's key areas (§6–§13), shipped as data, and its idempotent loader.

Item texts are quoted from the standards where a public copy of the text was at hand; the page each text was taken
from is named in `sources`. An item we could only paraphrase, or whose clause number we have not seen in the text,
is marked needs_check (待核实) and its clause is left empty or gives only what was seen (e.g. the article, not the
item). No clause number here is guessed. The checklist content is Chinese data, not UI text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.models import HazardType
from units.models import Sector, Township, User

from .models import ChecklistItem, ChecklistTemplate, ChecklistVersion


@dataclass(frozen=True)
class StarterItem:
    text: str
    standard: str
    clause: str = ""
    is_major: bool = False
    needs_check: bool = False


@dataclass(frozen=True)
class StarterChecklist:
    ref_key: str
    name: str
    sector: str  # the reference sector's name (units.reference.SECTORS)
    hazard_type: str
    description: str
    items: tuple[StarterItem, ...]
    sources: tuple[str, ...]  # where the quoted texts were read


# The township's own plan: "{township}" becomes the name of the township the checklists are loaded for.
PLAN = "《{township}安全生产治本攻坚三年行动实施方案（2024-2026年）》"
PLAN_SOURCE = "镇安全生产治本攻坚三年行动实施方案"
GONGMAO = "《工贸企业重大事故隐患判定标准》（应急管理部令第10号）"
FIRE = "《重大火灾隐患判定方法》（GB 35181-2017）"
FIRE_LAW = "《中华人民共和国消防法》"
GAS = "《城镇燃气经营安全重大隐患判定标准》（建城规〔2023〕4号）"
HAZCHEM = "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》（安监总管三〔2017〕121号）"
BUILDING = "《房屋市政工程生产安全重大事故隐患判定标准（2022版）》（建质规〔2022〕2号）"

CHECK_NOTE = "标“待核实”的条目为转述，或其条款号未在原文中核对，使用前请对照标准原文核实。"


def _major(text: str, standard: str, clause: str = "", *, check: bool = False) -> StarterItem:
    return StarterItem(text=text, standard=standard, clause=clause, is_major=True, needs_check=check)


def _general(text: str, standard: str, clause: str = "", *, check: bool = False) -> StarterItem:
    return StarterItem(text=text, standard=standard, clause=clause, is_major=False, needs_check=check)


GONGMAO_ITEMS = (
    _major(
        "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的。", GONGMAO, "第三条第（一）项"
    ),
    _major("特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的。", GONGMAO, "第三条第（二）项"),
    _major("金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格的。", GONGMAO, "第三条第（三）项"),
    _major(
        "粉尘爆炸危险场所设置在非框架结构的多层建（构）筑物内，或者粉尘爆炸危险场所内设有员工宿舍、会议室、"
        "办公室、休息室等人员聚集场所的。",
        GONGMAO,
        "第十一条第（一）项",
    ),
    _major(
        "不同类别的可燃性粉尘、可燃性粉尘与可燃气体等易加剧爆炸危险的介质共用一套除尘系统，或者不同建（构）筑物、"
        "不同防火分区共用一套除尘系统、除尘系统互联互通的。",
        GONGMAO,
        "第十一条第（二）项",
    ),
    _major("干式除尘系统未采取泄爆、惰化、抑爆等任一种爆炸防控措施的。", GONGMAO, "第十一条第（三）项"),
    _major(
        "铝镁等金属粉尘除尘系统采用正压除尘方式，或者其他可燃性粉尘除尘系统采用正压吹送粉尘时，"
        "未采取火花探测消除等防范点燃源措施的。",
        GONGMAO,
        "第十一条第（四）项",
    ),
    _major("除尘系统采用重力沉降室除尘，或者采用干式巷道式构筑物作为除尘风道的。", GONGMAO, "第十一条第（五）项"),
    _major("铝镁等金属粉尘、木质粉尘的干式除尘系统未设置锁气卸灰装置的。", GONGMAO, "第十一条第（六）项"),
    _major("除尘器、收尘仓等划分为20区的粉尘爆炸危险场所电气设备不符合防爆要求的。", GONGMAO, "第十一条第（七）项"),
    _major(
        "粉碎、研磨、造粒等易产生机械点燃源的工艺设备前，未设置铁、石等杂物去除装置，"
        "或者木制品加工企业与砂光机连接的风管未设置火花探测消除装置的。",
        GONGMAO,
        "第十一条第（八）项",
    ),
    _major(
        "遇湿自燃金属粉尘收集、堆放、储存场所未采取通风等防止氢气积聚措施，或者干式收集、堆放、储存场所"
        "未采取防水、防潮措施的。",
        GONGMAO,
        "第十一条第（九）项",
        check=True,  # the source page breaks off after "干式收集、堆放、"
    ),
    _major("未落实粉尘清理制度，造成作业现场积尘严重的。", GONGMAO, "第十一条", check=True),
    _major(
        "存在硫化氢、一氧化碳等中毒风险的有限空间：未对有限空间进行辨识、建立安全管理台账，"
        "并且未设置明显的安全警示标志的。",
        GONGMAO,
        "第十三条",
        check=True,
    ),
    _major(
        "存在硫化氢、一氧化碳等中毒风险的有限空间作业：未落实有限空间作业审批，或者未执行“先通风、再检测、"
        "后作业”要求，或者作业现场未设置监护人员的。",
        GONGMAO,
        "第十三条",
        check=True,
    ),
    _major(
        "本标准所列情形中直接关系生产安全的监控、报警、防护等设施、设备、装置，应当保证正常运行、使用，"
        "失效或者无效均判定为重大事故隐患。",
        GONGMAO,
        "第十四条",
    ),
)

FIRE_ITEMS = (
    _major(
        "生产、储存和装卸易燃易爆危险品的工厂、仓库和专用车站、码头、储罐区，未设置在城市的边缘或相对独立的安全地带。",
        FIRE,
        "6.1",
    ),
    _major(
        "生产、储存、经营易燃易爆危险品的场所与人员密集场所、居住场所设置在同一建筑物内，"
        "或与人员密集场所、居住场所的防火间距小于国家工程建设消防技术标准规定值的75%。",
        FIRE,
        "6.2",
    ),
    _major(
        "城市建成区内的加油站、天然气或液化石油气加气站、加油加气合建站的储量达到或超过一级站的规定。",
        FIRE,
        "6.3",
    ),
    _major("甲、乙类生产场所和仓库设置在建筑的地下室或半地下室。", FIRE, "6.4"),
    _major(
        "公共娱乐场所、商店、地下人员密集场所的安全出口数量不足或其总净宽度小于国家工程建设消防技术标准规定值的80%。",
        FIRE,
        "6.5",
    ),
    _major(
        "旅馆、公共娱乐场所、商店、地下人员密集场所未按国家工程建设消防技术标准的规定设置自动喷水灭火系统"
        "或火灾自动报警系统。",
        FIRE,
        "6.6",
    ),
    _major(
        "易燃可燃液体、可燃气体储罐（区）未按国家工程建设消防技术标准的规定设置固定灭火、冷却、可燃气体浓度报警、"
        "火灾报警设施。",
        FIRE,
        "第6章（直接判定要素）",
    ),
    _major("在人员密集场所违反消防安全规定使用、储存或销售易燃易爆危险品。", FIRE, "第6章（直接判定要素）"),
    _major(
        "托儿所、幼儿园的儿童用房以及老年人活动场所，所在楼层位置不符合国家工程建设消防技术标准的规定。",
        FIRE,
        "第6章（直接判定要素）",
    ),
    _major(
        "人员密集场所的居住场所采用彩钢夹芯板搭建，且彩钢夹芯板芯材的燃烧性能等级低于GB 8624规定的A级。",
        FIRE,
        "第6章（直接判定要素）",
    ),
    # §7 消防生命通道: the plan names locked exits, blocked escape routes and barred windows; the law forbids them.
    _general("锁闭安全出口（方案§7）：不得占用、堵塞、封闭疏散通道、安全出口、消防车通道。", FIRE_LAW, "第二十八条"),
    _general("占堵疏散通道（方案§7）：不得占用、堵塞、封闭疏散通道、安全出口、消防车通道。", FIRE_LAW, "第二十八条"),
    _general(
        "门窗违规设置障碍物（方案§7）：人员密集场所的门窗不得设置影响逃生和灭火救援的障碍物。", FIRE_LAW, "第二十八条"
    ),
    _general(
        "不得损坏、挪用或者擅自拆除、停用消防设施、器材，不得埋压、圈占、遮挡消火栓或者占用防火间距。",
        FIRE_LAW,
        "第二十八条",
    ),
)

GAS_ITEMS = (
    _major("未取得燃气经营许可证从事燃气经营活动。", GAS, "第四条第（一）项"),
    _major("未建立安全风险分级管控制度。", GAS, "第四条第（二）项"),
    _major("未建立事故隐患排查治理制度。", GAS, "第四条第（三）项"),
    _major("未制定生产安全事故应急救援预案。", GAS, "第四条第（四）项"),
    _major("未建立对燃气用户燃气设施的定期安全检查制度。", GAS, "第四条第（五）项"),
    _major("气瓶安全管理：擅自为非自有气瓶充装燃气。", GAS, check=True),
    _major("气瓶安全管理：销售未经许可的充装单位充装的瓶装燃气。", GAS, check=True),
    # §8's six problems: the plan names them only; what each covers is our paraphrase.
    _general("“问题气”：所用液化气来源不明、无合法充装标识或由无证经营者供应。", PLAN, "§8", check=True),
    _general("“问题瓶”：液化气钢瓶超期未检、已报废、无充装标识或非经营企业自有产权。", PLAN, "§8", check=True),
    _general("“问题阀”：瓶阀、调压器（减压阀）损坏、老化或不符合产品安全标准。", PLAN, "§8", check=True),
    _general("“问题软管”：连接软管老化、破损、超期使用或不是燃气专用软管。", PLAN, "§8", check=True),
    _general("“问题管”：燃气管道私拉乱接、锈蚀、泄漏或安装在不安全部位。", PLAN, "§8", check=True),
    _general(
        "“问题环境”：在地下、半地下或通风不良等不具备安全条件的场所使用、储存瓶装液化气。", PLAN, "§8", check=True
    ),
    _general("餐饮场所依法规范安装、使用可燃气体探测器。", PLAN, "§8"),
    _general("餐饮场所依法规范安装、使用燃气紧急切断阀。", PLAN, "§8"),
    _general("餐饮场所常态化开展员工安全风险教育和应急处置技能培训。", PLAN, "§8"),
)

FIREWORKS_ITEMS = (
    _general(
        "两关闭：关闭存在“下面开店上面住宅”、“前面开店后面住宅”等形式与居民居住场所在同一建筑物内的零售点。",
        PLAN,
        "§13（两关闭）",
    ),
    _general("两关闭：关闭与人群密集场所和重点建筑物安全距离不足、未按规定专店销售的零售点。", PLAN, "§13（两关闭）"),
    _general("三严禁：严禁销售超标、违禁、专业燃放类产品或非法产品。", PLAN, "§13（三严禁）"),
    _general("三严禁：严禁在许可证载明的经营场所外存放烟花爆竹。", PLAN, "§13（三严禁）"),
    _general("三严禁：严禁超许可证载明限量存放烟花爆竹。", PLAN, "§13（三严禁）"),
    _general("出租房屋、闲置厂房、废旧院落、集贸市场等重点场所非法生产、经营、储存烟花爆竹。", PLAN, "§13"),
    _general("摆摊设点非法贩卖、兜售烟花爆竹。", PLAN, "§13"),
    _general("批发企业落实“六严禁”措施（“六严禁”的具体内容待对照原文核实）。", PLAN, "§13", check=True),
)

HAZCHEM_ITEMS = (
    _major("危险化学品生产、经营单位主要负责人和安全生产管理人员未依法经考核合格。", HAZCHEM, "（一）"),
    _major("特种作业人员未持证上岗。", HAZCHEM, "（二）"),
    _major("涉及“两重点一重大”的生产装置、储存设施外部安全防护距离不符合国家标准要求。", HAZCHEM, "（三）"),
    _major("液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装未使用万向管道充装系统。", HAZCHEM, "（七）"),
    _major("使用淘汰落后安全技术工艺、设备目录列出的工艺、设备。", HAZCHEM, "（十一）"),
    _major(
        "涉及可燃和有毒有害气体泄漏的场所未按国家标准设置检测报警装置，爆炸危险场所未按国家标准安装使用防爆电气设备。",
        HAZCHEM,
        "（十二）",
    ),
    _major("安全阀、爆破片等安全附件未正常投用。", HAZCHEM, "（十五）", check=True),
    _major("未建立与岗位相匹配的全员安全生产责任制或者未制定实施生产安全事故隐患排查治理制度。", HAZCHEM, check=True),
    _major("未制定操作规程和工艺控制指标。", HAZCHEM, check=True),
    _major("未按照国家标准制定动火、进入受限空间等特殊作业管理制度，或者制度未有效执行。", HAZCHEM, check=True),
    _major(
        "未按国家标准分区分类储存危险化学品，超量、超品种储存危险化学品，相互禁配物质混放混存。", HAZCHEM, check=True
    ),
)

BUILDING_ITEMS = (
    _major("建筑施工企业未取得安全生产许可证擅自从事建筑施工活动。", BUILDING, check=True),
    _major(
        "基坑工程：基坑出现坍塌风险预兆（支护结构或周边土体位移值突然明显增大，出现流沙、管涌、隆起、陷落或较严重的"
        "渗漏，周边建筑、地面出现较严重的突发裂缝等），且未及时处理。",
        BUILDING,
        check=True,
    ),
    _major("模板支撑：模板支架承受的施工荷载超过设计值。", BUILDING, check=True),
    _major("模板支撑：模板支架拆除及滑模、爬模爬升时，混凝土强度未达到设计或规范要求。", BUILDING, check=True),
    _major("脚手架工程：未设置连墙件或连墙件整层缺失。", BUILDING, check=True),
    _major("脚手架工程：附着式升降脚手架未经验收合格即投入使用。", BUILDING, check=True),
    _major("暗挖工程：作业面带水施工未采取相关措施，或地下水控制措施失效且继续施工。", BUILDING, check=True),
    _major(
        "暗挖工程：施工时出现涌水、涌沙、局部坍塌，支护结构扭曲变形或出现裂缝，且有不断增大趋势，未及时采取措施。",
        BUILDING,
        check=True,
    ),
    _major(
        "起重伤害：塔式起重机、施工升降机、物料提升机等起重机械设备未经验收合格即投入使用，或未按规定办理使用登记。",
        BUILDING,
        "第八条第（一）项",
    ),
    _major("起重伤害：建筑起重机械的安全装置不齐全、失效或者被违规拆除、破坏。", BUILDING, "第八条第（五）项"),
    _major(
        "高处坠落：悬挑式操作平台的搁置点、拉结点、支撑点未设置在稳定的主体结构上，且未做可靠连接。",
        BUILDING,
        "第九条第（三）项",
    ),
    _major(
        "施工临时用电：特殊作业环境（隧道、人防工程，高温、有导电灰尘、比较潮湿等作业环境）照明未按规定使用安全电压。",
        BUILDING,
        "第十条",
    ),
    _major(
        "中毒和窒息：有限空间作业未履行“作业审批制度”，未对施工人员进行专项安全教育培训，"
        "未执行“先通风、再检测、后作业”原则。",
        BUILDING,
        "第十一条第（一）项",
    ),
    _major("中毒和窒息：有限空间作业时现场未有专人负责监护工作。", BUILDING, "第十一条第（二）项"),
    _general(
        "转包、违法分包、盲目赶工期抢进度、不按方案施工以及未批先建、审批手续不全擅自施工等违法违规行为。", PLAN, "§11"
    ),
)

STARTER_CHECKLISTS: tuple[StarterChecklist, ...] = (
    StarterChecklist(
        ref_key="starter:gongmao",
        name="工贸企业重大事故隐患检查表",
        sector="工贸",
        hazard_type=HazardType.INDUSTRY,
        description=(
            "依据《工贸企业重大事故隐患判定标准》（应急管理部令第10号，2023年5月15日起施行）的通用情形（第三条）、"
            "存在粉尘爆炸危险的工贸企业（第十一条，方案§12粉尘涉爆）、有限空间作业（第十三条，方案§12有限空间）"
            "及第十四条整理。冶金、有色、建材等行业条款未收录，涉及时请补充。" + CHECK_NOTE
        ),
        items=GONGMAO_ITEMS,
        sources=(
            "https://xz.jiceng.zhengzhou.gov.cn/022003006/9234731.jhtml（第三条第（一）至（三）项）",
            "https://taowenge.com/p-95160116.html（第十一条第（一）至（九）项）",
            "http://www.czlst.com.cn/jddz888-News-494241（第十一条第（一）至（五）项）",
            "github.com/PerryLink/dsh-hidden-risk-map rules/evidence/clause-verification-yingjibuling10.md"
            "（各条首句、第十四条，转引自中国政府网国务院公报2023年第19号）",
        ),
    ),
    StarterChecklist(
        ref_key="starter:fire",
        name="消防安全（重大火灾隐患）检查表",
        sector="消防",
        hazard_type=HazardType.FIRE,
        description=(
            "依据《重大火灾隐患判定方法》（GB 35181-2017）第6章直接判定要素，及方案§7打通消防生命通道"
            "（锁闭安全出口、占堵疏散通道、门窗违规设置障碍物）对应的《中华人民共和国消防法》第二十八条。"
            "注意：GB 35181-2025《重大火灾隐患判定规则》已于2025年11月1日起代替GB 35181-2017，直接判定要素有调整，"
            "请对照新标准复核本检查表。" + CHECK_NOTE
        ),
        items=FIRE_ITEMS,
        sources=(
            "https://233.com/cfe/zhishiku/1139/202408/21153408935458.html（6.1至6.6）",
            "http://www.uianet.net/dictionary/b5494504.html（直接判定要素全部10项）",
            "https://www.fire114.cn/index/article/detail?i=136605（GB 35181-2025代替2017版的说明）",
            "https://yooc.me/group/5238889/topics/4984005-1、https://wxredian.com/art?id=bd470f415807ca63226a48c55e227231"
            "（消防法第二十八条）",
        ),
    ),
    StarterChecklist(
        ref_key="starter:gas",
        name="液化气（城镇燃气）安全检查表",
        sector="液化气",
        hazard_type=HazardType.GAS,
        description=(
            "依据住房城乡建设部《城镇燃气经营安全重大隐患判定标准》（适用于燃气经营者）及方案§8：聚焦“问题气”"
            "“问题瓶”“问题阀”“问题软管”“问题管”“问题环境”，督促餐饮场所依法规范安装、使用可燃气体探测器及燃气"
            "紧急切断阀。方案只列出“六个问题”的名称，各条的具体内容为转述。" + CHECK_NOTE
        ),
        items=GAS_ITEMS,
        sources=(
            "https://66wkw.com/doc/7453.html（通知及第一条至第四条）",
            "http://www.66baike.cn/news_detail/7.html、http://shilihuiyuan.cn/news/show.php?itemid=25996（第四条）",
            "http://zfcxjst.gd.gov.cn/zwzt/rqaq2022/pczz/content/post_4262885.html（气瓶安全管理情形的摘要）",
            f"{PLAN_SOURCE} §8",
        ),
    ),
    StarterChecklist(
        ref_key="starter:fireworks",
        name="烟花爆竹零售经营检查表",
        sector="烟花爆竹",
        hazard_type=HazardType.FIREWORKS,
        description=(
            "方案§13：严格落实烟花爆竹零售点“两关闭”、“三严禁”，批发企业“六严禁”措施；对出租房屋、闲置厂房、"
            "废旧院落、集贸市场等重点场所逐一登记建档、常态化排查。“两关闭”“三严禁”的具体表述引自安徽省淮北市"
            "杜集区石台镇的公开报道；“六严禁”的原文未找到。" + CHECK_NOTE
        ),
        items=FIREWORKS_ITEMS,
        sources=(
            "http://www.hbdjrd.gov.cn/content/detail/572ab2262c48cb0fc312e354.html（“两关闭”“三严禁”的内容）",
            f"{PLAN_SOURCE} §13",
        ),
    ),
    StarterChecklist(
        ref_key="starter:hazchem",
        name="危险化学品重大事故隐患检查表",
        sector="危化品",
        hazard_type=HazardType.HAZCHEM,
        description=(
            "依据《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》（20项）中与使用、储存、"
            "经营单位相关的情形（方案§9）。" + CHECK_NOTE
        ),
        items=HAZCHEM_ITEMS,
        sources=(
            "https://shanxi.news.163.com/24/0822/08/JA6CSUIP04199ACH.html（一至十五项，第十五项不完整）",
            "http://anzhuopai.com/szb/pc/col/202305/25/content_202393.html（文号及（一）至（十五）项）",
        ),
    ),
    StarterChecklist(
        ref_key="starter:building",
        name="建筑施工重大事故隐患检查表",
        sector="建筑施工",
        hazard_type=HazardType.CONSTRUCTION,
        description=(
            "依据《房屋市政工程生产安全重大事故隐患判定标准（2022版）》及方案§11：加强基坑工程、模板支撑体系、"
            "脚手架工程、暗挖工程等危险性较大的分部分项工程安全管理，突出高处坠落、坍塌、起重伤害、中毒和窒息事故"
            "防范。" + CHECK_NOTE
        ),
        items=BUILDING_ITEMS,
        sources=(
            "https://jianshuapi.com/p/6644d28cf8d7（第八条至第十一条）",
            "https://www.shjx.org.cn/article-20274.aspx（印发通知，建质规〔2022〕2号）",
            "https://news.xuetian.cn/anquan/shiti-detail/786227（脚手架情形，试题解析）",
            "https://zjj.sz.gov.cn/gkmlpt/content/11/11970/post_11970185.html（模板支撑情形）",
            "https://cidian.kuaisou.com（暗挖工程情形、安全生产许可证情形的转述）",
        ),
    ),
)


def _sector(township: Township, name: str) -> Sector | None:
    """The reference sector, found by its reference key first so that a renamed sector is still found."""
    sectors = Sector.objects.filter(township=township)
    return sectors.filter(ref_key=name).first() or sectors.filter(name=name).first()


def _create(township: Township, spec: StarterChecklist, actor: User | None) -> ChecklistTemplate:
    template = ChecklistTemplate(
        township=township,
        name=spec.name,
        sector=_sector(township, spec.sector),
        description=spec.description,
        ref_key=spec.ref_key,
    )
    template._history_user = actor  # type: ignore[attr-defined]
    template.save()
    version = ChecklistVersion.objects.create(
        template=template,
        number=1,
        created_by=actor,
        published_at=timezone.now(),
        note=_("Starter set shipped with the system"),
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            version=version,
            order=order,
            text=item.text,
            standard=item.standard.replace("{township}", township.name),
            clause=item.clause,
            is_major=item.is_major,
            needs_check=item.needs_check,
            hazard_type=spec.hazard_type,
        )
        for order, item in enumerate(spec.items, start=1)
    )
    return template


@transaction.atomic
def load_starter_checklists(township: Township, actor: User | None = None) -> int:
    """Create the starter checklists the township does not have yet; returns how many were created.

    Idempotent by reference key: a starter checklist loaded before — even if the office has since renamed or
    edited it — is left alone, and so is a checklist of the office's own that already uses the name.
    """
    existing = ChecklistTemplate.objects.filter(township=township)
    keys = set(existing.exclude(ref_key="").values_list("ref_key", flat=True))
    names = set(existing.values_list("name", flat=True))
    created = 0
    for spec in STARTER_CHECKLISTS:
        if spec.ref_key in keys or spec.name in names:
            continue
        _create(township, spec, actor)
        created += 1
    return created
