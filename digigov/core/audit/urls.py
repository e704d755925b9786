from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.entries, name="entries"),
    path("export.csv", views.export, name="export"),
    path("verify/", views.verify, name="verify"),
    path("<str:seq>/", views.entry, name="entry"),  # str: an unknown id answers 404 after the permission check
]
