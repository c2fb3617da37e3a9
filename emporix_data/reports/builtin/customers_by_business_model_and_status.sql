-- title: Customers by business model and status
-- description: How many customers of each business model are active, inactive or on hold (a customer on hold counts as on hold, active or not).
-- chart: bar x=businessModel y=customers color=status
SELECT
    coalesce(businessModel, 'unknown') AS businessModel,
    CASE WHEN onHold THEN 'on hold' WHEN active THEN 'active' ELSE 'inactive' END AS status,
    count(*) AS customers
FROM customers
GROUP BY ALL
ORDER BY businessModel, status
