// title: Companies sharing a registered address
// description: "Addresses where several companies are registered: a mark of mass registration and shell companies."
// tags: [shells, address]
// params:
//   min_companies: {type: int, default: 2, help: Companies at one address before it is listed}
MATCH (c)-[:REGISTERED_AT]->(a:Address)
WHERE c:Company OR c:ShellCompany
WITH a, collect(DISTINCT c._kg_key) AS companies
WHERE size(companies) >= $min_companies
RETURN a._kg_key AS address_id, a.name AS address, size(companies) AS count, companies
ORDER BY count DESC, address_id
