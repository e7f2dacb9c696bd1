"""Gold, marketing domain (asset group ``marketing``): sessions attributed to channels and campaigns,
campaign returns and multi-touch attribution, one module per table."""
