"""Editors' data: the model (records, vocabularies), reading YAML with line numbers, loading and checking."""
