-- title: Find customers
-- description: Customers whose number, name, e-mail or company contains $search, with their legal entities, contact types, segments and customer groups.
-- chart: none
SELECT
    customerNumber,
    firstName,
    lastName,
    contactEmail,
    company,
    businessModel,
    legalEntityNames,
    contactTypes,
    segmentNames,
    customerGroups,
    country,
    city
FROM customer_360
WHERE contains(
    lower(concat_ws(' ', customerNumber, firstName, lastName, contactEmail, company)),
    lower($search)
)
ORDER BY customerNumber
