from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.entries, name="entries"),
    path("export.csv", views.export, name="export"),
    path("verify/", views.verify, name="verify"),
    path("<int:seq>/", views.entry, name="entry"),
]
