"""OAI-PMH 2.0 repository over the catalogue (docs/oai-pmh.md): model, tokens, XML writer."""
