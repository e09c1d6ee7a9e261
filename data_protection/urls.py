"""The data protection pages, mounted at /data-protection/."""

from django.urls import path

from . import views

app_name = "data-protection"

urlpatterns = [
    path("", views.index, name="index"),
    path("find/", views.find_person, name="find"),
    path("access-log/", views.access_log, name="access-log"),
    path("person/<int:nominee_id>/", views.person, name="person"),
    path("person/<int:nominee_id>/request/", views.request_new, name="request-new"),
    path("person/<int:nominee_id>/erase/", views.erase, name="erase"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/review/", views.request_review, name="request-review"),
    path("requests/<int:request_id>/export.json", views.download_json, name="download-json"),
    path("requests/<int:request_id>/export.xlsx", views.download_xlsx, name="download-xlsx"),
]
