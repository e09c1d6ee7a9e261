"""The public nomination pages and the nominator's own."""

from django.urls import path

from . import views

app_name = "nominations"

urlpatterns = [
    path("", views.home, name="home"),
    path("nominate/<slug:slug>/", views.nominate, name="nominate"),
    path("nominate/<slug:slug>/done/", views.nominate_done, name="nominate-done"),
    path("n/<str:token>/", views.private_link, name="private-link"),
    path("my-nomination/", views.my_nomination, name="my-nomination"),
    path("my-nominations/", views.my_nominations, name="my-nominations"),
    path("my-nominations/<int:pk>/withdraw/", views.my_nomination_withdraw, name="my-nomination-withdraw"),
]
