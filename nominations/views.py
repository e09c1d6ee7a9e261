from django.http import HttpResponse


def home(request):
    return HttpResponse("PROUD")


def private_link(request, token):
    return HttpResponse("link")
