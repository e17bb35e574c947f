// title: Upstream supply chain of a storefront
// description: Every chain of SUPPLIES links from a supplier (factory) down to the storefront, shortest first.
// tags: [supply chain, storefront]
// params:
//   storefront: {type: entity, label: SalesChannel, help: The storefront's id}
MATCH p = (f:Supplier)-[:SUPPLIES*1..4]->(s:SalesChannel {_kg_key: $storefront})
RETURN f._kg_key AS factory, f.name AS factory_name, length(p) AS links,
       [n IN nodes(p) | n.name] AS chain, p AS path
ORDER BY links, factory, chain
