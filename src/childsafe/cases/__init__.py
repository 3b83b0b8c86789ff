"""Cases: alerts, reports and hash matches merged per suspect, prioritised with an SLA clock;
moderator actions and referrals with second-person approval, each audited (childsafe.audit),
and sealed evidence bundles."""
