"""The 挂牌督办通知 as issued (issue 13): the listing keeps the names and the hazard as they stood when it was listed.

Existing listings get their snapshot from today's data — the closest to the day they were listed that is left — in
the same words the listing service uses (hazards.listing_notice), written out here so that later changes of that
module do not change this migration. Production during rectification was never recorded: it stays blank.
"""

import re

from django.conf import settings
from django.db import migrations, models
from django.utils import translation
from django.utils.translation import gettext as _

DIVISION = re.compile(r"(镇|乡|街道)$")


def township_unit_name(township, unit_name):
    if unit_name.startswith(township.name):
        return unit_name
    division = DIVISION.search(township.name)
    if division and unit_name.startswith(division.group(1)):
        unit_name = unit_name[len(division.group(1)) :]
    return f"{township.name}{unit_name}"


def office_name(apps, township):
    unit = (
        apps.get_model("units", "Unit")
        .objects.filter(township=township, is_safety_office=True, is_active=True)
        .order_by("pk")
        .first()
    )
    if unit is not None:
        return township_unit_name(township, unit.name)
    return f"{township.name}{_('safety office')}"


def bureau(county):
    return _("%(county)s emergency management bureau") % {"county": county.name}


def committee(name):
    return _("%(name)s work-safety committee") % {"name": name}


def authority(listing, township):
    if listing.level == "township":
        return committee(township.name)
    if listing.listed_by_county_id is not None:
        return bureau(listing.listed_by_county)
    if listing.level == "county" and township.county_id is not None:
        return committee(township.county.name)
    # A city or province listing: the authority that accepted it, if recorded; else left for the office to see blank.
    return listing.acceptance_authority


def territorial(apps, village):
    assignment = (
        apps.get_model("units", "Assignment")
        .objects.filter(role="village", village=village, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        return village.name, "", ""
    user = assignment.user
    return village.name, user.full_name or user.username, user.phone


def copy_to(apps, listing, hazard, township):
    names = []
    if listing.listed_by_county_id is None and township.county_id is not None:
        names.append(bureau(township.county))
    if listing.level != "township":
        names.append(office_name(apps, township))
    names.append(hazard.village.name)
    if hazard.lead_unit is not None:
        names.append(township_unit_name(township, hazard.lead_unit.name))
    return "，".join(dict.fromkeys(names))


def supervising(listing, township, office):
    if listing.supervising_unit is not None:
        return township_unit_name(township, listing.supervising_unit.name)
    if listing.supervising_department is not None:
        return listing.supervising_department.name
    if listing.listed_by_county_id is not None:
        return bureau(listing.listed_by_county)
    return office


def fill_snapshots(apps, schema_editor):
    Listing = apps.get_model("hazards", "Listing")
    rows = Listing.objects.select_related(
        "hazard__township__county",
        "hazard__enterprise",
        "hazard__village",
        "hazard__lead_unit",
        "supervising_unit",
        "supervising_department",
        "listed_by_county",
    )
    with translation.override(settings.LANGUAGE_CODE):
        for listing in rows.iterator(chunk_size=500):
            hazard = listing.hazard
            township = hazard.township
            enterprise = hazard.enterprise
            listing.office_name = office_name(apps, township)
            listing.authority_name = authority(listing, township)
            listing.enterprise_name = enterprise.name if enterprise else ""
            listing.principal_name = enterprise.principal_name if enterprise else ""
            listing.principal_phone = enterprise.principal_phone if enterprise else ""
            unit, person, phone = territorial(apps, hazard.village)
            listing.territorial_unit, listing.territorial_person, listing.territorial_phone = unit, person, phone
            listing.supervising_unit_name = supervising(listing, township, listing.office_name)
            listing.copy_to = copy_to(apps, listing, hazard, township)
            listing.hazard_title = hazard.title
            listing.hazard_number = hazard.number
            listing.hazard_location = " ".join(p for p in (hazard.village.name, hazard.location.strip()) if p)
            listing.hazard_description = hazard.description
            listing.hazard_basis = " ".join(p for p in (hazard.basis.strip(), hazard.clause.strip()) if p)
            listing.save()


class Migration(migrations.Migration):

    dependencies = [
        ('hazards', '0012_notice_snapshot'),
        ('units', '0005_county'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='listing',
            name='authority_name',
            field=models.CharField(blank=True, max_length=100, verbose_name='listing authority'),
        ),
        migrations.AddField(
            model_name='listing',
            name='copy_to',
            field=models.CharField(blank=True, max_length=300, verbose_name='copy to (抄送)'),
        ),
        migrations.AddField(
            model_name='listing',
            name='enterprise_name',
            field=models.CharField(blank=True, max_length=100, verbose_name='responsible enterprise'),
        ),
        migrations.AddField(
            model_name='listing',
            name='hazard_basis',
            field=models.CharField(blank=True, max_length=610, verbose_name='judgement standard (判定依据)'),
        ),
        migrations.AddField(
            model_name='listing',
            name='hazard_description',
            field=models.TextField(blank=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='listing',
            name='hazard_location',
            field=models.CharField(blank=True, max_length=300, verbose_name='location'),
        ),
        migrations.AddField(
            model_name='listing',
            name='hazard_number',
            field=models.CharField(blank=True, max_length=40, verbose_name="hazard number"),
        ),
        migrations.AddField(
            model_name='listing',
            name='hazard_title',
            field=models.CharField(blank=True, max_length=200, verbose_name='hazard'),
        ),
        migrations.AddField(
            model_name='listing',
            name='office_name',
            field=models.CharField(blank=True, max_length=100, verbose_name='township safety office'),
        ),
        migrations.AddField(
            model_name='listing',
            name='principal_name',
            field=models.CharField(blank=True, max_length=30, verbose_name='principal'),
        ),
        migrations.AddField(
            model_name='listing',
            name='principal_phone',
            field=models.CharField(blank=True, max_length=20, verbose_name="principal's phone"),
        ),
        migrations.AddField(
            model_name='listing',
            name='production',
            field=models.CharField(blank=True, choices=[('stopped', 'stops during rectification (停产停业整改)'), ('safeguarded', 'continues with safeguards')], max_length=12, verbose_name='production during rectification'),
        ),
        migrations.AddField(
            model_name='listing',
            name='safeguards',
            field=models.TextField(blank=True, verbose_name='safeguards while production continues'),
        ),
        migrations.AddField(
            model_name='listing',
            name='supervising_contact',
            field=models.CharField(blank=True, max_length=30, verbose_name='supervising contact person'),
        ),
        migrations.AddField(
            model_name='listing',
            name='supervising_phone',
            field=models.CharField(blank=True, max_length=20, verbose_name="supervising contact's phone"),
        ),
        migrations.AddField(
            model_name='listing',
            name='supervising_unit_name',
            field=models.CharField(blank=True, max_length=100, verbose_name='supervising unit'),
        ),
        migrations.AddField(
            model_name='listing',
            name='territorial_person',
            field=models.CharField(blank=True, max_length=30, verbose_name='territorial responsible person'),
        ),
        migrations.AddField(
            model_name='listing',
            name='territorial_phone',
            field=models.CharField(blank=True, max_length=20, verbose_name="territorial responsible person's phone"),
        ),
        migrations.AddField(
            model_name='listing',
            name='territorial_unit',
            field=models.CharField(blank=True, max_length=100, verbose_name='territorial responsible unit (属地)'),
        ),
        migrations.AddConstraint(
            model_name='listing',
            constraint=models.CheckConstraint(condition=models.Q(('production__in', ['', 'stopped', 'safeguarded'])), name='listing_production_valid'),
        ),
        migrations.AddConstraint(
            model_name='listing',
            constraint=models.CheckConstraint(condition=models.Q(('production', 'safeguarded'), ('safeguards', ''), _negated=True), name='listing_safeguards_named'),
        ),
        migrations.RunPython(fill_snapshots, migrations.RunPython.noop),
    ]
