// title: Find entities by name
// description: Entities whose name contains the text, case-insensitively.
// tags: [explore]
// params:
//   text: {type: string, help: Part of a name}
//   max_rows: {type: int, default: 100, min: 1, help: At most this many matches}
MATCH (n)
WHERE n.name IS NOT NULL AND toLower(n.name) CONTAINS toLower($text)
RETURN n._kg_key AS id, labels(n)[0] AS label, n.name AS name
ORDER BY name, id
LIMIT $max_rows
