// title: Companies sharing a director
// description: Pairs of companies with a director in common, and who it is.
// tags: [shells, people]
// params:
//   max_rows: {type: int, default: 500, min: 1, help: At most this many pairs}
MATCH (c1)<-[:DIRECTS]-(p:Person)-[:DIRECTS]->(c2)
WHERE c1._kg_key < c2._kg_key
RETURN p._kg_key AS director_id, p.name AS director, c1._kg_key AS company_a, c1.name AS name_a,
       c2._kg_key AS company_b, c2.name AS name_b
ORDER BY director_id, company_a, company_b
LIMIT $max_rows
