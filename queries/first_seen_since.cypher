// title: Entities first seen since a date
// description: "Nodes of one label that first appeared in the data on or after a date: what is new."
// tags: [explore, time]
// params:
//   label: {type: label, default: SalesChannel, help: Which kind of entity}
//   since: {type: date, help: The day to look from}
MATCH (n:{{label}})
WHERE n.first_seen >= localdatetime($since + 'T00:00:00')
RETURN n._kg_key AS id, n.name AS name, n.first_seen AS first_seen, n.sources AS sources
ORDER BY first_seen, id
