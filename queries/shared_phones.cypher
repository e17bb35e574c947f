// title: Sales channels sharing a phone number
// description: "Pairs of sales channels using one phone number: likely one operator."
// tags: [identifiers, storefront]
// params:
//   max_rows: {type: int, default: 500, min: 1, help: At most this many pairs}
MATCH (a:SalesChannel)-[:HAS_PHONE]->(ph:Phone)<-[:HAS_PHONE]-(b:SalesChannel)
WHERE a._kg_key < b._kg_key
RETURN ph.name AS phone, a._kg_key AS channel_a, a.name AS name_a, b._kg_key AS channel_b, b.name AS name_b
ORDER BY phone, channel_a, channel_b
LIMIT $max_rows
