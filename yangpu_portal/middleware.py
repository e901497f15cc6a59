"""Response headers that depend on who asked."""

from django.utils.cache import add_never_cache_headers, patch_vary_headers


class NoStoreForSignedInMiddleware:
    """Pages served to a signed-in user carry personal data: no shared or browser cache may
    keep them (`Cache-Control: no-store`). Anonymous pages are left as the view set them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_vary_headers(response, ["Cookie"])
        return response
