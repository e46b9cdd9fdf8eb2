"""Search terms of a text in one of Bolt's languages: its words (bolt/core/text.py), case-folded,
without the language's stop words, each reduced to its stem.

English, Russian, Indonesian, Italian and German words are stemmed by the Snowball stemmers of
PyStemmer ("Passwörter" and "Passwort" are one term); Japanese words are already in their
dictionary form, as Janome gives it when the bot segments them. A word written in another
script than the language's (a Japanese product name in a German text) is kept as written.
The stop words are the language's function words: a question's "how do I" says nothing about
which article answers it.

German verbs in -eln drop their e in the first person ("ich wechsle", "sammle", "regle"), and
the Snowball stem keeps it apart from the infinitive's ("wechsl", "wechsel"): a German stem that
ends in a consonant and l gets the e back, so the question's form meets the article's.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, FrozenSet, List

from bolt.core.text import JAPANESE_RUN, words

SNOWBALL_NAMES = {"en": "english", "ru": "russian", "id": "indonesian", "it": "italian",
                  "de": "german"}

STOP_WORDS: dict = {
    "en": frozenset("""
        a about above after again against all am an and any are aren't as at be because been
        before being below between both but by can can't cannot could couldn't did didn't do does
        doesn't doing don't down during each few for from further had hadn't has hasn't have
        haven't having he her here hers herself him himself his how i i'm i've if in into is isn't
        it it's its itself just let's me more most my myself no nor not of off on once only or
        other ought our ours ourselves out over own same she should shouldn't so some such than
        that that's the their theirs them themselves then there there's these they this those
        through to too under until up very was wasn't we were weren't what what's when where
        where's which while who who's whom why why's will with won't would wouldn't you you're
        your yours yourself yourselves get got anyone someone something please hi hello thanks
        want need way possible still also im dont cant isnt whats wheres hows pls
        """.split()),
    "ru": frozenset("""
        и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только
        ее её мне было вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже
        или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они
        тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под
        будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем
        чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть
        после над больше тот через эти нас про всего них какая много разве три эту моя впрочем
        хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю
        между это мои мою мое моё наш наша наше наши ваш ваша ваше ваши как-то почему каким
        какие какой-то нужно хочу хотим хотел хотела подскажите скажите пожалуйста здравствуйте
        привет можно ли сделать делать
        """.split()),
    "id": frozenset("""
        ada adalah agar akan aku anda apa apakah atau bagaimana bagi bahwa banyak beberapa belum
        bisa boleh buat cara dalam dan dapat dari di dia ini itu jadi jika juga kalau kami kamu
        kan karena ke kenapa ketika kita lagi mana masih mau mengapa mereka nya oleh pada para
        saat saja sama sampai sangat saya sebagai sedang sekarang seperti setelah sudah supaya
        tapi tentang tidak untuk yang dengan gimana gmn gak nggak ga udah aja dong sih ya halo
        tolong mohon bang kak min gan apa-apa bagaimanakah
        """.split()),
    "it": frozenset("""
        a ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dagl dalla
        dalle di del dello dei degli dell degl della delle in nel nello nei negli nell negl nella
        nelle su sul sullo sui sugli sull sugl sulla sulle per tra fra io tu lui lei noi voi loro
        mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra nostri nostre vostro
        vostra vostri vostre mi ti ci vi si lo la li le gli ne il un uno una ma ed se perché
        anche come dov dove che chi cui non più quale quanto quanti quanta quante quello quelli
        quella quelle questo questi questa queste è e o ho hai ha abbiamo avete hanno sono sei
        siamo siete essere avere fare posso puoi può possiamo potete possono devo voglio vorrei
        c'è cosa come mai ciao salve grazie qualcuno qualcosa ancora già solo modo
        """.split()),
    "de": frozenset("""
        aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
        anderes auch auf aus bei bin bis bist da damit dann das dass dasselbe dazu dein deine
        deinem deinen deiner dem den denn der des desselben dessen dich die dies diese dieselbe
        dieselben diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer
        eines einig einige einigem einigen einiger einiges einmal er es etwas euch euer eure
        für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr
        ihre ihrem ihren ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jenem
        jenen jener jenes jetzt kann kannst kein keine keinem keinen keiner keines können könnte
        machen man manche mein meine meinem meinen meiner meines mich mir mit muss musste nach
        nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines
        selbst sich sie sind so solche soll sollte sondern sonst über um und uns unser unsere
        unter viel vom von vor war waren warst was weg weil weiter welche welchem welchen welcher
        welches wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden
        zu zum zur zwar zwischen geht gibt wo wie warum wieso weshalb hallo bitte danke kann's
        gerne irgendwie eigentlich mal
        """.split()),
    # Particles, auxiliaries and the commonest light verbs and nouns, in Janome's dictionary form.
    "ja": frozenset("""
        の に は を た が で て と し れ さ ある いる も する から な こと として い や れる など
        なっ ない この ため その あっ よう また もの という あり まで られる なる へ か だ これ
        によって により おり より による ず なり られ において ば なかっ なく しかし について
        せ だっ その後 できる それ う ので なお のみ でき き つ における および いう さらに でも
        ら たり その他 に関する たち ます ん なら に対して 特に せる 及び これら とき では にて
        ほか ながら うち そして とともに ただし かつて それぞれ または お ほど ものの に対する
        ほとんど と共に といった です とも ところ ここ どう どの どこ どれ なに 何 いつ 方法
        方 たい ください 下さい 教える 知る 思う 場合 ね よ わ けど けれど かな でしょ って
        だけ しまう ちゃう いただける もらう くれる みたい
        """.split()),
}


# A consonant, then l, at the end of a German stem: "wechsl", "samml"; not "ll" (Tabelle), "hl"
# (Kohle) or "rl" (Kerl), where no e was dropped.
GERMAN_ELIDED_E = re.compile(r"(?<=[bcdfgkmnpqstvwxzß])l$")


@lru_cache(maxsize=None)
def _stemmer(language: str) -> Any:
    import Stemmer  # PyStemmer

    return Stemmer.Stemmer(SNOWBALL_NAMES[language])


def stop_words(language: str) -> FrozenSet[str]:
    return STOP_WORDS.get(language, frozenset())


def _without_elision(word: str) -> str:
    """"l'account" is "account", "dell'amministratore" is "amministratore"."""
    head, _, tail = word.rpartition("'") if "'" in word else word.rpartition("’")
    return tail if head and len(head) <= 5 and tail else word


def search_terms(text: str, language: str) -> List[str]:
    """The text's search terms in order (repeats kept: a term's count matters to ranking)."""
    stops = stop_words(language)
    kept: List[str] = []
    for word in words(text):
        lemma = word.lemma.casefold()
        if language == "it":
            lemma = _without_elision(lemma)
        if lemma in stops or word.text.casefold() in stops:
            continue
        # "E-Mail-Benachrichtigungen" is found by "Benachrichtigungen", "e-mail" by "email".
        parts = [part for part in lemma.split("-") if part and part not in stops]
        if len(parts) > 1:
            kept.append("".join(parts))
            kept.extend(parts)
        else:
            kept.append(lemma)
    if language not in SNOWBALL_NAMES:
        return kept
    stemmer = _stemmer(language)
    stems = [term if JAPANESE_RUN.search(term) else stemmer.stemWord(term) for term in kept]
    if language == "de":
        stems = [GERMAN_ELIDED_E.sub("el", stem) for stem in stems]
    return stems
