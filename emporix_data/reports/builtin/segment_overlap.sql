-- title: Segment overlap
-- description: How many customers two different segments share (a segment's own size is in Segment sizes).
-- chart: heatmap x=segment y=otherSegment color=customers
WITH members AS (
    SELECT DISTINCT m.customerId, coalesce(s.name, m.segmentId) AS segment
    FROM segment_memberships m
    LEFT JOIN segments s ON s.id = m.segmentId
)
SELECT a.segment, b.segment AS otherSegment, count(*) AS customers
FROM members a
JOIN members b ON b.customerId = a.customerId AND b.segment <> a.segment
GROUP BY ALL
ORDER BY a.segment, otherSegment
