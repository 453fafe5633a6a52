"""Hook receivers of the live sessions (see ``plugins.hooks``)."""
