-- title: Customers per customer group
-- description: How many customers each shipping customer group has, and how many have none.
-- chart: bar x=customerGroup y=customers
SELECT
    coalesce(g.groupId, '(no group)') AS customerGroup,
    count(DISTINCT c.customerNumber) AS customers
FROM customers c
LEFT JOIN customer_groups g ON g.customerId = c.customerNumber
GROUP BY ALL
ORDER BY customers DESC, customerGroup
