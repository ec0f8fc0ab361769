"""Pages of referendum cases."""

from django.urls import path

from . import views

app_name = "referendums"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("verify/", views.receipt_verify, name="verify"),
    path("certificate/", views.certificate_sign_in, name="certificate"),
    path("roll/", views.roll_upload, name="roll"),
    path("<str:case_id>/", views.case_detail, name="detail"),
    path("<str:case_id>/sign/", views.case_sign, name="sign"),
    path("<str:case_id>/act/", views.case_act, name="act"),
    path("<str:case_id>/paper/", views.paper_upload, name="paper"),
]
