"""Public reports in every state, in both townships of the test world, each naming a sentinel reporter: the data of
the identity sentinel test and of the bad-input walk (tests/robustness/rich_world.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from core.dates import local_today
from core.files import check_upload
from reports import services
from tests.hazards.conftest import image_bytes

SENTINEL_NAME = "甄哨兵"
SENTINEL_PHONE = "13987654321"
SENTINEL_CONTACT = "哨兵路九十九号"
SENTINELS = (SENTINEL_NAME, SENTINEL_PHONE, SENTINEL_CONTACT)


def identity() -> services.Identity:
    return services.Identity(SENTINEL_NAME, SENTINEL_PHONE, SENTINEL_CONTACT)


def photo() -> Any:
    # The reporter's file name names them: it must not survive either.
    return check_upload(SimpleUploadedFile(f"{SENTINEL_NAME}拍的.jpg", image_bytes(), content_type="image/jpeg"))


def hazard_fields(village: Any, sector: Any, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "description": "群众反映：" + title,
        "location": "村东",
        "village": village,
        "enterprise": None,
        "sector": sector,
        "hazard_type": "fire",
        "level": "general",
        "found_on": local_today(),
    }


def build(world: Any) -> dict[str, Any]:
    """Per township: a web report with a photo verified into a hazard and replied to, one merged into that hazard,
    a 12345 work order dismissed and replied to, one being checked, one just received. Returns the reports and
    their tracking codes."""
    made: dict[str, Any] = {"codes": [], "reports": []}
    for township, office, village, sector in (
        (world.township, world.office, world.village_a, world.sector_a),
        (world.other_township, world.other_office, world.other_village, world.other_sector),
    ):

        def web(content: str, photos: tuple[Any, ...] = (), township: Any = township, village: Any = village) -> Any:
            fields = {"village": village, "place": "村东仓库", "enterprise_name": "某仓库", "content": content}
            report, code = services.submit_web_report(
                township=township, fields=fields, identity=identity(), photos=photos
            )
            made["codes"].append(code)
            made["reports"].append(report)
            return report

        def entered(
            content: str, via: str, township: Any = township, village: Any = village, office: Any = office
        ) -> Any:
            fields = {
                "township": township,
                "received_via": via,
                "received_at": dt.datetime.now(dt.UTC),
                "work_order_number": "GD20260302001",
                "reply_due_on": local_today() - dt.timedelta(days=1),
                "village": village,
                "place": "加油站旁",
                "enterprise_name": "",
                "content": content,
            }
            report, code = services.enter_report(actor=office, fields=fields, identity=identity())
            made["codes"].append(code)
            made["reports"].append(report)
            return report

        verified = web("仓库内违规住人，电线乱拉", (photo(),))
        services.start_check(actor=office, report_id=verified.pk)
        hazard = services.verify(
            actor=office, report_id=verified.pk, hazard_fields=hazard_fields(village, sector, "仓库违规住人")
        )
        services.reply(actor=office, report_id=verified.pk, text="已查实，已责令整改。")
        merged = web("仓库住人（再次反映）", (photo(),))
        services.merge(actor=office, report_id=merged.pk, hazard_id=hazard.pk, note="已在整改中")
        dismissed = entered("加油站旁违规储存液化气", "hotline_12345")
        services.dismiss(actor=office, report_id=dismissed.pk, reason="现场核查未发现液化气")
        services.reply(actor=office, report_id=dismissed.pk, text="感谢您的监督。")
        checking = entered("夜间烟花加工", "hotline_12350")
        services.start_check(actor=office, report_id=checking.pk)
        web("工地塔吊无人看护", (photo(),))
        made.setdefault("hazards", []).append(hazard)
    return made
