from django.urls import path

app_name = "event-admin"

urlpatterns: list = []
