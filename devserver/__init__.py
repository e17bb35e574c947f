"""Development services the project starts itself (a local Neo4j)."""
