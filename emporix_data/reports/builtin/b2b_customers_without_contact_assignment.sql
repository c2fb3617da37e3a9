-- title: B2B customers without a contact assignment
-- description: B2B customers whom no contact assignment names: they are no legal entity's contact.
-- chart: none
SELECT
    c.customerNumber,
    c.firstName,
    c.lastName,
    c.contactEmail,
    c.company,
    c.createdAt
FROM customers c
WHERE c.businessModel = 'B2B'
    AND NOT EXISTS (SELECT 1 FROM contact_assignments ca WHERE ca.customerId = c.customerNumber)
ORDER BY c.customerNumber
