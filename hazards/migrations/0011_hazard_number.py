"""The hazard number (隐患编号), the ledger's new columns and the acceptance as it was given.

Every registered hazard (not a report waiting for registration, not a dismissed one) is numbered per township and
year of registration — the local date of confirmed_at, else found_on — in the order of registration (confirmed_at,
then pk), from 0001, as hazards.numbering numbers new ones. The acceptance unit, person and date are taken from the
hazard's last VERIFY event: the verifier's name, and their unit in the township (the hazard's lead or participating
unit they work for, else the unit of their office or department assignment, else the township's safety office);
the date is the local date of verified_at.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from hazards.numbering import UNNUMBERED_STATUSES, format_number, registration_year
from units.offices import township_unit_name

BATCH = 1000


def _registered_at(confirmed_at, found_on):
    noon = dt.datetime.combine(found_on, dt.time(12))
    return confirmed_at or timezone.make_aware(noon, timezone.get_default_timezone())


def number_hazards(apps, schema_editor):
    Hazard = apps.get_model("hazards", "Hazard")
    Township = apps.get_model("units", "Township")
    for township in Township.objects.order_by("pk"):
        rows = Hazard.objects.filter(township=township).exclude(status__in=UNNUMBERED_STATUSES)
        rows = sorted(rows.values_list("pk", "confirmed_at", "found_on"), key=lambda r: (_registered_at(r[1], r[2]), r[0]))
        serials = {}
        numbered = []
        for pk, confirmed_at, found_on in rows:
            year = registration_year(confirmed_at, found_on)
            serials[year] = serials.get(year, 0) + 1
            numbered.append(Hazard(pk=pk, number=format_number(township.name, year, serials[year])))
        Hazard.objects.bulk_update(numbered, ["number"], batch_size=BATCH)


def _person(user):
    return user.full_name or f"{user.first_name} {user.last_name}".strip() or user.username


def _unit_name(apps, hazard, actor_id, capacity):
    Assignment = apps.get_model("units", "Assignment")
    Unit = apps.get_model("units", "Unit")
    mine = Assignment.objects.filter(
        user_id=actor_id,
        township_id=hazard.township_id,
        is_active=True,
        role__in=["office", "department"],
        unit__isnull=False,
    ).select_related("unit")
    units = {a.unit_id: (a.role, a.unit) for a in mine}
    verifying = {hazard.lead_unit_id, *hazard.sector.participating_units.values_list("pk", flat=True)}
    ordered = sorted(units.items(), key=lambda item: (capacity == "last_resort" or item[0] not in verifying, item[1][0] != "office", item[0]))
    if ordered:
        return township_unit_name(hazard.township, ordered[0][1][1].name)
    office = Unit.objects.filter(township_id=hazard.township_id, is_safety_office=True, is_active=True).order_by("pk").first()
    return township_unit_name(hazard.township, office.name) if office else ""


def snapshot_acceptances(apps, schema_editor):
    Hazard = apps.get_model("hazards", "Hazard")
    HazardEvent = apps.get_model("hazards", "HazardEvent")
    verified = Hazard.objects.filter(verified_at__isnull=False).only("pk", "verified_at")
    dated = [Hazard(pk=h.pk, accepted_on=timezone.localdate(h.verified_at)) for h in verified.iterator()]
    Hazard.objects.bulk_update(dated, ["accepted_on"], batch_size=BATCH)
    last = {}
    for event in HazardEvent.objects.filter(action="verify", actor__isnull=False).select_related("actor").order_by("created_at", "pk"):
        last[event.hazard_id] = event
    hazards = Hazard.objects.filter(pk__in=list(last)).select_related("township", "sector")
    named = []
    for hazard in hazards:
        event = last[hazard.pk]
        hazard.accepted_by_person = _person(event.actor)
        hazard.accepted_by_unit = _unit_name(apps, hazard, event.actor_id, event.capacity)
        named.append(hazard)
    Hazard.objects.bulk_update(named, ["accepted_by_person", "accepted_by_unit"], batch_size=BATCH)
    if schema_editor.connection.vendor == "postgresql":
        # The updates queued deferred foreign-key checks; PostgreSQL builds no index on a table with checks
        # pending, so they are run now, before the unique constraint is added in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")



class Migration(migrations.Migration):

    dependencies = [
        ('hazards', '0010_county_listing'),
        ('units', '0005_county'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='hazard',
            name='accepted_by_person',
            field=models.CharField(blank=True, max_length=100, verbose_name='acceptance person'),
        ),
        migrations.AddField(
            model_name='hazard',
            name='accepted_by_unit',
            field=models.CharField(blank=True, max_length=100, verbose_name='acceptance unit'),
        ),
        migrations.AddField(
            model_name='hazard',
            name='accepted_on',
            field=models.DateField(blank=True, null=True, verbose_name='acceptance date'),
        ),
        migrations.AddField(
            model_name='hazard',
            name='number',
            field=models.CharField(blank=True, default='', max_length=40, verbose_name='hazard number'),
        ),
        migrations.AddField(
            model_name='hazard',
            name='production_stopped',
            field=models.BooleanField(default=False, verbose_name='production stopped for rectification (停产停业整改)'),
        ),
        migrations.AddField(
            model_name='hazard',
            name='progress_note',
            field=models.TextField(blank=True, verbose_name='progress, and the reason when not completed'),
        ),
        migrations.AddField(
            model_name='hazard',
            name='remarks',
            field=models.TextField(blank=True, verbose_name='remarks'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='accepted_by_person',
            field=models.CharField(blank=True, max_length=100, verbose_name='acceptance person'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='accepted_by_unit',
            field=models.CharField(blank=True, max_length=100, verbose_name='acceptance unit'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='accepted_on',
            field=models.DateField(blank=True, null=True, verbose_name='acceptance date'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='number',
            field=models.CharField(blank=True, default='', max_length=40, verbose_name='hazard number'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='production_stopped',
            field=models.BooleanField(default=False, verbose_name='production stopped for rectification (停产停业整改)'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='progress_note',
            field=models.TextField(blank=True, verbose_name='progress, and the reason when not completed'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='remarks',
            field=models.TextField(blank=True, verbose_name='remarks'),
        ),
        migrations.RunPython(number_hazards, migrations.RunPython.noop),
        migrations.RunPython(snapshot_acceptances, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='hazard',
            constraint=models.UniqueConstraint(condition=models.Q(('number', ''), _negated=True), fields=('township', 'number'), name='hazard_number_unique_per_township'),
        ),
    ]
