"""Gold, engagement domain (asset group ``engagement``): the session funnel, pages, clicks and
storefronts, one module per table.

Paths are the silver `path` values as they are; events without a path are grouped under a NULL
path, so page and click totals reconcile with silver.
"""
