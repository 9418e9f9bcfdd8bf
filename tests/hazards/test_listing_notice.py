"""The 挂牌督办通知 as issued (issue 13): each field against a hand-written expectation for a township listing, a
county listing by the county bureau and a city listing; the same notice reprinted after the hazard and the enterprise
changed; the form's defaults and validation; who may print it."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from core.errors import WorkflowError
from hazards import supervision_services as services
from hazards.models import Hazard, Listing
from hazards.supervision_forms import ListingForm
from tests.factories import HazardFactory
from units.models import Enterprise, Unit, User, Village

pytestmark = pytest.mark.django_db

LISTED_ON = dt.date(2026, 3, 2)
REQUIRED_BY = dt.date(2026, 6, 30)
SAFEGUARDS = "储罐区停用，设置警戒区，每日巡查"


class _Fields(HTMLParser):
    """The text of every element with a data-testid, its whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, str | None]] = []
        self.text: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "input", "img", "meta", "link"):
            return
        self.open.append((tag, dict(attrs).get("data-testid")))
        if testid := dict(attrs).get("data-testid"):
            self.text.setdefault(testid, "")

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for testid in {t for _tag, t in self.open if t}:
            self.text[testid] += data


def fields(html: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(html)
    return {k: re.sub(r"\s+", " ", v).strip() for k, v in parser.text.items()}


def document(html: str) -> str:
    match = re.search(r'<article[^>]*data-testid="listing-doc".*?</article>', html, re.S)
    assert match is not None
    return match.group(0)


@pytest.fixture
def hazard(world) -> Hazard:
    User.objects.filter(pk=world.village_a_officer.pk).update(full_name="李村干", phone="13900000011")
    return HazardFactory(
        village=world.village_a, sector=world.sector_a, enterprise=world.enterprise_a, level="major",
        status="rectifying", title="液化气储罐区防火间距不足", description="储罐区与厂房间距不足十米",
        location="三号仓库东侧", basis="GB 50016", clause="第4.4.1条", found_on=dt.date(2026, 2, 20),
        deadline=dt.date(2026, 6, 1), number="刘圩隐〔2026〕0003",
    )  # fmt: skip


def list_it(world, hazard, *, actor=None, level="township", terms=None, **kw) -> Listing:
    values = {
        "document_number": "刘安委〔2026〕7号", "supervising_leader": "李镇长", "supervising_unit": world.unit_a,
        "listed_on": LISTED_ON, "required_by": REQUIRED_BY, **kw,
    }  # fmt: skip
    terms = terms or services.ListingTerms(
        supervising_contact="王干事", supervising_phone="13900000002", production="safeguarded", safeguards=SAFEGUARDS
    )
    return services.listing_create(hazard_id=hazard.pk, actor=actor or world.office, level=level, terms=terms, **values)


def printed(client, listing: Listing) -> str:
    response = client.get(reverse("hazards:listing_print", args=[listing.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_prints_a_township_listing_in_the_townships_own_name(world, client_for, hazard):
    listing = list_it(world, hazard)
    got = fields(document(printed(client_for(world.office), listing)))
    assert got == got | {
        "notice-authority": "刘圩镇安全生产委员会",
        "listing-document": "刘安委〔2026〕7号",
        "notice-addressee": "刘圩建筑工程有限公司",
        "notice-hazard-number": "刘圩隐〔2026〕0003",
        "notice-hazard": "液化气储罐区防火间距不足",
        "notice-location": "刘圩村 三号仓库东侧",
        "notice-description": "储罐区与厂房间距不足十米",
        "notice-basis": "GB 50016 第4.4.1条",
        "notice-enterprise": "刘圩建筑工程有限公司",
        "notice-principal": "张三 · 13800000001",
        "notice-territorial": "刘圩村 · 李村干 · 13900000011",
        "listing-leader": "李镇长",
        "notice-supervising-unit": "刘圩镇住建所",
        "notice-contact": "王干事 · 13900000002",
        "notice-listed-on": "2026-03-02",
        "listing-required-by": "2026-06-30",
        "notice-production": f"不停产，落实安全防范措施整改：{SAFEGUARDS}",
        "notice-safeguards": SAFEGUARDS,
        "notice-procedure": (
            "整改完成后，由责任单位向刘圩镇应急办书面申请验收；刘圩镇应急办组织验收，验收合格后予以销号、摘牌。"
        ),
        "notice-extension": (
            "因客观原因不能按期完成整改的，责任单位应在整改期限届满前书面申请延期并说明理由；"
            "重大事故隐患的延期由刘圩镇应急办决定。"
        ),
        "notice-copy-to": "抄送：泗县应急管理局，刘圩村，刘圩镇住建所",
        "notice-signature": "刘圩镇安全生产委员会",
    }
    assert "现场" in got["notice-board"] and "五落实" in got["notice-board"]
    assert "镇安委办" not in document(printed(client_for(world.office), listing))


def test_it_prints_the_county_bureaus_listing_as_the_bureaus(world, client_for, hazard):
    terms = services.ListingTerms(supervising_contact="赵科长", supervising_phone="0557-1234567", production="stopped")
    listing = list_it(
        world, hazard, actor=world.county, level="county", document_number="泗安委〔2026〕30号",
        supervising_unit=None, supervising_department=world.county_department, terms=terms,
    )  # fmt: skip
    got = fields(document(printed(client_for(world.office), listing)))
    assert got == got | {
        "notice-authority": "泗县应急管理局",
        "listing-document": "泗安委〔2026〕30号",
        "notice-level": "县级",
        "notice-supervising-unit": "县住建局",
        "notice-contact": "赵科长 · 0557-1234567",
        "notice-production": "停产停业整改",
        "notice-procedure": (
            "整改完成后，由责任单位经刘圩镇应急办向泗县应急管理局书面申请验收；经泗县应急管理局验收合格后，方可销号、摘牌。"
        ),
        "notice-copy-to": "抄送：刘圩镇应急办，刘圩村，刘圩镇住建所",
        "notice-signature": "泗县应急管理局",
    }
    assert "notice-safeguards" not in got and "停产停业" in got["notice-production-term"]
    assert "须经泗县应急管理局同意" in got["notice-extension"]


def test_it_prints_a_city_listing_in_the_name_the_office_typed(world, client_for, hazard):
    terms = services.ListingTerms(
        authority_name="宿州市安全生产委员会", supervising_contact="王干事", supervising_phone="13900000002",
        production="stopped", territorial_unit="刘圩村民委员会", territorial_person="周书记",
        territorial_phone="13900000099", copy_to="宿州市应急管理局，泗县应急管理局",
    )  # fmt: skip
    number = "宿安委〔2026〕3号"
    listing = list_it(world, hazard, level="city", document_number=number, supervising_unit=None, terms=terms)
    got = fields(document(printed(client_for(world.office), listing)))
    assert got == got | {
        "notice-authority": "宿州市安全生产委员会",
        "notice-level": "市级",
        "notice-supervising-unit": "刘圩镇应急办",  # no unit named: the township office supervises
        "notice-territorial": "刘圩村民委员会 · 周书记 · 13900000099",
        "notice-copy-to": "抄送：宿州市应急管理局，泗县应急管理局",
        "notice-signature": "宿州市安全生产委员会",
    }
    assert "宿州市安全生产委员会验收合格后" in got["notice-procedure"]


def test_it_reprints_the_same_notice_after_the_hazard_and_the_enterprise_changed(world, client_for, hazard):
    listing = list_it(world, hazard)
    client = client_for(world.office)
    before = document(printed(client, listing))
    Enterprise.objects.filter(pk=world.enterprise_a.pk).update(
        name="改名后的公司", principal_name="新负责人", principal_phone="13700000000"
    )
    Hazard.objects.filter(pk=hazard.pk).update(
        title="改过的标题", description="改过的描述", location="别处", basis="别的标准", village=world.village_b
    )
    Unit.objects.filter(pk=world.unit_a.pk).update(name="新住建所")
    Unit.objects.filter(pk=world.office_unit.pk).update(name="新应急办")
    Village.objects.filter(pk=world.village_a.pk).update(name="改名村")
    User.objects.filter(pk=world.village_a_officer.pk).update(full_name="新村干", phone="13900000012")
    after = document(printed(client, listing))
    assert after == before
    assert "改名后的公司" not in after and "刘圩建筑工程有限公司" in after


# -- validation -----------------------------------------------------------------------------------------------------


def test_it_refuses_continued_production_without_safeguards(world, hazard):
    with pytest.raises(WorkflowError, match=r"安全防范措施|safeguards"):
        list_it(world, hazard, terms=services.ListingTerms(production="safeguarded", safeguards="  "))
    with pytest.raises(WorkflowError):
        list_it(world, hazard, terms=services.ListingTerms(production="maybe"))
    assert not Listing.objects.exists()


@pytest.mark.parametrize("level", ["city", "province"])
def test_it_requires_the_authority_of_a_city_or_province_listing(world, hazard, level):
    with pytest.raises(WorkflowError, match=r"挂牌督办单位|listing authority"):
        list_it(world, hazard, level=level, terms=services.ListingTerms(authority_name=" "))
    assert not Listing.objects.exists()


def test_it_names_the_township_authority_whatever_was_typed(world, hazard):
    listing = list_it(world, hazard, terms=services.ListingTerms(authority_name="镇安委办"))
    assert listing.authority_name == "刘圩镇安全生产委员会"


def form_post(**kw) -> dict[str, str]:
    data = {
        "level": "township", "document_number": "刘安委〔2026〕8号", "authority_name": "",
        "supervising_leader": "李镇长", "supervising_unit": "", "supervising_contact": "王干事",
        "supervising_phone": "139 0000 0002", "listed_on": "2026-03-02", "required_by": "2026-06-30",
        "territorial_unit": "刘圩村", "territorial_person": "李村干", "territorial_phone": "",
        "production": "stopped", "safeguards": "", "copy_to": "泗县应急管理局", "note": "",
    }  # fmt: skip
    data.update(kw)
    return data


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"production": "safeguarded"}, "safeguards"),
        ({"level": "city"}, "authority_name"),
        ({"level": "province", "authority_name": "   "}, "authority_name"),
        ({"supervising_phone": "12345"}, "supervising_phone"),
        ({"supervising_contact": ""}, "supervising_contact"),
        ({"production": ""}, "production"),
        ({"production": "或许"}, "production"),
        ({"copy_to": "抄" * 301}, "copy_to"),
        ({"authority_name": "局" * 101, "level": "city"}, "authority_name"),
        ({"listed_on": "1800-01-01"}, "listed_on"),
    ],
)
def test_it_refuses_bad_input_on_the_form_with_a_message_in_chinese(world, client_for, hazard, bad, field):
    response = client_for(world.office).post(reverse("hazards:list_hazard", args=[hazard.pk]), form_post(**bad))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert not re.search(r"[A-Za-z]{4,}", " ".join(form.errors[field])), form.errors[field]
    assert not Listing.objects.exists()


def test_it_lists_through_the_form_with_the_notices_fields(world, client_for, hazard):
    client = client_for(world.office)
    data = form_post(
        level="city", authority_name="宿州市安全生产委员会", production="safeguarded", safeguards=SAFEGUARDS
    )
    response = client.post(reverse("hazards:list_hazard", args=[hazard.pk]), data)
    assert response.status_code == 302
    listing = hazard.listings.get()
    assert (listing.authority_name, listing.supervising_phone, listing.safeguards) == (
        "宿州市安全生产委员会",
        "13900000002",
        SAFEGUARDS,
    )


def test_it_prefills_the_offices_form(world, hazard):
    User.objects.filter(pk=world.office.pk).update(full_name="王干事", phone="13900000002")
    office = User.objects.get(pk=world.office.pk)
    form = ListingForm(hazard=hazard, levels=("township", "city", "province"), county_id=None, contact=office)
    assert {name: form[name].value() for name in ListingForm.NOTICE_FIELDS} == {
        "authority_name": None,
        "territorial_unit": "刘圩村",
        "territorial_person": "李村干",
        "territorial_phone": "13900000011",
        "supervising_contact": "王干事",
        "supervising_phone": "13900000002",
        "production": "stopped",
        "safeguards": None,
        "copy_to": "泗县应急管理局，刘圩村，刘圩镇住建所",
    }
    assert "刘圩镇安全生产委员会" in form.fields["authority_name"].help_text


def test_it_offers_the_county_no_authority_to_type(world, client_for, hazard):
    page = client_for(world.county).get(reverse("hazards:list_hazard", args=[hazard.pk])).content.decode()
    assert 'name="authority_name"' not in page and 'name="supervising_phone"' in page
    assert "刘圩镇应急办，刘圩村，刘圩镇住建所" in page  # the copy-to list of the county's own listing


# -- who may print it -----------------------------------------------------------------------------------------------


def test_it_prints_for_whoever_sees_the_hazard_and_answers_404_to_others(world, client_for, hazard):
    listing = list_it(world, hazard)
    url = reverse("hazards:listing_print", args=[listing.pk])
    for user in (world.office, world.leader, world.dept_a, world.village_a_officer, world.ent_a, world.county):
        assert client_for(user).get(url).status_code == 200, user
    for user in (world.other_office, world.ent_b, world.village_b_officer):
        assert client_for(user).get(url).status_code == 404, user


def test_it_prints_in_few_queries(world, client_for, hazard, django_assert_max_num_queries):
    listing = list_it(world, hazard)
    client = client_for(world.office)
    printed(client, listing)
    with django_assert_max_num_queries(12):
        printed(client, listing)


def test_a_listing_that_stops_production_marks_the_hazard_for_the_ledger(world, hazard):
    assert not hazard.production_stopped
    list_it(world, hazard, terms=services.ListingTerms(supervising_contact="王干事", production="stopped"))
    hazard.refresh_from_db()
    assert hazard.production_stopped
    assert hazard.history.first().production_stopped  # the change is in the hazard's history


def test_a_listing_with_safeguards_leaves_the_hazard_as_it_was(world, hazard):
    list_it(world, hazard)  # production continues with safeguards
    hazard.refresh_from_db()
    assert not hazard.production_stopped
