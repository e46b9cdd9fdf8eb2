"""Content editors' tooling: `bolt content new | validate | train | publish | report`.

`validate` and `new` import neither Rasa nor TensorFlow, so that they run in seconds.
"""
