"""Cases: alerts, reports and hash matches merged per suspect, prioritised with an SLA clock;
moderator actions, referrals with second-person approval, the hash-chained audit log and
sealed evidence bundles."""
