// title: Communities ranked by cases and seized value
// description: The communities of the last stored run (python -m graph communities), ranked by the cases and seized value inside them.
// tags: [communities, cases, seizures]
// params:
//   max_rows: {type: int, default: 50, min: 1, help: At most this many communities}
MATCH (n)
WHERE n.community IS NOT NULL
WITH n.community AS community, count(n) AS size,
     sum(CASE WHEN n:`Case` THEN 1 ELSE 0 END) AS cases,
     sum(CASE WHEN n:Seizure THEN coalesce(n.value, 0) ELSE 0 END) AS seized_value
RETURN community, size, cases, seized_value
ORDER BY cases DESC, seized_value DESC, community
LIMIT $max_rows
