"""Signals between the parts of the 一网通办 app (the catalog does not import the search index, the
application flow does not import the ratings).

* ``item_changed(sender=ServiceItem, item)`` / ``bundle_changed(sender=Bundle, bundle)`` — sent by the catalog
  actions after an item or bundle is created or changed (inside the transaction; receivers that touch other
  stores use ``transaction.on_commit``). The search index listens.
* ``application_finished(sender=Application, application, actor)`` — every case of the application has ended
  (for a 一件事: all member cases; results arrive together). Ratings and notifications listen.
"""

from django.dispatch import Signal

item_changed = Signal()
bundle_changed = Signal()
application_finished = Signal()
