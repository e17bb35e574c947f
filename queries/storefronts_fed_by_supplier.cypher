// title: Storefronts fed by a supplier
// description: Every sales channel a supplier's goods reach through any chain of companies, with the nearest chain length.
// tags: [supply chain, storefront]
// params:
//   supplier: {type: entity, label: Supplier, help: The supplier's id}
MATCH p = (f:Supplier {_kg_key: $supplier})-[:SUPPLIES*1..4]->(s:SalesChannel)
WITH s, min(length(p)) AS links
RETURN s._kg_key AS id, s.name AS storefront, s.platform AS platform, links, s AS node
ORDER BY links, id
