app_name = "qualifications"
urlpatterns: list = []
