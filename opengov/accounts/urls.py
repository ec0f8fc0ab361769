"""Pages of accounts."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("confirm-email/", views.confirm_email, name="confirm_email"),
    path("confirm-email/<str:token>/", views.confirm_email_link, name="confirm_email_link"),
    path("phone/", views.phone_view, name="phone"),
    path("phone/confirm/", views.phone_confirm, name="phone_confirm"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/<str:token>/", views.password_reset_link, name="password_reset_link"),
    path("unlock/<str:token>/", views.signin_unlock, name="signin_unlock"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.password_change, name="password_change"),
    path("profile/email/", views.email_change, name="email_change"),
    path("profile/tokens/", views.tokens, name="tokens"),
    path("profile/tokens/<str:public_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("profile/data/", views.data_download, name="data_download"),
    path("profile/close/", views.close_account, name="close"),
    path("profile/sessions/end/", views.sessions_end, name="sessions_end"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<slug:code>/officials/", views.agency_officials, name="agency_officials"),
    path(
        "agencies/<slug:code>/officials/<str:public_id>/",
        views.agency_official_update,
        name="agency_official_update",
    ),
    path(
        "agencies/<slug:code>/officials/<str:public_id>/end/",
        views.agency_official_end,
        name="agency_official_end",
    ),
]
