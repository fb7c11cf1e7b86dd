"""Vocabularies: one table per closed list (value in the data → Russian label), nothing kept apart."""

from __future__ import annotations

import enum

from helpsite.data import model as m

# a label may be empty only where the reader sees nothing (an exact figure has no «около»)
EMPTY_ALLOWED = {(m.Qualifier, "exact")}


def _vocabularies() -> list[type[m.Vocabulary]]:
    return [v for v in vars(m).values() if isinstance(v, type) and issubclass(v, m.Vocabulary) and v is not m.Vocabulary]


def test_every_value_has_a_russian_label():
    vocabularies = _vocabularies()
    assert len(vocabularies) >= 12
    for vocabulary in vocabularies:
        for member in vocabulary:
            if (vocabulary, member.value) in EMPTY_ALLOWED:
                continue
            assert member.label and any("а" <= ch.lower() <= "я" or ch == "ё" for ch in member.label), (vocabulary, member)


def test_labels_tables_are_derived_from_the_vocabulary():
    assert m.AUDIENCE_LABELS == {a.value: a.label for a in m.Audience}
    assert m.Audience("children").label == "дети" and m.Audience.children == "children"
    assert m.ACTIVITY_STATUS_LABELS["overdue"] == "просрочено"  # computed statuses keep their labels


def test_no_enum_in_the_model_is_left_without_a_table():
    """Every closed list a reader sees is a Vocabulary; the rest are settings of the build itself."""
    settings = {m.StaleLevel, m.CampaignStatus, enum.Enum}
    plain = {v for v in vars(m).values() if isinstance(v, type) and issubclass(v, enum.Enum)
             and not issubclass(v, m.Vocabulary)}
    assert plain <= settings, plain - settings
