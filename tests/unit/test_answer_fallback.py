from rasa.shared.nlu.training_data.message import Message

from bot.nlu.answer_fallback import AnswerConfidenceFallback


def message(intent, answer_confidence):
    msg = Message.build(text="x")
    msg.set("intent", {"name": intent, "confidence": 0.9}, add_to_output=True)
    msg.set("response_selector", {"faq": {"response": {"confidence": answer_confidence}}},
            add_to_output=True)
    return msg


def test_an_uncertain_answer_becomes_a_fallback():
    gate = AnswerConfidenceFallback({"retrieval_intent": "faq", "threshold": 0.3})
    unsure, sure, other = message("faq", 0.12), message("faq", 0.8), message("greet", 0.01)
    gate.process([unsure, sure, other])
    assert unsure.get("intent")["name"] == "nlu_fallback"
    assert sure.get("intent")["name"] == "faq"
    assert other.get("intent")["name"] == "greet"
