"""Routes of the ledger export and import (included by hazards/urls.py, so in the `hazards:` namespace)."""

from django.urls import path

from . import excel_views

urlpatterns = [
    path("ledger/export/", excel_views.ledger_export, name="ledger_export"),
    path("ledger/export/<uuid:pk>/", excel_views.export_job, name="export_job"),
    path("ledger/export/<uuid:pk>/download/", excel_views.export_download, name="export_download"),
    path("ledger/import/", excel_views.ledger_import, name="ledger_import"),
    path("ledger/import/template.xlsx", excel_views.ledger_import_template, name="ledger_import_template"),
]
