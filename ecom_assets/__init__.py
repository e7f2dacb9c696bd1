"""ecom_assets: an online shop's daily raw drops turned into a DuckDB warehouse of bronze, silver and gold."""
