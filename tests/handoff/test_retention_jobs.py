"""The scheduled retention sweeps: the hub's own (every BOLT_RETENTION_SWEEP_SECONDS), and Rasa's,
run by its tracker store in the Rasa server (bot/stores/tracker_privacy.py), which also lets go
of what it kept in memory of the conversations it deleted."""
from __future__ import annotations

import asyncio

from bolt.core.settings import Settings
from handoff.services.audit import Audit
from tests.handoff import privacy_data as data


async def test_the_hub_sweeps_by_itself_on_schedule(bolt, hub_env):
    repository = data.hub_repository(hub_env)
    data.conversation(repository, "c-old", "u-1", ["Alt"], days_ago=91, ticket=True)
    data.conversation(repository, "c-new", "u-1", ["Neu"])
    async with bolt(BOLT_RETENTION_SWEEP_SECONDS="0.2") as (hub, rasa):
        for _ in range(100):
            if repository.conversation("c-old") is None:
                break
            await asyncio.sleep(0.1)
        assert repository.conversation("c-old") is None
        assert repository.conversation("c-new") is not None
        user = await hub.user()  # the hub carries on serving
        await user.send(type="message", client_id="m-1", text="Hallo")
        await user.expect("ack")
        await user.close()
    assert [row["conversations"] for row in data.daily_counts(repository)] == [1]
    [swept] = Audit(repository).entries(action="retention.swept")
    assert swept["details"]["conversations"] == 1 and swept["details"]["tickets"] == 1
    repository.close()
    repository.engine.dispose()


def test_rasas_tracker_store_sweeps_what_is_due_and_forgets_it(tmp_path):
    with data.store_urls(tmp_path) as urls:
        store = data.tracker_store(urls["BOLT_TRACKER_STORE_URL"])
        assert type(store).__name__ in ("SQLiteTrackerStore", "RetainedSQLTrackerStore")
        store.sweeps.settings = Settings.from_env({"BOLT_RETENTION_DAYS": "30"})
        data.save_tracker(store, "c-old", ["Alt"], days_ago=31)
        data.save_tracker(store, "c-new", ["Neu"], days_ago=29)

        async def sweep_and_read():
            assert await store.retrieve("c-old") is not None  # in memory, where it is kept
            swept = await store.sweeps.sweep_now()
            return swept, await store.retrieve("c-old"), await store.retrieve("c-new")

        swept, old, new = asyncio.run(sweep_and_read())
        assert swept == ["c-old"]
        assert old is None
        assert [e.text for e in new.events if e.type_name == "user"] == ["Neu"]
        store.engine.dispose()
