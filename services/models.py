"""Activities, sign-ups, the vanguard passport, benefits and sentinel reports live here
(issues 5-7). Depends on `stations` and `branches`."""
