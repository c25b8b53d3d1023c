"""The API's plan settings, cycle, parts (stages, periods, resources), moments with their
owners and measured scores, and influences: what the journey and Settings pages do."""
