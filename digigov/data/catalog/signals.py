"""Signals between the data apps (same layer, no import cycles).

``dataset_loaded``: sent by aggregation after a batch has been committed into an entry's mounted
table. Keyword arguments: ``entry`` (CatalogEntry), ``mount`` (MountedResource, kind table),
``batch_id`` (the aggregation batch's primary key), ``rows`` (rows added). Quality governance
listens to check the dataset; receivers must not raise into the sender (queue work instead).
"""

from django.dispatch import Signal

dataset_loaded = Signal()
