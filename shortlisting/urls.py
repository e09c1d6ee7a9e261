"""The panel pages, mounted at /panel/."""

from django.urls import path

from . import views

app_name = "shortlisting"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("score/<int:assignment_id>/", views.score, name="score"),
    path("score/<int:assignment_id>/conflict/", views.declare_conflict, name="declare-conflict"),
    path("shortlist/<int:category_id>/", views.shortlist, name="shortlist"),
    path("shortlist/<int:category_id>/propose/", views.shortlist_propose_view, name="shortlist-propose"),
    path("shortlist/<int:category_id>/confirm/", views.shortlist_confirm_view, name="shortlist-confirm"),
    path("shortlist/<int:category_id>/reopen/", views.shortlist_reopen_view, name="shortlist-reopen"),
    path("manage/<int:panel_id>/", views.manage, name="manage"),
    path("manage/<int:panel_id>/assign/", views.manage_assign, name="manage-assign"),
    path("manage/<int:panel_id>/remind/", views.manage_remind, name="manage-remind"),
]
