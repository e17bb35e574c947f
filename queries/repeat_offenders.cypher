// title: Repeat offenders
// description: Entities involved in at least N enforcement cases.
// tags: [cases, people]
// params:
//   min_cases: {type: int, default: 2, help: Cases, at least}
MATCH (c:`Case`)-[:INVOLVES]->(e)
WITH e, collect(DISTINCT c._kg_key) AS cases
WHERE size(cases) >= $min_cases
RETURN e._kg_key AS id, labels(e)[0] AS label, e.name AS name, size(cases) AS count, cases
ORDER BY count DESC, id
