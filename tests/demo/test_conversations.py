from sqlalchemy import func, select

from childsafe.demo.conversations import GROOMING, seed_demo_conversations
from childsafe.store.db import Database
from childsafe.store.tables.service import Alert, StoredMessage


def test_seed_demo_holds_the_stranger_and_alerts_on_grooming_once(database: Database) -> None:
    lines: list[str] = []
    first = seed_demo_conversations(database, lines.append)
    assert first["demo-groom-0"]["verdict"] == "hold"
    assert first["demo-groom-0"]["reasons"][0]["rule"] == "stranger_to_child_held"
    assert first["demo-request-0"]["reasons"][0]["rule"] == "message_request"
    alerts = [a for a in first.values() if a["alert_id"]]
    assert alerts and any(
        r["rule"] == "grooming_risk_crossed" for a in alerts for r in a["reasons"]
    )
    assert any("ALERT" in line for line in lines)

    again = seed_demo_conversations(database, lines.append)
    assert again == first
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(StoredMessage)) == len(first)
        assert session.scalar(select(func.count()).select_from(Alert)) == len(alerts)
    assert len(GROOMING) == sum(1 for key in first if key.startswith("demo-groom-"))
