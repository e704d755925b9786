app_name = "my_applications"
urlpatterns = []
