// title: Seizures by port and period
// description: Seizures made between two dates, per port, with quantities and value.
// tags: [seizures, customs]
// params:
//   since: {type: date, default: "2000-01-01", help: First day of the period}
//   until: {type: date, default: "2100-12-31", help: Last day of the period}
MATCH (z:Seizure)
WHERE z.date >= date($since) AND z.date <= date($until)
WITH z.port AS port, count(z) AS seizures, sum(z.quantity) AS items, sum(z.value) AS value,
     min(z.date) AS first, max(z.date) AS last
RETURN port, seizures, items, value, first, last
ORDER BY value DESC, port
