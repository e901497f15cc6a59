"""The fixed part of the demo data that `manage.py seed_demo` loads: Yangpu's 12 streets, the
platform enterprises, the party organization tree, the stations and the demo logins. The
varying part (about 200 members) is drawn by the command from a seeded generator and the pools
of names below, so every run produces the same people.

Phone numbers: every demo member's phone is "100" followed by 8 digits (`demo_phone`). Mainland
subscriber numbers begin 13 to 19; numbers beginning 10 are carrier service codes (10000,
10010, 10086), and no network issues an 11-digit subscriber number starting 100, so a demo
phone that leaks into an SMS or a dialler cannot reach a real person.

Coordinates are WGS-84 (the portal stores WGS-84; see DESIGN.md), approximate street centroids
placed where each street office really is, all inside `YANGPU_BBOX`.
"""

from dataclasses import dataclass
from datetime import date

from branches.models import (
    EnterpriseSector,
    OccupationGroup,
    OrganizationForm,
    OrganizationKind,
    PoliticalStatus,
)
from branches.roles import AUDITOR_GROUP, DISTRICT_ADMIN_GROUP
from stations.models import Amenity, Program, StationKind

SEED = 2026
MEMBER_COUNT = 200
# Published in DESIGN.md; the command sets it only when DEBUG is on.
DEMO_PASSWORD = "Yangpu-demo-2026"  # noqa: S105
# The authenticator-app secret of the demo logins whose roles require two-factor sign-in
# (district, auditor). Published like the password: add it to an authenticator app, or run
# `manage.py demo_totp` for the current code.
DEMO_TOTP_SECRET = "KVKFKRCPNZQUYMLXOVYDSQKJKZDTSRLD"  # noqa: S105

# Yangpu district, generously: (south, north, west, east) in WGS-84 degrees.
YANGPU_BBOX = (31.25, 31.34, 121.50, 121.56)
# How far a station may sit from its street's centroid, in degrees (about 400 m).
STATION_JITTER = 0.004

PHONE_PREFIX = "100"


def demo_phone(n: int) -> str:
    """The n-th demo phone: "100" + 8 digits, e.g. demo_phone(1) == "10026000001"."""
    return f"{PHONE_PREFIX}{26_000_000 + n:08d}"


# --- Streets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StreetSpec:
    name: str
    slug: str
    latitude: float
    longitude: float
    roads: tuple[str, ...]  # real roads in the street, for station addresses
    communities: tuple[str, ...]  # residents' committees (居民区) members report to
    weight: int  # how many of the demo members live or work here, relatively


# In DESIGN.md order, which is also `sort_order`.
STREETS = (
    StreetSpec(
        "定海路街道", "dinghailu", 31.2705, 121.5495,
        ("定海路", "杨树浦路", "隆昌路", "军工路"),
        ("定海新村居民区", "隆昌居民区", "复兴岛居民区"), 6,
    ),
    StreetSpec(
        "平凉路街道", "pinglianglu", 31.2585, 121.5190,
        ("平凉路", "许昌路", "临青路", "杨树浦路"),
        ("平凉居民区", "临青居民区", "许昌居民区"), 9,
    ),
    StreetSpec(
        "江浦路街道", "jiangpulu", 31.2680, 121.5135,
        ("江浦路", "长阳路", "辽源西路", "大连路"),
        ("江浦居民区", "辽源居民区", "打虎山路居民区"), 7,
    ),
    StreetSpec(
        "四平路街道", "sipinglu", 31.2810, 121.5075,
        ("四平路", "鞍山路", "彰武路", "抚顺路"),
        ("鞍山新村居民区", "同济新村居民区", "彰武居民区"), 7,
    ),
    StreetSpec(
        "控江路街道", "kongjianglu", 31.2790, 121.5200,
        ("控江路", "凤城路", "双阳路", "本溪路"),
        ("凤城新村居民区", "控江新村居民区", "双阳居民区"), 10,
    ),
    StreetSpec(
        "长白新村街道", "changbaixincun", 31.2870, 121.5420,
        ("长白路", "安图路", "延吉东路", "军工路"),
        ("长白新村居民区", "安图居民区", "内江居民区"), 6,
    ),
    StreetSpec(
        "延吉新村街道", "yanjixincun", 31.2870, 121.5290,
        ("延吉中路", "靖宇中路", "松花江路", "营口路"),
        ("延吉新村居民区", "松花江居民区", "靖宇居民区"), 8,
    ),
    StreetSpec(
        "殷行街道", "yinhang", 31.3205, 121.5245,
        ("殷行路", "开鲁路", "市光路", "嫩江路"),
        ("开鲁新村居民区", "市光居民区", "民京居民区"), 14,
    ),
    StreetSpec(
        "大桥街道", "daqiao", 31.2645, 121.5305,
        ("长阳路", "眉州路", "齐齐哈尔路", "宁国路"),
        ("眉州居民区", "齐齐哈尔居民区", "长阳居民区"), 14,
    ),
    StreetSpec(
        "五角场街道", "wujiaochang", 31.3030, 121.5080,
        ("邯郸路", "国定路", "政通路", "淞沪路"),
        ("国权居民区", "政立居民区", "翔殷居民区"), 20,
    ),
    StreetSpec(
        "新江湾城街道", "xinjiangwancheng", 31.3300, 121.5060,
        ("国晓路", "国帆路", "淞沪路", "江湾城路"),
        ("江湾城居民区", "国晓居民区", "尚景园居民区"), 5,
    ),
    StreetSpec(
        "长海路街道", "changhailu", 31.3080, 121.5230,
        ("长海路", "国和路", "翔殷路", "闸殷路"),
        ("长海居民区", "国和居民区", "闸殷居民区"), 9,
    ),
)  # fmt: skip

# --- Platform enterprises -----------------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseSpec:
    name: str
    short_name: str
    sector: str
    worker_id_prefix: str  # how the platform's worker ids look (平台工号)


MEITUAN = "美团(上海)"
BILIBILI = "哔哩哔哩"
DADA = "达达集团"

ENTERPRISES = (
    EnterpriseSpec(MEITUAN, "美团", EnterpriseSector.FOOD_DELIVERY, "MT"),
    EnterpriseSpec(BILIBILI, "哔哩哔哩", EnterpriseSector.VIDEO, "UP"),
    EnterpriseSpec(DADA, "达达", EnterpriseSector.INSTANT_DELIVERY, "DD"),
    EnterpriseSpec("饿了么", "饿了么", EnterpriseSector.FOOD_DELIVERY, "ELM"),
    EnterpriseSpec("顺丰速运", "顺丰", EnterpriseSector.EXPRESS, "SF"),
    EnterpriseSpec("中通快递", "中通", EnterpriseSector.EXPRESS, "ZTO"),
    EnterpriseSpec("圆通速递", "圆通", EnterpriseSector.EXPRESS, "YTO"),
    EnterpriseSpec("京东物流", "京东物流", EnterpriseSector.EXPRESS, "JD"),
    EnterpriseSpec("滴滴出行", "滴滴", EnterpriseSector.RIDE_HAILING, "DC"),
    EnterpriseSpec("货拉拉", "货拉拉", EnterpriseSector.FREIGHT, "HLL"),
)

# Who a member of each occupation works for, with relative weights (None: no platform).
EMPLOYERS_BY_OCCUPATION = {
    OccupationGroup.RIDER: ((MEITUAN, 50), ("饿了么", 30), (DADA, 20)),
    OccupationGroup.COURIER: (
        ("顺丰速运", 35),
        ("中通快递", 25),
        ("圆通速递", 20),
        ("京东物流", 20),
    ),
    OccupationGroup.RIDE_HAILING: (("滴滴出行", 85), (None, 15)),
    OccupationGroup.TRUCK: (("货拉拉", 70), (None, 30)),
    OccupationGroup.CREATOR: ((BILIBILI, 85), (None, 15)),
    OccupationGroup.OTHER: ((None, 60), (MEITUAN, 20), (BILIBILI, 10), ("顺丰速运", 10)),
}

# --- Members ------------------------------------------------------------------------------------

OCCUPATION_WEIGHTS = (
    (OccupationGroup.RIDER, 40),
    (OccupationGroup.COURIER, 24),
    (OccupationGroup.RIDE_HAILING, 12),
    (OccupationGroup.TRUCK, 8),
    (OccupationGroup.CREATOR, 9),
    (OccupationGroup.OTHER, 7),
)

# The share of men in each occupation, in percent.
MALE_PERCENT = {
    OccupationGroup.RIDER: 90,
    OccupationGroup.COURIER: 88,
    OccupationGroup.RIDE_HAILING: 92,
    OccupationGroup.TRUCK: 97,
    OccupationGroup.CREATOR: 50,
    OccupationGroup.OTHER: 55,
}

# Most workers are not party members: stations serve everyone.
POLITICAL_STATUS_WEIGHTS = (
    (PoliticalStatus.MASSES, 58),
    (PoliticalStatus.APPLICANT, 7),
    (PoliticalStatus.ACTIVIST, 6),
    (PoliticalStatus.CANDIDATE, 3),
    (PoliticalStatus.PROBATIONARY, 4),
    (PoliticalStatus.FULL, 22),
)

# Common surnames, most frequent first (the generator weights them by rank).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶"
    "程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺顾毛"
)
MALE_GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国志文海东峰亮成晨博"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀燕玲丹萍红婷雪琳颖倩洁佳慧欣悦晶璐月莉妍婧瑶琪蕾薇"

# --- The organization tree ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationSpec:
    name: str
    kind: str
    parent: str | None  # the parent's name; names are unique within this demo tree
    street: str | None = None  # street slug
    enterprise: str | None = None  # enterprise name
    form: str = OrganizationForm.STANDARD
    group_served: str = ""
    founded_on: date | None = None


DISTRICT = "中共上海市杨浦区委"
MEITUAN_COMMITTEE = "美团(上海)党委"
BILIBILI_COMMITTEE = "哔哩哔哩党委"
DADA_COMMITTEE = "达达党委"
RIDER_BRANCH = "外卖骑手党支部"
CREATOR_BRANCH = "UP主党支部"
MOBILE_BRANCH = "快递员流动党支部"

_K = OrganizationKind


def street_committee(street: StreetSpec) -> str:
    return f"{street.name}党工委"


def joint_branch(street: StreetSpec) -> str:
    """Every street has one joint branch (联合党支部) that takes party members no more
    specific branch of the street serves."""
    return f"{street.name}新就业群体联合党支部"


def _general_branch(street: StreetSpec) -> str:
    return f"{street.name}新就业群体党总支"


_STREETS_WITH_GENERAL_BRANCH = {"wujiaochang", "yinhang", "kongjianglu"}


def _street_organizations() -> list[OrganizationSpec]:
    specs = []
    for street in STREETS:
        committee = street_committee(street)
        specs.append(OrganizationSpec(committee, _K.STREET_COMMITTEE, DISTRICT, street.slug))
        parent = committee
        if street.slug in _STREETS_WITH_GENERAL_BRANCH:
            parent = _general_branch(street)
            specs.append(
                OrganizationSpec(
                    parent, _K.GENERAL_BRANCH, committee, street.slug, founded_on=date(2020, 7, 1)
                )
            )
        specs.append(
            OrganizationSpec(joint_branch(street), _K.BRANCH, parent, street.slug,
                             founded_on=date(2020, 7, 1 + street.weight))
        )  # fmt: skip
    return specs


def _street(slug: str) -> StreetSpec:
    return next(street for street in STREETS if street.slug == slug)


ORGANIZATIONS = (
    OrganizationSpec(DISTRICT, _K.DISTRICT, None),
    *_street_organizations(),
    # Branches of particular groups under the streets: two mobile ones "built on wheels".
    OrganizationSpec(
        MOBILE_BRANCH, _K.BRANCH, street_committee(_street("wujiaochang")), "wujiaochang",
        form=OrganizationForm.ON_WHEELS, group_served=OccupationGroup.COURIER,
        founded_on=date(2021, 3, 18),
    ),
    OrganizationSpec(
        "五角场街道网约车司机党支部", _K.BRANCH, _general_branch(_street("wujiaochang")),
        "wujiaochang", group_served=OccupationGroup.RIDE_HAILING, founded_on=date(2022, 4, 12),
    ),
    OrganizationSpec(
        "殷行街道货车司机流动党支部", _K.BRANCH, _general_branch(_street("yinhang")), "yinhang",
        form=OrganizationForm.ON_WHEELS, group_served=OccupationGroup.TRUCK,
        founded_on=date(2022, 9, 6),
    ),
    OrganizationSpec(
        "控江路街道快递员党支部", _K.BRANCH, _general_branch(_street("kongjianglu")),
        "kongjianglu", group_served=OccupationGroup.COURIER, founded_on=date(2021, 11, 23),
    ),
    OrganizationSpec(
        "平凉路街道网约车司机党支部", _K.BRANCH, street_committee(_street("pinglianglu")),
        "pinglianglu", group_served=OccupationGroup.RIDE_HAILING, founded_on=date(2023, 2, 27),
    ),
    # Platform enterprises' committees, under the district committee.
    OrganizationSpec(
        MEITUAN_COMMITTEE, _K.ENTERPRISE_COMMITTEE, DISTRICT, "daqiao", MEITUAN,
        founded_on=date(2019, 6, 28),
    ),
    OrganizationSpec(
        RIDER_BRANCH, _K.BRANCH, MEITUAN_COMMITTEE, "daqiao", MEITUAN,
        group_served=OccupationGroup.RIDER, founded_on=date(2019, 9, 10),
    ),
    OrganizationSpec(
        "美团(上海)职能部门党支部", _K.BRANCH, MEITUAN_COMMITTEE, "daqiao", MEITUAN,
        founded_on=date(2019, 7, 15),
    ),
    OrganizationSpec(
        BILIBILI_COMMITTEE, _K.ENTERPRISE_COMMITTEE, DISTRICT, "wujiaochang", BILIBILI,
        founded_on=date(2019, 12, 20),
    ),
    OrganizationSpec(
        CREATOR_BRANCH, _K.BRANCH, BILIBILI_COMMITTEE, "wujiaochang", BILIBILI,
        form=OrganizationForm.ONLINE, group_served=OccupationGroup.CREATOR,
        founded_on=date(2021, 5, 18),
    ),
    OrganizationSpec(
        "哔哩哔哩技术党支部", _K.BRANCH, BILIBILI_COMMITTEE, "wujiaochang", BILIBILI,
        founded_on=date(2020, 3, 9),
    ),
    OrganizationSpec(
        DADA_COMMITTEE, _K.ENTERPRISE_COMMITTEE, DISTRICT, "wujiaochang", DADA,
        founded_on=date(2020, 6, 30),
    ),
    OrganizationSpec(
        "达疆党支部", _K.BRANCH, DADA_COMMITTEE, "wujiaochang", DADA,
        group_served=OccupationGroup.RIDER, founded_on=date(2020, 10, 14),
    ),
)  # fmt: skip

# --- Stations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StationSpec:
    name: str
    street: str  # street slug
    kind: str
    brand: str = "HUI新屋"
    host_organization: str | None = None  # organization name
    host_name: str = ""
    address: str | None = None  # None: a number on one of the street's roads
    description: str = ""


def hui_station(street: StreetSpec) -> str:
    return f"HUI新屋·{street.name.removesuffix('街道')}党群服务站"


# The station the demo login `station` runs.
DEMO_STATION = hui_station(_street("wujiaochang"))

_RELAY = "户外职工爱心接力站"
_UNION = "职工驿站"
_S = StationKind

STATIONS = (
    *(
        StationSpec(
            hui_station(street), street.slug, _S.PARTY_SERVICE,
            host_organization=street_committee(street),
            description="街道党群服务站：饮水、充电、休息、学习，新就业群体报到点。",
        )
        for street in STREETS
    ),
    StationSpec(
        "哔哩哔哩党群服务站", "wujiaochang", _S.ENTERPRISE,
        host_organization=BILIBILI_COMMITTEE, address="政立路485号",
        description="二次元风格的党群服务站：UP主创作交流、红色主题动漫放映、充电休憩。",
    ),
    StationSpec(
        "互联宝地骑手党群服务站", "daqiao", _S.RIDER,
        host_organization=MEITUAN_COMMITTEE, address="长阳路互联宝地园区",
        description="骑手歇脚、充电换电、饮水、餐食加热，配送站长值守。",
    ),
    StationSpec(
        "达达骑士之家", "wujiaochang", _S.RIDER, host_organization=DADA_COMMITTEE,
        description="达达骑士休息点：充电、饮水、雨具借用。",
    ),
    StationSpec(
        "殷行骑手驿站", "yinhang", _S.RIDER,
        host_organization=street_committee(_street("yinhang")),
        description="24小时开放的骑手驿站：充电、饮水、急救箱。",
    ),
    StationSpec(
        "控江路快递小哥暖心驿站", "kongjianglu", _S.RIDER,
        host_organization=street_committee(_street("kongjianglu")),
        description="快递员、外卖骑手歇脚点，提供饮水、微波炉和手机充电。",
    ),
    StationSpec(
        "长白新村骑手加油站", "changbaixincun", _S.RIDER,
        host_organization=street_committee(_street("changbaixincun")),
        description="骑手休息、充电，夏季提供防暑降温用品。",
    ),
    StationSpec(
        "上海银行杨浦支行爱心接力站", "jiangpulu", _S.BANK_RELAY, _RELAY,
        host_name="上海银行杨浦支行", description="银行网点内的爱心接力站：饮水、休息、如厕。",
    ),
    StationSpec(
        "工商银行五角场支行爱心接力站", "wujiaochang", _S.BANK_RELAY, _RELAY,
        host_name="中国工商银行上海市五角场支行",
        description="银行网点内的爱心接力站：饮水、休息。",
    ),
    StationSpec(
        "农业银行殷行支行爱心接力站", "yinhang", _S.BANK_RELAY, _RELAY,
        host_name="中国农业银行上海殷行支行", description="银行网点内的爱心接力站：饮水、休息。",
    ),
    StationSpec(
        "建设银行长白支行爱心接力站", "changbaixincun", _S.BANK_RELAY, _RELAY,
        host_name="中国建设银行上海长白支行", description="银行网点内的爱心接力站：饮水、充电。",
    ),
    StationSpec(
        "交通银行平凉路支行爱心接力站", "pinglianglu", _S.BANK_RELAY, _RELAY,
        host_name="交通银行上海平凉路支行", description="银行网点内的爱心接力站：饮水、休息。",
    ),
    StationSpec(
        "定海路工会驿站", "dinghailu", _S.UNION, _UNION, host_name="定海路街道总工会",
        description="工会驿站：休息、饮水、法律咨询。",
    ),
    StationSpec(
        "新江湾城工会驿站", "xinjiangwancheng", _S.UNION, _UNION,
        host_name="新江湾城街道总工会", description="工会驿站：休息、饮水、职工书屋。",
    ),
    StationSpec(
        "长海路工会驿站", "changhailu", _S.UNION, _UNION, host_name="长海路街道总工会",
        description="工会驿站：休息、饮水、健康小屋。",
    ),
    StationSpec(
        "四平路工会驿站", "sipinglu", _S.UNION, _UNION, host_name="四平路街道总工会",
        description="工会驿站：休息、饮水、职业技能咨询。",
    ),
    StationSpec(
        "顺丰速运杨浦营业部小哥驿站", "changhailu", _S.ENTERPRISE, "",
        host_name="顺丰速运杨浦营业部",
        description="快递网点里的驿站：休息、饮水、充电，向周边外卖骑手开放。",
    ),
    StationSpec(
        "延吉新村社区党群服务点", "yanjixincun", _S.COMMUNITY,
        host_organization=street_committee(_street("yanjixincun")),
        description="居民区党群服务点，新就业群体可就近报到、参加活动。",
    ),
    StationSpec(
        "眉州居民区党群服务点", "daqiao", _S.COMMUNITY,
        host_organization=street_committee(_street("daqiao")),
        description="居民区党群服务点，新就业群体可就近报到、参加活动。",
    ),
)  # fmt: skip

# --- Station hours, amenities and programs -------------------------------------------------------
# A shift is (weekdays, opens, closes) with "HH:MM" times; closes <= opens runs overnight;
# opens None means open 24 hours. Keyed by station kind, with a few stations of their own.

_EVERY_DAY = tuple(range(7))
_WEEKDAYS = tuple(range(5))

HOURS_BY_KIND = {
    _S.PARTY_SERVICE: ((_WEEKDAYS, "09:00", "20:00"), ((5, 6), "09:00", "17:00")),
    _S.RIDER: ((_EVERY_DAY, "07:00", "23:00"),),
    _S.BANK_RELAY: ((_WEEKDAYS, "09:00", "17:00"), ((5,), "09:30", "16:00")),
    _S.UNION: ((_EVERY_DAY, "08:00", "20:00"),),
    _S.ENTERPRISE: ((_EVERY_DAY, "10:00", "22:00"),),
    _S.COMMUNITY: (((0, 1, 2, 3, 4, 5), "08:30", "17:00"),),
}
HOURS_BY_STATION = {
    "殷行骑手驿站": ((_EVERY_DAY, None, None),),  # open 24 hours
    # Lunch rush and the night shift, which ends the next morning.
    "达达骑士之家": ((_EVERY_DAY, "11:00", "14:00"), (_EVERY_DAY, "22:00", "06:00")),
    "互联宝地骑手党群服务站": ((_EVERY_DAY, "06:00", "02:00"),),
}

_A = Amenity
_P = Program
AMENITIES_BY_KIND = {
    _S.PARTY_SERVICE: (_A.WATER, _A.REST, _A.CHARGING, _A.MEAL_HEATING, _A.TOILET, _A.FIRST_AID,
                       _A.WIFI, _A.READING),
    _S.RIDER: (_A.WATER, _A.REST, _A.CHARGING, _A.MEAL_HEATING, _A.FIRST_AID, _A.RAIN_GEAR,
               _A.REPAIR, _A.WIFI),
    _S.BANK_RELAY: (_A.WATER, _A.REST, _A.TOILET, _A.CHARGING),
    _S.UNION: (_A.WATER, _A.REST, _A.READING, _A.FIRST_AID, _A.TOILET),
    _S.ENTERPRISE: (_A.WATER, _A.REST, _A.CHARGING, _A.WIFI, _A.READING),
    _S.COMMUNITY: (_A.WATER, _A.REST, _A.TOILET, _A.READING),
}  # fmt: skip
PROGRAMS_BY_KIND = {
    _S.PARTY_SERVICE: tuple(Program),
    _S.RIDER: (_P.REST_STOP, _P.HEALTH, _P.ASSISTANCE, _P.PASSPORT, _P.IDEOLOGY),
    _S.BANK_RELAY: (_P.REST_STOP, _P.ASSISTANCE),
    _S.UNION: (_P.REST_STOP, _P.CAREER, _P.POLICY, _P.HEALTH),
    _S.ENTERPRISE: (_P.IDEOLOGY, _P.CULTURE, _P.CAREER, _P.REST_STOP),
    _S.COMMUNITY: (_P.IDEOLOGY, _P.RED_POSITION, _P.CULTURE, _P.POLICY),
}
# Bank relay stations close on bank holidays.
CLOSURES_BY_KIND = {_S.BANK_RELAY: ((date(2027, 1, 1), "元旦"),)}


def station_shifts(spec: StationSpec) -> tuple:
    return HOURS_BY_STATION.get(spec.name, HOURS_BY_KIND[spec.kind])


# --- Outlets (快递外卖网点), seen only by organizers -----------------------------------------


@dataclass(frozen=True)
class OutletSpec:
    name: str
    enterprise: str  # enterprise name
    brand: str
    street: str  # street slug
    address: str
    offset: tuple[float, float]  # from the street's centroid, in degrees (no rng: fixed)
    riders: int


OUTLETS = (
    OutletSpec(
        "美团外卖国权路站", MEITUAN, "美团外卖", "wujiaochang", "国权路39号",
        (-0.002, 0.003), 46,
    ),
    OutletSpec(
        "美团外卖长海路站", MEITUAN, "美团外卖", "changhailu", "长海路174号",
        (0.001, -0.002), 38,
    ),
    OutletSpec(
        "饿了么蜂鸟控江路站", "饿了么", "蜂鸟即配", "kongjianglu", "控江路1029号",
        (0.002, 0.001), 31,
    ),
    OutletSpec(
        "达达秒送五角场站", DADA, "达达秒送", "wujiaochang", "政通路177号",
        (0.003, -0.001), 24,
    ),
    OutletSpec(
        "顺丰速运殷行营业部", "顺丰速运", "顺丰", "yinhang", "开鲁路438号",
        (-0.001, 0.002), 18,
    ),
    OutletSpec(
        "中通快递大桥网点", "中通快递", "中通", "daqiao", "眉州路297号",
        (0.001, 0.001), 12,
    ),
)  # fmt: skip


# --- Demo logins --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    last_name: str  # surname
    first_name: str  # given name
    role: str  # shown in the command's table
    is_staff: bool = False
    group: str | None = None


DEMO_USERS = (
    DemoUser("district", "周", "海燕", "district admin (区委组织部)", True, DISTRICT_ADMIN_GROUP),
    DemoUser("auditor", "钱", "文静", "auditor (审计管理员)", True, AUDITOR_GROUP),
    DemoUser("wujiaochang", "李", "明辉", "street organizer, 五角场街道"),
    DemoUser("meituan", "陈", "志强", f"enterprise organizer, {MEITUAN_COMMITTEE}"),
    DemoUser("station", "赵", "婷", f"station staff, {DEMO_STATION}"),
    DemoUser("rider", "张", "晓东", f"rider, party member of {RIDER_BRANCH}"),
)

# The member record of the `rider` login.
DEMO_RIDER = {
    "name": "张晓东",
    "gender": "male",
    "phone": demo_phone(0),
    "occupation": OccupationGroup.RIDER,
    "employer": MEITUAN,
    "platform_worker_id": "MT2026000",
    "street": "wujiaochang",
    "organization": RIDER_BRANCH,
    "political_status": PoliticalStatus.FULL,
    "is_mobile": True,
    "reported_community": "国权居民区",
    "reported_on": date(2025, 3, 5),
    "consent_to_contact": True,
}

# --- Pairings (结对) of enterprise organizations with residential communities --------------------


@dataclass(frozen=True)
class PairingSpec:
    organization: str
    street: str  # street slug
    community: str
    started_on: date
    notes: str


PAIRINGS = (
    PairingSpec(
        RIDER_BRANCH, "daqiao", "眉州居民区", date(2023, 5, 20),
        "骑手参与社区微治理，居民区提供骑手休憩点。",
    ),
    PairingSpec(
        CREATOR_BRANCH, "wujiaochang", "国权居民区", date(2022, 7, 1),
        "UP主为社区老人拍摄“红色故事”短视频。",
    ),
    PairingSpec(
        "达疆党支部", "wujiaochang", "政立居民区", date(2024, 3, 5),
        "共建“爱心接力站”，雨天为骑手提供雨具。",
    ),
)  # fmt: skip

# --- Members with a recorded lifecycle, and a pending transfer ----------------------------------


@dataclass(frozen=True)
class StepSpec:
    status: str
    on: date
    note: str
    correction: bool = False


@dataclass(frozen=True)
class HistorySpec:
    name: str
    gender: str
    phone: str
    occupation: str
    employer: str | None
    street: str  # street slug
    organization: str  # the branch they apply to and stay in
    steps: tuple[StepSpec, ...]


_P = PoliticalStatus
HISTORIES = (
    HistorySpec(
        "周宇航", "male", demo_phone(901), OccupationGroup.RIDER, MEITUAN, "wujiaochang",
        RIDER_BRANCH,
        (
            StepSpec(_P.APPLICANT, date(2022, 3, 1), "递交入党申请书。"),
            StepSpec(_P.ACTIVIST, date(2022, 9, 15), "支部委员会确定为入党积极分子。"),
            StepSpec(_P.CANDIDATE, date(2023, 10, 10), "列为发展对象，政审合格。"),
            StepSpec(_P.PROBATIONARY, date(2024, 7, 1), "支部大会讨论通过，接收为预备党员。"),
            StepSpec(_P.FULL, date(2025, 7, 1), "预备期满，按期转为正式党员。"),
        ),
    ),
    HistorySpec(
        "吴晓雯", "female", demo_phone(902), OccupationGroup.CREATOR, BILIBILI, "wujiaochang",
        CREATOR_BRANCH,
        (
            StepSpec(_P.APPLICANT, date(2024, 4, 20), "递交入党申请书。"),
            StepSpec(_P.ACTIVIST, date(2024, 11, 5), "支部委员会确定为入党积极分子。"),
            StepSpec(
                _P.APPLICANT, date(2024, 11, 20),
                "积极分子确定时培养期不足，按支部意见更正，待重新讨论。", correction=True,
            ),
        ),
    ),
    HistorySpec(
        "郑凯", "male", demo_phone(903), OccupationGroup.COURIER, "顺丰速运", "wujiaochang",
        MOBILE_BRANCH,
        (
            StepSpec(_P.APPLICANT, date(2023, 6, 1), "递交入党申请书。"),
            StepSpec(_P.ACTIVIST, date(2024, 1, 8), "支部委员会确定为入党积极分子。"),
        ),
    ),
)  # fmt: skip

# A pending transfer: the first history member asks to move to his street's joint branch; the
# `wujiaochang` login receives it.
PENDING_TRANSFER = (demo_phone(901), joint_branch(_street("wujiaochang")), "工作站点调整到五角场。")

# --- Instructors and contact visits ------------------------------------------------------------

INSTRUCTORS = (
    ("孙建华", (MEITUAN, DADA), date(2024, 3, 1)),
    ("吴丽萍", (BILIBILI,), date(2024, 9, 1)),
)

# Logged by the `district` login (only with --with-demo-users): (days ago, enterprise, notes,
# follow-up, due in days or None). 哔哩哔哩 is left unvisited, so the coverage view shows it.
VISITS = (
    (
        12,
        MEITUAN,
        "走访美团站点负责人，了解骑手午间休息需求。",
        "协调五角场HUI新屋延长午间开放",
        14,
    ),
    (130, DADA, "与达达党支部书记座谈，梳理流动党员名单。", "", None),
)
# --- Activities (issue 5) ------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivitySpec:
    """A demo activity, found again by (host organization, title). `days` and `hour` place it
    relative to the day it is first seeded; past ones get attendance and, for meetings,
    minutes (approved when `approve`)."""

    title: str
    kind: str
    program: str
    host: str  # organization name
    by: str  # demo username who creates it (within their scope)
    days: int  # from today; negative: in the past
    hour: int
    audience: str
    station: str | None = None  # station name; None: `address` or `online_url`
    address: str = ""
    online_url: str = ""
    capacity: int | None = None
    description: str = ""
    minutes: bool = False
    approve: bool = False


HUI_DAQIAO = "互联宝地骑手党群服务站"

ACTIVITIES = (
    ActivitySpec(
        "支部委员会：研究骑手关爱工作", "branch_committee", "ideology", RIDER_BRANCH,
        "meituan", 3, 19, "organization", station=DEMO_STATION,
        description="研究本月骑手关爱工作、发展党员工作。",
    ),
    ActivitySpec(
        "支部委员会：发展党员工作", "branch_committee", "ideology", RIDER_BRANCH,
        "meituan", -20, 19, "organization", station=DEMO_STATION,
        minutes=True, approve=True,
    ),
    ActivitySpec(
        "外卖骑手党支部党课：交通安全与职业发展", "party_lecture", "ideology", RIDER_BRANCH,
        "meituan", -40, 15, "organization", station=HUI_DAQIAO, minutes=True,
    ),
    ActivitySpec(
        "骑手免费健康体检", "health_check", "health", street_committee(_street("wujiaochang")),
        "station", 5, 10, "public", station=DEMO_STATION, capacity=30,
        description="血压、血糖、视力检查，现场医生咨询。",
    ),
    ActivitySpec(
        "新就业群体劳动权益政策宣讲", "policy_talk", "policy", MEITUAN_COMMITTEE,
        "meituan", 10, 14, "workers", station=HUI_DAQIAO, capacity=50,
    ),
    ActivitySpec(
        "“红色骑迹”主题党日", "theme_day", "red_position", MEITUAN_COMMITTEE,
        "meituan", 12, 9, "party", online_url="https://meeting.yangpu.example/theme-day",
    ),
    ActivitySpec(
        "爱心接力·夏日送清凉志愿服务", "volunteer", "assistance",
        street_committee(_street("wujiaochang")),
        "station", -14, 15, "public", station=DEMO_STATION,
    ),
)  # fmt: skip


# Sentinel reports the demo rider has filed (issue 7): (days ago, category, street slug, offset
# from the street's centre in metres north/east, address, description, how far it got).
DEMO_REPORTS = (
    (
        20,
        "井盖破损或缺失",
        "wujiaochang",
        (120, -80),
        "国定路淞沪路口",
        "井盖松动，电动车压过会翻起。",
        "resolved",
    ),
    (
        9,
        "路灯损坏",
        "wujiaochang",
        (-150, 60),
        "政通路 200 号附近",
        "连续三盏路灯不亮，夜里送餐看不清路。",
        "dispatched",
    ),
    (
        6,
        "道路凹陷",
        "kongjianglu",
        (40, 110),
        "控江路靠近凤城路",
        "非机动车道塌了一个坑，雨后积水。",
        "accepted",
    ),
    (
        3,
        "占道或违停",
        "sipinglu",
        (-60, -40),
        "四平路 1000 弄口",
        "机动车长期占用非机动车道，骑手只能绕行机动车道。",
        "submitted",
    ),
    (
        1,
        "消防通道堵塞",
        "yinhang",
        (90, 30),
        "殷行路 700 弄",
        "小区消防通道堆满共享单车。",
        "submitted",
    ),
)


# --- The vanguard passport (issue 6) -----------------------------------------------------------
# Stamp types and points rules are seeded by migration services 0011; these are the demo's goal,
# course series and route.

# (name, stamps required, benefit, amount in yuan)
STAMP_GOALS = (("集章六枚", 6, "骑手专属优惠券", 300),)

# (series title, description, ((lesson title, minutes, video link, text), ...))
COURSES = (
    (
        "大家微讲堂·骑手安全与权益",
        "一线骑手、律师和交警讲给骑手听的小课，每课几分钟，利用等单间隙就能学完。",
        (
            (
                "电动车安全驾驶五要点",
                3,
                "",
                "一、戴好头盔；二、不闯红灯、不逆行；三、雨天减速，远离大车盲区；"
                "四、不边骑车边看手机；五、电池不在楼道充电。",
            ),
            (
                "遇到劳动纠纷怎么办",
                5,
                "",
                "先保存好接单记录、聊天记录和收入流水；可以向站点的党群服务站咨询，"
                "也可以拨打 12333 或到街道劳动保障服务中心求助。",
            ),
        ),
    ),
)

# The 杨浦滨江秀带线 party-lesson route along the Yangpu riverside. Coordinates are WGS-84,
# approximate positions of the real sites (good enough for a 100 m check-in in the demo).
ROUTE_NAME = "杨浦滨江秀带线"
ROUTE_DESCRIPTION = (
    "沿杨浦滨江从“人民城市”理念首提地出发，走过百年工业遗存，感受“工业锈带”变身“生活秀带”。"
)
ROUTE_STOPS = (
    (
        "人民城市建设规划展示馆",
        31.2543,
        121.5262,
        "2019 年，习近平总书记在这里提出“人民城市人民建，人民城市为人民”。",
    ),
    ("杨树浦水厂", 31.2589, 121.5372, "1883 年建成的中国第一座现代化水厂，至今仍在供水。"),
    (
        "绿之丘",
        31.2600,
        121.5410,
        "由烟草公司机修仓库改造的立体公园，“工业锈带”变“生活秀带”的缩影。",
    ),
    ("上海国际时尚中心", 31.2667, 121.5545, "原上海第十七棉纺织厂，百年纺织工业的见证。"),
)
