from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.home, name="home"),
    path("new/", views.new_request, name="new"),
    path("closed/", views.closed, name="closed"),
    path("password/", views.password_change, name="password"),
    path("preferences/", views.preferences, name="preferences"),
    path("requests/<key:number>/", views.detail, name="detail"),
    path("requests/<key:number>/update/", views.update, name="update"),
    path("requests/<key:number>/reopen/", views.reopen, name="reopen"),
    path("requests/<key:number>/close/", views.close, name="close"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
