"""Statistics of recorded spike trains (Elephant on Neo objects) and the zoo's figures."""
