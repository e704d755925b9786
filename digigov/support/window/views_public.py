"""The hall's public pages: the kiosk where a number is taken (no login) and the hall screen.

Neither shows or asks for anything personal: the kiosk records only the category chosen, the screen
shows numbers, counters and how many wait. The kiosk is rate-limited per address (shared counter, so
every worker process counts together) so that a script cannot empty the day's numbers.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from digigov.core import counters
from digigov.core.errors import RateLimited
from digigov.core.rbac.system import system_account
from digigov.core.web.decorators import public
from digigov.core.web.middleware import client_ip

from . import selectors
from .actions import queue
from .forms import TakeNumberForm

KIOSK_MAX_PER_MINUTE = 6
SCREEN_REFRESH_SECONDS = 5


@public
@require_http_methods(["GET", "POST"])
def kiosk(request, public_id):
    hall = selectors.public_hall(public_id)
    form = TakeNumberForm(request.POST or None)
    ticket = None
    if request.method == "POST" and form.is_valid():
        if counters.hit(f"kiosk:{client_ip(request)}", 60) > KIOSK_MAX_PER_MINUTE:
            raise RateLimited("取号过于频繁，请稍后再试", code="kiosk_rate_limited")
        ticket = queue.take_number(system_account(), hall, form.cleaned_data["category"])
        form = TakeNumberForm()
    screen = selectors.screen(hall)
    waiting_before = next((w.waiting - 1 for w in screen.waiting if ticket and w.category == ticket.category), 0)
    return render(request, "window/kiosk.html", {"hall": hall, "form": form, "ticket": ticket, "screen": screen,
                                                 "waiting_before": max(waiting_before, 0)},
                  status=400 if form.errors else 200)


@public
def screen(request, public_id):
    hall = selectors.public_hall(public_id)
    return render(request, "window/screen.html", {"hall": hall, "screen": selectors.screen(hall), "refresh": SCREEN_REFRESH_SECONDS})


@public
def board(request, public_id):
    """The part of the screen HTMX reloads every few seconds."""
    hall = selectors.public_hall(public_id)
    response = render(request, "window/_board.html", {"hall": hall, "screen": selectors.screen(hall)})
    response["Cache-Control"] = "no-store"
    return response
