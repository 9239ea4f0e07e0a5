"""ehds-node: a federated HealthDCAT-AP metadata node for the European Health Data Space."""

__version__ = "0.1.0"
