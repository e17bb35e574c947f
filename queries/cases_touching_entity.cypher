// title: Cases touching an entity
// description: Enforcement cases that involve the entity directly or through one intermediate node.
// tags: [cases]
// params:
//   entity: {type: entity, help: The entity's id}
MATCH p = (c:`Case`)-[*1..2]-(e {_kg_key: $entity})
WITH c, min(length(p)) AS distance
RETURN c._kg_key AS id, c.name AS case_name, c.status AS status, c.opened AS opened, distance
ORDER BY distance, id
