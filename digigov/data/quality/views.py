from django.http import HttpResponse
from digigov.core.web.decorators import requires

@requires("quality.view")
def overview(request):
    return HttpResponse("")

@requires("quality.view")
def tasks_list(request):
    return HttpResponse("")

@requires("quality.view")
def task_detail(request, public_id):
    return HttpResponse("")
