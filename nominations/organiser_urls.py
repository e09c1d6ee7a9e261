"""The organisers' nomination pages, mounted at /organise/."""

from django.urls import path

from . import organiser_views as views

app_name = "organise"

urlpatterns = [
    path("nominations/", views.nomination_list, name="nominations"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination"),
]
