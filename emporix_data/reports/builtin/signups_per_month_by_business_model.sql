-- title: Sign-ups per month by business model
-- description: New customers per month (by creation date, UTC), B2B and B2C apart.
-- chart: line x=month y=customers color=businessModel
SELECT
    CAST(date_trunc('month', createdAt) AS DATE) AS month,
    coalesce(businessModel, '(none)') AS businessModel,
    count(*) AS customers
FROM customers
WHERE createdAt IS NOT NULL
GROUP BY ALL
ORDER BY month, businessModel
