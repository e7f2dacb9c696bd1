"""Gold, sales domain (asset group ``sales``): revenue, orders and their trends, one module per table."""
