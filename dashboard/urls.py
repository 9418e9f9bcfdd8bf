from . import dashboard_urls, report_urls

app_name = "dashboard"

urlpatterns = [*dashboard_urls.urlpatterns, *report_urls.urlpatterns]
