
app_name = "organise"

urlpatterns: list = []
