from django.shortcuts import render

from digigov.core.web.decorators import requires

from . import selectors


@requires("assessment.view")
def overview(request):
    results = selectors.run_all(request)
    return render(request, "assessment/overview.html", {"results": results, "summary": selectors.summary(results)})
