// title: Payment accounts used by many storefronts
// description: "Accounts receiving money for several sales channels: one operator behind many shops."
// tags: [money, storefront]
// params:
//   min_storefronts: {type: int, default: 3, help: Storefronts paid through the account, at least}
MATCH (s:SalesChannel)-[:PAID_VIA]->(a:PaymentAccount)
WITH a, collect(DISTINCT s._kg_key) AS storefronts
WHERE size(storefronts) >= $min_storefronts
RETURN a._kg_key AS id, a.name AS account, a.provider AS provider, size(storefronts) AS count, storefronts
ORDER BY count DESC, id
