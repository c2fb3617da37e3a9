-- title: B2B customers of a legal entity in no segment
-- description: B2B customers who are contacts of the legal entity $legal_entity (its id or name; empty for every legal entity) and are in no segment at all.
-- chart: none
SELECT
    c.customerNumber,
    c.firstName,
    c.lastName,
    c.contactEmail,
    coalesce(e.name, ca.legalEntityName, ca.legalEntityId) AS legalEntity,
    string_agg(DISTINCT ca.type, ', ' ORDER BY ca.type) AS contactTypes
FROM customer_360 c
JOIN contact_assignments ca ON ca.customerId = c.customerNumber
LEFT JOIN legal_entities e ON e.id = ca.legalEntityId
WHERE c.businessModel = 'B2B'
    AND c.segmentCount = 0
    AND ($legal_entity = '' OR $legal_entity IN (ca.legalEntityId, e.name, ca.legalEntityName))
GROUP BY ALL
ORDER BY legalEntity, c.customerNumber
