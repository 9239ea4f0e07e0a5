"""Namespaces and the controlled-vocabulary subsets the node needs offline."""
