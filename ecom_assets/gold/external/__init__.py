"""Gold, external domain (asset group ``external``): data from outside the shop (the weather) beside
its sales, one module per table."""
