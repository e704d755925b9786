app_name = "onestop_apply"
urlpatterns = []
