"""URLs of the donations pages."""

from django.urls import path

from . import views

app_name = "donations"

urlpatterns = [
    path("", views.index, name="index"),
    path("findings/", views.findings, name="findings"),
    path("findings/<str:public_id>/", views.finding_page, name="finding"),
    path("findings/<str:public_id>/review/", views.finding_review, name="finding_review"),
    path("recipients/<str:public_id>/", views.recipient_page, name="recipient"),
    path("elections/<str:public_id>/", views.election_page, name="election"),
    path("elections/<str:public_id>/edit/", views.election_edit, name="election_edit"),
    path("donors/<str:business_number>/", views.donor_page, name="donor"),
    path("transactions/<str:public_id>/", views.transaction_page, name="transaction"),
    path("imports/", views.imports, name="imports"),
    path("imports/<str:public_id>/", views.import_page, name="import"),
    path("corrections/", views.corrections, name="corrections"),
]
