"""The county's words for the hazard register's coded values, as its forms and ledgers write them (a data format,
not interface text): every sheet that writes or reads these values uses these words."""

from __future__ import annotations

from .models import Channel, HazardType, Level, ListingLevel, Status

LEVEL_LABELS = {Level.GENERAL: "一般事故隐患", Level.MAJOR: "重大事故隐患"}
TYPE_LABELS = {
    HazardType.FIRE: "消防",
    HazardType.GAS: "液化气/燃气",
    HazardType.HAZCHEM: "危险化学品",
    HazardType.ROAD: "道路交通",
    HazardType.CONSTRUCTION: "建设施工",
    HazardType.INDUSTRY: "工贸",
    HazardType.FIREWORKS: "烟花爆竹",
    HazardType.OTHER: "其他",
}
CHANNEL_LABELS = {
    Channel.SELF_REPORT: "企业自查上报",
    Channel.SUPERVISION: "督导检查发现",
    Channel.DEPARTMENT: "部门检查发现",
    Channel.ENFORCEMENT: "执法检查发现",
    Channel.PUBLIC: "群众举报查实",
    Channel.ASSIGNED: "上级交办",
}
STATUS_LABELS = {
    Status.REPORTED: "已上报",
    Status.CONFIRMED: "已登记",
    Status.RECTIFYING: "整改中",
    Status.PENDING_ACCEPTANCE: "待验收",
    Status.VERIFIED: "已验收",
    Status.CLOSED: "已销号",
    Status.DISMISSED: "不予认定",
}
LISTING_LABELS = {
    ListingLevel.TOWNSHIP: "镇级",
    ListingLevel.COUNTY: "县级",
    ListingLevel.CITY: "市级",
    ListingLevel.PROVINCE: "省级",
}
