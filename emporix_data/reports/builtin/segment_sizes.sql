-- title: Segment sizes
-- description: Customers in each segment, and how many of them are B2B; segments without members too.
-- chart: bar x=segment y=customers
WITH ids AS (
    SELECT id AS segmentId FROM segments
    UNION
    SELECT segmentId FROM segment_memberships
)
SELECT
    coalesce(s.name, ids.segmentId) AS segment,
    count(DISTINCT m.customerId) AS customers,
    count(DISTINCT m.customerId) FILTER (WHERE c.businessModel = 'B2B') AS b2bCustomers
FROM ids
LEFT JOIN segments s ON s.id = ids.segmentId
LEFT JOIN segment_memberships m ON m.segmentId = ids.segmentId
LEFT JOIN customers c ON c.customerNumber = m.customerId
GROUP BY ids.segmentId, s.name
ORDER BY customers DESC, segment
