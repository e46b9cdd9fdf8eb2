"""A real new FAQ topic, written in the six languages, to fill in what `bolt content new` made.

`bolt_languages`: which languages Bolt answers in. It is true of Bolt (../shared/DESIGN.md)
and unlike every existing topic, so the model can learn it from these examples.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

KEY = "bolt_languages"

EXAMPLES: Dict[str, List[str]] = {
    "en": ["which languages does Bolt speak", "can I chat with Bolt in Japanese",
           "do you understand German", "what languages can you answer in",
           "is Bolt available in Russian", "can I write to you in Italian",
           "languages supported by the chatbot", "do you speak Indonesian",
           "can the assistant reply in another language", "change the chat language",
           "which languages are supported", "can you talk to me in my language"],
    "de": ["Welche Sprachen spricht Bolt?", "Kann ich mit Bolt auf Japanisch chatten?",
           "Verstehst du Englisch?", "In welchen Sprachen kannst du antworten?",
           "Gibt es Bolt auch auf Russisch?", "Kann ich dir auf Italienisch schreiben?",
           "unterstützte Sprachen des Chatbots", "sprichst du Indonesisch",
           "kann der Assistent in einer anderen Sprache antworten", "Chatsprache ändern",
           "welche Sprachen werden unterstützt", "kannst du in meiner Sprache mit mir reden"],
    "ja": ["Boltは何語に対応していますか", "Boltと日本語でチャットできますか",
           "英語は分かりますか", "どの言語で回答できますか", "ロシア語でも使えますか",
           "イタリア語で書いてもいいですか", "チャットボットの対応言語", "インドネシア語は話せますか",
           "別の言語で返事してもらえますか", "チャットの言語を変えたい", "対応している言語を教えて",
           "自分の言葉で話せますか"],
    "ru": ["На каких языках говорит Bolt?", "Можно общаться с Bolt по-японски?",
           "Ты понимаешь немецкий?", "На каких языках ты можешь отвечать?",
           "Bolt есть на русском?", "Можно писать тебе по-итальянски?",
           "какие языки поддерживает чат-бот", "ты говоришь по-индонезийски",
           "может ли ассистент отвечать на другом языке", "сменить язык чата",
           "какие языки поддерживаются", "можешь говорить со мной на моём языке"],
    "id": ["Bolt bisa bahasa apa saja?", "apakah saya bisa chat dengan Bolt dalam bahasa Jepang",
           "kamu mengerti bahasa Jerman?", "dalam bahasa apa kamu bisa menjawab",
           "apakah Bolt tersedia dalam bahasa Rusia", "boleh saya menulis dalam bahasa Italia?",
           "bahasa yang didukung chatbot", "kamu bisa berbahasa Indonesia?",
           "bisakah asisten membalas dalam bahasa lain", "ganti bahasa obrolan",
           "bahasa apa saja yang didukung", "bisa bicara dengan saya dalam bahasa saya?"],
    "it": ["Quali lingue parla Bolt?", "Posso chattare con Bolt in giapponese?",
           "Capisci il tedesco?", "In quali lingue puoi rispondere?",
           "Bolt è disponibile in russo?", "Posso scriverti in italiano?",
           "lingue supportate dal chatbot", "parli indonesiano",
           "l'assistente può rispondere in un'altra lingua", "cambiare la lingua della chat",
           "quali lingue sono supportate", "puoi parlarmi nella mia lingua"],
}

HOLDOUT: Dict[str, List[str]] = {
    "en": ["what languages do you know", "are you able to answer in Russian",
           "Bolt in German?", "list of languages you support", "do you reply in Japanese too"],
    "de": ["welche Sprachen kennst du", "antwortest du auch auf Russisch",
           "Bolt auf Deutsch?", "Liste der Sprachen, die du unterstützt",
           "antwortest du auch auf Japanisch"],
    "ja": ["何か国語話せますか", "ロシア語で答えられますか", "ドイツ語のBoltはありますか",
           "サポートしている言語の一覧", "日本語でも返事してくれますか"],
    "ru": ["какие языки ты знаешь", "ты можешь ответить по-русски",
           "Bolt на немецком?", "список языков, которые ты поддерживаешь",
           "ты отвечаешь и по-японски"],
    "id": ["kamu tahu bahasa apa saja", "bisa menjawab dalam bahasa Rusia?",
           "Bolt dalam bahasa Jerman?", "daftar bahasa yang kamu dukung",
           "kamu juga membalas dalam bahasa Jepang?"],
    "it": ["che lingue conosci", "sai rispondere in russo?", "Bolt in tedesco?",
           "elenco delle lingue che supporti", "rispondi anche in giapponese?"],
}

TITLES = {"en": "Bolt's languages", "de": "Sprachen von Bolt", "ja": "Boltの対応言語",
          "ru": "Языки Bolt", "id": "Bahasa Bolt", "it": "Le lingue di Bolt"}

ANSWERS = {
    "en": "I answer in English, Japanese, Russian, Indonesian, Italian and German. Write in "
          "any of them and I reply in the same language.",
    "de": "Ich antworte auf Deutsch, Englisch, Japanisch, Russisch, Indonesisch und "
          "Italienisch. Schreiben Sie in einer dieser Sprachen, und ich antworte in derselben.",
    "ja": "日本語、英語、ロシア語、インドネシア語、イタリア語、ドイツ語で回答します。"
          "いずれかの言語で書いていただければ、同じ言語でお答えします。",
    "ru": "Я отвечаю на русском, английском, японском, индонезийском, итальянском и немецком "
          "языках. Напишите на любом из них, и я отвечу на том же языке.",
    "id": "Saya menjawab dalam bahasa Indonesia, Inggris, Jepang, Rusia, Italia, dan Jerman. "
          "Tulis dalam salah satu bahasa itu, dan saya akan membalas dalam bahasa yang sama.",
    "it": "Rispondo in italiano, inglese, giapponese, russo, indonesiano e tedesco. Scrivimi "
          "in una di queste lingue e ti risponderò nella stessa.",
}


def _block(lines: List[str]) -> str:
    return "".join(f"    - {line}\n" for line in lines)


def fill_topic(project: Path, key: str = KEY) -> None:
    """Replaces the TODO markers `bolt content new <key>` wrote with the texts above."""
    for language in EXAMPLES:
        (project / "data" / "nlu" / language / f"{key}.yml").write_text(
            f'version: "3.1"\nnlu:\n- intent: faq/{key}\n  examples: |\n'
            f"{_block(EXAMPLES[language])}", encoding="utf-8")
        (project / "data" / "responses" / language / f"{key}.yml").write_text(
            f'version: "3.1"\ntitle: "{TITLES[language]}"\nresponses:\n  utter_faq/{key}:\n'
            f"  - text: |-\n      {ANSWERS[language]}\n", encoding="utf-8")
        holdout = project / "tests" / "data" / "holdout" / f"{language}.yml"
        text = holdout.read_text(encoding="utf-8")
        start = text.index(f"- intent: faq/{key}\n")
        end = text.find("\n- ", start + 1)
        entry = f"- intent: faq/{key}\n  examples: |\n{_block(HOLDOUT[language])}"
        holdout.write_text(text[:start] + entry + (text[end + 1:] if end != -1 else ""),
                           encoding="utf-8")
