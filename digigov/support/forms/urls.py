from django.urls import path

from . import views

app_name = "forms"
urlpatterns = [
    path("", views.form_list, name="list"),
    path("new/", views.form_create, name="create"),
    path("<slug:key>/", views.form_detail, name="form"),
    path("<slug:key>/design/", views.designer, name="design"),
    path("<slug:key>/design/save/", views.save, name="save"),
    path("<slug:key>/design/bindings/", views.save_bindings, name="bindings"),
    path("<slug:key>/design/preview/", views.preview_fragment, name="preview_fragment"),
    path("<slug:key>/publish/", views.publish, name="publish"),
    path("<slug:key>/v/<slug:number>/", views.preview, name="preview"),
    path("<slug:key>/v/<slug:number>/retire/", views.retire, name="retire"),
]
