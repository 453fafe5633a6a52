"""Platform search (module-independent): one interface, Elasticsearch or database.

Elasticsearch is used through the maintained ``elasticsearch.dsl`` module when
``ELASTICSEARCH_URL`` is set; otherwise, or while Elasticsearch does not answer,
the database backend serves. Plugins contribute documents through the
``plugins.hooks.search_documents`` hook point.
"""
