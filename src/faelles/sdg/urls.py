app_name = "sdg"
urlpatterns: list = []
