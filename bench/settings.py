"""Settings of the servers `make bench` starts: Agora's own, with the bench's URLconf.

Only ``DJANGO_SETTINGS_MODULE=bench.settings`` (set by ``python -m bench``
for its servers, and by the bench tests) mounts the floor views of
`bench.views`; a deployment runs ``agora.settings``, where they do not exist.
"""

from agora.settings import *  # noqa: F403 (the same settings, one change)

ROOT_URLCONF = "bench.urls"
