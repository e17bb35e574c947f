// title: Brands most infringed
// description: Brands ranked by the counterfeit products, storefronts and seizures that touch them.
// tags: [brands]
// params:
//   max_rows: {type: int, default: 20, min: 1, help: At most this many brands}
MATCH (b:Brand)<-[:INFRINGES]-(p:Product)
OPTIONAL MATCH (s:SalesChannel)-[:SELLS]->(p)
WITH b, count(DISTINCT p) AS products, count(DISTINCT s) AS storefronts
RETURN b._kg_key AS id, b.name AS brand, products, storefronts
ORDER BY storefronts DESC, products DESC, id
LIMIT $max_rows
