-- title: Contact types per company
-- description: How many contacts of each type (primary, billing, logistics, contact) every legal entity has.
-- chart: bar x=company y=contacts color=contactType
SELECT
    coalesce(e.name, ca.legalEntityName, ca.legalEntityId) AS company,
    coalesce(ca.type, '(no type)') AS contactType,
    count(DISTINCT ca.customerId) AS contacts
FROM contact_assignments ca
LEFT JOIN legal_entities e ON e.id = ca.legalEntityId
GROUP BY ALL
ORDER BY company, contactType
