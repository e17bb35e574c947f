// title: An entity and everything within 2 hops
// description: Every node reachable from the entity in one or two links, with how far it is. Start here.
// tags: [explore]
// params:
//   entity: {type: entity, help: The entity's id (as loaded)}
//   max_rows: {type: int, default: 500, min: 1, help: At most this many neighbours}
MATCH (e {_kg_key: $entity})-[*1..2]-(n)
WHERE n <> e AND NOT n:Judgement AND NOT n:AnalysisRun
WITH DISTINCT n, e
MATCH p = shortestPath((e)-[*..2]-(n))
RETURN n._kg_key AS id, labels(n)[0] AS label, n.name AS name, length(p) AS hops, n AS node
ORDER BY hops, id
LIMIT $max_rows
