"""The private links to a young person's certificate and letter, sent to the responsible adult."""

from django.urls import path

from . import document_views

app_name = "recognition"

urlpatterns = [
    path("<str:token>/", document_views.recognition_link, name="link"),
    path("<str:token>/certificate.pdf", document_views.recognition_certificate, name="certificate"),
    path("<str:token>/letter.pdf", document_views.recognition_letter, name="letter"),
]
