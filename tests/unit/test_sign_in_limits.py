"""Sign-in limits: a few failures are free, then each waits twice as long; the clock is given."""
from handoff.rules.sign_in_limits import SignInLimits


def test_a_few_failures_are_free_then_the_wait_doubles_up_to_a_cap():
    limits = SignInLimits(free_failures=3, base_delay=1.0, max_delay=5.0)
    for _ in range(3):
        assert limits.wait(0.0, "anna") == 0
        limits.failed(0.0, "anna")
    assert limits.wait(0.0, "anna") == 0  # the fourth try is allowed
    limits.failed(0.0, "anna")
    assert limits.wait(0.0, "anna") == 1.0 and limits.wait(0.5, "anna") == 0.5
    limits.failed(1.0, "anna")
    assert limits.wait(1.0, "anna") == 2.0
    limits.failed(3.0, "anna")
    assert limits.wait(3.0, "anna") == 4.0
    limits.failed(7.0, "anna")
    assert limits.wait(7.0, "anna") == 5.0  # capped
    assert limits.wait(7.0, "ben") == 0  # other keys are untouched


def test_the_longest_wait_of_the_keys_applies():
    limits = SignInLimits(free_failures=0, base_delay=1.0)
    limits.failed(0.0, "address")
    limits.failed(0.0, "address")
    assert limits.wait(0.0, "anna", "address") == 2.0


def test_a_success_clears_a_key_and_an_old_count_is_forgotten():
    limits = SignInLimits(free_failures=1, base_delay=1.0, forget_after=60.0)
    limits.failed(0.0, "anna")
    limits.failed(0.0, "anna")
    assert limits.wait(0.0, "anna") == 1.0
    limits.succeeded("anna")
    assert limits.wait(0.0, "anna") == 0
    limits.failed(0.0, "ben")
    limits.failed(0.0, "ben")
    limits.failed(100.0, "ben")  # an hour-old count starts over: this is the first
    assert limits.wait(100.0, "ben") == 0
