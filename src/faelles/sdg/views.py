from django.http import Http404, HttpRequest, HttpResponse


def overview(request: HttpRequest) -> HttpResponse:
    raise Http404


def goal_detail(request: HttpRequest, number: int) -> HttpResponse:
    raise Http404
