"""The rectification notice becomes a snapshot of what it prints, can be voided and replaced, and its 送达回证 gets
the fields of the standard form. Existing notices get their snapshot from their hazard and enterprise as they are
now: the best that is known of what was printed."""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# What the print said before the notice kept its own: a reported hazard's finder never goes on a paper to the
# enterprise (§27), and the review arrangement is the office's usual sentence.
REPORT_CHANNELS = ("public",)
REVIEW = "整改期限届满后五个工作日内组织复查"
DIVISION = re.compile(r"(镇|乡|街道)$")


def office_name(Unit, township):
    """units.offices.safety_office_name as it reads today, on the historical models."""
    unit = Unit.objects.filter(township_id=township.pk, is_safety_office=True, is_active=True).order_by("pk").first()
    if unit is None:
        return f"{township.name}安委办"
    name = unit.name
    if name.startswith(township.name):
        return name
    division = DIVISION.search(township.name)
    if division and name.startswith(division.group(1)):
        name = name[len(division.group(1)) :]
    return f"{township.name}{name}"


def fill_snapshots(apps, schema_editor):
    Notice = apps.get_model("hazards", "Notice")
    Unit = apps.get_model("units", "Unit")
    offices = {}
    for notice in Notice.objects.select_related("hazard__enterprise", "township").order_by("pk").iterator():
        hazard, township = notice.hazard, notice.township
        enterprise = hazard.enterprise
        if township.pk not in offices:
            offices[township.pk] = office_name(Unit, township)
        notice.township_name = township.name
        notice.issuer_name = offices[township.pk]
        notice.enterprise_name = enterprise.name if enterprise else ""
        notice.address = enterprise.address if enterprise else ""
        notice.location = hazard.location or notice.address
        notice.hazard_title = hazard.title
        notice.hazard_number = hazard.number
        notice.description = hazard.description
        notice.level = hazard.level
        notice.inspected_on = hazard.found_on
        notice.inspectors = "" if hazard.channel in REPORT_CHANNELS else hazard.found_by
        notice.basis, notice.clause = hazard.basis, hazard.clause
        notice.requirement, notice.deadline = hazard.measures, hazard.deadline
        notice.review = REVIEW
        if notice.served_at is not None:
            notice.serving_unit = notice.issuer_name
        notice.save()


class Migration(migrations.Migration):

    dependencies = [
        ('hazards', '0011_hazard_number'),
        ('units', '0005_county'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='notice',
            name='address',
            field=models.CharField(blank=True, max_length=200, verbose_name='address'),
        ),
        migrations.AddField(
            model_name='notice',
            name='basis',
            field=models.CharField(blank=True, max_length=300, verbose_name='legal basis'),
        ),
        migrations.AddField(
            model_name='notice',
            name='clause',
            field=models.CharField(blank=True, max_length=300, verbose_name='article'),
        ),
        migrations.AddField(
            model_name='notice',
            name='deadline',
            field=models.DateField(blank=True, null=True, verbose_name='deadline'),
        ),
        migrations.AddField(
            model_name='notice',
            name='description',
            field=models.TextField(blank=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='notice',
            name='enterprise_name',
            field=models.CharField(blank=True, max_length=100, verbose_name='enterprise'),
        ),
        migrations.AddField(
            model_name='notice',
            name='hazard_number',
            field=models.CharField(blank=True, max_length=40, verbose_name="hazard number"),
        ),
        migrations.AddField(
            model_name='notice',
            name='hazard_title',
            field=models.CharField(blank=True, max_length=200, verbose_name='hazard'),
        ),
        migrations.AddField(
            model_name='notice',
            name='inspected_on',
            field=models.DateField(blank=True, null=True, verbose_name='inspection date'),
        ),
        migrations.AddField(
            model_name='notice',
            name='inspectors',
            field=models.CharField(blank=True, max_length=100, verbose_name='inspectors'),
        ),
        migrations.AddField(
            model_name='notice',
            name='issuer_name',
            field=models.CharField(blank=True, max_length=100, verbose_name='issuing body'),
        ),
        migrations.AddField(
            model_name='notice',
            name='level',
            field=models.CharField(choices=[('general', 'general hazard'), ('major', 'major hazard')], default='general', max_length=10, verbose_name='level'),
        ),
        migrations.AddField(
            model_name='notice',
            name='location',
            field=models.CharField(blank=True, max_length=200, verbose_name='location'),
        ),
        migrations.AddField(
            model_name='notice',
            name='replace_reason',
            field=models.TextField(blank=True, verbose_name='reason for the new notice'),
        ),
        migrations.AddField(
            model_name='notice',
            name='replaces',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replacements', to='hazards.notice', verbose_name='replaces notice'),
        ),
        migrations.AddField(
            model_name='notice',
            name='requirement',
            field=models.TextField(blank=True, verbose_name='rectification requirement'),
        ),
        migrations.AddField(
            model_name='notice',
            name='review',
            field=models.CharField(blank=True, max_length=300, verbose_name='review arrangement (复查)'),
        ),
        migrations.AddField(
            model_name='notice',
            name='served_place',
            field=models.CharField(blank=True, max_length=200, verbose_name='place of service'),
        ),
        migrations.AddField(
            model_name='notice',
            name='servers',
            field=models.CharField(blank=True, max_length=100, verbose_name='served by (signatures)'),
        ),
        migrations.AddField(
            model_name='notice',
            name='service_manner',
            field=models.CharField(blank=True, choices=[('direct', 'direct service (直接送达)'), ('left', 'service by leaving it (留置送达)'), ('entrusted', 'entrusted service (委托送达)'), ('post', 'service by post (邮寄送达)')], max_length=10, verbose_name='manner of service'),
        ),
        migrations.AddField(
            model_name='notice',
            name='service_remarks',
            field=models.TextField(blank=True, verbose_name='remarks'),
        ),
        migrations.AddField(
            model_name='notice',
            name='serving_unit',
            field=models.CharField(blank=True, max_length=100, verbose_name='serving unit'),
        ),
        migrations.AddField(
            model_name='notice',
            name='signer_relation',
            field=models.CharField(blank=True, max_length=50, verbose_name="signer's relation to the person served"),
        ),
        migrations.AddField(
            model_name='notice',
            name='township_name',
            field=models.CharField(blank=True, max_length=50, verbose_name='township'),
        ),
        migrations.AddField(
            model_name='notice',
            name='void_reason',
            field=models.TextField(blank=True, verbose_name='reason for voiding'),
        ),
        migrations.AddField(
            model_name='notice',
            name='voided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='voided at'),
        ),
        migrations.AddField(
            model_name='notice',
            name='voided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='notice',
            name='witness',
            field=models.CharField(blank=True, max_length=50, verbose_name='witness'),
        ),
        migrations.AlterField(
            model_name='hazardevent',
            name='action',
            field=models.CharField(choices=[('reported', 'reported'), ('fixed_on_the_spot', 'found and fixed on the spot'), ('imported', 'imported'), ('confirm', 'registered'), ('dismiss', 'dismissed'), ('start_rectification', 'rectification started'), ('request_acceptance', 'acceptance requested'), ('verify', 'accepted'), ('refuse_acceptance', 'acceptance refused'), ('close', 'closed'), ('evidence', 'evidence added'), ('extension_requested', 'deadline extension requested'), ('extension_decided', 'deadline extension decided'), ('notice_issued', 'rectification notice issued'), ('notice_served', 'notice served'), ('notice_voided', 'notice voided'), ('listed', 'listed for supervision'), ('delisted', 'delisted'), ('escalated', 'escalated'), ('refusal', 'refusal to rectify recorded'), ('typical_fire_added', 'put on the yearly list of typical fire hazards'), ('typical_fire_removed', 'taken off the yearly list of typical fire hazards')], max_length=30, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='notice',
            name='served_to',
            field=models.CharField(blank=True, max_length=50, verbose_name='person served'),
        ),
        migrations.RunPython(fill_snapshots, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='notice',
            constraint=models.UniqueConstraint(fields=('replaces',), name='notice_replaced_once'),
        ),
        migrations.AddConstraint(
            model_name='notice',
            constraint=models.CheckConstraint(condition=models.Q(('served_at__isnull', True), ('voided_at__isnull', True), _connector='OR'), name='notice_not_served_and_voided'),
        ),
        migrations.AddConstraint(
            model_name='notice',
            constraint=models.CheckConstraint(condition=models.Q(('service_manner__in', ['', 'direct', 'left', 'entrusted', 'post'])), name='notice_service_manner_valid'),
        ),
    ]
