from rest_framework.routers import SimpleRouter

router = SimpleRouter()
extra_urls: list = []
