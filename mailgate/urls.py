from django.urls import path

from . import views

app_name = "mailgate"

urlpatterns = [
    path("<int:pk>/raw/", views.raw, name="raw"),
]
