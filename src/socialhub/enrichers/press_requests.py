"""Press opportunities: a journalist asking for witnesses, an interview or sources.

A rule-based detector over the post's text, French and English ("je cherche des abonnés
… pour un reportage", "appel à témoins", "DM ouverts", "looking for people affected",
"contactez-moi", "get in touch", "interview request"…). A request needs two things: an
*ask* (looking for, call for, contact me, DMs open) and a *press frame* (a report, an
article, a story, witnesses, testimonies) — "je cherche une coloc à Lyon" asks for
something but is no press request, "mon papier du jour" is press but asks nothing.
"DM ouverts" / "DMs open" next to a call for testimonies counts on its own.

The categories stage adds ``{"name": "press_request"}`` to a matching mention; the
digest lists the journalists' requests and routes them to the press officer in charge.
Measured on a labelled set (``scripts/press_requests_eval.py``; docs/models/
press_requests.md).

>>> press_request("Je cherche des abonnés fibre à Cannes pour un reportage, DM ouverts")
'fr'
>>> press_request("Je cherche une coloc à Lyon, budget serré") is None
True
>>> press_request("Journalist here: looking for people affected by the outage, DMs open")
'en'
"""

from __future__ import annotations

import re

__all__ = ["CATEGORY", "press_request"]

CATEGORY = "press_request"

_F = re.IGNORECASE | re.UNICODE

# what a journalist asks for
_ASK_FR = re.compile(
    r"\b(je cherche|on cherche|nous cherchons|recherch(?:e|ons)|appel (?:à|a) t[ée]moins?"
    r"|contactez[- ]moi|contactez[- ]nous|[ée]crivez[- ]moi|me contacter|nous contacter"
    r"|dm(?:s)? (?:ouverts?|open)|mp ouverts?|messages? priv[ée]s? ouverts?"
    r"|vos t[ée]moignages|t[ée]moignages? (?:sont )?(?:bienvenus?|bienvenue)"
    r"|(?:vous avez|si vous avez) (?:été|ete) (?:touch|concern|victime)"
    r"|qui (?:a|aurait|peut) (?:vécu|vecu|témoigner|temoigner)|souhaite témoigner"
    r"|prêts? (?:à|a) témoigner|pr[eê]te?s? (?:à|a) t[ée]moigner|partagez votre exp[ée]rience)",
    _F,
)
_ASK_EN = re.compile(
    r"\b(looking (?:for|to (?:interview|speak|talk|hear))|searching for"
    r"|seeking (?:people|witnesses|sources|stories|testimon\w*|anyone|someone|residents)"
    r"|call for (?:witnesses|testimonies|sources)"
    r"|contact me|get in touch|reach out|dm me|dms? (?:are )?open|my dms are open"
    r"|email me|drop me a (?:line|dm|message)|send me a (?:personal |private |direct )?message"
    r"|(?:would|wld|i'd) love to (?:hear|speak|talk) (?:from|to|with)"
    r"|want to hear from|keen to (?:hear|speak|talk)|if you (?:were|have been|are) affected"
    r"|anyone (?:who|affected|willing)|willing to (?:talk|speak|share))",
    _F,
)
# ... for the press
_FRAME_FR = re.compile(
    r"\b(reportage|article|papier|enqu[êe]te|sujet|documentaire|[ée]mission|interview"
    r"|t[ée]moins?|t[ée]moignages?|t[ée]moigner|journaliste|r[ée]daction|dossier"
    r"|(?:pour|dans) (?:le|la|un|une|mon|notre) (?:journal|jt|quotidien|magazine|podcast))",
    _F,
)
_FRAME_EN = re.compile(
    r"\b(story|stories|article|piece|report(?:ing)?|investigation|documentary|interview"
    r"|journalist|reporter|newsroom|feature|podcast|segment|witness(?:es)?|testimon(?:y|ies)"
    r"|on the record|for (?:the|a|my|our) (?:paper|show|programme|program|broadcast))",
    _F,
)
# a request stated outright
_DIRECT = re.compile(
    r"\b(appel (?:à|a) t[ée]moins|call for witnesses|interview request|demande d'interview"
    r"|(?:t[ée]moignages?|t[ée]moins?) (?:recherch[ée]s?|bienvenus?)"
    r"|witnesses (?:wanted|sought)|sources? (?:wanted|sought))",
    _F,
)
# asks that are not press requests even next to a press word
_NOT = re.compile(
    r"\b(je cherche (?:un|une) (?:coloc|appart|logement|emploi|job|stage|travail)"
    r"|looking for (?:a|an) (?:job|flat|apartment|roommate|room)"
    r"|looking forward|lire l'article|read the (?:full )?(?:article|story)"
    r"|je cherche (?:encore|toujours) (?:à|a) comprendre)",
    _F,
)


_CALL = re.compile(r"\b(call|wanted|sought|request)\b", _F)
_CASED = (_NOT, _DIRECT, _ASK_FR, _FRAME_FR, _ASK_EN, _FRAME_EN, _CALL)
# The same patterns (all lowercase) without IGNORECASE, run on ``text.lower()``: 2-3x
# faster. Both agree except on the few characters that IGNORECASE folds to an ASCII
# letter and ``str.lower`` does not (dotless i, long s, dotted capital I): texts
# holding one take the case-insensitive patterns.
_LOWER = tuple(re.compile(p.pattern, re.UNICODE) for p in _CASED)
_FOLD_APART = frozenset("\u0131\u017f\u0130")


def press_request(text: str) -> str | None:
    """``"fr"`` or ``"en"`` when ``text`` is a press request (witnesses, interview,
    sources), else None."""
    if not text:
        return None
    if _FOLD_APART.isdisjoint(text):
        text = text.lower()
        no, direct, ask_fr, frame_fr, ask_en, frame_en, call = _LOWER
    else:
        no, direct, ask_fr, frame_fr, ask_en, frame_en, call = _CASED
    if no.search(text):
        return None
    if direct.search(text):
        return "en" if call.search(text) else "fr"
    if ask_fr.search(text) and frame_fr.search(text):
        return "fr"
    if ask_en.search(text) and frame_en.search(text):
        return "en"
    return None
