from django.http import Http404, HttpRequest, HttpResponse


def search_page(request: HttpRequest) -> HttpResponse:
    raise Http404
