"""Queue frames are coalesced: a burst of hand-offs reaches agents and users as a few frames, the
last of them the whole latest state."""
import asyncio

from tests.handoff.conftest import user_token


async def test_a_burst_of_hand_offs_reaches_agents_as_few_frames_ending_in_the_latest_state(
        bolt, agents):
    agents("anna", ["de"], capacity=1)
    agents("sam", ["de"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        sam = await hub.agent("sam", status="offline")  # signed in, watching the queue
        await sam.expect("queue")  # the queue as it was at sign-in
        users = [await hub.user(token=user_token(f"u-{n}", "acme")) for n in range(12)]
        ids = [u.welcome["conversation_id"] for u in users]
        answers = await asyncio.gather(*(hub.hand_off(cid) for cid in ids))
        assert [status for status, _ in answers] == [201] * 12
        frames = [f for f in await sam.quiet(1.0) if f["type"] == "queue"]
        # Without coalescing every hand-off (and the offer to anna) would send its own frame.
        assert 1 <= len(frames) < 12
        latest = frames[-1]["entries"]
        assert sorted(e["conversation_id"] for e in latest) == sorted(ids)
        assert [e["position"] for e in latest] == list(range(1, 13))
        assert sum(e["offered"] for e in latest) == 1  # anna has room for one
        # Each waiting user's last queue frame is their place now.
        for user, conversation_id in zip(users, ids):
            mine = [f for f in await user.quiet(0.05) if f["type"] == "queue"]
            place = next(e["position"] for e in latest if e["conversation_id"] == conversation_id)
            assert mine and mine[-1]["position"] == place
        for client in users + [anna, sam]:
            await client.close()
