"""Module 3a forums: moderated peer consulting ("kollegiale Beratung") between
municipalities. See ``models`` for the data, ``access`` for who may do what,
``actions`` for every write and ``selectors`` for the permission-checked reads."""
