"""Search keys of Czech words: one key for the forms of a word, with or without diacritics."""

import re

import pytest

from intranet.text import fold
from intranet.words import WORD, text_keys, word_key

MINUTES = (
    "Zápis ze setkání pracovní skupiny Senioři a pečovatelské služby. Starostka obce přivítala "
    "členy skupiny a zástupce poskytovatelů sociálních služeb. Pečovatelskou službu využívá "
    "146 klientů v obcích do pěti set obyvatel; rodiny s dětmi čekají na místa v domovech. "
    "Usnesení: pracovní skupina doporučuje obcím podpořit dotacemi pečovatelskou službu."
)


def one_key(forms: str) -> set[str]:
    return {word_key(form) for form in forms.split()}


@pytest.mark.parametrize("forms", [
    "pečovatelské pecovatelske pečovatelská pecovatelska pecovatelskou pecovatelskych "
    "pečovatelských pečovatelský pecovatelskym",
    "obec obci obcí obcích obce obcím obcemi",
    "služba služby sluzby sluzeb sluzbam službách službou",
    "zápis zápisu zapisu zápisy zápisů zápisem",
    "setkání setkani setkáních setkáním",
    "starosta starostu starostou starostové starostů",
    "starostka starostky starostce starostkou starostek",
    "pracovní pracovni pracovních pracovnim",
    "skupina skupiny skupin skupinu skupinou skupinám skupinách",
    "sociální socialni sociálních socialnich sociálním",
    "dítě dite děti deti dětí detem dětmi",
    "senioři seniori seniorů seniorům seniory",  # not in the dictionary: the stem does it
    "rodina rodiny rodin rodinám",
    "klient klienta klienti klientů",
    "dotace dotaci dotací dotacemi",
    "březen března brezna",  # the month, not the village of Březno
    "péče pece péči peci péčí",
])
def test_the_forms_of_a_word_share_its_key(forms):
    assert len(one_key(forms)) == 1


@pytest.mark.parametrize("words", [
    "obec obed", "sluzba sluha", "sluha sluzka", "obec obecní", "zápis zapsat",
    "skupina skupenství", "dítě dívka",
])
def test_different_words_keep_different_keys(words):
    assert len(one_key(words)) == len(words.split())


def test_a_query_without_diacritics_gets_the_keys_of_the_text():
    for word in WORD.findall(MINUTES):
        assert word_key(fold(word)) == word_key(word) == word_key(word.upper()), word


def test_keys_are_safe_tokens():
    text = MINUTES + " e-mail covid-19 snake_case Straße Łódź Ærø 10ti č.j. ½ Привет 東京"
    keys = text_keys(text).split()
    assert keys and all(re.fullmatch("[a-z0-9]+", key) for key in keys)


def test_short_words_and_numbers_stay_as_they_are():
    assert [word_key(word) for word in ["do", "Č", "je", "2024", "10ti", "Z"]] == [
        "do", "c", "je", "2024", "10ti", "z"]
    assert word_key("Привет") == ""


def test_text_keys_are_the_keys_of_the_words_in_order():
    assert text_keys("Pečovatelské služby v obcích, 2024.") == " ".join(
        word_key(word) for word in ["pecovatelska", "sluzeb", "v", "obec", "2024"])
    assert text_keys("") == text_keys("– ,") == ""
