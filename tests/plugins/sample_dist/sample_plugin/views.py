from django.http import HttpResponse


def index(request):
    """A page of the plugin."""
    return HttpResponse("sample plugin page")
