from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/home.html")


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


pillar_detail = goal_list = goal_detail = initiative_list = initiative_detail = _todo
partner_list = partner_detail = document_list = document_detail = decision_detail = _todo
balance = _todo
