from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from receivables.shell.views import favicon

urlpatterns = [
    path("favicon.ico", favicon),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("payment-reconciliation/", include("banking.payment_journal.urls")),
    path("bank-reconciliation/", include("banking.bank_rec.urls")),
    path("", include("receivables.web_urls")),
]
