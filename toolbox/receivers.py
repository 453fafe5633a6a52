"""Hook receivers of the toolbox (see ``plugins.hooks``)."""
