-- title: Customers per country and segment
-- description: How many customers of each country are in each segment. A customer in two segments counts in both; customers in no segment and without a country are shown as such.
-- chart: heatmap x=country y=segment color=customers
SELECT
    coalesce(c.country, '(no country)') AS country,
    CASE WHEN m.segmentId IS NULL THEN '(no segment)' ELSE coalesce(s.name, m.segmentId) END
        AS segment,
    count(DISTINCT c.customerNumber) AS customers
FROM customer_360 c
LEFT JOIN segment_memberships m ON m.customerId = c.customerNumber
LEFT JOIN segments s ON s.id = m.segmentId
GROUP BY ALL
ORDER BY country, customers DESC, segment
