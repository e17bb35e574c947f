// title: Shortest chain from a storefront to a factory
// description: The shortest paths, over any links, between a storefront and a supplier, as chains of names.
// tags: [supply chain, paths]
// params:
//   storefront: {type: entity, label: SalesChannel, help: The storefront's id}
//   factory: {type: entity, label: Supplier, help: The supplier's id}
MATCH (s:SalesChannel {_kg_key: $storefront}), (f:Supplier {_kg_key: $factory})
WITH s, f
MATCH p = allShortestPaths((s)-[*..8]-(f))
RETURN length(p) AS links, [n IN nodes(p) | n.name] AS chain, [r IN relationships(p) | type(r)] AS types, p AS path
ORDER BY chain, types
LIMIT 25
