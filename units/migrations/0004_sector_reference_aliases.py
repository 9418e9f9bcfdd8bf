"""The other names of the reference sectors (units.reference) for townships loaded before sectors had them.

Only sectors found by their reference key whose other names are still empty are touched, and a name the sector
itself (renamed by the office) or another sector of the township already goes by is left out.
"""

from django.db import migrations

ALIASES = {
    "大跨度建(构)筑物": ("大跨度建筑物", "大跨度建构筑物"),
    "道路运输": ("交通运输",),
    "危化品": ("危险化学品",),
    "商贸服务(含餐饮业、住宿业)": ("商贸服务", "商贸", "餐饮业", "住宿业"),
}


def _key(text):
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split())


def add_aliases(apps, schema_editor):
    Sector = apps.get_model("units", "Sector")
    for sector in Sector.objects.filter(ref_key__in=list(ALIASES), aliases=""):
        taken = {_key(sector.name)}
        for other in Sector.objects.filter(township_id=sector.township_id).exclude(pk=sector.pk):
            taken.add(_key(other.name))
            taken.update(_key(line) for line in other.aliases.splitlines() if line.strip())
        names = [name for name in ALIASES[sector.ref_key] if _key(name) not in taken]
        if names:
            Sector.objects.filter(pk=sector.pk).update(aliases="\n".join(names))


class Migration(migrations.Migration):
    dependencies = [("units", "0003_enterprise_contact_phone_sector_aliases")]

    operations = [migrations.RunPython(add_aliases, migrations.RunPython.noop)]
