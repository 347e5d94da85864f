from django.urls import path

from faelles.strategy import views

app_name = "strategy"
urlpatterns = [
    path("", views.home, name="home"),
]
