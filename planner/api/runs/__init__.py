"""The API's runs and what builds on them: starting a run as a job and polling it, the
runs with their results, the published decision and its say-no list, scenarios, the
frontier, and how firm a run's choice is. Each module is one resource's operations."""
