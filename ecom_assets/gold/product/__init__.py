"""Gold, product domain (asset group ``product``): products by day, week and month, one module per table."""
