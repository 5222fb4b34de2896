"""The admin of the registry (the only sub-domain edited in the admin); Django autodiscovers this module."""

from supervision.registry import admin as registry_admin  # noqa: F401
