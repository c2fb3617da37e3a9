"""One router per vendor service (and one for the test admin routes)."""
