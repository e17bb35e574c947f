"""Entity resolution: which nodes are one entity spelt several ways. Proposals are scored
pairs with their reasons, written to the workspace; the investigator's decision on each
(accept merges reversibly, reject keeps the pair from ever being proposed again, unsure
leaves it aside) is kept there too, by the pair's node keys, so that it survives a fresh
load of the same files and can be exported and re-applied elsewhere."""
