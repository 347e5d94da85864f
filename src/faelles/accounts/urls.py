from django.urls import path
from django.utils.translation import pgettext_lazy

from faelles.accounts import drafts, otp_views, views

app_name = "accounts"
urlpatterns = [
    path(pgettext_lazy("url", "account/register/"), views.register, name="register"),
    path(pgettext_lazy("url", "account/register/sent/"), views.register_done, name="register_done"),
    path(pgettext_lazy("url", "account/confirm/<str:token>/"), views.confirm_email,
         name="confirm_email"),
    path(pgettext_lazy("url", "account/confirm-again/"), views.resend_confirmation,
         name="resend_confirmation"),
    path(pgettext_lazy("url", "account/login/"), views.LoginView.as_view(), name="login"),
    path(pgettext_lazy("url", "account/logout/"), views.LogoutView.as_view(), name="logout"),
    path(pgettext_lazy("url", "account/password/"), views.PasswordResetView.as_view(),
         name="password_reset"),
    path(pgettext_lazy("url", "account/password/sent/"), views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path(pgettext_lazy("url", "account/password/<uidb64>/<token>/"),
         views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(pgettext_lazy("url", "account/password/done/"), views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path(pgettext_lazy("url", "account/password/change/"), views.PasswordChangeView.as_view(),
         name="password_change"),
    path(pgettext_lazy("url", "account/"), views.profile, name="profile"),
    path(pgettext_lazy("url", "account/organisation/"), views.membership_request,
         name="membership_request"),
    path(pgettext_lazy("url", "account/my-data/"), views.my_data, name="my_data"),
    path(pgettext_lazy("url", "account/my-data/json/"), views.my_data_json, name="my_data_json"),
    path(pgettext_lazy("url", "account/my-data/overview/"), views.my_data_page,
         name="my_data_page"),
    path(pgettext_lazy("url", "account/delete/"), views.delete_account, name="delete_account"),
    path(pgettext_lazy("url", "account/deleted/"), views.account_deleted, name="account_deleted"),
    path(pgettext_lazy("url", "account/consent/"), views.consents, name="consents"),
    path(pgettext_lazy("url", "account/draft/"), drafts.save_view, name="draft_save"),
    path(pgettext_lazy("url", "account/draft/discard/"), drafts.discard_view,
         name="draft_discard"),
    path(pgettext_lazy("url", "account/two-factor/"), otp_views.otp_setup, name="otp_setup"),
    path(pgettext_lazy("url", "account/two-factor/off/"), otp_views.otp_disable,
         name="otp_disable"),
    path(pgettext_lazy("url", "account/login/code/"), otp_views.otp_verify, name="otp_verify"),
]
