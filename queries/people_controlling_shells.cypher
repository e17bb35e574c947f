// title: People controlling several shell companies
// description: "Persons who own or direct at least N shell companies: nominees and organisers."
// tags: [shells, people]
// params:
//   min_shells: {type: int, default: 2, help: Shell companies controlled, at least}
MATCH (p:Person)-[r]->(s:ShellCompany)
WHERE type(r) IN ['OWNS', 'DIRECTS']
WITH p, collect(DISTINCT s._kg_key) AS shells, collect(DISTINCT type(r)) AS roles
WHERE size(shells) >= $min_shells
RETURN p._kg_key AS id, p.name AS person, size(shells) AS count, shells, roles
ORDER BY count DESC, id
