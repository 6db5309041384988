"""The ``smartcity-kg`` command line, the top layer: it may import every stage, and none imports it.

``main`` holds the group and the commands for building, querying, serving and pushing;
``network`` the commands on paths, brokers, opportunities, views and exports; ``links`` those
for open data; ``_shared`` the options and helpers they have in common.
"""

from __future__ import annotations

from .main import main

__all__ = ["main"]
