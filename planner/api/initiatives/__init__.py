"""The API's initiatives (with their ranges) and their appeals: what the initiative and
appeal pages do."""
