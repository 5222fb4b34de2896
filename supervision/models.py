"""The app's one models module: Django loads the models of `supervision` from here.

Each sub-domain keeps its models in its own package; nothing inside `supervision` imports this
module (a sub-package importing it would import every other sub-domain with it).
"""

from supervision.documents.models import *  # noqa: F403
from supervision.publication.models import *  # noqa: F403
from supervision.registry.models import *  # noqa: F403
from supervision.spotchecks.models import *  # noqa: F403
