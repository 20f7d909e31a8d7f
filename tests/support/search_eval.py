"""The search evaluation set: queries typed the way patients type them, run on the demo seed.

Each query lists the demo articles (slugs) that must be among its first five results. Only
queries the demo content really answers are here: "slipped disc" or "pins and needles" have
no demo article about them, and the sleep article is a draft, so they are not in the set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

BACK = "back-pain-guide"
DIET = "anti-inflammatory-diet-basics"
DESK = "desk-posture-and-ergonomics"
EXERCISE = "gentle-exercise-for-a-sore-back"
GUT = "gut-health-and-back-pain"
INFLAMMATORY = "inflammatory-vs-mechanical-back-pain"
MAST = "mast-cell-activation-back-pain-flares"
MINDFUL = "mindfulness-for-chronic-back-pain"
OMEGA = "omega-3-fatty-acids-and-back-pain"

EVALUATION_SET: dict[str, tuple[str, ...]] = {
    # misspellings
    "excercise": (EXERCISE,),
    "excercises for back pain": (EXERCISE,),
    "mindfullness": (MINDFUL,),
    "mindfulnes for pain": (MINDFUL,),
    "inflamation": (INFLAMMATORY, DIET),
    "histamin": (MAST,),
    "ergonomcs": (DESK,),
    "gut microbiom": (GUT,),
    "omega 3 suplements": (OMEGA,),
    # run-together words
    "backpain": (BACK,),
    "antiinflammatory diet": (DIET,),
    "guthealth": (GUT,),
    # plurals and other forms
    "mast cells": (MAST,),
    "exercises": (EXERCISE,),
    "walnuts": (OMEGA, DIET),
    "keyboards": (DESK,),
    "stretches": (EXERCISE,),
    # questions and abbreviations
    "what is MCAS": (MAST,),
    "mcas": (MAST,),
    "what is mindfulness": (MINDFUL,),
    "MBSR": (MINDFUL,),
    # lay terms and topic synonyms
    "backache": (BACK,),
    "lumbago": (BACK,),
    "sore back": (EXERCISE,),
    "fish oil": (OMEGA,),
    "workstation setup": (DESK,),
    "standing desk": (DESK,),
    "meditation": (MINDFUL,),
    "digestion": (GUT,),
    "heartburn": (GUT,),
    "ibuprofen stomach": (GUT,),
    "probiotics": (GUT,),
    "turmeric": (DIET,),
    "salmon": (OMEGA, DIET),
    "mediterranean diet": (DIET,),
    "morning stiffness": (INFLAMMATORY,),
    "ankylosing spondylitis": (INFLAMMATORY,),
    "inflammatory back pain": (INFLAMMATORY,),
    "histamine": (MAST, GUT),
    "antihistamines": (MAST,),
    "chronic back pain": (MINDFUL,),
    "desk posture": (DESK,),
    "spine pain": (BACK,),
    "anti inflammatory diet": (DIET,),
}


@dataclass(frozen=True)
class Measure:
    precision_at_5: float
    recall_at_5: float
    misses: dict[str, tuple[list[str], tuple[str, ...]]]


def evaluate(top_five: Callable[[str], list[str]]) -> Measure:
    """Mean precision@5 and recall@5 over the set; `top_five(q)` gives the first five slugs.

    Precision@5 of a query: the share of its first (at most) five results that are expected;
    recall@5: the share of its expected articles that are among the first five.
    """
    precision = recall = 0.0
    misses = {}
    for query, expected in EVALUATION_SET.items():
        found = top_five(query)[:5]
        relevant = [slug for slug in found if slug in expected]
        precision += len(relevant) / len(found) if found else 0.0
        recall += len(set(relevant)) / len(expected)
        if set(expected) - set(found):
            misses[query] = (found, expected)
    count = len(EVALUATION_SET)
    return Measure(round(precision / count, 3), round(recall / count, 3), misses)
