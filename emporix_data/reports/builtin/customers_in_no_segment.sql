-- title: Customers in no segment
-- description: Customers who are a member of no customer segment.
-- chart: none
SELECT
    c.customerNumber,
    c.firstName,
    c.lastName,
    c.contactEmail,
    c.company,
    c.businessModel,
    c.createdAt
FROM customers c
WHERE NOT EXISTS (SELECT 1 FROM segment_memberships m WHERE m.customerId = c.customerNumber)
ORDER BY c.customerNumber
