"""The zoo's models, one package each; see zoo.registry for the list."""
