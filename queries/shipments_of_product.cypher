// title: Shipments carrying products of a brand
// description: Consignments that carried counterfeit products of a brand, who shipped them and whether they were seized.
// tags: [customs, brands]
// params:
//   brand: {type: entity, label: Brand, help: The brand's id}
MATCH (b:Brand {_kg_key: $brand})<-[:INFRINGES]-(p:Product)<-[c:CONTAINS]-(sh:Shipment)
WITH sh, collect(DISTINCT p.name) AS products, sum(c.quantity) AS quantity
OPTIONAL MATCH (shipper)-[:SHIPPED]->(sh)
WITH sh, products, quantity, collect(DISTINCT shipper.name) AS shippers
OPTIONAL MATCH (z:Seizure)-[:SEIZED]->(sh)
RETURN sh._kg_key AS id, sh.name AS shipment, sh.shipped AS shipped, sh.port_of_entry AS port,
       quantity, products, shippers, count(DISTINCT z) AS seizures
ORDER BY shipped, id
